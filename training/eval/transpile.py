"""T-SQL -> DuckDB for scoring: sqlglot plus the rewrites it does not do, and a timed run.

sqlglot translates most of T-SQL (TOP, ISNULL, IIF, DATEADD, brackets), but
some constructs come out wrong or unrunnable in DuckDB, and each is fixed here:

- table hints are dropped silently, so the NOLOCK check is made on the T-SQL
  tree first and recorded;
- ``bit`` becomes a bitstring: mapped to a 0/1 integer, as the sample databases store it;
- ``CROSS/OUTER APPLY`` becomes a LATERAL join with no ON, which DuckDB rejects: ``ON TRUE``;
- string ``+`` stays ``+`` (sqlglot#4711): ``||`` where an operand is text by the
  catalog's column types, literals, casts or string functions;
- integer ``/`` is integer division in SQL Server and float division in DuckDB: ``//``;
- ``DECLARE @v = value`` / ``SET @v = value`` are bound into the SELECT that follows;
- database qualifiers (``Viewpoint.dbo.APTH``) are dropped; ``dbo`` exists in the databases.

Case-insensitive comparison (SQL Server's usual collation) is a connection setting
(:func:`~vgpt2.training.eval.sampledb.connect`). What still cannot be translated
or run is reported with the reason, never guessed at.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import Column

DEFAULT_TIMEOUT = 10.0
_GO = re.compile(r"^\s*GO\s*(?:--.*)?$", re.IGNORECASE | re.MULTILINE)
_TEXT_TYPES = frozenset({"varchar", "nvarchar", "char", "nchar", "text", "ntext", "sysname"})
_INT_TYPES = frozenset({"tinyint", "smallint", "int", "bigint", "bit"})
_TEXT_DTYPES = frozenset({exp.DataType.Type.VARCHAR, exp.DataType.Type.NVARCHAR,
                          exp.DataType.Type.CHAR, exp.DataType.Type.NCHAR,
                          exp.DataType.Type.TEXT})
_INT_DTYPES = frozenset({exp.DataType.Type.TINYINT, exp.DataType.Type.UTINYINT,
                         exp.DataType.Type.SMALLINT, exp.DataType.Type.INT,
                         exp.DataType.Type.BIGINT, exp.DataType.Type.BIT})
_TEXT_FUNCTIONS = (exp.Upper, exp.Lower, exp.Trim, exp.Substring, exp.Left, exp.Right,
                   exp.Concat, exp.DPipe, exp.Initcap, exp.Pad)
_TEXT_ANONYMOUS = frozenset({"LTRIM", "RTRIM", "REPLACE", "STUFF", "REPLICATE", "SPACE",
                             "FORMAT", "STR", "CHAR", "NCHAR", "QUOTENAME", "REVERSE"})


class NotExecutable(Exception):
    """A query that cannot be translated to, or run on, the sample databases; says why."""


@dataclass(slots=True)
class Transpiled:
    sql: str
    """The DuckDB query."""
    tables: list[str] = field(default_factory=list)
    """Catalog objects read (as written)."""
    without_nolock: list[str] = field(default_factory=list)
    """Objects read without WITH (NOLOCK), found before the hints were dropped."""
    ordered: bool = False
    """The outermost query has an ORDER BY: row order is part of the answer."""
    order_keys: list[str] = field(default_factory=list)
    """The outermost ORDER BY expressions, in DuckDB SQL (for tie-aware comparison)."""

    @property
    def nolock(self) -> bool:
        return not self.without_nolock


def parses(sql: str) -> bool:
    """Whether sqlglot reads the text as T-SQL at all (parse validity)."""
    try:
        return all(s is not None for s in sqlglot.parse(_strip_go(sql), read="tsql"))
    except SqlglotError:
        return False
    except RecursionError:
        return False


def _strip_go(sql: str) -> str:
    return _GO.sub(";", sql)


def transpile(sql: str, catalog: Catalog | None = None) -> Transpiled:
    """The DuckDB form of one T-SQL query (variables bound); raises :class:`NotExecutable`."""
    try:
        statements = [s for s in sqlglot.parse(_strip_go(sql), read="tsql") if s is not None]
    except (SqlglotError, RecursionError) as error:
        raise NotExecutable(f"does not parse as T-SQL: {_first_line(error)}") from None
    if not statements:
        raise NotExecutable("no statement")
    variables: dict[str, exp.Expr] = {}
    for statement in statements[:-1]:
        _bind(statement, variables)
    tree = statements[-1]
    if not isinstance(tree, exp.Query):
        raise NotExecutable(f"only a SELECT can be scored (the last statement is "
                            f"{type(tree).__name__.upper()})")
    result = Transpiled(sql="")
    _check_nolock(tree, catalog, result)
    tree = _rewrite(tree.copy(), catalog, variables)
    order = tree.args.get("order") if isinstance(tree, exp.Query) else None
    if isinstance(order, exp.Order) and order.expressions:
        result.ordered = True
        result.order_keys = [o.this.sql(dialect="duckdb") for o in order.expressions
                             if isinstance(o, exp.Ordered)]
    try:
        result.sql = tree.sql(dialect="duckdb")
    except SqlglotError as error:
        raise NotExecutable(f"cannot be written for DuckDB: {_first_line(error)}") from None
    return result


def transpile_view_definition(definition: str) -> str | None:
    """The SELECT of a ``CREATE VIEW`` in DuckDB SQL, or None when it cannot be translated."""
    try:
        statements = [s for s in sqlglot.parse(_strip_go(definition), read="tsql") if s]
    except (SqlglotError, RecursionError):
        return None
    for statement in statements:
        if isinstance(statement, exp.Create) and isinstance(statement.expression, exp.Query):
            try:
                return _rewrite(statement.expression.copy(), None, {}).sql(dialect="duckdb")
            except (SqlglotError, NotExecutable):
                return None
    return None


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:300] if text else type(error).__name__


# -- variables ------------------------------------------------------------------------------


def _bind(statement: exp.Expr, variables: dict[str, exp.Expr]) -> None:
    if isinstance(statement, exp.Declare):
        for item in statement.expressions:
            default = item.args.get("default")
            names = item.this if isinstance(item.this, list) else [item.this]
            for name in names:
                if isinstance(default, exp.Expr):
                    variables[_var_name(name)] = _substitute(default.copy(), variables)
                else:
                    variables.setdefault(_var_name(name), exp.Null())
        return
    if isinstance(statement, exp.Set):
        for item in statement.expressions:
            assignment = item.this if isinstance(item, exp.SetItem) else None
            if isinstance(assignment, exp.EQ) and isinstance(assignment.this, exp.Parameter):
                variables[_var_name(assignment.this)] = _substitute(
                    assignment.expression.copy(), variables)
            elif assignment is not None and not isinstance(assignment, exp.EQ):
                continue  # SET NOCOUNT ON and the like change nothing here
        return
    raise NotExecutable(f"only DECLARE/SET may come before the SELECT (found "
                        f"{type(statement).__name__.upper()})")


def _var_name(node: Any) -> str:
    if isinstance(node, exp.Parameter):
        node = node.this
    return (node.name if isinstance(node, exp.Expr) else str(node)).lstrip("@").lower()


def _substitute(tree: exp.Expr, variables: dict[str, exp.Expr]) -> exp.Expr:
    def replace(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Parameter):
            name = _var_name(node)
            if name not in variables:
                raise NotExecutable(f"variable @{name} is not declared")
            return variables[name].copy()
        return node

    return tree.transform(replace, copy=False)


# -- NOLOCK ---------------------------------------------------------------------------------


def _cte_names(tree: exp.Expr) -> set[str]:
    return {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}


def _check_nolock(tree: exp.Expr, catalog: Catalog | None, result: Transpiled) -> None:
    ctes = _cte_names(tree)
    for table in tree.find_all(exp.Table):
        name = table.name
        if not name or name.lower() in ctes or _temporary(table):
            continue
        if catalog is not None and not catalog.lookup(name):
            continue
        result.tables.append(name)
        hints = table.args.get("hints") or []
        if not any(isinstance(v, exp.Var) and v.name.upper() == "NOLOCK"
                   for hint in hints for v in hint.expressions):
            result.without_nolock.append(name)


def _temporary(table: exp.Table) -> bool:
    identifier = table.this
    return table.name.startswith("#") or (
        isinstance(identifier, exp.Identifier) and bool(identifier.args.get("temporary")))


# -- rewrites -------------------------------------------------------------------------------


class _Types:
    """What the catalog says about the columns a query reads: text, integer or unknown."""

    def __init__(self, tree: exp.Expr, catalog: Catalog | None) -> None:
        self.catalog = catalog
        self.sources: dict[str, list[Column]] = {}
        self.derived: dict[str, exp.Query] = {}
        self.all: list[list[Column]] = []
        if catalog is None:
            return
        for table in tree.find_all(exp.Table):
            headers = catalog.lookup(table.name) if table.name else []
            if headers:
                columns = list(catalog.columns(headers[0].name))
                self.sources[table.alias_or_name.lower()] = columns
                self.all.append(columns)
        for subquery in tree.find_all(exp.Subquery, exp.CTE):
            query = subquery.this
            if isinstance(query, exp.Query) and subquery.alias_or_name:
                self.derived[subquery.alias_or_name.lower()] = query

    def column_type(self, column: exp.Column) -> str | None:
        name = column.name.lower()
        qualifier = column.table.lower()
        if qualifier:
            columns = self.sources.get(qualifier)
            if columns is not None:
                return _type_of(columns, name)
            query = self.derived.get(qualifier)
            return self._derived_type(query, name) if query is not None else None
        for columns in self.all:
            found = _type_of(columns, name)
            if found is not None:
                return found
        return None

    def _derived_type(self, query: exp.Query, name: str) -> str | None:
        for projection in query.selects:
            if projection.alias_or_name.lower() == name:
                if self.is_text(projection.unalias()):
                    return "varchar"
                if self.is_int(projection.unalias()):
                    return "int"
                return None
        return None

    def is_text(self, node: exp.Expr) -> bool:
        if isinstance(node, exp.Literal):
            return node.is_string
        if isinstance(node, exp.Column):
            return (self.column_type(node) or "") in _TEXT_TYPES
        if isinstance(node, exp.Cast | exp.TryCast):
            return node.to.this in _TEXT_DTYPES
        if isinstance(node, _TEXT_FUNCTIONS):
            return True
        if isinstance(node, exp.Anonymous):
            return node.name.upper() in _TEXT_ANONYMOUS
        if isinstance(node, exp.Paren):
            return self.is_text(node.this)
        if isinstance(node, exp.Add):
            return self.is_text(node.left) or self.is_text(node.right)
        if isinstance(node, exp.Coalesce):
            return self.is_text(node.this) or any(self.is_text(e) for e in node.expressions)
        if isinstance(node, exp.Case):
            return any(self.is_text(i.args["true"]) for i in node.args.get("ifs") or [])
        return False

    def is_int(self, node: exp.Expr) -> bool:
        if isinstance(node, exp.Literal):
            return not node.is_string and re.fullmatch(r"\d+", node.name) is not None
        if isinstance(node, exp.Column):
            return (self.column_type(node) or "") in _INT_TYPES
        if isinstance(node, exp.Cast | exp.TryCast):
            return node.to.this in _INT_DTYPES
        if isinstance(node, exp.Count):
            return True
        if isinstance(node, exp.Sum | exp.Max | exp.Min | exp.Abs | exp.Paren | exp.Neg):
            return self.is_int(node.this)
        if isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Mod):
            return self.is_int(node.left) and self.is_int(node.right)
        return False


def _type_of(columns: list[Column], name: str) -> str | None:
    for column in columns:
        if column.name.lower() == name:
            return column.base_type.lower()
    return None


def _rewrite(tree: exp.Expr, catalog: Catalog | None,
             variables: dict[str, exp.Expr]) -> exp.Expr:
    if tree.find(exp.Into) is not None:
        raise NotExecutable("SELECT ... INTO writes a table (only reading queries run here)")
    types = _Types(tree, catalog)
    for node in list(_walk(tree)):
        if isinstance(node, exp.Parameter):
            name = _var_name(node)
            if name not in variables:
                raise NotExecutable(f"variable @{node.name} is not declared (a parameter the "
                                    "query expects: give it a value with DECLARE)")
            node.replace(variables[name].copy())
        elif isinstance(node, exp.Table):
            node.set("hints", None)
            node.set("catalog", None)
            if _temporary(node):
                raise NotExecutable(f"temporary table #{node.name} (only one SELECT runs here)")
        elif isinstance(node, exp.DataType) and node.this is exp.DataType.Type.BIT:
            node.replace(exp.DataType.build("TINYINT"))
        elif isinstance(node, exp.Join) and isinstance(node.this, exp.Lateral) \
                and node.this.args.get("cross_apply") is not None and not node.args.get("on"):
            # APPLY: a LATERAL join with ON TRUE (DuckDB rejects one without ON).
            lateral = node.this
            alias = lateral.args.get("alias")
            node.replace(exp.Join(
                this=exp.Lateral(this=lateral.this.copy(), alias=alias.copy() if alias else None),
                side="LEFT" if lateral.args.get("cross_apply") is False else None,
                on=exp.true()))
    for node in list(_walk(tree)):
        if isinstance(node, exp.Add) and (types.is_text(node.left) or types.is_text(node.right)):
            node.replace(exp.DPipe(this=node.left.copy(), expression=node.right.copy(),
                                   safe=True))
        elif isinstance(node, exp.Div) and types.is_int(node.left) and types.is_int(node.right):
            node.replace(exp.IntDiv(this=node.left.copy(), expression=node.right.copy()))
    return tree


def _walk(tree: exp.Expr) -> Iterator[exp.Expr]:
    """Children before parents, so inner ``+`` are rewritten before the outer ones look."""
    yield from reversed(list(tree.walk(bfs=False)))


# -- running --------------------------------------------------------------------------------


@dataclass(slots=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def run(con: duckdb.DuckDBPyConnection, sql: str, timeout: float = DEFAULT_TIMEOUT,
        max_rows: int = 100_000) -> QueryResult:
    """Run one DuckDB query under a timeout (interrupted from a timer thread)."""
    interrupted = threading.Event()

    def stop() -> None:
        interrupted.set()
        con.interrupt()

    timer = threading.Timer(timeout, stop)
    timer.daemon = True
    timer.start()
    try:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        rows = cursor.fetchmany(max_rows + 1)
    except duckdb.Error as error:
        if interrupted.is_set():
            raise NotExecutable(f"timed out after {timeout:g} s") from None
        raise NotExecutable(f"DuckDB: {_first_line(error)}") from None
    finally:
        timer.cancel()
    if len(rows) > max_rows:
        raise NotExecutable(f"returns more than {max_rows:,} rows")
    return QueryResult(columns, rows)
