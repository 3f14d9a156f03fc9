"""What the reader keeps while it reads: objects in the making, and the state they share.

Keys, foreign keys and columns added by ``ALTER TABLE`` may come before the table
they belong to (files are read in name order), so they wait here as pending
records until every file is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from sqlglot import exp
from vgpt2.catalog.importers.ddl.stream import _read_name_parts, _Source, _Stream, _SyntaxError
from vgpt2.catalog.importers.ddl.types import _TypeRef
from vgpt2.catalog.model import Column, ImportResult, Key, ObjectType, Parameter
from vgpt2.catalog.sql.tokens import Token


@dataclass(slots=True)
class _ColumnDraft:
    name: str
    line: int
    type: _TypeRef | None
    """None for a computed column."""
    nullable: bool | None = None
    identity: bool = False
    description: str | None = None


@dataclass(slots=True)
class _Draft:
    schema: str
    name: str
    type: ObjectType
    path: Path
    line: int
    definition: str | None = None
    description: str | None = None
    columns: list[_ColumnDraft] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)
    select: str | None = None
    """A view's SELECT (or an inline function's RETURN query), resolved after all files."""
    select_line: int = 0
    column_aliases: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _PendingKey:
    table: str
    key: Key
    path: Path
    line: int


@dataclass(slots=True)
class _PendingForeignKey:
    name: str
    table: str
    columns: tuple[str, ...]
    target: str
    target_columns: tuple[str, ...] | None
    path: Path
    line: int


@dataclass(slots=True)
class _PendingColumns:
    table: str
    columns: list[_ColumnDraft]
    keys: list[Key]
    path: Path
    line: int


class _Query(NamedTuple):
    tree: exp.Expr | None
    base_objects: tuple[str, ...]
    trivial: tuple[str, str] | None
    """``(object, alias)`` for ``SELECT a.* FROM object a``: no sqlglot needed."""
    problem: str | None


class _ReaderState:
    """The records one import builds up, and the helpers every statement reader uses."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result
        self.objects: dict[str, _Draft] = {}
        self.pending_keys: list[_PendingKey] = []
        self.pending_fks: list[_PendingForeignKey] = []
        self.pending_columns: list[_PendingColumns] = []
        self.descriptions: dict[tuple[str, str | None], str] = {}
        self.trigger_descriptions: dict[str, str] = {}
        self._spaced: set[tuple[Path, str]] = set()
        self._view_columns: dict[str, tuple[Column, ...] | None] = {}
        self._queries: dict[str, _Query] = {}
        self._resolving: set[str] = set()
        self._table_columns: dict[str, tuple[Column, ...]] = {}
        self._folded_objects: dict[str, _Draft] | None = None

    def _clean(self, raw: str, src: _Source, tok: Token, what: str = "name") -> str:
        name = raw.strip()
        if not name:
            raise _SyntaxError(f"empty {what}", tok.start)
        if name != raw and (src.path, raw) not in self._spaced:
            self._spaced.add((src.path, raw))
            self.result.warn(
                src.path, src.line(tok.start),
                f"{what} [{raw}] has leading or trailing spaces; using {name!r}",
            )
        return name

    def _object_name(self, src: _Source, stream: _Stream) -> tuple[str, str, Token]:
        parts, first = _read_name_parts(stream)
        name = self._clean(parts[-1], src, first)
        schema = parts[-2].strip() if len(parts) >= 2 and parts[-2].strip() else "dbo"
        return schema, name, first

    def _add(self, draft: _Draft) -> None:
        previous = self.objects.pop(draft.name, None)
        if previous is not None:
            self.result.warn(
                draft.path, draft.line,
                f"{draft.name} is defined again; this definition replaces the one at "
                f"{previous.path}:{previous.line}",
            )
        self.objects[draft.name] = draft
