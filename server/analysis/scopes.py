"""Sources and scopes of one statement: what each FROM item is and what each column names.

The resolver's half that every statement shares. Frames of sources (tables,
views, CTEs, derived tables, temp tables, table variables, APPLY results) are
built per query, and each column is resolved against its own frame first and the
enclosing ones after (correlated subqueries). Where a source's columns cannot be
known, the verdict is "unchecked", never "unknown": a false "unknown column" on
valid Vista code costs more trust than a missed one. :mod:`.resolver` adds the
statements (CREATE, DECLARE, INSERT, UPDATE, DELETE, MERGE, EXEC) on top.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlglot import exp
from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.sql.names import last_part
from vgpt2.catalog.sql.tokens import Kind, Token
from vgpt2.server.analysis.model import (
    ColumnRef,
    ColumnStatus,
    Equalities,
    JoinRef,
    MonthComparison,
    Source,
    SourceKind,
    StatementModel,
    TableRef,
)
from vgpt2.server.analysis.months import compared_sides, month_column

_SYSTEM_SCHEMAS = {"sys", "information_schema"}
_NOLOCK_HINTS = {"NOLOCK", "READUNCOMMITTED"}
_LOCKING_HINTS = {
    "UPDLOCK", "HOLDLOCK", "XLOCK", "READPAST", "SERIALIZABLE", "REPEATABLEREAD",
    "READCOMMITTED", "READCOMMITTEDLOCK", "SNAPSHOT", "TABLOCK", "TABLOCKX", "PAGLOCK",
}
"""A hint that chooses another isolation on purpose: NOLOCK would conflict with it."""
_ROWSET_FUNCTIONS = {
    "STRING_SPLIT", "OPENQUERY", "OPENROWSET", "OPENJSON", "OPENXML", "OPENDATASOURCE",
    "GENERATE_SERIES", "CONTAINSTABLE", "FREETEXTTABLE", "CHANGETABLE",
}
"""SQL Server's built-in table-valued functions: never catalog objects."""
_PSEUDO_COLUMNS = {"system_user", "session_user", "current_user", "user", "current_timestamp",
                   "null", "default", "$identity", "$rowguid", "$action"}
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Between, exp.In)
"""What may compare a month column with a date (:func:`.months.compared_sides`)."""
_CLAUSE_WORDS = {
    "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "OUTER", "WHERE", "GROUP", "ORDER",
    "HAVING", "UNION", "EXCEPT", "INTERSECT", "OPTION", "FOR", "SELECT", "INSERT", "UPDATE",
    "DELETE", "MERGE", "WITH", "DECLARE", "SET", "IF", "ELSE", "WHILE", "BEGIN", "END",
    "RETURN", "EXEC", "EXECUTE", "WHEN", "THEN", "INTO", "PRINT", "OUTPUT",
}


@dataclass(slots=True)
class Session:
    """What persists between statements of one file: temp tables and table variables."""

    temp_tables: dict[str, dict[str, str]] = field(default_factory=dict)
    table_variables: dict[str, dict[str, str]] = field(default_factory=dict)



class ScopeResolver:
    """Sources, queries and columns of one parsed statement. ``base`` maps parsed-text
    offsets to file offsets."""

    def __init__(self, catalog: Catalog, session: Session, base: int,
                 tokens: list[Token]) -> None:
        self.catalog = catalog
        self.session = session
        self.base = base
        self.tokens = tokens
        self.model = StatementModel()
        self._schemas: set[str] | None = None


    # -- positions ---------------------------------------------------------------------------

    def _span(self, node: exp.Expr | None) -> tuple[int, int] | None:
        if not isinstance(node, exp.Identifier):
            return None
        meta = node.meta
        if "start" not in meta:
            return None
        return self.base + meta["start"], self.base + meta["end"] + 1

    def _tokens_from(self, offset: int) -> Iterator[Token]:
        for token in self.tokens:
            if token.start >= offset:
                yield token

    # -- sources -----------------------------------------------------------------------------

    def _table_source(self, table: exp.Table, ctes: dict[str, Source], read: bool) -> Source:
        alias = table.alias or table.name
        this = table.this
        if isinstance(this, exp.Parameter):
            name = "@" + table.name
            return Source(SourceKind.TABLE_VARIABLE, name, alias or name,
                          columns=self.session.table_variables.get(name.lower()))
        if isinstance(this, exp.Anonymous):
            return self._function_source(table, this, alias)
        name = table.name
        if isinstance(this, exp.Identifier) and this.args.get("temporary"):
            return Source(SourceKind.TEMP, "#" + name, alias,
                          columns=self.session.temp_tables.get(name.lower()))
        if name.startswith("#"):
            return Source(SourceKind.TEMP, name, alias,
                          columns=self.session.temp_tables.get(name.lstrip("#").lower()))
        if table.catalog:
            return Source(SourceKind.EXTERNAL, name, alias)
        if table.args.get("pivots"):
            return Source(SourceKind.DERIVED, name, alias)  # PIVOT output columns vary
        if not table.db and name.lower() in ("inserted", "deleted"):
            return Source(SourceKind.SYSTEM, name, alias)  # trigger pseudo-tables
        if table.db.lower() in _SYSTEM_SCHEMAS or (
            name.lower().startswith(("sys", "information_schema")) and name not in self.catalog
        ):
            return Source(SourceKind.SYSTEM, name, alias)
        if not table.db and name in ctes:
            return Source(SourceKind.CTE, name, alias, columns=ctes[name].columns)
        if not table.db and name.lower() in {k.lower() for k in ctes}:
            cte = next(v for k, v in ctes.items() if k.lower() == name.lower())
            return Source(SourceKind.CTE, name, alias, columns=cte.columns)
        return self._catalog_source(name, alias)

    def _catalog_source(self, name: str, alias: str) -> Source:
        matches = self.catalog.lookup(name)
        if not matches:
            return Source(SourceKind.MISSING, name, alias)
        exact = matches[0].name
        obj = self.catalog.get(exact)
        columns = types = None
        if obj is not None and obj.columns:
            columns = {c.name.lower(): c.name for c in obj.columns}
            types = {c.name: c.data_type for c in obj.columns}
        return Source(SourceKind.CATALOG, name, alias, catalog_name=exact, columns=columns,
                      types=types or {})

    def _function_source(self, table: exp.Table, call: exp.Anonymous, alias: str) -> Source:
        name = last_part(str(call.this))
        for argument in call.expressions:
            self._expressions(argument, [], {})
        if (table.db.lower() in _SYSTEM_SCHEMAS or table.catalog
                or (not table.db and name.upper() in _ROWSET_FUNCTIONS)):
            return Source(SourceKind.SYSTEM, name, alias)
        matches = self.catalog.lookup(name)
        identifier = call.args.get("this")
        self._record_routine(name, identifier if isinstance(identifier, exp.Identifier) else None)
        kind = SourceKind.FUNCTION if matches else SourceKind.MISSING
        return Source(kind, name, alias, catalog_name=matches[0].name if matches else None)

    def _record_routine(self, name: str, identifier: exp.Identifier | None) -> None:
        name = last_part(name)
        span = self._span(identifier)
        if span is None:
            # Function names parse as plain strings: find the call in the tokens.
            for index, token in enumerate(self.tokens[:-1]):
                if token.is_name() and token.value == name and self.tokens[index + 1].text == "(":
                    start, end = (token.start, token.end)
                    if all(r[1] != start for r in self.model.routines):
                        span = (start, end)
                        break
        if span is not None:
            self.model.routines.append((name, *span))

    def _add_table_ref(self, table: exp.Table, source: Source, read: bool) -> None:
        this = table.this
        span = self._span(this if isinstance(this, exp.Identifier) else None)
        if span is None:
            return
        alias_node = table.args.get("alias")
        alias_span = self._span(alias_node.this) if isinstance(alias_node, exp.TableAlias) else None
        insert_at = alias_span[1] if alias_span else span[1]
        hints = table.args.get("hints") or []
        words = {str(h.name).upper() for hint in hints for h in hint.find_all(exp.Var)}
        words |= {str(h.this).upper() for hint in hints for h in hint.find_all(exp.Column)}
        has_nolock = bool(words & (_NOLOCK_HINTS | _LOCKING_HINTS))
        hint_close = None
        if hints and not has_nolock:
            hint_close = self._hint_close(insert_at)
        self.model.tables.append(TableRef(table, source, span[0], span[1], insert_at, read,
                                          hint_close, has_nolock))

    def _hint_close(self, after: int) -> int | None:
        """Offset of the ``)`` that ends the ``WITH (...)`` hint following ``after``."""
        depth = 0
        for token in self._tokens_from(after):
            if token.text == "(":
                depth += 1
            elif token.text == ")":
                depth -= 1
                if depth == 0:
                    return token.start
            elif depth == 0 and token.upper not in ("WITH",):
                return None
        return None

    def _declare_temp(self, table: exp.Table, columns: dict[str, str] | None) -> None:
        """A temp table later statements see (CREATE TABLE #t, SELECT ... INTO #t); one whose
        columns cannot be known is forgotten, so its columns go unchecked."""
        identifier = table.this
        if isinstance(identifier, exp.Identifier) and (
            identifier.args.get("temporary") or table.name.startswith("#")
        ):
            self.session.temp_tables[table.name.lstrip("#").lower()] = columns or {}
            if columns is None:
                del self.session.temp_tables[table.name.lstrip("#").lower()]

    # -- queries -----------------------------------------------------------------------------

    def _ctes(self, query: exp.Expr, outer: list[dict[str, Source]],
              ctes: dict[str, Source]) -> dict[str, Source]:
        with_ = query.args.get("with_")
        if not isinstance(with_, exp.With):
            return ctes
        ctes = dict(ctes)
        for cte in with_.expressions:
            name = cte.alias
            declared = [c.name for c in cte.args["alias"].columns] if isinstance(
                cte.args.get("alias"), exp.TableAlias) else []
            body = cte.this
            # A recursive CTE sees itself with the columns of its anchor member.
            anchor = body.left if isinstance(body, exp.SetOperation) else body
            guess = _names(declared) if declared else None
            if guess is None and isinstance(anchor, exp.Select):
                guess = self._projection_names(anchor)
            ctes[name] = Source(SourceKind.CTE, name, name, columns=guess)
            columns = self._query(body, outer, ctes)
            ctes[name] = Source(SourceKind.CTE, name, name,
                                columns=_names(declared) if declared else columns)
        return ctes

    def _query(self, query: exp.Expr, outer: list[dict[str, Source]],
               ctes: dict[str, Source]) -> dict[str, str] | None:
        """Resolve a query; return its output columns (None when they cannot be known)."""
        ctes = self._ctes(query, outer, ctes)
        if isinstance(query, exp.SetOperation):
            left = self._query(query.left, outer, ctes)
            self._query(query.right, outer, ctes)
            self._order(query, outer, left)
            return left
        if isinstance(query, exp.Subquery):
            return self._query(query.this, outer, ctes)
        if not isinstance(query, exp.Select):
            self._expressions(query, outer, ctes)
            return None
        frame: dict[str, Source] = {}
        equal = Equalities()
        from_ = query.args.get("from_")
        if isinstance(from_, exp.From):
            self._add_source(from_.this, frame, outer, ctes, read=True)
        for join in query.args.get("joins") or []:
            self._add_source(join.this, frame, outer, ctes, read=True)
            condition = join.args.get("on")
            if condition is not None:
                self._expressions(condition, [frame, *outer], ctes)
                _collect_equalities(condition, equal)
                self.model.joins.append(JoinRef(condition, dict(frame),
                                                self._condition_end(condition), equal))
        where = query.args.get("where")
        if isinstance(where, exp.Where):
            _collect_equalities(where.this, equal)
        aliases = {e.alias_or_name.lower() for e in query.expressions if e.alias_or_name}
        for key, value in query.args.items():
            if key in ("from_", "joins", "with_", "order", "into") or value is None:
                continue
            for node in value if isinstance(value, list) else [value]:
                if isinstance(node, exp.Expr):
                    self._expressions(node, [frame, *outer], ctes)
        self._order(query, [frame, *outer], None, aliases)
        columns = self._projection_names(query, frame)
        into = query.args.get("into")
        if isinstance(into, exp.Into) and isinstance(into.this, exp.Table):
            self._declare_temp(into.this, columns)
        return columns

    def _order(self, query: exp.Expr, frames: list[dict[str, Source]],
               output: dict[str, str] | None, aliases: set[str] | None = None) -> None:
        order = query.args.get("order")
        if not isinstance(order, exp.Order):
            return
        known = set(aliases or ()) | set(output or {})
        for column in order.find_all(exp.Column):
            if not column.table and column.name.lower() in known:
                continue
            if isinstance(query, exp.SetOperation):
                continue  # ORDER BY of a UNION names output columns
            self._column(column, frames)

    def _add_source(self, node: exp.Expr, frame: dict[str, Source],
                    outer: list[dict[str, Source]], ctes: dict[str, Source], read: bool) -> None:
        if isinstance(node, exp.Table):
            source = self._table_source(node, ctes, read)
            if source.kind in (SourceKind.CATALOG, SourceKind.MISSING, SourceKind.FUNCTION):
                self._add_table_ref(node, source, read)
            frame[source.alias] = source
        elif isinstance(node, exp.Subquery):
            columns = self._query(node.this, outer, ctes)
            alias = node.args.get("alias")
            if isinstance(alias, exp.TableAlias) and alias.columns:
                columns = _names([c.name for c in alias.columns])  # AS t (Co, Job, Cost)
            if node.args.get("pivots"):
                columns = None
            frame[node.alias] = Source(SourceKind.DERIVED, node.alias, node.alias,
                                       columns=columns)
        elif isinstance(node, exp.Lateral):
            # CROSS/OUTER APPLY: the subquery sees the sources to its left.
            inner = node.this
            columns = self._query(inner.this if isinstance(inner, exp.Subquery) else inner,
                                  [frame, *outer], ctes)
            alias = node.alias or (inner.alias if isinstance(inner, exp.Subquery) else "")
            frame[alias] = Source(SourceKind.DERIVED, alias, alias, columns=columns)
        else:
            self._expressions(node, [frame, *outer], ctes)
            alias = node.alias if hasattr(node, "alias") else ""
            frame[alias or f"#{len(frame)}"] = Source(SourceKind.DERIVED, alias, alias)

    def _projection_names(self, select: exp.Select,
                          frame: dict[str, Source] | None = None) -> dict[str, str] | None:
        names: dict[str, str] = {}
        for projection in select.expressions:
            if isinstance(projection, exp.Star) or (
                isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)
            ):
                qualifier = projection.table if isinstance(projection, exp.Column) else ""
                sources = [s for a, s in (frame or {}).items() if not qualifier or a == qualifier]
                if not sources or any(s.columns is None for s in sources):
                    return None
                for source in sources:
                    names.update(source.columns or {})
                continue
            name = projection.alias_or_name
            if isinstance(projection, exp.EQ) and isinstance(projection.this,
                                                             (exp.Literal, exp.Column)):
                name = projection.this.name  # SELECT 'Alias' = expr
            if not name:
                continue
            names[name.lower()] = name
        return names

    # -- expressions and columns -------------------------------------------------------------

    def _expressions(self, node: exp.Expr, frames: list[dict[str, Source]],
                     ctes: dict[str, Source]) -> None:
        """Resolve columns in ``node``; nested queries get their own frames."""
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, (exp.Select, exp.SetOperation)) and current is not node:
                self._query(current, frames, ctes)
                continue
            if isinstance(current, exp.Subquery):
                self._query(current.this, frames, ctes)
                continue
            if isinstance(current, exp.Column):
                self._column(current, frames)
                continue
            if isinstance(current, exp.EQ) and isinstance(current.parent, exp.Select) and (
                current.arg_key == "expressions"
            ):
                # SELECT 'Alias' = expr: a T-SQL column alias, not a comparison.
                stack.append(current.expression)
                continue
            if isinstance(current, _COMPARISONS):
                for column, value in compared_sides(current):
                    self._month(column, value, frames)
            elif (isinstance(current, exp.Dot) and isinstance(current.expression, exp.Anonymous)
                  and self._is_schema(current.this)):
                # dbo.vfX(...) is a function; Col.value('...') is an XML method.
                self._record_routine(str(current.expression.this),
                                     _first_identifier(current.expression))
            stack.extend(reversed(list(current.iter_expressions())))

    def _is_schema(self, node: exp.Expr) -> bool:
        if not isinstance(node, (exp.Column, exp.Identifier, exp.Var)):
            return False
        name = node.name.lower()
        if self._schemas is None:
            self._schemas = {h.schema.lower() for h in self.catalog.headers()}
        return name in self._schemas

    def _column(self, column: exp.Column, frames: list[dict[str, Source]]) -> ColumnRef | None:
        if isinstance(column.this, exp.Star):
            return None
        name = column.name
        if not name or (name.lower() in _PSEUDO_COLUMNS and not column.table):
            return None
        span = self._span(column.this)
        if span is None:
            return None
        qualifier = column.table  # schema.table.column resolves by its table part
        ref = ColumnRef(column, name, qualifier, span[0], span[1], ColumnStatus.UNCHECKED)
        self.model.columns.append(ref)
        if qualifier:
            source = _by_alias(frames, qualifier)
            if source is None:
                return ref
            ref.searched = [source]
            self._verdict(ref, [source])
            return ref
        for frame in frames:
            if not frame:
                continue
            sources = list(frame.values())
            ref.searched.extend(sources)
            exact = [s for s in sources if s.columns is not None and name in s.columns.values()]
            if exact:
                ref.matches = exact
                ref.status = ColumnStatus.OK if len(exact) == 1 else ColumnStatus.AMBIGUOUS
                return ref
            folded = [s for s in sources if s.find(name) is not None]
            if folded:
                ref.matches = folded
                ref.status = ColumnStatus.WRONG_CASE
                ref.exact = folded[0].find(name)
                return ref
            if any(s.columns is None for s in sources):
                return ref  # an unknown source may hold it: no verdict
        ref.status = ColumnStatus.UNKNOWN if ref.searched else ColumnStatus.UNCHECKED
        return ref

    def _verdict(self, ref: ColumnRef, sources: list[Source]) -> None:
        source = sources[0]
        if source.columns is None:
            return
        if ref.name in source.columns.values():
            ref.status = ColumnStatus.OK
            ref.matches = [source]
        elif source.find(ref.name) is not None:
            ref.status = ColumnStatus.WRONG_CASE
            ref.exact = source.find(ref.name)
            ref.matches = [source]
        else:
            ref.status = ColumnStatus.UNKNOWN

    def _month(self, side: exp.Expr, other: exp.Expr,
               frames: list[dict[str, Source]]) -> None:
        if not isinstance(side, exp.Column) or not isinstance(other, exp.Literal):
            return
        if not other.is_string:
            return
        source = (_by_alias(frames, side.table) if side.table else
                  next((s for f in frames for s in f.values() if s.find(side.name)), None))
        if source is None:
            return
        if month_column(source, side.name) is None:
            return
        span = self._span(side.this)
        if span is None:
            return
        literal_span = self._literal_span(other, span[1])
        if literal_span is None:
            return
        ref = ColumnRef(side, side.name, side.table, span[0], span[1], ColumnStatus.OK)
        self.model.months.append(MonthComparison(ref, other, *literal_span))

    def _literal_span(self, literal: exp.Literal, near: int) -> tuple[int, int] | None:
        """Find the string token for ``literal`` closest after (else before) ``near``."""
        candidates = [t for t in self.tokens if t.kind is Kind.STRING
                      and t.literal == literal.this]
        if not candidates:
            return None
        after = [t for t in candidates if t.start >= near]
        token = after[0] if after else candidates[-1]
        return (token.start, token.end)

    def _condition_end(self, condition: exp.Expr) -> int:
        ends = [s[1] for i in condition.find_all(exp.Identifier) if (s := self._span(i))]
        if not ends:
            return self.base
        last = max(ends)
        end = last
        depth = 0
        for token in self._tokens_from(last):
            if token.text == "(":
                depth += 1
            elif token.text == ")":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (token.upper in _CLAUSE_WORDS or token.text == ";"):
                break
            end = token.end
        return end



def equality_term(node: exp.Expr) -> str | None:
    """The union-find name of one side of an equality, or None if it is an expression."""
    if isinstance(node, exp.Column) and node.table:
        return f"{node.table.lower()}.{node.name.lower()}"
    if isinstance(node, (exp.Parameter, exp.Literal)):
        return f"={node.sql()}"
    return None


def _collect_equalities(condition: exp.Expr, equal: Equalities) -> None:
    """Equalities joined by AND (an OR branch states nothing for certain)."""
    if isinstance(condition, exp.And):
        _collect_equalities(condition.this, equal)
        _collect_equalities(condition.expression, equal)
    elif isinstance(condition, exp.Paren):
        _collect_equalities(condition.this, equal)
    elif isinstance(condition, exp.EQ):
        left, right = equality_term(condition.this), equality_term(condition.expression)
        if left and right:
            equal.union(left, right)


def _names(names: list[str]) -> dict[str, str]:
    return {n.lower(): n for n in names}


def _by_alias(frames: list[dict[str, Source]], qualifier: str) -> Source | None:
    for frame in frames:
        if qualifier in frame:
            return frame[qualifier]
    lowered = qualifier.lower()
    for frame in frames:
        for alias, source in frame.items():
            if alias.lower() == lowered:
                return source
    # A qualifier that names the table itself although it has an alias (valid when unique).
    for frame in frames:
        for source in frame.values():
            if source.name.lower() == lowered or (source.catalog_name or "").lower() == lowered:
                return source
    return None


def _first_identifier(node: exp.Expr) -> exp.Identifier | None:
    this = node.args.get("this")
    return this if isinstance(this, exp.Identifier) else None
