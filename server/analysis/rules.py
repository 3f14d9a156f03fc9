"""The rule table. Codes and names are a public contract: never renumber or rename."""

from __future__ import annotations

from dataclasses import dataclass

from vgpt2.server.analysis.findings import Severity

DOCS_URL = "https://github.com/vgpt2/vgpt2/blob/main/docs/rules.md"


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str

    @property
    def docs_url(self) -> str:
        return f"{DOCS_URL}#{self.code.lower()}-{self.name}"


RULES: dict[str, Rule] = {rule.code: rule for rule in (
    Rule("VG000", "syntax-error", Severity.ERROR, "The statement does not parse."),
    Rule("VG001", "unknown-object", Severity.ERROR,
         "Table, view, function or procedure not in the catalog."),
    Rule("VG002", "unknown-column", Severity.ERROR, "Column not in any in-scope object."),
    Rule("VG003", "wrong-case", Severity.ERROR,
         "Object or column exists with different case (the collation is case-sensitive)."),
    Rule("VG004", "missing-nolock", Severity.WARNING,
         "A catalog table or view read in a SELECT without WITH (NOLOCK)."),
    Rule("VG005", "base-table", Severity.WARNING,
         "A b/v-prefixed base table queried where its view exists."),
    Rule("VG006", "partial-key-join", Severity.WARNING,
         "A join between two catalog objects uses only part of their composite key."),
    Rule("VG007", "month-not-first-day", Severity.WARNING,
         "A month column (bMonth) compared with a date that is not the first of a month."),
    Rule("VG008", "ambiguous-column", Severity.ERROR,
         "An unqualified column present in more than one in-scope object."),
)}


def parse_codes(text: str | None) -> set[str]:
    """``"VG004,vg005"`` -> ``{"VG004", "VG005"}``; unknown codes raise ValueError."""
    if not text:
        return set()
    codes = {c.strip().upper() for c in text.replace(" ", ",").split(",") if c.strip()}
    unknown = codes - RULES.keys()
    if unknown:
        raise ValueError(f"unknown rule code(s): {', '.join(sorted(unknown))}")
    return codes
