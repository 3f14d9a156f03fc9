"""Sample Vista databases in DuckDB, built from the catalog, so SQL can be scored by running it.

Every table of the catalog that has columns becomes a DuckDB table in schema
``dbo`` with its columns and SQL types (UDTs resolved to their base types);
every view over one base table becomes a DuckDB view selecting from that table,
so ``APTH`` and ``bAPTH`` return the same rows. Reporting views with a
definition are created from it (transpiled); views that cannot be are tables
of their own with synthetic rows.

Rows are synthetic but shaped like Vista's: parents first, child rows copy the
whole composite key of an existing parent row (APTL -> APTH on APCo, Mth,
APTrans), company and group columns come from a small set so that filters and
joins select real subsets, ``Mth`` is always the first of a month, status
columns take the codes the knowledge pack documents, ``bYN`` is 'Y' or 'N',
NULLs appear only in nullable columns. K databases differ only in their random
draws: a wrong query that happens to match on one fails on another.

Builds are deterministic per seed and atomic: databases are written into a
temporary sibling folder that replaces the output only when all are complete.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import CatalogObject, Column, ObjectType, RelationshipKind
from vgpt2.training.folders import swap_in

MANIFEST = "manifest.json"
FORMAT = 1
"""Bumped when the layout of a build changes (a reader refuses other formats)."""
COMPANIES = (1, 2)
GROUPS = (1, 2)
FIRST_MONTH = dt.date(2024, 7, 1)
MONTHS = 12
"""``Mth`` values: the first days of 2024-07 .. 2025-06 (a fiscal year, so month filters hit)."""
DATE_START = dt.date(2024, 6, 1)
DATE_DAYS = 480
DEFAULT_ROWS = 40
DEFAULT_DATABASES = 3
NULL = "\\N"

ProgressHook = Callable[[str, int, int], None]
"""(what, done, total): called as tables are filled."""


class SampleDBError(Exception):
    """A build that cannot be done (an output folder that is not ours, a bad argument)."""


@dataclass(frozen=True, slots=True)
class BuildSummary:
    out: Path
    databases: list[Path]
    tables: int
    views: int
    view_tables: int
    """Views without a base table or usable definition, filled as tables of their own."""
    rows: int
    """Rows inserted into one database, summed over tables (the first database)."""
    skipped: list[str]
    seconds: float


def database_paths(out: Path) -> list[Path]:
    """The databases of a build, in order; raises SampleDBError when ``out`` is not a build."""
    manifest = out / MANIFEST
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SampleDBError(f"{manifest}: not a sample database build ({error}); build one "
                            "with `vgpt2-train sampledb --out DIR`") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SampleDBError(f"{manifest}: written by another vgpt2 (format "
                            f"{data.get('format') if isinstance(data, dict) else '?'}); rebuild it")
    return [out / name for name in data["databases"]]


# -- types ------------------------------------------------------------------------------------

_INTEGER = {"tinyint": "UTINYINT", "smallint": "SMALLINT", "int": "INTEGER", "bigint": "BIGINT"}
_TEXT = frozenset({"varchar", "nvarchar", "char", "nchar", "text", "ntext", "xml", "sysname",
                   "sql_variant"})
_DATETIME = frozenset({"datetime", "smalldatetime", "datetime2", "datetimeoffset"})


def duckdb_type(column: Column) -> str:
    """The DuckDB type holding what SQL Server's base type holds (bit as a 0/1 integer)."""
    base = column.base_type.lower()
    if base in _INTEGER:
        return _INTEGER[base]
    if base == "bit":
        return "TINYINT"
    if base in ("decimal", "numeric"):
        precision = min(max(column.precision or 18, 1), 38)
        scale = min(column.scale or 0, precision)
        return f"DECIMAL({precision},{scale})"
    if base == "money":
        return "DECIMAL(19,4)"
    if base == "smallmoney":
        return "DECIMAL(10,4)"
    if base == "float":
        return "DOUBLE"
    if base == "real":
        return "FLOAT"
    if base in _DATETIME:
        return "TIMESTAMP"
    if base == "date":
        return "DATE"
    if base == "time":
        return "TIME"
    if base == "uniqueidentifier":
        return "UUID"
    if base in ("varbinary", "binary", "image", "timestamp", "rowversion"):
        return "BLOB"
    return "VARCHAR"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -- the plan: which objects, in which order ---------------------------------------------------


@dataclass(slots=True)
class _Parent:
    table: str
    pairs: tuple[tuple[str, str], ...]
    """(child column, parent column)."""
    in_key: bool


@dataclass(slots=True)
class _TablePlan:
    obj: CatalogObject
    columns: list[Column]
    key: tuple[str, ...]
    parents: list[_Parent] = field(default_factory=list)
    codes: dict[str, list[str]] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    """Column -> DuckDB type."""
    nullable: frozenset[str] = frozenset()
    by_name: dict[str, Column] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.types = {c.name: duckdb_type(c) for c in self.columns}
        self.nullable = frozenset(c.name for c in self.columns if c.nullable)
        self.by_name = {c.name: c for c in self.columns}


@dataclass(slots=True)
class _Plan:
    tables: list[_TablePlan]
    """Parents before children."""
    views: list[tuple[CatalogObject, str, list[Column]]]
    """(view, base table, columns): created as a SELECT over the base table."""
    defined: list[tuple[CatalogObject, list[Column]]]
    """Views with a definition and no single base table: transpiled, else tables."""
    skipped: list[str]


def _unique_columns(obj: CatalogObject) -> list[Column]:
    seen: set[str] = set()
    kept = []
    for column in obj.columns:
        if column.name.lower() not in seen:
            seen.add(column.name.lower())
            kept.append(column)
    return kept


def plan(catalog: Catalog) -> _Plan:
    """Which objects become tables and views, and the order that puts parents first."""
    taken: set[str] = set()
    tables: dict[str, _TablePlan] = {}
    views: list[tuple[CatalogObject, str, list[Column]]] = []
    defined: list[tuple[CatalogObject, list[Column]]] = []
    pending_views: list[CatalogObject] = []
    skipped: list[str] = []
    headers = sorted(catalog.headers(), key=lambda h: (h.type is not ObjectType.TABLE, h.name))
    for header in headers:
        if header.type not in (ObjectType.TABLE, ObjectType.VIEW) or not header.column_count:
            continue
        if header.name.lower() in taken:
            skipped.append(f"{header.name}: differs only by case from another object")
            continue
        obj = catalog.get(header.name)
        if obj is None:
            continue
        taken.add(header.name.lower())
        if obj.type is ObjectType.TABLE:
            tables[obj.name] = _TablePlan(obj, _unique_columns(obj), catalog.key_columns(obj.name))
        else:
            pending_views.append(obj)
    typed = _column_types(tables.values())
    for view in pending_views:
        bases = [b for b in catalog.base_tables_of(view.name) if b in tables]
        base = bases[0] if len(bases) == 1 else None
        columns = _resolve_types(view, tables, typed)
        if base is None and view.definition:
            defined.append((view, columns))
        elif base is not None:
            views.append((view, base, columns))
        else:
            tables[view.name] = _TablePlan(view, columns, catalog.key_columns(view.name))
    # Data lives in base tables: a relationship to a view is one to the table under it.
    storage = {view.name: base for view, base, _ in views}
    for table in tables.values():
        table.codes = _codes(catalog, table)
    for table in tables.values():
        table.parents = _parents(catalog, table, tables, storage)
    return _Plan(_order(tables), views, defined, skipped)


def _column_types(tables: Iterable[_TablePlan]) -> dict[str, Column]:
    """Column name -> the most common typed column of that name among the tables."""
    seen: dict[str, Counter[tuple[str, str, int | None, int | None, int | None]]] = {}
    sample: dict[tuple[str, tuple[str, str, int | None, int | None, int | None]], Column] = {}
    for table in tables:
        for column in table.columns:
            if column.base_type == "unknown":
                continue
            shape = (column.data_type, column.base_type, column.max_length, column.precision,
                     column.scale)
            seen.setdefault(column.name, Counter())[shape] += 1
            sample.setdefault((column.name, shape), column)
    return {name: sample[(name, shapes.most_common(1)[0][0])] for name, shapes in seen.items()}


def _resolve_types(view: CatalogObject, tables: dict[str, _TablePlan],
                   typed: dict[str, Column]) -> list[Column]:
    """A view's columns, a type given to those the export lists as ``unknown`` (computed
    columns): the same column of a table the view reads, else the usual type of that name."""
    bases = [tables[b] for b in view.base_objects if b in tables]
    resolved = []
    for column in _unique_columns(view):
        if column.base_type == "unknown":
            source = next((c for base in bases for c in base.columns
                           if c.name == column.name and c.base_type != "unknown"),
                          typed.get(column.name))
            if source is not None:
                column = dataclasses.replace(
                    column, data_type=source.data_type, base_type=source.base_type,
                    max_length=source.max_length, precision=source.precision,
                    scale=source.scale)
        resolved.append(column)
    return resolved


def _parents(catalog: Catalog, table: _TablePlan, tables: dict[str, _TablePlan],
             storage: dict[str, str]) -> list[_Parent]:
    own = {c.name for c in table.columns}
    key = set(table.key)
    found: dict[str, _Parent] = {}
    for rel in catalog.relationships(table.obj.name):
        if rel.kind is RelationshipKind.VIEW_OF:
            continue
        target = storage.get(rel.to_object, rel.to_object)
        parent = tables.get(target)
        if parent is None or target == table.obj.name or not parent.key:
            continue
        pairs = tuple(p for p in rel.column_pairs if p[0] in own)
        if {b for _, b in pairs} != set(parent.key) or len(pairs) != len(parent.key):
            continue  # not the parent's whole key: a sibling or a child, not a parent
        if any(_kind(table.types.get(a, "")) != _kind(parent.types.get(b, ""))
               for a, b in pairs):
            continue  # the same column name with another type: values cannot be copied
        if any(a in table.codes for a, _ in pairs):
            continue  # a documented status column keeps its codes (EMEM.Status is A/I/D)
        if set(parent.key) == key and {a for a, _ in pairs} == key and parent.obj.name > \
                table.obj.name:
            continue  # same key both ways: the name decides which one is the parent
        in_key = all(a in key for a, _ in pairs)
        previous = found.get(target)
        if previous is None or len(pairs) > len(previous.pairs):
            found[target] = _Parent(target, pairs, in_key)
    # Parents that make up the key first (widest first), then the others (widest first).
    return sorted(found.values(), key=lambda p: (not p.in_key, -len(p.pairs), p.table))


def _kind(duck_type: str) -> str:
    """A type's family: values copy between members of one family."""
    if duck_type.startswith("DECIMAL") or duck_type in ("DOUBLE", "FLOAT"):
        return "number"
    if duck_type in ("UTINYINT", "TINYINT", "SMALLINT", "INTEGER", "BIGINT"):
        return "integer"
    return duck_type


def _codes(catalog: Catalog, table: _TablePlan) -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {}
    name = table.obj.name
    for column in table.columns:
        if column.data_type == "bYN":
            codes[column.name] = ["Y", "N"]
            continue
        found = [s.code for s in catalog.status_codes(name, column.name)]
        if found:
            codes[column.name] = found
    return codes


def _order(tables: dict[str, _TablePlan]) -> list[_TablePlan]:
    """Kahn's order, parents first; a cycle is broken at the table with the fewest waits."""
    waiting = {name: {p.table for p in t.parents} for name, t in tables.items()}
    done: set[str] = set()
    ordered: list[_TablePlan] = []
    while waiting:
        ready = sorted(n for n, ps in waiting.items() if not (ps - done))
        if not ready:
            ready = [min(waiting, key=lambda n: (len(waiting[n] - done), n))]
            stuck = ready[0]
            tables[stuck].parents = [p for p in tables[stuck].parents if p.table in done]
        for name in ready:
            ordered.append(tables[name])
            done.add(name)
            del waiting[name]
    return ordered


# -- values ---------------------------------------------------------------------------------


class _Text:
    """Realistic text from Faker, drawn from seeded pools (Faker per value is too slow)."""

    def __init__(self, seed: int) -> None:
        from faker import Faker

        fake = Faker("en_US")
        fake.seed_instance(seed)
        size = 120
        self.pools: dict[str, list[str]] = {
            "company": [fake.company() for _ in range(size)],
            "person": [fake.name() for _ in range(size)],
            "address": [fake.street_address() for _ in range(size)],
            "city": [fake.city() for _ in range(size)],
            "state": [fake.state_abbr() for _ in range(60)],
            "zip": [fake.zipcode() for _ in range(size)],
            "phone": [fake.numerify("###-###-####") for _ in range(size)],
            "email": [fake.company_email() for _ in range(size)],
            "text": [fake.sentence(nb_words=5).rstrip(".") for _ in range(size * 2)],
            "word": [fake.word().capitalize() for _ in range(size)],
        }

    def kind(self, column: str) -> str:
        lower = column.lower()
        if lower in ("name", "sortname") or (lower.endswith("name") and "user" not in lower):
            return "person" if any(w in lower for w in ("employee", "contact", "first",
                                                        "last", "mid")) else "company"
        if "contact" in lower or lower in ("projectmgr", "architect"):
            return "person"
        if "address" in lower:
            return "address"
        if lower.endswith("city"):
            return "city"
        if lower.endswith("state"):
            return "state"
        if lower.endswith("zip"):
            return "zip"
        if "phone" in lower or lower.endswith("fax"):
            return "phone"
        if "email" in lower:
            return "email"
        if "desc" in lower or lower.endswith("notes") or lower == "memo":
            return "text"
        return "word"

    def draw(self, rng: random.Random, column: str) -> str:
        return rng.choice(self.pools[self.kind(column)])


_COMPANY = re.compile(r"^[A-Z]{2}Co$|Co$")


def is_company(column: Column) -> bool:
    return column.data_type == "bCompany" or (
        column.base_type == "tinyint" and bool(_COMPANY.search(column.name)))


def is_group(column: Column) -> bool:
    return column.data_type == "bGroup" or (
        column.base_type == "tinyint" and column.name.endswith("Group"))


def is_month(column: Column) -> bool:
    return column.data_type == "bMonth" or ((
        column.name == "Mth" or column.name.endswith("Mth")) and \
        column.base_type.lower() in _DATETIME | {"date"})


def _month(rng: random.Random) -> dt.datetime:
    index = rng.randrange(MONTHS)
    year, month = divmod(FIRST_MONTH.month - 1 + index, 12)
    return dt.datetime(FIRST_MONTH.year + year, month + 1, 1)


def _sequence_text(column: Column, number: int) -> str:
    """A key code from a counter: jobs look like ``1003-``, phases ``03-100-``, others ``V17``."""
    width = column.max_length if column.max_length and column.max_length > 0 else 20
    data_type = column.data_type
    if data_type in ("bJob", "bContract"):
        text = f"{1000 + number}-"
    elif data_type == "bPhase":
        text = f"{number:02d}-100-"
    elif width <= 2:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        text = alphabet[(number - 1) % len(alphabet)] + (
            alphabet[(number - 1) // len(alphabet) % len(alphabet)] if width == 2 else "")
    else:
        prefix = "".join(ch for ch in column.name if ch.isupper())[:3] or column.name[:1].upper()
        text = f"{prefix}{number}"
    return text[-width:] if len(text) > width else text


class _Values:
    def __init__(self, rng: random.Random, text: _Text) -> None:
        self.rng = rng
        self.text = text

    def code(self, column: Column, codes: list[str]) -> Any:
        return _convert(column, self.rng.choice(codes))

    def value(self, column: Column) -> Any:
        rng = self.rng
        base = column.base_type.lower()
        if is_company(column):
            return rng.choice(COMPANIES)
        if is_group(column):
            return rng.choice(GROUPS)
        if is_month(column):
            return _month(rng)
        if base in _DATETIME or base == "date":
            day = DATE_START + dt.timedelta(days=rng.randrange(DATE_DAYS))
            return dt.datetime(day.year, day.month, day.day) if base != "date" else day
        if base == "bit":
            return rng.randrange(2)
        if base in _INTEGER:
            top = {"tinyint": 250, "smallint": 2000}.get(base, 5000)
            return rng.randint(1, top)
        if base in ("decimal", "numeric", "money", "smallmoney", "float", "real"):
            return self._number(column)
        if base == "uniqueidentifier":
            return (f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-"
                    f"4{rng.getrandbits(12):03x}-a{rng.getrandbits(12):03x}-"
                    f"{rng.getrandbits(48):012x}")
        if base in ("varbinary", "binary", "image", "timestamp", "rowversion", "time"):
            return None if column.nullable else _zero(base)
        return self._text(column)

    def _number(self, column: Column) -> Any:
        base = column.base_type.lower()
        if base in ("float", "real"):
            return round(self.rng.uniform(0, 1000), 3)
        precision = column.precision or 18
        scale = column.scale or (4 if base in ("money", "smallmoney") else 0)
        digits = precision - scale
        top = min(10 ** min(digits, 6) - 1, 250_000)
        if top <= 0:
            return Decimal(0).scaleb(-scale)
        amount = self.rng.uniform(0, top)
        if scale == 0:
            return Decimal(int(amount))
        return Decimal(round(amount, min(scale, 2))).quantize(Decimal(1).scaleb(-scale))

    def _text(self, column: Column) -> str:
        width = column.max_length if column.max_length and column.max_length > 0 else 60
        if width <= 2:
            return self.rng.choice("ABCDEFGHJKMNPRSTUVWXYZ")[:width]
        return self.text.draw(self.rng, column.name)[:width]


def _zero(base: str) -> Any:
    return "00:00:00" if base == "time" else ""


def _convert(column: Column, code: str) -> Any:
    base = column.base_type.lower()
    if base in _INTEGER or base == "bit":
        try:
            return int(code)
        except ValueError:
            return None
    if base in ("decimal", "numeric", "money", "smallmoney"):
        try:
            return Decimal(code)
        except ArithmeticError:
            return None
    width = column.max_length if column.max_length and column.max_length > 0 else len(code)
    return code[:width]


# -- rows -----------------------------------------------------------------------------------

_SEQUENCE = frozenset({"tinyint", "smallint", "int", "bigint", "varchar", "char", "nvarchar",
                       "nchar"})


class _Filler:
    """Generates one database's rows, table by table, parents first."""

    def __init__(self, rng: random.Random, text: _Text, rows: int) -> None:
        self.rng = rng
        self.values = _Values(rng, text)
        self.rows = rows
        self.data: dict[str, list[dict[str, Any]]] = {}
        self._index: dict[tuple[str, tuple[str, ...]], dict[tuple[Any, ...], list[int]]] = {}

    def fill(self, table: _TablePlan) -> list[dict[str, Any]]:
        rng = self.rng
        target = max(1, int(self.rows * rng.uniform(0.7, 1.0)))
        key = table.key
        seen: set[tuple[Any, ...]] = set()
        counters: dict[tuple[str, tuple[Any, ...]], int] = {}
        identity = 0
        produced: list[dict[str, Any]] = []
        for _ in range(target * 3):
            if len(produced) >= target:
                break
            row: dict[str, Any] = {}
            self._from_parents(table, row)
            self._own_key(table, row, counters)
            if key:
                tuple_key = tuple(row.get(c) for c in key)
                if tuple_key in seen or any(v is None for v in tuple_key):
                    continue
                seen.add(tuple_key)
            for column in table.columns:
                if column.name in row:
                    continue
                if column.is_identity:
                    identity += 1
                    row[column.name] = identity
                elif column.nullable and rng.random() < 0.08:
                    row[column.name] = None
                elif column.name in table.codes:
                    row[column.name] = self.values.code(column, table.codes[column.name])
                else:
                    row[column.name] = self.values.value(column)
                if row[column.name] is None and not column.nullable:
                    row[column.name] = self.values.value(column) if column.base_type.lower() \
                        not in ("varbinary", "binary", "image", "timestamp", "rowversion",
                                "time") else _zero(column.base_type.lower())
            produced.append(row)
        self.data[table.obj.name] = produced
        return produced

    def _from_parents(self, table: _TablePlan, row: dict[str, Any]) -> None:
        nullable = table.nullable
        for parent in table.parents:
            rows = self.data.get(parent.table)
            if not rows:
                continue
            fixed = tuple((a, b) for a, b in parent.pairs if a in row)
            if not parent.in_key and all(a in nullable for a, _ in parent.pairs) \
                    and self.rng.random() < 0.15:
                for a, _ in parent.pairs:
                    row.setdefault(a, None)
                continue
            if fixed:
                index = self._parent_index(parent.table, tuple(b for _, b in fixed))
                candidates = index.get(tuple(row[a] for a, _ in fixed), [])
                if not candidates:
                    continue
                chosen = rows[self.rng.choice(candidates)]
            else:
                chosen = self.rng.choice(rows)
            for a, b in parent.pairs:
                row.setdefault(a, chosen[b])

    def _parent_index(self, table: str, columns: tuple[str, ...]
                      ) -> dict[tuple[Any, ...], list[int]]:
        index = self._index.get((table, columns))
        if index is None:
            index = {}
            for i, parent_row in enumerate(self.data[table]):
                index.setdefault(tuple(parent_row[c] for c in columns), []).append(i)
            self._index[(table, columns)] = index
        return index

    def _own_key(self, table: _TablePlan, row: dict[str, Any],
                 counters: dict[tuple[str, tuple[Any, ...]], int]) -> None:
        columns = table.by_name
        own = [columns[c] for c in table.key if c in columns and c not in row]
        drawn = [c for c in own if not _sequential(c)]
        counted = [c for c in own if _sequential(c)]
        for column in drawn:
            codes = table.codes.get(column.name)
            row[column.name] = (self.values.code(column, codes) if codes
                                else self.values.value(column))
        for column in counted:
            prefix = tuple(row.get(c) for c in table.key if c != column.name and c in row)
            number = counters.get((column.name, prefix), 0) + 1
            counters[(column.name, prefix)] = number
            if column.base_type.lower() in _INTEGER:
                row[column.name] = number
            else:
                row[column.name] = _sequence_text(column, number)


def _sequential(column: Column) -> bool:
    return (column.base_type.lower() in _SEQUENCE and not is_company(column)
            and not is_group(column) and column.data_type != "bYN")


# -- writing --------------------------------------------------------------------------------


def _csv_value(value: Any) -> Any:
    if value is None:
        return NULL
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value


def _copy_rows(con: duckdb.DuckDBPyConnection, table: str, columns: list[Column],
               rows: list[dict[str, Any]], scratch: Path) -> None:
    if not rows:
        return
    path = scratch / "rows.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for row in rows:
            writer.writerow([_csv_value(row.get(c.name)) for c in columns])
    con.execute(f"COPY dbo.{quote(table)} FROM '{path}' (FORMAT csv, HEADER false, "
                f"AUTO_DETECT false, DELIM ',', NULLSTR '{NULL}', QUOTE '\"', ESCAPE '\"')")


def _create_table(con: duckdb.DuckDBPyConnection, name: str, columns: list[Column]) -> None:
    body = ", ".join(f"{quote(c.name)} {duckdb_type(c)}" for c in columns)
    con.execute(f"CREATE TABLE dbo.{quote(name)} ({body})")


def connect(path: Path, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """A connection that behaves like the usual SQL Server setup: ``dbo`` first, CI strings."""
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("SET default_collation = 'nocase'")
    con.execute("SET search_path = 'dbo,main'")
    return con


def _build_one(plan_: _Plan, path: Path, seed: int, rows: int,
               on_table: Callable[[], None], transpile_view: Callable[[str], str | None]
               ) -> tuple[int, int]:
    """One database; returns (rows inserted, views filled as tables)."""
    rng = random.Random(seed)
    filler = _Filler(rng, _Text(seed), rows)
    con = duckdb.connect(":memory:")
    inserted = 0
    view_tables = 0
    try:
        con.execute("SET enable_progress_bar = false")  # our own bar reports progress
        con.execute("SET default_collation = 'nocase'")
        con.execute("CREATE SCHEMA dbo")
        con.execute("SET search_path = 'dbo,main'")
        shm = Path("/dev/shm")
        with tempfile.TemporaryDirectory(prefix="vgpt2-rows-",
                                         dir=shm if shm.is_dir() else None) as scratch:
            for table in plan_.tables:
                _create_table(con, table.obj.name, table.columns)
                produced = filler.fill(table)
                _copy_rows(con, table.obj.name, table.columns, produced, Path(scratch))
                inserted += len(produced)
                on_table()
            stored = {t.obj.name: t.columns for t in plan_.tables}
            for view, base, columns in plan_.views:
                base_columns = {c.name.lower() for c in stored.get(base, [])}
                select = ", ".join(
                    quote(c.name) if c.name.lower() in base_columns
                    else f"CAST(NULL AS {duckdb_type(c)}) AS {quote(c.name)}" for c in columns)
                con.execute(f"CREATE VIEW dbo.{quote(view.name)} AS SELECT {select} "
                            f"FROM dbo.{quote(base)}")
                on_table()
            remaining = list(plan_.defined)
            for _ in range(len(remaining) + 1):
                progressed = False
                for view, columns in list(remaining):
                    body = transpile_view(view.definition or "")
                    if body is None:
                        continue
                    try:
                        con.execute(f"CREATE VIEW dbo.{quote(view.name)} AS {body}")
                    except duckdb.Error:
                        continue
                    remaining.remove((view, columns))
                    progressed = True
                    on_table()
                if not progressed:
                    break
            for view, columns in remaining:
                table = _TablePlan(view, columns, ())
                table.codes = {}
                _create_table(con, view.name, table.columns)
                produced = filler.fill(table)
                _copy_rows(con, view.name, table.columns, produced, Path(scratch))
                inserted += len(produced)
                view_tables += 1
                on_table()
        # Built in memory (DDL on a file commits each statement), then copied out at once.
        con.execute(f"ATTACH '{path}' AS target")
        con.execute("COPY FROM DATABASE memory TO target")
        con.execute("DETACH target")
    finally:
        con.close()
    return inserted, view_tables


def database_seed(seed: int, index: int) -> int:
    digest = hashlib.blake2b(f"vgpt2-sampledb:{seed}:{index}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big")


def _view_body(definition: str) -> str | None:
    """The SELECT of a CREATE VIEW, transpiled to DuckDB, or None when it cannot be."""
    from vgpt2.training.eval.transpile import transpile_view_definition

    return transpile_view_definition(definition)


_QUEUE: Any = None
"""In a worker process: where table ticks go back to the parent's progress bar."""
PARALLEL_FROM = 2000
"""Table builds (objects x databases) from which databases are built in parallel processes."""


def _worker_init(queue: Any) -> None:
    global _QUEUE
    _QUEUE = queue


def _worker_build(plan_: _Plan, path: str, seed: int, rows: int) -> tuple[int, int]:
    def tick() -> None:
        _QUEUE.put(1)

    return _build_one(plan_, Path(path), seed, rows, tick, _view_body)


def _build_all(plan_: _Plan, jobs: list[tuple[Path, int]], rows: int, workers: int,
               tick: Callable[[], None]) -> list[tuple[int, int]]:
    """Every database, one process per database when there is enough work to share out."""
    if workers <= 1:
        return [_build_one(plan_, path, seed, rows, tick, _view_body) for path, seed in jobs]
    import multiprocessing
    import queue as queues
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
    ticks = context.Queue()
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init,
                                 initargs=(ticks,)) as pool:
            futures = [pool.submit(_worker_build, plan_, str(path), seed, rows)
                       for path, seed in jobs]
            pending = set(futures)
            while pending:
                _, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                with contextlib.suppress(queues.Empty):
                    while True:
                        ticks.get_nowait()
                        tick()
            return [f.result() for f in futures]
    except BrokenProcessPool:
        # A worker could not start or died (e.g. the environment changed under it): the
        # build is deterministic, so building here gives the same databases, only slower.
        return [_build_one(plan_, path, seed, rows, lambda: None, _view_body)
                for path, seed in jobs]


def build(catalog: Catalog, out: Path, *, databases: int = DEFAULT_DATABASES, seed: int = 0,
          rows: int = DEFAULT_ROWS, progress: ProgressHook | None = None,
          workers: int | None = None) -> BuildSummary:
    """Build ``databases`` sample databases into ``out`` (replacing an earlier build there).

    ``workers``: processes building databases side by side (None: one per database and
    core when the catalog is large, else none).
    """
    if databases < 1:
        raise SampleDBError("--databases must be at least 1")
    if rows < 1:
        raise SampleDBError("--rows must be at least 1")
    started = time.perf_counter()
    out = Path(os.path.abspath(out))
    _check_output(out)
    plan_ = plan(catalog)
    steps = (len(plan_.tables) + len(plan_.views) + len(plan_.defined)) * databases
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress("tables", done, steps)

    out.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    if workers is None:
        workers = min(databases, os.cpu_count() or 1) if steps >= PARALLEL_FROM else 1
    try:
        names = [f"sample-{index + 1}.duckdb" for index in range(databases)]
        results = _build_all(plan_, [(scratch / name, database_seed(seed, index))
                                     for index, name in enumerate(names)], rows, workers, tick)
        inserted, view_tables = results[0]
        manifest = {"format": FORMAT, "databases": names, "seed": seed, "rows": rows,
                    "catalog": str(catalog.path) if catalog.path else "(in memory)",
                    "tables": len(plan_.tables), "views": len(plan_.views) + len(plan_.defined),
                    "skipped": plan_.skipped}
        (scratch / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        swap_in(scratch, out)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    undefined = sum(t.obj.type is ObjectType.VIEW for t in plan_.tables)
    return BuildSummary(out, [out / n for n in names], len(plan_.tables) - undefined,
                        len(plan_.views) + len(plan_.defined) - view_tables,
                        view_tables + undefined, inserted, plan_.skipped,
                        time.perf_counter() - started)


def _check_output(out: Path) -> None:
    if out.is_symlink():
        raise SampleDBError(f"{out}: is a symbolic link; give a real folder")
    if out.exists():
        if not out.is_dir():
            raise SampleDBError(f"{out}: exists and is not a folder")
        if any(out.iterdir()) and not (out / MANIFEST).is_file():
            raise SampleDBError(f"{out}: folder is not empty and holds no sample database "
                                "build; give an empty or new folder")




def table_rows(path: Path, names: Iterable[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the named objects, sorted (for determinism checks and debugging)."""
    con = connect(path)
    try:
        return {n: sorted(con.execute(f"SELECT * FROM dbo.{quote(n)}").fetchall(), key=repr)
                for n in names}
    finally:
        con.close()
