"""The rules: each turns the resolver's model of a statement into findings with fixes.

One function per rule, all pure; :mod:`analyzer` runs them in order. Codes and
names live in :mod:`rules`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from datetime import date

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import ObjectType
from vgpt2.catalog.search import search
from vgpt2.server.analysis.findings import Edit, Finding, Fix
from vgpt2.server.analysis.model import (
    ColumnRef,
    ColumnStatus,
    Source,
    SourceKind,
    StatementModel,
    TableRef,
)

Check = Callable[[StatementModel, Catalog, str], Iterator[Finding]]
"""(model, catalog, file text) -> findings."""


def _replacement(text: str, start: int, end: int, name: str) -> str:
    """Keep the user's quoting: ``[bJCCM]`` becomes ``[JCCM]``."""
    written = text[start:end]
    if written.startswith("["):
        return f"[{name}]"
    if written.startswith('"'):
        return f'"{name}"'
    return name


def unknown_objects(model: StatementModel, catalog: Catalog, text: str) -> Iterator[Finding]:
    """VG001 for objects the catalog lacks, VG003 for ones written in the wrong case."""
    for ref in model.tables:
        source = ref.source
        if source.kind is SourceKind.MISSING:
            yield _missing(catalog, text, source.name, ref.start, ref.end, routine=False)
        elif source.catalog_name and source.catalog_name != source.name:
            yield _wrong_case(text, source.name, source.catalog_name, ref.start, ref.end)
    for name, start, end in model.routines:
        matches = catalog.lookup(name)
        if not matches:
            yield _missing(catalog, text, name, start, end, routine=True)
        elif matches[0].name != name:
            yield _wrong_case(text, name, matches[0].name, start, end)


def _missing(catalog: Catalog, text: str, name: str, start: int, end: int,
             routine: bool) -> Finding:
    """Suggest by spelling ("JCJN" -> JCJM) and, for tables, by meaning ("Customers" -> ARCM)."""
    wanted = ((ObjectType.PROCEDURE, ObjectType.FUNCTION) if routine
              else (ObjectType.TABLE, ObjectType.VIEW, ObjectType.FUNCTION))
    # Compare without case: the collation is case-sensitive, the user's typing is not.
    names = {h.name.lower(): h.name for h in catalog.headers() if h.type in wanted}
    spelled = [names[n] for n in difflib.get_close_matches(name.lower(), list(names), n=4,
                                                           cutoff=0.7)]
    spelled = list(dict.fromkeys(catalog.preferred_name(s) for s in spelled))
    hits = [] if routine else [h for h in search(catalog, name, limit=3)
                               if h.name not in spelled and h.type in ("table", "view")]
    synonyms = [h.name for h in hits if "synonym" in h.why]  # "Customers" means ARCM
    meant = [h.name for h in hits if h.name not in synonyms]
    suggestions = list(dict.fromkeys(synonyms + spelled + meant))[:4]
    message = f"'{name}' is not in the catalog"
    if suggestions:
        message += "; did you mean " + ", ".join(suggestions) + "?"
    fixes = tuple(Fix(f"Replace with {s}", (Edit(start, end, _replacement(text, start, end, s)),),
                      safe=False) for s in suggestions)
    return Finding("VG001", message, start, end, fixes=fixes, related=tuple(suggestions))


def _wrong_case(text: str, written: str, exact: str, start: int, end: int) -> Finding:
    return Finding(
        "VG003", f"'{written}' should be written '{exact}' (names are case-sensitive)",
        start, end,
        fixes=(Fix(f"Change to {exact}", (Edit(start, end, _replacement(text, start, end,
                                                                         exact)),)),),
        related=(exact,))


def base_tables(model: StatementModel, catalog: Catalog, text: str) -> Iterator[Finding]:
    """VG005: query the view, not the b/v base table behind it."""
    for ref in model.tables:
        name = ref.source.catalog_name
        if not ref.read or not name:
            continue
        view = catalog.view_for(name)
        if view is None:
            continue
        yield Finding(
            "VG005", f"'{name}' is a base table; query its view '{view}' instead",
            ref.start, ref.end,
            fixes=(Fix(f"Use view {view}", (Edit(ref.start, ref.end,
                                                 _replacement(text, ref.start, ref.end, view)),)),),
            related=(view,))


def missing_nolock(model: StatementModel, catalog: Catalog, text: str) -> Iterator[Finding]:
    """VG004: every catalog table or view a SELECT reads carries WITH (NOLOCK)."""
    for ref in model.tables:
        if not ref.read or ref.has_nolock or ref.source.kind is not SourceKind.CATALOG:
            continue
        yield Finding(
            "VG004", f"'{ref.source.name}' is read without WITH (NOLOCK)", ref.start, ref.end,
            fixes=(nolock_fix(ref),))


def nolock_fix(ref: TableRef) -> Fix:
    if ref.hint_close is not None:
        return Fix("Add NOLOCK to the table hint", (Edit(ref.hint_close, ref.hint_close,
                                                         ", NOLOCK"),))
    return Fix("Add WITH (NOLOCK)", (Edit(ref.insert_at, ref.insert_at, " WITH (NOLOCK)"),))


def column_findings(model: StatementModel, catalog: Catalog, text: str) -> Iterator[Finding]:
    """VG002 unknown column, VG003 wrong case, VG008 ambiguous column."""
    for ref in model.columns:
        if ref.status is ColumnStatus.UNKNOWN:
            yield _unknown_column(ref)
        elif ref.status is ColumnStatus.WRONG_CASE and ref.exact:
            yield Finding(
                "VG003", f"column '{ref.name}' should be written '{ref.exact}' "
                "(names are case-sensitive)", ref.start, ref.end,
                fixes=(Fix(f"Change to {ref.exact}", (Edit(ref.start, ref.end,
                                                           _replacement(text, ref.start, ref.end,
                                                                        ref.exact)),)),),
                related=(ref.exact,))
        elif ref.status is ColumnStatus.AMBIGUOUS:
            owners = [_label(s) for s in ref.matches]
            fixes = tuple(
                Fix(f"Qualify as {s.alias}.{ref.name}",
                    (Edit(ref.start, ref.start, f"{s.alias}."),), safe=False)
                for s in ref.matches if s.alias)
            yield Finding("VG008", f"column '{ref.name}' is in more than one object: "
                          + ", ".join(owners), ref.start, ref.end, fixes=fixes,
                          related=tuple(owners))


def _label(source: Source) -> str:
    name = source.catalog_name or source.name
    plain = source.alias.lstrip("#") in ("", name.lstrip("#"))
    return name if plain else f"{name} {source.alias}"


def _unknown_column(ref: ColumnRef) -> Finding:
    searched = [s for s in ref.searched if s.columns is not None]
    pool = {exact: s for s in searched for exact in (s.columns or {}).values()}
    close = difflib.get_close_matches(ref.name, list(pool), n=3, cutoff=0.6)
    where = ", ".join(dict.fromkeys(_label(s) for s in searched)) or "no object"
    message = f"column '{ref.name}' is not in {where}"
    if close:
        message += "; closest: " + ", ".join(close)
    fixes = tuple(Fix(f"Replace with {c}", (Edit(ref.start, ref.end, c),), safe=False)
                  for c in close)
    return Finding("VG002", message, ref.start, ref.end, fixes=fixes,
                   related=tuple(dict.fromkeys(_label(s) for s in searched)))


def partial_joins(model: StatementModel, catalog: Catalog, text: str) -> Iterator[Finding]:
    """VG006: a join between catalog objects uses only part of their composite key."""
    from sqlglot import exp

    for join in model.joins:
        if any(isinstance(node, exp.Or) for node in join.condition.walk()):
            continue  # appending "AND ..." to a condition with OR would change its meaning
        pairs: dict[tuple[str, str], set[tuple[str, str]]] = {}
        for equality in join.condition.find_all(exp.EQ):
            left, right = equality.this, equality.expression
            if not (isinstance(left, exp.Column) and isinstance(right, exp.Column)):
                continue
            if not (left.table and right.table):
                continue
            a, b = join.frame.get(left.table), join.frame.get(right.table)
            if a is None or b is None or a is b or not (a.catalog_name and b.catalog_name):
                continue
            key = (left.table, right.table)
            reverse = (right.table, left.table)
            if reverse in pairs:
                pairs[reverse].add((right.name, left.name))
            else:
                pairs.setdefault(key, set()).add((left.name, right.name))
        for (left_alias, right_alias), used in pairs.items():
            left, right = join.frame[left_alias], join.frame[right_alias]
            assert left.catalog_name and right.catalog_name
            relationship = catalog.join_path(left.catalog_name, right.catalog_name)
            if relationship is None:
                continue
            wanted = set(relationship.column_pairs)
            if not used <= wanted or used == wanted:
                continue
            if all(a.endswith("Group") for a, _ in used):
                # A join on the group alone (HQCO to APVM on VendorGroup: the company's
                # vendors) is a deliberate group-level join, not half a key.
                continue
            missing = [(a, b) for a, b in relationship.column_pairs if (a, b) not in used
                       and not join.equal.same(f"{left_alias.lower()}.{a.lower()}",
                                               f"{right_alias.lower()}.{b.lower()}")]
            if not missing:
                continue
            addition = "".join(f" AND {left_alias}.{a} = {right_alias}.{b}" for a, b in missing)
            start = min(_identifier_starts(join.condition), default=join.end)
            yield Finding(
                "VG006",
                f"join of {left.catalog_name} and {right.catalog_name} uses "
                f"{len(used)} of {len(wanted)} key columns; missing "
                + ", ".join(a for a, _ in missing),
                start, join.end,
                fixes=(Fix("Complete the join condition",
                           (Edit(join.end, join.end, addition),)),),
                related=(left.catalog_name, right.catalog_name))


def _identifier_starts(node: object) -> Iterator[int]:
    from sqlglot import exp

    assert isinstance(node, exp.Expr)
    for identifier in node.find_all(exp.Identifier):
        start = identifier.meta.get("file_start")
        if isinstance(start, int):
            yield start


def month_literals(model: StatementModel, catalog: Catalog, text: str) -> Iterator[Finding]:
    """VG007: bMonth columns hold the first day of a month."""
    for comparison in model.months:
        value = comparison.literal.this
        parsed = _parse_date(value)
        if parsed is not None and parsed.day == 1:
            continue
        first = _first_of_month(value, parsed)
        message = (f"'{value}' compared with month column '{comparison.column.name}', which "
                   "holds the first day of a month")
        fixes: tuple[Fix, ...] = ()
        if first:
            message += f"; did you mean '{first}'?"
            fixes = (Fix(f"Use '{first}'", (Edit(comparison.start, comparison.end,
                                                 f"'{first}'"),), safe=False),)
        yield Finding("VG007", message, comparison.start, comparison.end, fixes=fixes)


def _parse_date(value: str) -> date | None:
    text = value.strip().split(" ")[0].split("T")[0]
    for separator in ("-", "/", "."):
        parts = text.split(separator)
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                if len(parts[0]) == 4:
                    return date(int(parts[0]), int(parts[1]), int(parts[2]))
                return date(int(parts[2]), int(parts[0]), int(parts[1]))  # mm/dd/yyyy
            except ValueError:
                return None
    if len(text) == 8 and text.isdigit():
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return None
    return None


def _first_of_month(value: str, parsed: date | None) -> str | None:
    if parsed is not None:
        return parsed.replace(day=1).isoformat()
    parts = value.strip().replace("/", "-").split("-")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        year, month = (parts[0], parts[1]) if len(parts[0]) == 4 else (parts[1], parts[0])
        if 1 <= int(month) <= 12:
            return f"{int(year):04d}-{int(month):02d}-01"
    return None


CHECKS: tuple[Check, ...] = (
    unknown_objects, base_tables, missing_nolock, column_findings, partial_joins, month_literals,
)
