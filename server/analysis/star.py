"""Expand ``SELECT *`` (or ``alias.*``) into the explicit column list from the catalog.

Report writers start with ``*`` and trim; Vista views have 50-200 columns, so
the list is written one column per line, qualified with the user's aliases.
Only done when every source of that SELECT is a catalog object with known
columns: a guess is worse than no action.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.sql.names import qualifier_before
from vgpt2.catalog.sql.tokens import tokenize
from vgpt2.server.analysis.findings import Edit, LineIndex
from vgpt2.server.analysis.statements import split_batches, split_statements


def expand_star(text: str, offset: int, catalog: Catalog) -> Edit | None:
    """The edit that replaces the ``*`` at (or right before) ``offset``, or None."""
    for batch in split_batches(text):
        if not batch.offset <= offset <= batch.offset + len(batch.text):
            continue
        tokens = tokenize(batch.text)
        relative = offset - batch.offset
        star = next((i for i, t in enumerate(tokens)
                     if t.text == "*" and t.start <= relative <= t.end), None)
        if star is None:
            return None
        qualifier = None
        first = star
        written = qualifier_before(tokens, star)
        if written is not None and len(written.parts) == 1:  # alias.*, not dbo.APTH.*
            qualifier = written.name
            first = written.first
        if first == 0 or not (tokens[first - 1].upper in ("SELECT", "DISTINCT")
                              or tokens[first - 1].text == ","):
            return None  # a multiplication or COUNT(*), not a projection
        for statement in split_statements(batch.text, tokens):
            if statement.start <= tokens[star].start < statement.end and not statement.prefix:
                columns = _columns(statement.source(batch.text), tokens[star].start
                                   - statement.start, qualifier, catalog)
                if not columns:
                    return None
                start = batch.offset + tokens[first].start
                indent = " " * LineIndex(text).position(start)[1]
                return Edit(start, batch.offset + tokens[star].end, (",\n" + indent).join(columns))
    return None


def _columns(source: str, star_at: int, qualifier: str | None,
             catalog: Catalog) -> list[str] | None:
    try:
        tree = sqlglot.parse_one(source, read="tsql")
    except (SqlglotError, RecursionError, ValueError):
        return None
    select = _select_of(tree, star_at)
    if select is None:
        return None
    tables: list[exp.Expr] = []
    from_ = select.args.get("from_")
    if isinstance(from_, exp.From):
        tables.append(from_.this)
    tables += [join.this for join in select.args.get("joins") or []]
    columns: list[str] = []
    for table in tables:
        if not isinstance(table, exp.Table) or not isinstance(table.this, exp.Identifier):
            return None  # a derived table, APPLY or function: columns not known here
        alias = table.alias or table.name
        if qualifier is not None and alias.lower() != qualifier.lower():
            continue
        found = catalog.lookup(table.name)
        obj = catalog.get(found[0].name) if found else None
        if obj is None or not obj.columns:
            return None
        prefix = f"{alias}." if len(tables) > 1 or qualifier is not None else ""
        columns += [f"{prefix}{column.name}" for column in obj.columns]
    return columns


def _select_of(tree: exp.Expr, star_at: int) -> exp.Select | None:
    """The SELECT whose first source comes soonest after the star."""
    best: tuple[int, exp.Select] | None = None
    for select in tree.find_all(exp.Select):
        from_ = select.args.get("from_")
        if not isinstance(from_, exp.From):
            continue
        starts = [i.meta["start"] for i in from_.find_all(exp.Identifier) if "start" in i.meta]
        if not starts or min(starts) < star_at:
            continue
        if best is None or min(starts) < best[0]:
            best = (min(starts), select)
    return best[1] if best else None

