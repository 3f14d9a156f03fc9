"""DPO rejected sides: the gold query with exactly one realistic mistake.

Each kind edits the gold in one place, so chosen and rejected differ by the
mistake and nothing else (the pair teaches the mistake, not a style). A
mutation is kept only when the analyzer reports the finding it claims
(:data:`~vgpt2.training.dataset.records.DPO_CODES`), ideally as its only
finding; ``wrong-company`` on an object that also has another module's company
column is proven instead by execution: the rejected query runs and returns
other rows than the gold on some sample database.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from vgpt2.catalog.catalog import Catalog
from vgpt2.training.dataset.records import Candidate

_COMPANIES = ("APCo", "ARCo", "JCCo", "PRCo", "GLCo", "EMCo", "POCo", "SLCo", "PMCo", "INCo",
              "HQCo", "CMCo")
_INVENTED_COLUMNS = ("TotalAmount", "CustomerName", "VendorName", "StatusCode", "CreatedDate",
                     "JobName", "InvoiceNumber", "Amount2", "IsActive", "PhaseName")
_MONTH = re.compile(r"(\.Mth\s*(?:=|>=|<=|<|>)\s*)'(\d{4})-(\d{2})-01'")
_SELECT_COLUMN = re.compile(r"\b([a-z][a-z0-9]*)\.([A-Z][A-Za-z0-9_]*)\b")

Mutation = Callable[[Catalog, Candidate, str], str | None]


def invented_object(catalog: Catalog, candidate: Candidate, sql: str) -> str | None:
    root = candidate.objects[0]
    header = catalog.header(root)
    words = [w for w in re.findall(r"[A-Za-z]+", (header.description or "") if header else "")
             if w.lower() != root[:2].lower()]
    stem = "".join(w.capitalize() for w in words[:3]) or "Data"
    for name in (f"{root[:2]}{stem}", f"{root}Detail", f"{root}s", f"{root[:2]}Master"):
        if not catalog.lookup(name) and name != root:
            return sql.replace(f"dbo.{root} ", f"dbo.{name} ", 1)
    return None


def invented_column(catalog: Catalog, candidate: Candidate, sql: str) -> str | None:
    select = sql.split("\nFROM", 1)[0]
    keys = set(catalog.key_columns(candidate.objects[0]))
    for match in _SELECT_COLUMN.finditer(select):
        alias, column = match.groups()
        if column in keys or column.endswith("Co"):
            continue
        present = {c.name.lower() for o in candidate.objects for c in catalog.columns(o)}
        for invented in _INVENTED_COLUMNS:
            if invented.lower() not in present:
                start = match.start()
                return sql[:start] + f"{alias}.{invented}" + sql[match.end():]
    return None


def missing_nolock(catalog: Catalog, candidate: Candidate, sql: str) -> str | None:
    hints = [m.start() for m in re.finditer(r" WITH \(NOLOCK\)", sql)]
    if not hints:
        return None
    at = hints[-1]
    return sql[:at] + sql[at + len(" WITH (NOLOCK)"):]


def half_join(catalog: Catalog, candidate: Candidate, sql: str) -> str | None:
    match = re.search(r"\n\s+ON [^\n]+((?:\n\s+AND [^\n]+)+)", sql)
    if match is None:
        return None
    lines = match.group(1).split("\n")
    dropped = "\n".join(lines[:-1])
    return sql[:match.start(1)] + dropped + sql[match.end(1):]


def base_table(catalog: Catalog, candidate: Candidate, sql: str) -> str | None:
    for name in candidate.objects:
        base = catalog.base_tables_of(name)
        if base:
            return sql.replace(f"dbo.{name} ", f"dbo.{base[0]} ", 1)
    return None


def wrong_case(catalog: Catalog, candidate: Candidate, sql: str) -> str | None:
    select = sql.split("\nFROM", 1)[0]
    for match in _SELECT_COLUMN.finditer(select):
        alias, column = match.groups()
        if column.lower() != column and not column.endswith("Co"):
            return sql[:match.start()] + f"{alias}.{column.lower()}" + sql[match.end():]
    return None


def mid_month(catalog: Catalog, candidate: Candidate, sql: str) -> str | None:
    match = _MONTH.search(sql)
    if match is None:
        return None
    return (sql[:match.start()] + f"{match.group(1)}'{match.group(2)}-{match.group(3)}-15'"
            + sql[match.end():])


def wrong_company(catalog: Catalog, candidate: Candidate, sql: str) -> str | None:
    root = candidate.objects[0]
    match = re.search(r"\b([a-z][a-z0-9]*)\.([A-Z]{2}Co) = @([A-Z]{2}Co)\b", sql)
    if match is None:
        return None
    right = match.group(2)
    own = {c.name for c in catalog.columns(root)}
    # Prefer another module's company column the object really has (APTL.JCCo): a silent
    # mistake only execution shows; otherwise one it lacks (the analyzer's VG002).
    others = [c for c in _COMPANIES if c != right and c in own] or [
        c for c in _COMPANIES if c != right and c not in own]
    wrong = others[0]
    text = sql.replace(f"@{right}", f"@{wrong}")
    return text.replace(f"{match.group(1)}.{right} = @{wrong}", f"{match.group(1)}.{wrong} = "
                        f"@{wrong}", 1)


MUTATIONS: dict[str, Mutation] = {
    "invented-object": invented_object, "invented-column": invented_column,
    "missing-nolock": missing_nolock, "half-join": half_join, "base-table": base_table,
    "wrong-case": wrong_case, "mid-month": mid_month, "wrong-company": wrong_company,
}
