"""The read side: an immutable, indexed view of a compiled catalog file.

Opening reads only the object headers (a few thousand rows); columns and
relationships are read on demand and cached, so start-up stays instant and
memory stays small on a 54,000-column schema. Safe to share between threads.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vgpt2.catalog.model import (
    CatalogObject,
    Column,
    ImportIssue,
    ObjectType,
    Parameter,
    Relationship,
    RelationshipKind,
    SourceLocation,
    StatusCode,
    choose_key,
)
from vgpt2.catalog.ranking import JoinRank, JoinRole, ObjectRank, Tier
from vgpt2.catalog.store import (
    FORMAT_VERSION,
    decode_import_issues,
    decode_keys,
    expected_tables,
)
from vgpt2.catalog.verified import file_identity, record_identity, recorded_identity


class CatalogError(Exception):
    """The compiled file is missing, corrupt, or from an incompatible version."""


@dataclass(frozen=True, slots=True)
class ObjectHeader:
    """What every lookup needs without touching columns."""

    id: int
    schema: str
    name: str
    type: ObjectType
    module: str
    description: str | None
    family: str
    """The name to prefer for this object: the view over a base table, else itself."""
    column_count: int


SQLITE_HEADER = b"SQLite format 3\x00"
COMPILED_SUFFIX = ".vgpt2db"
REBUILD_HINT = "rebuild it with `vgpt2 catalog build SOURCE --output FILE.vgpt2db`"


def has_sqlite_header(path: Path) -> bool:
    """Whether ``path`` starts like an SQLite database: the test for "a compiled catalog".

    The content decides, not the suffix: a catalog built as ``vista.db`` is still one.
    """
    try:
        with path.open("rb") as stream:
            return stream.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def looks_compiled(path: Path) -> bool:
    """A file to open as a compiled catalog (and report on if it is not a good one)."""
    return path.is_file() and (path.suffix.lower() == COMPILED_SUFFIX or has_sqlite_header(path))


class Catalog:
    def __init__(self, connection: sqlite3.Connection, path: Path | None = None) -> None:
        self._connection = connection
        self._lock = threading.Lock()
        self.path = path
        self.notices: list[str] = []
        """Warnings about how this catalog was found or built, for the CLI, doctor and status."""
        self.fallback: str | None = None
        """Set when this is an older build used because rebuilding its sources failed."""
        self.read_error: str | None = None
        """The first read that failed after opening (a file damaged while in use)."""
        self.meta: dict[str, str] = dict(self._query("SELECT key, value FROM meta"))
        if self.meta.get("format") != FORMAT_VERSION:
            raise CatalogError(
                f"{path or 'catalog'} was compiled by another vgpt2 version "
                f"(format {self.meta.get('format')!r}, need {FORMAT_VERSION}); rebuild it")
        self._headers: dict[str, ObjectHeader] = {}
        self._folded: dict[str, list[str]] = {}
        for row in self._query("SELECT id, schema, name, type, module, description, family, "
                               "column_count FROM objects"):
            header = ObjectHeader(row[0], row[1], row[2], self._object_type(row[2], row[3]),
                                  row[4], row[5], row[6], row[7])
            self._headers[header.name] = header
            self._folded.setdefault(header.name.lower(), []).append(header.name)
        self._join_ranking: dict[str, dict[str, JoinRank]] = {}
        self._object_ranks: dict[str, ObjectRank] | None = None
        self._members: dict[str, list[str]] = {}
        for header in self._headers.values():
            self._members.setdefault(header.family, []).append(header.name)

    @classmethod
    def open(cls, path: Path, *, copy: bool = False, verified_in: Path | None = None,
             full_check: bool = False) -> Catalog:
        """Open and verify a compiled file; :class:`CatalogError` says what is wrong with it.

        Verified: it is an SQLite database, SQLite's quick check passes, and it has
        every table and column this version reads. ``copy`` reads the whole file into
        memory, so that the catalog in use stays intact when the file is later
        overwritten in place (a server keeps its last good catalog that way).

        ``verified_in`` (the user cache) remembers a file that passed the quick check
        by device, inode, size, mtime and ctime (:mod:`.verified`); while all five are
        unchanged the next open skips the quick check (about 35 ms of the real
        catalog's open). Everything else is checked on every open. ``full_check`` runs
        the quick check whatever the record says (``vgpt2 doctor``: the diagnosis must
        not trust a record of an earlier pass, since bit rot leaves the file's identity
        unchanged); a pass is still recorded.
        """
        if not path.is_file():
            raise CatalogError(f"{path}: no compiled catalog here; run `vgpt2 catalog build`")
        _check_file(path)
        before = file_identity(path)
        checked = full_check or not (verified_in is not None and before is not None
                                     and recorded_identity(verified_in, path) == before)
        try:
            connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                         check_same_thread=False)
            if copy:
                memory = sqlite3.connect(":memory:", check_same_thread=False)
                try:
                    connection.backup(memory)
                finally:
                    connection.close()
                connection = memory
            if checked:
                quick_check(connection, path)
            _verify(connection, path)
            if file_identity(path) != before:  # changed while it was read: check what was read
                if not checked:
                    quick_check(connection, path)
            elif verified_in is not None and checked and before is not None:
                record_identity(verified_in, path, before)
            return cls(connection, path)
        except sqlite3.DatabaseError as error:
            raise CatalogError(_damaged(path, str(error))) from None

    def close(self) -> None:
        self._connection.close()

    def _query(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._connection.execute(sql, parameters).fetchall()
            except sqlite3.DatabaseError as error:
                message = _damaged(self.path, str(error))
                if self.read_error is None:
                    self.read_error = message
                raise CatalogError(message) from None

    def _object_type(self, name: str, value: str) -> ObjectType:
        try:
            return ObjectType(value)
        except ValueError:
            known = ", ".join(t.value for t in ObjectType)
            raise CatalogError(
                f"{self.path or 'catalog'}: object {name!r} has the unknown type {value!r} "
                f"(known: {known}); the file is damaged or from a newer vgpt2: "
                f"{REBUILD_HINT}") from None

    def import_problems(self) -> tuple[list[ImportIssue], dict[str, int]]:
        """The import errors and warnings recorded when this catalog was built, with totals."""
        try:
            return decode_import_issues(self.meta)
        except ValueError as error:
            raise CatalogError(f"{self.path or 'catalog'}: {error}; {REBUILD_HINT}") from None

    # -- names -------------------------------------------------------------------------------

    def __contains__(self, name: object) -> bool:
        return name in self._headers

    def __len__(self) -> int:
        return len(self._headers)

    def headers(self) -> Iterator[ObjectHeader]:
        return iter(self._headers.values())

    def header(self, name: str) -> ObjectHeader | None:
        """Exact-case lookup, as SQL Server resolves names under a binary collation."""
        return self._headers.get(name)

    def lookup(self, name: str) -> list[ObjectHeader]:
        """Case-insensitive lookup: the exact-case spellings that match ``name``.

        Exact match first; more than one result only when names differ only by case.
        """
        names = self._folded.get(name.lower(), [])
        return sorted((self._headers[n] for n in names), key=lambda h: h.name != name)

    def preferred_name(self, name: str) -> str:
        """The view to query instead of a base table (``bJCCM`` -> ``JCCM``)."""
        header = self._headers.get(name)
        return header.family if header else name

    def view_for(self, table: str) -> str | None:
        header = self._headers.get(table)
        if header is None or header.family == table:
            return None
        return header.family

    def base_tables_of(self, view: str) -> list[str]:
        return sorted(n for n in self._members.get(view, []) if n != view)

    # -- details -----------------------------------------------------------------------------

    def get(self, name: str) -> CatalogObject | None:
        """The whole object, columns and keys included (exact case)."""
        header = self._headers.get(name)
        return self._object(header.id) if header else None

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - the catalog lives as long as its cache
    def _object(self, object_id: int) -> CatalogObject:
        try:
            return self._decode_object(object_id)
        except (ValueError, TypeError, KeyError) as error:  # json, enums, row shapes
            raise self._undecodable(f"object #{object_id}", error) from None

    def _undecodable(self, what: str, error: Exception) -> CatalogError:
        message = (f"{self.path or 'catalog'}: {what} cannot be read ({error}); the file is "
                   f"damaged or from another vgpt2: {REBUILD_HINT}")
        if self.read_error is None:
            self.read_error = message
        return CatalogError(message)

    def _decode_object(self, object_id: int) -> CatalogObject:
        (row,) = self._query(
            "SELECT schema, name, type, module, description, base_objects, parameters, keys, "
            "definition, source FROM objects WHERE id = ?", (object_id,))
        columns = tuple(
            Column(name=c[0], ordinal=c[1], data_type=c[2], base_type=c[3], max_length=c[4],
                   precision=c[5], scale=c[6], nullable=bool(c[7]), is_identity=bool(c[8]),
                   is_computed=bool(c[9]), description=c[10])
            for c in self._query(
                "SELECT name, ordinal, data_type, base_type, max_length, precision, scale, "
                "nullable, is_identity, is_computed, description FROM columns "
                "WHERE object_id = ? ORDER BY ordinal", (object_id,)))
        source = None
        if row[9]:
            path, _, line = row[9].rpartition(":")
            source = (SourceLocation(path, int(line)) if line.isdigit()
                      else SourceLocation(row[9]))
        keys = decode_keys(row[7])
        if not keys:
            # A view over a base table is keyed like the table.
            for base in self.base_tables_of(row[1]):
                base_object = self.get(base)
                if base_object is not None and base_object.keys:
                    keys = base_object.keys
                    break
        return CatalogObject(
            schema=row[0], name=row[1], type=ObjectType(row[2]), module=row[3],
            description=row[4], columns=columns, keys=keys,
            base_objects=tuple(json.loads(row[5])),
            parameters=tuple(Parameter(n, t) for n, t in json.loads(row[6])),
            definition=row[8], source=source)

    def columns(self, name: str) -> tuple[Column, ...]:
        obj = self.get(name)
        return obj.columns if obj else ()

    def objects_with_column(self, column: str) -> list[str]:
        """Objects holding a column of this name, any case (for "did you mean" and search)."""
        rows = self._query(
            "SELECT DISTINCT o.name FROM columns c JOIN objects o ON o.id = c.object_id "
            "WHERE c.name = ? COLLATE NOCASE ORDER BY o.name", (column,))
        return [r[0] for r in rows]

    # -- relationships -----------------------------------------------------------------------

    def relationships(self, name: str) -> list[Relationship]:
        """Join paths touching ``name``, each oriented so that ``from_object`` is ``name``.

        A base table answers with its view's relationships, renamed to itself.
        """
        family = self.preferred_name(name)
        rows = self._query(
            "SELECT kind, from_object, to_object, column_pairs, name FROM relationships "
            "WHERE from_object = ? OR to_object = ?", (family, family))
        found = []
        for kind, source, target, pairs, rel_name in rows:
            try:
                rel = Relationship(RelationshipKind(kind), source, target,
                                   tuple((a, b) for a, b in json.loads(pairs)), rel_name)
            except (ValueError, TypeError) as error:
                raise self._undecodable(f"a relationship of {family}", error) from None
            if rel.from_object != family:
                rel = rel.reversed()
            if family != name:
                rel = Relationship(rel.kind, name, rel.to_object, rel.column_pairs, rel.name)
            found.append(rel)
        order = {RelationshipKind.VIEW_OF: 0, RelationshipKind.FOREIGN_KEY: 1,
                 RelationshipKind.SHARED_KEY: 2}
        return sorted(found, key=lambda r: (order[r.kind], -len(r.column_pairs), r.to_object))

    @functools.lru_cache(maxsize=8192)  # noqa: B019 - the catalog lives as long as its cache
    def related_names(self, name: str) -> frozenset[str]:
        """The objects ``name`` joins to (by preferred name), without the join details."""
        family = self.preferred_name(name)
        rows = self._query("SELECT to_object FROM relationships WHERE from_object = ? UNION "
                           "SELECT from_object FROM relationships WHERE to_object = ?",
                           (family, family))
        return frozenset(r[0] for r in rows)

    @functools.lru_cache(maxsize=16384)  # noqa: B019 - the catalog lives as long as its cache
    def join_path(self, left: str, right: str) -> Relationship | None:
        """The widest join between two objects (the whole composite key), if one is known."""
        target = self.preferred_name(right)
        candidates = [r for r in self.relationships(left) if r.to_object == target
                      and r.kind is not RelationshipKind.VIEW_OF]
        if not candidates:
            return None
        best = max(candidates, key=lambda r: len(r.column_pairs))
        return Relationship(best.kind, best.from_object, right, best.column_pairs, best.name)

    def join_ranking(self, name: str) -> dict[str, JoinRank]:
        """Partner -> what the build learned about joining it from ``name`` (role, prior).

        Keyed by the partner's preferred name; a base table answers as its view.
        """
        family = self.preferred_name(name)
        cached = self._join_ranking.get(family)
        if cached is None:
            cached = {}
            for (text,) in self._query("SELECT partners FROM join_ranking WHERE object = ?",
                                       (family,)):
                try:
                    for _, partner, role, prefix, extra, width, prior in json.loads(text):
                        cached[partner] = JoinRank(family, partner, JoinRole(role), bool(prefix),
                                                   int(extra), int(width), int(prior))
                except (ValueError, TypeError) as error:
                    raise self._undecodable(f"the join ranking of {family}", error) from None
            self._join_ranking[family] = cached
        return cached

    def object_rank(self, name: str) -> ObjectRank | None:
        """Tier (core, ordinary, secondary) and popularity of a table or view."""
        ranks = self._object_ranks
        if ranks is None:
            ranks = {}
            for object_name, tier, popularity in self._query(
                    "SELECT name, tier, popularity FROM object_ranking"):
                ranks[object_name] = ObjectRank(object_name, Tier(min(max(int(tier), 0), 2)),
                                                int(popularity))
            self._object_ranks = ranks
        return ranks.get(name)

    # -- knowledge ---------------------------------------------------------------------------

    def key_columns(self, name: str) -> tuple[str, ...]:
        obj = self.get(name)
        key = choose_key(obj.keys, obj.columns) if obj else None
        return key.columns if key else ()

    def synonyms(self, name: str) -> list[str]:
        return [r[0] for r in self._query("SELECT term FROM synonyms WHERE object = ?",
                                          (self.preferred_name(name),))]

    def status_codes(self, name: str, column: str) -> list[StatusCode]:
        names = {name, self.preferred_name(name), *self.base_tables_of(self.preferred_name(name))}
        rows = self._query(
            "SELECT object, column_name, code, meaning, source FROM status_codes "
            f"WHERE column_name = ? AND object IN ({','.join('?' * len(names))}) ORDER BY code",
            (column, *sorted(names)))
        return [StatusCode(*r) for r in rows]

    def modules(self) -> dict[str, str]:
        return dict(self._query("SELECT code, name FROM modules"))

    def conventions(self) -> list[str]:
        return [r[0] for r in self._query("SELECT text FROM conventions ORDER BY position")]

    def stats(self) -> dict[str, int]:
        counts = {t: 0 for t in ObjectType}
        for header in self._headers.values():
            counts[header.type] += 1
        (columns,), = self._query("SELECT count(*) FROM columns")
        (relationships,), = self._query("SELECT count(*) FROM relationships")
        return {
            "tables": counts[ObjectType.TABLE],
            "views": counts[ObjectType.VIEW],
            "procedures": counts[ObjectType.PROCEDURE],
            "functions": counts[ObjectType.FUNCTION],
            "columns": int(columns),
            "relationships": int(relationships),
        }

    def search_rows(self, match: str, limit: int, *, routines: bool = False) -> list[SearchRow]:
        """FTS5 candidates for :mod:`search`, best bm25 first, with the text they matched.

        Tables and views by default; ``routines`` asks for procedures and functions,
        whose short name-only documents would otherwise crowd out every table.
        """
        return [SearchRow(*r) for r in self._query(
            "SELECT family, bm25(search_index, 0, 0, 6.0, 3.0, 8.0, 0.6) AS rank, names, "
            "description, synonyms, columns FROM search_index WHERE search_index MATCH ? "
            "AND kind = ? ORDER BY rank LIMIT ?",
            (match, "routine" if routines else "relation", limit))]


@dataclass(frozen=True, slots=True)
class SearchRow:
    family: str
    rank: float
    """bm25: lower (more negative) is better."""
    names: str
    description: str
    synonyms: str
    columns: str


def _damaged(path: Path | None, detail: str) -> str:
    where = path or "catalog"
    if "malformed" in detail or "not a database" in detail or "no such" in detail:
        return (f"{where}: the compiled catalog is damaged or truncated ({detail}); "
                f"{REBUILD_HINT}")
    return f"{where}: cannot read the compiled catalog ({detail}); {REBUILD_HINT}"


def _check_file(path: Path) -> None:
    """Reject what is no SQLite file at all, before SQLite gives a cryptic answer about it."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise CatalogError(f"{path}: cannot read: {error.strerror or error}") from None
    if size == 0:
        raise CatalogError(f"{path}: the compiled catalog is empty (0 bytes), as an "
                           f"interrupted copy leaves it; {REBUILD_HINT}")
    if not has_sqlite_header(path):
        raise CatalogError(f"{path}: not a compiled vgpt2 catalog (not an SQLite database); "
                           f"{REBUILD_HINT}, or name the export folder instead")


def quick_check(connection: sqlite3.Connection, path: Path) -> None:
    """SQLite's quick check: every page of the file reads as a sound b-tree."""
    rows = connection.execute("PRAGMA quick_check").fetchall()
    if [tuple(r) for r in rows] != [("ok",)]:
        first = " ".join(str(rows[0][0]).split())[:200] if rows else "no answer"
        raise CatalogError(f"{path}: the compiled catalog is damaged (SQLite quick check: "
                           f"{first}); {REBUILD_HINT}")


def _verify(connection: sqlite3.Connection, path: Path) -> None:
    """Every table and column this version reads, its format and its meta table."""
    present = {r[0] for r in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "meta" not in present:
        raise CatalogError(f"{path}: an SQLite database but not a vgpt2 catalog (no meta "
                           f"table); {REBUILD_HINT}")
    found = connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchall()
    version = found[0][0] if found else None
    if version != FORMAT_VERSION:
        raise CatalogError(f"{path} was compiled by another vgpt2 version (format "
                           f"{version!r}, need {FORMAT_VERSION}); rebuild it")
    expected = expected_tables()
    missing = sorted(expected.keys() - present)
    if missing:
        raise CatalogError(f"{path}: the compiled catalog is damaged or incomplete: table "
                           f"{', '.join(missing)} missing; {REBUILD_HINT}")
    for table, columns in sorted(expected.items()):
        have = {r[1] for r in connection.execute(f'PRAGMA table_info("{table}")')}
        lacking = sorted(columns - have)
        if lacking:
            raise CatalogError(f"{path}: the compiled catalog is damaged or incomplete: table "
                               f"{table} lacks column {', '.join(lacking)}; {REBUILD_HINT}")
