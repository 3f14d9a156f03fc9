"""The compiled catalog file: one SQLite database with an FTS5 index for search.

Compiling once makes start-up instant: opening the file reads only the object
headers; columns, relationships and knowledge are read on demand.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from vgpt2.catalog.model import CatalogObject, ImportIssue, Key, ObjectType

if TYPE_CHECKING:  # the read side opens catalogs without importing the builder
    from vgpt2.catalog.builder import SchemaData

FORMAT_VERSION = "7"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE objects (
    id INTEGER PRIMARY KEY,
    schema TEXT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    module TEXT NOT NULL,
    description TEXT,
    family TEXT NOT NULL,
    column_count INTEGER NOT NULL,
    base_objects TEXT NOT NULL,
    parameters TEXT NOT NULL,
    keys TEXT NOT NULL,
    definition TEXT,
    source TEXT
);
CREATE TABLE columns (
    object_id INTEGER NOT NULL REFERENCES objects(id),
    ordinal INTEGER NOT NULL,
    name TEXT NOT NULL,
    data_type TEXT NOT NULL,
    base_type TEXT NOT NULL,
    max_length INTEGER,
    precision INTEGER,
    scale INTEGER,
    nullable INTEGER NOT NULL,
    is_identity INTEGER NOT NULL,
    is_computed INTEGER NOT NULL,
    description TEXT,
    PRIMARY KEY (object_id, ordinal)
) WITHOUT ROWID;
CREATE INDEX columns_by_name ON columns (name COLLATE NOCASE);
CREATE TABLE relationships (
    kind TEXT NOT NULL,
    from_object TEXT NOT NULL,
    to_object TEXT NOT NULL,
    column_pairs TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE INDEX relationships_from ON relationships (from_object);
CREATE INDEX relationships_to ON relationships (to_object);
CREATE TABLE types (
    name TEXT PRIMARY KEY, base_type TEXT NOT NULL, max_length INTEGER, precision INTEGER,
    scale INTEGER, nullable INTEGER NOT NULL
);
CREATE TABLE modules (code TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE synonyms (object TEXT NOT NULL, term TEXT NOT NULL);
CREATE INDEX synonyms_by_object ON synonyms (object);
CREATE TABLE status_codes (
    object TEXT NOT NULL, column_name TEXT NOT NULL, code TEXT NOT NULL,
    meaning TEXT NOT NULL, source TEXT NOT NULL
);
CREATE INDEX status_codes_by_column ON status_codes (object, column_name);
CREATE TABLE conventions (position INTEGER PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE join_ranking (object TEXT PRIMARY KEY, partners TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE object_ranking (
    name TEXT PRIMARY KEY, tier INTEGER NOT NULL, popularity INTEGER NOT NULL
) WITHOUT ROWID;
CREATE VIRTUAL TABLE search_index USING fts5(
    family UNINDEXED, kind UNINDEXED, names, description, synonyms, columns,
    tokenize = 'porter unicode61'
);
"""

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def split_identifier(name: str) -> list[str]:
    """``SMWorkOrder`` -> ``SM Work Order``; ``APTrans`` -> ``AP Trans``: words a question uses."""
    return _CAMEL.findall(name)


def write_schema(connection: sqlite3.Connection, data: SchemaData, meta: dict[str, str]) -> None:
    """Fill an empty database with ``data``; the caller owns the transaction and the file."""
    connection.executescript(SCHEMA)
    knowledge = data.knowledge
    described = _effective_descriptions(data)
    ids: dict[str, int] = {}
    for object_id, obj in enumerate(sorted(data.objects.values(), key=lambda o: o.name), 1):
        ids[obj.name] = object_id
        connection.execute(
            "INSERT INTO objects VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (object_id, obj.schema, obj.name, obj.type.value, obj.module,
             described.get(obj.name), data.family.get(obj.name, obj.name), len(obj.columns),
             json.dumps(obj.base_objects), json.dumps([[p.name, p.data_type]
                                                       for p in obj.parameters]),
             json.dumps([[k.name, k.kind.value, list(k.columns)] for k in obj.keys]),
             obj.definition, str(obj.source) if obj.source else None),
        )
        connection.executemany(
            "INSERT INTO columns VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [(object_id, c.ordinal, c.name, c.data_type, c.base_type, c.max_length, c.precision,
              c.scale, int(c.nullable), int(c.is_identity), int(c.is_computed),
              knowledge.column_descriptions.get((obj.name, c.name))
              or knowledge.column_descriptions.get((data.family.get(obj.name, ""), c.name))
              or c.description)
             for c in obj.columns],
        )
    connection.executemany(
        "INSERT INTO relationships VALUES (?,?,?,?,?)",
        [(r.kind.value, r.from_object, r.to_object, json.dumps(r.column_pairs), r.name)
         for r in data.relationships],
    )
    connection.executemany(
        "INSERT INTO types VALUES (?,?,?,?,?,?)",
        [(t.name, t.base_type, t.max_length, t.precision, t.scale, int(t.nullable))
         for t in data.types.values()],
    )
    connection.executemany("INSERT INTO modules VALUES (?,?)", sorted(knowledge.modules.items()))
    connection.executemany(
        "INSERT INTO synonyms VALUES (?,?)",
        [(data.family.get(name, name), term) for name, terms in knowledge.synonyms.items()
         if name in data.objects for term in terms],
    )
    connection.executemany(
        "INSERT INTO status_codes VALUES (?,?,?,?,?)",
        [(s.object, s.column, s.code, s.meaning, s.source)
         for s in knowledge.status_codes.values()],
    )
    connection.executemany("INSERT INTO conventions VALUES (?,?)",
                           list(enumerate(knowledge.conventions)))
    _write_search_index(connection, data, described)
    _write_ranking(connection, data)
    connection.executemany("INSERT INTO meta VALUES (?,?)",
                           sorted({**meta, "format": FORMAT_VERSION}.items()))


def _effective_descriptions(data: SchemaData) -> dict[str, str]:
    """Knowledge beats the export's heuristic descriptions; a view and its table share one."""
    described: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for name in data.objects:
        members.setdefault(data.family.get(name, name), []).append(name)
    for name, obj in data.objects.items():
        text = (data.knowledge.descriptions.get(name)
                or data.knowledge.descriptions.get(data.family.get(name, name)))
        if text is None and obj.description:
            text = obj.description
        if text is None:
            # A view over a base table inherits the table's description and vice versa.
            relatives = members[data.family.get(name, name)]
            text = next((data.objects[r].description for r in relatives
                         if data.objects[r].description), None)
        if text:
            described[name] = text
    return described


def _write_search_index(
    connection: sqlite3.Connection, data: SchemaData, described: dict[str, str]
) -> None:
    members: dict[str, list[CatalogObject]] = {}
    for obj in data.objects.values():
        members.setdefault(data.family.get(obj.name, obj.name), []).append(obj)
    rows = []
    for family, objs in sorted(members.items()):
        names = _words(n for o in objs for n in (o.name, *split_identifier(o.name)))
        column_words = _words(w for o in objs for c in o.columns for w in split_identifier(c.name))
        synonyms = " ; ".join(data.knowledge.synonyms.get(family, [])
                              + [s for o in objs if o.name != family
                                 for s in data.knowledge.synonyms.get(o.name, [])])
        kind = ("relation" if any(o.type in (ObjectType.TABLE, ObjectType.VIEW) for o in objs)
                else "routine")
        rows.append((family, kind, names, described.get(family, ""), synonyms, column_words))
    connection.executemany(
        "INSERT INTO search_index (family, kind, names, description, synonyms, columns) "
        "VALUES (?,?,?,?,?,?)", rows)


def _write_ranking(connection: sqlite3.Connection, data: SchemaData) -> None:
    """Join roles, priors and object tiers (see :mod:`.ranking`), read by completion and search."""
    # One row per object, its partners as JSON [[object, partner, role, prefix, extra, width,
    # prior]] (JoinRank's fields): a tenth of the rows of one per pair, within the build budget.
    connection.executemany("INSERT INTO join_ranking VALUES (?,?)",
                           [(name, json.dumps(ranks)) for name, ranks in data.join_ranks.items()])
    connection.executemany(
        "INSERT INTO object_ranking VALUES (?,?,?)",
        [(r.name, int(r.tier), r.popularity) for r in data.object_ranks.values()])


def _words(words: Iterable[str]) -> str:
    seen: dict[str, None] = {}
    for word in words:
        seen.setdefault(word, None)
    return " ".join(seen)


def decode_keys(text: str) -> tuple[Key, ...]:
    from vgpt2.catalog.model import KeyKind

    return tuple(Key(name, KeyKind(kind), tuple(columns))
                 for name, kind, columns in json.loads(text))


# -- integrity and build records (read by Catalog.open, written by build) ---------------------


@functools.cache
def expected_tables() -> dict[str, frozenset[str]]:
    """Every table a compiled file must hold, with its columns.

    Read back from :data:`SCHEMA` itself, so a table added there is checked on
    open without a second list to keep in step.
    """
    connection = sqlite3.connect(":memory:")
    try:
        connection.executescript(SCHEMA)
        names = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {name: frozenset(r[1] for r in connection.execute(
                    f'PRAGMA table_info("{name}")'))
                for name in names}
    finally:
        connection.close()


ISSUES_KEY = "import_issues"
"""Meta key: the import problems of the build, as JSON ``[[path, line, severity, message]]``."""
ISSUE_COUNTS_KEY = "import_issue_counts"
"""Meta key: JSON ``{"error": n, "warning": n}``, the totals even when the list was cut."""
RECORDED_ISSUES = 200
"""At most this many problems are kept in the file; the counts say how many there were."""


def encode_import_issues(issues: Iterable[ImportIssue]) -> dict[str, str]:
    """The meta entries that record a build's errors and warnings (informational notes not)."""
    kept = [i for i in issues if i.severity in ("error", "warning")]
    kept.sort(key=lambda i: i.severity != "error")  # errors first when the list is cut
    counts = {"error": sum(i.severity == "error" for i in kept),
              "warning": sum(i.severity == "warning" for i in kept)}
    return {
        ISSUES_KEY: json.dumps([[str(i.path), i.line, i.severity, i.message]
                                for i in kept[:RECORDED_ISSUES]], ensure_ascii=False),
        ISSUE_COUNTS_KEY: json.dumps(counts),
    }


def decode_import_issues(meta: dict[str, str]) -> tuple[list[ImportIssue], dict[str, int]]:
    """What :func:`encode_import_issues` recorded; nothing for a catalog built before it."""
    try:
        rows = json.loads(meta.get(ISSUES_KEY, "[]"))
        counts = json.loads(meta.get(ISSUE_COUNTS_KEY, "{}"))
        issues = [ImportIssue(Path(path), line, message, severity=severity)
                  for path, line, severity, message in rows]
        return issues, {"error": int(counts.get("error", 0)),
                        "warning": int(counts.get("warning", 0))}
    except (ValueError, TypeError, AttributeError) as error:
        raise ValueError(f"the recorded import problems are unreadable ({error})") from None
