"""The catalog's vocabulary: plain frozen records shared by importers, the store and search.

Importers produce these records; the store compiles them; every later layer
(analysis, generation, training) reads them back. They carry no behaviour that
needs a database, so they are cheap to build in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class ObjectType(StrEnum):
    TABLE = "table"
    VIEW = "view"
    PROCEDURE = "procedure"
    FUNCTION = "function"


class KeyKind(StrEnum):
    PRIMARY = "primary"
    UNIQUE_CLUSTERED = "unique_clustered"
    UNIQUE = "unique"


class RelationshipKind(StrEnum):
    FOREIGN_KEY = "foreign_key"
    """Declared with a FOREIGN KEY constraint."""
    VIEW_OF = "view_of"
    """A view that presents a base table (``JCCM`` over ``bJCCM``)."""
    SHARED_KEY = "shared_key"
    """Inferred: the child holds every column of the parent's key (APTL -> APTH)."""


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where a record came from, so a warning or a "go to definition" can point at it."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    ordinal: int
    data_type: str
    """As declared: a Vista UDT such as ``bCompany`` or a SQL type such as ``varchar``."""
    base_type: str
    """The SQL type behind a UDT; equal to ``data_type`` for plain SQL types."""
    max_length: int | None = None
    """Characters or bytes as declared; -1 means ``max``."""
    precision: int | None = None
    scale: int | None = None
    nullable: bool = True
    is_identity: bool = False
    is_computed: bool = False
    description: str | None = None

    @property
    def type_display(self) -> str:
        """The declared type with its size, as a report writer would write it."""
        text = self.base_type
        if self.max_length is not None and self.base_type in _SIZED_TYPES:
            text += "(max)" if self.max_length == -1 else f"({self.max_length})"
        elif self.precision is not None and self.base_type in ("decimal", "numeric"):
            text += f"({self.precision},{self.scale or 0})"
        if self.data_type != self.base_type:
            return f"{self.data_type} ({text})"
        return text


_SIZED_TYPES = frozenset({"varchar", "nvarchar", "char", "nchar", "varbinary", "binary"})


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    data_type: str


@dataclass(frozen=True, slots=True)
class Key:
    name: str
    kind: KeyKind
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UserType:
    """A SQL Server user-defined type (``bCompany`` is ``tinyint``)."""

    name: str
    base_type: str
    max_length: int | None = None
    precision: int | None = None
    scale: int | None = None
    nullable: bool = True


@dataclass(frozen=True, slots=True)
class CatalogObject:
    schema: str
    name: str
    type: ObjectType
    module: str = ""
    description: str | None = None
    columns: tuple[Column, ...] = ()
    keys: tuple[Key, ...] = ()
    base_objects: tuple[str, ...] = ()
    """For views: the tables and views its definition reads."""
    parameters: tuple[Parameter, ...] = ()
    definition: str | None = None
    """Source text when an importer had it (DDL folders); metadata exports carry none."""
    source: SourceLocation | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def key(self) -> Key | None:
        """The key joins should use: see :func:`choose_key`."""
        return choose_key(self.keys, self.columns)

    def column(self, name: str) -> Column | None:
        for column in self.columns:
            if column.name == name:
                return column
        return None


SURROGATE_COLUMNS = frozenset({"KeyID", "UniqueAttchID"})


def choose_key(keys: tuple[Key, ...], columns: tuple[Column, ...] = ()) -> Key | None:
    """The declared primary key, else the unique clustered index, else any unique index.

    Newer Vista tables declare a primary key on the surrogate ``KeyID`` while the
    unique clustered index holds the business key (``bCMCO``: PK on KeyID,
    ``biCMCO`` on CMCo). Joins are written on the business key, so a primary key
    made only of a surrogate or identity column yields to a unique clustered index.
    """
    identity = {c.name for c in columns if c.is_identity}

    def surrogate(key: Key) -> bool:
        return all(c in SURROGATE_COLUMNS or c in identity for c in key.columns)

    by_kind = {kind: [k for k in keys if k.kind is kind] for kind in KeyKind}
    primary = by_kind[KeyKind.PRIMARY][0] if by_kind[KeyKind.PRIMARY] else None
    clustered = by_kind[KeyKind.UNIQUE_CLUSTERED][0] if by_kind[KeyKind.UNIQUE_CLUSTERED] else None
    if primary and not (surrogate(primary) and clustered):
        return primary
    if clustered:
        return clustered
    business = [k for k in by_kind[KeyKind.UNIQUE] if not surrogate(k)]
    if business:
        return min(business, key=lambda k: len(k.columns))
    return primary


@dataclass(frozen=True, slots=True)
class ForeignKey:
    name: str
    from_object: str
    from_columns: tuple[str, ...]
    to_object: str
    to_columns: tuple[str, ...]
    source: SourceLocation | None = None


@dataclass(frozen=True, slots=True)
class Relationship:
    """A join path between two objects, with the column pairs that make the whole key."""

    kind: RelationshipKind
    from_object: str
    to_object: str
    column_pairs: tuple[tuple[str, str], ...]
    name: str = ""

    def join_condition(self, from_alias: str | None = None, to_alias: str | None = None) -> str:
        """``APTL.APCo = APTH.APCo AND APTL.Mth = APTH.Mth AND ...`` with the caller's aliases."""
        left = from_alias or self.from_object
        right = to_alias or self.to_object
        return " AND ".join(f"{left}.{a} = {right}.{b}" for a, b in self.column_pairs)

    def reversed(self) -> Relationship:
        return Relationship(
            kind=self.kind,
            from_object=self.to_object,
            to_object=self.from_object,
            column_pairs=tuple((b, a) for a, b in self.column_pairs),
            name=self.name,
        )


@dataclass(frozen=True, slots=True)
class StatusCode:
    """The meaning of one value of a status column, with the source that states it."""

    object: str
    column: str
    code: str
    meaning: str
    source: str


@dataclass(slots=True)
class Knowledge:
    """What a schema export cannot say: descriptions, synonyms, conventions, status codes.

    Mutable while packs are merged; frozen into the compiled file afterwards.
    """

    modules: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    """Object name -> description."""
    column_descriptions: dict[tuple[str, str], str] = field(default_factory=dict)
    """(object, column) -> description."""
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    """Object name -> words people use for it ("customers" for ARCM)."""
    status_codes: dict[tuple[str, str, str], StatusCode] = field(default_factory=dict)
    conventions: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """A problem in one source file that did not stop the rest of the import."""

    path: Path
    line: int | None
    message: str
    severity: str = "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.severity}: {self.message}"


@dataclass(slots=True)
class ImportResult:
    """What one source contributed. Later sources override earlier ones by object name."""

    source: Path
    objects: list[CatalogObject] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    types: dict[str, UserType] = field(default_factory=dict)
    knowledge: Knowledge | None = None
    issues: list[ImportIssue] = field(default_factory=list)
    read_together: list[tuple[str, ...]] = field(default_factory=list)
    """Objects read by one batch outside any view (a procedure, a shop's report query): the
    join-frequency prior counts them like the base objects of a view."""

    def warn(self, path: Path, line: int | None, message: str) -> None:
        self.issues.append(ImportIssue(path, line, message))
