"""The rules, one module per rule: ``vg004_missing_nolock.py`` holds VG004's metadata,
documentation (its docstring), check and editor hooks.

Codes and names are a public contract: never renumber or rename. To add a rule,
add a module defining ``RULE``, list it in ``_MODULES``, add its fixture file
under ``tests/analysis/rule_fixtures/`` and regenerate ``docs/rules.md``
(``python -m vgpt2.server.analysis.rules.docs > docs/rules.md``).
"""

from __future__ import annotations

from vgpt2.server.analysis.rules import (
    vg000_syntax_error,
    vg001_unknown_object,
    vg002_unknown_column,
    vg003_wrong_case,
    vg004_missing_nolock,
    vg005_base_table,
    vg006_partial_key_join,
    vg007_month_not_first_day,
    vg008_ambiguous_column,
)
from vgpt2.server.analysis.rules.base import DOCS_URL, Action, Check, Rule

__all__ = ["CHECKS", "DOCS_URL", "RULES", "Action", "Check", "Rule", "parse_codes"]

_MODULES = (
    vg000_syntax_error, vg001_unknown_object, vg002_unknown_column, vg003_wrong_case,
    vg004_missing_nolock, vg005_base_table, vg006_partial_key_join,
    vg007_month_not_first_day, vg008_ambiguous_column,
)

RULES: dict[str, Rule] = {module.RULE.code: module.RULE for module in _MODULES}

CHECKS: tuple[Check, ...] = tuple(rule.check for rule in RULES.values() if rule.check)
"""What the analyzer runs on each statement's model (VG000 comes from parsing)."""


def parse_codes(text: str | None) -> set[str]:
    """``"VG004,vg005"`` -> ``{"VG004", "VG005"}``; unknown codes raise ValueError."""
    if not text:
        return set()
    codes = {c.strip().upper() for c in text.replace(" ", ",").split(",") if c.strip()}
    unknown = codes - RULES.keys()
    if unknown:
        raise ValueError(f"unknown rule code(s): {', '.join(sorted(unknown))}")
    return codes
