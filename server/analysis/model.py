"""What the resolver learns about one statement: its sources, table references, columns, joins.

Rules read this model and never walk the syntax tree themselves, so the one
place that decides what a name refers to is :mod:`resolver`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from sqlglot import exp


class SourceKind(Enum):
    CATALOG = "catalog"
    """A table or view the catalog knows (possibly written in the wrong case)."""
    MISSING = "missing"
    """Looks like a catalog object but the catalog has no such name."""
    CTE = "cte"
    DERIVED = "derived"
    TEMP = "temp"
    TABLE_VARIABLE = "table_variable"
    SYSTEM = "system"
    EXTERNAL = "external"
    """Three- or four-part name: another database or server, not checked."""
    FUNCTION = "function"


@dataclass(slots=True)
class Source:
    kind: SourceKind
    name: str
    """As written (without brackets)."""
    alias: str
    catalog_name: str | None = None
    """The exact catalog name when kind is CATALOG."""
    columns: dict[str, str] | None = None
    """Lower-case name -> exact name; None when the columns are not known."""
    types: dict[str, str] = field(default_factory=dict)
    """Exact column name -> declared type (for bMonth checks)."""

    def find(self, column: str) -> str | None:
        """The exact column name if this source has ``column`` in any case."""
        if self.columns is None:
            return None
        return self.columns.get(column.lower())


@dataclass(slots=True)
class TableRef:
    node: exp.Table
    source: Source
    start: int
    end: int
    """Span of the object name as written (brackets included), file offsets."""
    insert_at: int
    """Where ``WITH (NOLOCK)`` goes: after the alias, else after the name."""
    read: bool
    """Read by a SELECT (FROM/JOIN of a query, a subquery, a CTE): NOLOCK applies."""
    hint_close: int | None = None
    """Offset of the ``)`` of an existing ``WITH (...)`` hint without NOLOCK."""
    has_nolock: bool = False


class ColumnStatus(Enum):
    OK = "ok"
    UNKNOWN = "unknown"
    WRONG_CASE = "wrong_case"
    AMBIGUOUS = "ambiguous"
    UNCHECKED = "unchecked"
    """Some source's columns are unknown: no verdict, no finding."""


@dataclass(slots=True)
class ColumnRef:
    node: exp.Column
    name: str
    qualifier: str
    start: int
    end: int
    status: ColumnStatus
    searched: list[Source] = field(default_factory=list)
    matches: list[Source] = field(default_factory=list)
    exact: str | None = None
    """For WRONG_CASE: the name as the catalog spells it."""


@dataclass(slots=True)
class JoinRef:
    condition: exp.Expr
    frame: dict[str, Source]
    """Every source visible to the ON clause, by alias."""
    end: int
    """Offset just after the last token of the ON condition (where a fix appends)."""
    equal: Equalities
    """Every equality the query states (all ON clauses and WHERE), for implied key columns."""


class Equalities:
    """Union-find over ``alias.column`` terms, constants and parameters made equal in a query.

    ``cc.JCCo = b.JCCo AND b.JCCo = j.JCCo`` joins cc and j on JCCo without
    saying so; ``x.JCCo = @JCCo AND y.JCCo = @JCCo`` too.
    """

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def _find(self, term: str) -> str:
        parent = self._parent.setdefault(term, term)
        if parent != term:
            parent = self._parent[term] = self._find(parent)
        return parent

    def union(self, a: str, b: str) -> None:
        self._parent[self._find(a)] = self._find(b)

    def same(self, a: str, b: str) -> bool:
        return self._find(a) == self._find(b)


@dataclass(slots=True)
class MonthComparison:
    column: ColumnRef
    literal: exp.Literal
    start: int
    end: int
    """Span of the literal, quotes included."""


@dataclass(slots=True)
class StatementModel:
    tables: list[TableRef] = field(default_factory=list)
    columns: list[ColumnRef] = field(default_factory=list)
    joins: list[JoinRef] = field(default_factory=list)
    months: list[MonthComparison] = field(default_factory=list)
    routines: list[tuple[str, int, int]] = field(default_factory=list)
    """Schema-qualified function calls and EXEC targets: (name, start, end)."""
