"""View column resolution: which columns a view (or inline function) returns, typed.

A view's SELECT is resolved after all files are read, through the objects it
reads (tables, other views, table-valued functions, CTEs, subqueries), so a
view over a view over a table gets the table's column types. ``SELECT a.* FROM
t a`` is answered without sqlglot; anything that cannot be told leaves the
columns unknown, with an issue saying why.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from vgpt2.catalog.importers.ddl.descriptions import _COMMENT
from vgpt2.catalog.importers.ddl.drafts import _Draft, _Query, _ReaderState
from vgpt2.catalog.importers.ddl.types import (
    UNKNOWN,
    _parse_type_text,
    _Sizes,
    _sql_type_sizes,
    _TypeRef,
)
from vgpt2.catalog.model import Column
from vgpt2.catalog.sql.names import DOTTED_PATTERN, PART_PATTERN, last_part
from vgpt2.catalog.sqltypes import SQL_TYPES

_CHECK_OPTION = re.compile(r"\bwith\s+check\s+option\s*;?\s*$", re.IGNORECASE)
_TRIVIAL_VIEW = re.compile(
    rf"^\s*select\s+(?:(?P<qualifier>{PART_PATTERN})\s*\.\s*)?\*\s+from\s+"
    rf"(?P<name>{DOTTED_PATTERN})"
    rf"(?:\s+(?:as\s+)?(?P<alias>{PART_PATTERN}))??"
    r"(?:\s+with\s*\(\s*nolock\s*\))?\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_FROM_JOIN = re.compile(rf"\b(?:from|join)\s+(?P<name>{DOTTED_PATTERN})", re.IGNORECASE)
_NOT_TABLES = frozenset({"select", "where", "on", "as", "with"})


class _ViewResolver(_ReaderState):
    """Columns of views and inline functions, from their SELECT and what it reads."""

    def _query(self, draft: _Draft) -> _Query:
        cached = self._queries.get(draft.name)
        if cached is None:
            cached = _parse_query(draft.select or "")
            self._queries[draft.name] = cached
        return cached

    def _object_columns(self, name: str) -> tuple[Column, ...] | None:
        """Columns of a table, view or function by name; None when they cannot be known."""
        draft = self.objects.get(name)
        if draft is None:
            if self._folded_objects is None:
                self._folded_objects = {}
                for object_name, candidate in self.objects.items():
                    self._folded_objects.setdefault(object_name.lower(), candidate)
            draft = self._folded_objects.get(name.lower())
            if draft is None:
                return None
        if draft.select is None:
            return self._table_columns.get(draft.name) if draft.columns else None
        if draft.name in self._view_columns:
            return self._view_columns[draft.name]
        if draft.name in self._resolving:
            return None  # a cycle of views
        self._resolving.add(draft.name)
        try:
            columns = self._resolve_query(self._query(draft), draft.column_aliases)
        finally:
            self._resolving.discard(draft.name)
        self._view_columns[draft.name] = columns
        return columns

    def _resolve_query(self, query: _Query, aliases: list[str]) -> tuple[Column, ...] | None:
        found: list[Column] | None
        if query.trivial is not None:
            source = self._object_columns(query.trivial[0])
            found = list(source) if source is not None else None
        elif query.tree is not None:
            try:
                found = self._select_columns(query.tree, {}, 0, unnamed_ok=bool(aliases))
            except RecursionError:
                found = None
        else:
            found = None
        if found is None or not found:
            return None
        if aliases and len(aliases) != len(found):
            return None
        names = aliases or [c.name for c in found]
        return tuple(
            c if c.ordinal == i and c.name == name else _renamed(c, name, i)
            for i, (c, name) in enumerate(zip(found, names, strict=True), start=1)
        )

    def _select_columns(
        self, node: exp.Expr, ctes: dict[str, exp.Expr], depth: int, unnamed_ok: bool = False
    ) -> list[Column] | None:
        """The columns a query returns, typed from its sources; None when they cannot be told.

        ``unnamed_ok``: the view names its columns itself (``CREATE VIEW v (a, b)``).
        """
        if depth > 20:
            return None
        while isinstance(node, exp.Subquery | exp.Paren):
            node = node.this
        ctes = dict(ctes)
        with_ = node.args.get("with_") or node.args.get("with")
        if isinstance(with_, exp.With):
            for cte in with_.expressions:
                if isinstance(cte, exp.CTE):
                    ctes[cte.alias_or_name] = cte.this
        while isinstance(node, exp.SetOperation):
            node = node.this
            while isinstance(node, exp.Subquery | exp.Paren):
                node = node.this
        if not isinstance(node, exp.Select):
            return None

        sources: list[tuple[str, str, list[Column] | None]] = []
        from_ = node.args.get("from_") or node.args.get("from")
        items = [from_.this] if isinstance(from_, exp.From) else []
        items += [join.this for join in node.args.get("joins") or [] if isinstance(join, exp.Join)]
        for item in items:
            alias = item.alias_or_name
            columns: list[Column] | None = None
            if isinstance(item, exp.Table) and isinstance(item.this, exp.Anonymous):
                resolved = self._object_columns(item.this.name)  # a table-valued function
                sources.append((alias, alias, list(resolved) if resolved is not None else None))
            elif isinstance(item, exp.Table) and isinstance(item.this, exp.Identifier):
                table = item.name.strip()
                if table in ctes and not item.db:
                    others = {k: v for k, v in ctes.items() if k != table}
                    columns = self._select_columns(ctes[table], others, depth + 1)
                else:
                    resolved = self._object_columns(table)
                    columns = list(resolved) if resolved is not None else None
                sources.append((alias.strip(), table, columns))
            elif isinstance(item, exp.Subquery):
                columns = self._select_columns(item.this, ctes, depth + 1)
                sources.append((alias, alias, columns))
            else:
                sources.append((alias, alias, None))

        scope = _Scope(sources)
        out: list[Column] = []
        for projection in node.selects:
            if isinstance(projection, exp.Star):
                for _, _, columns in sources:
                    if columns is None:
                        return None
                    out.extend(columns)
                continue
            if isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
                known, columns = scope.lookup(projection.table)
                if not known or columns is None:
                    return None
                out.extend(columns)
                continue
            named = _projection_name(projection)
            if named is None:
                if not unnamed_ok:
                    return None
                named = ("", projection)
            out.append(self._typed_column(named[0], named[1], scope))
        return out

    def _typed_column(self, name: str, inner: exp.Expr, scope: _Scope) -> Column:
        """A view column: the source column's type for a plain reference or a CAST."""
        unknown = Column(name=name, ordinal=0, data_type=UNKNOWN, base_type=UNKNOWN)
        if isinstance(inner, exp.Column) and not isinstance(inner.this, exp.Star):
            candidates: list[list[Column] | None]
            if inner.table:
                known, columns = scope.lookup(inner.table)
                candidates = [columns] if known else []
            else:
                candidates = [columns for _, _, columns in scope.sources]
            for columns in candidates:
                match = _find_column(columns or [], inner.name)
                if match is not None:
                    return _renamed(match, name, match.ordinal)
            return unknown
        if isinstance(inner, exp.Cast | exp.Convert):
            to = inner.args.get("to") if isinstance(inner, exp.Cast) else inner.this
            if isinstance(to, exp.DataType):
                try:
                    ref = _parse_type_text(to.sql(dialect="tsql"))
                except Exception:  # sqlglot cannot print every type it parses
                    ref = None
                if ref is not None:
                    return self._cast_column(name, ref) or unknown
        return unknown

    def _cast_column(self, name: str, ref: _TypeRef) -> Column | None:
        if ref.name in SQL_TYPES:
            sizes = _sql_type_sizes(ref.name, ref.args)
            data_type = ref.name
        else:
            user_type = self.result.types.get(ref.name)
            if user_type is None:
                return None
            sizes = _Sizes(user_type.base_type, user_type.max_length, user_type.precision,
                           user_type.scale)
            data_type = user_type.name
        return Column(name=name, ordinal=0, data_type=data_type, base_type=sizes.base_type,
                      max_length=sizes.max_length, precision=sizes.precision, scale=sizes.scale)

class _Scope:
    """The FROM sources of one SELECT: ``(alias, object name, columns or None)``."""

    def __init__(self, sources: list[tuple[str, str, list[Column] | None]]) -> None:
        self.sources = sources

    def lookup(self, qualifier: str) -> tuple[bool, list[Column] | None]:
        for alias, _, columns in self.sources:
            if alias == qualifier:
                return True, columns
        lowered = qualifier.lower()
        for alias, table, columns in self.sources:
            if table == qualifier or alias.lower() == lowered or table.lower() == lowered:
                return True, columns
        return False, None


def _projection_name(projection: exp.Expr) -> tuple[str, exp.Expr] | None:
    """``(name, expression)`` of one SELECT-list item, as SQL Server names it; None if unnamed."""
    if isinstance(projection, exp.Alias):
        return (projection.alias, projection.this) if projection.alias else None
    if isinstance(projection, exp.EQ):  # 'Name' = expr, [Name] = expr
        left = projection.this
        if (isinstance(left, exp.Literal) and left.is_string) or (
                isinstance(left, exp.Column) and not left.table):
            return (left.name, projection.expression) if left.name else None
        return None
    inner = projection
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if isinstance(inner, exp.Column) and not isinstance(inner.this, exp.Star):
        return inner.name, inner
    alias = projection.alias
    return (alias, projection) if alias else None


def _renamed(column: Column, name: str, ordinal: int) -> Column:
    return Column(
        name=name, ordinal=ordinal, data_type=column.data_type, base_type=column.base_type,
        max_length=column.max_length, precision=column.precision, scale=column.scale,
        nullable=column.nullable, is_identity=column.is_identity,
        is_computed=column.is_computed, description=column.description,
    )


def _find_column(columns: list[Column], name: str) -> Column | None:
    for column in columns:
        if column.name == name:
            return column
    lowered = name.lower()
    for column in columns:
        if column.name.lower() == lowered:
            return column
    return None


def _parse_query(select: str) -> _Query:
    bare = _COMMENT.sub(" ", select) if "--" in select or "/*" in select else select
    if "'" not in bare:
        match = _TRIVIAL_VIEW.match(bare)
        if match is not None:
            table = last_part(match.group("name"))
            alias = last_part(match.group("alias")) if match.group("alias") else table
            qualifier = match.group("qualifier")
            if qualifier is None or last_part(qualifier) in (alias, table):
                return _Query(None, (table,), (table, alias), None)
    try:
        trees = sqlglot.parse(select, read="tsql")
    except Exception as error:  # sqlglot raises ParseError, TokenError and others
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        return _Query(None, _regex_base_objects(select), None, f"sqlglot: {message[:200]}")
    tree = next((t for t in trees if t is not None), None)
    if tree is None:
        return _Query(None, (), None, "empty query")
    cte_names: set[str] = set()
    tables: list[exp.Table] = []
    for node in tree.walk():
        if isinstance(node, exp.Table):
            tables.append(node)
        elif isinstance(node, exp.CTE):
            cte_names.add(node.alias_or_name)
    names: list[str] = []
    for node in tables:
        if not isinstance(node.this, exp.Identifier):
            continue
        name = node.name.strip()
        if name and not (name in cte_names and not node.db) and name not in names:
            names.append(name)
    return _Query(tree, tuple(names), None, None)


def _regex_base_objects(select: str) -> tuple[str, ...]:
    names: list[str] = []
    for match in _FROM_JOIN.finditer(_COMMENT.sub(" ", select)):
        name = last_part(match.group("name"))
        if name and name.lower() not in _NOT_TABLES and not name.startswith("@") \
                and name not in names:
            names.append(name)
    return tuple(names)
