"""Go to definition: a read-only T-SQL rendering of the catalog object under the cursor.

The catalog keeps the source text only when it was imported from DDL files;
a metadata export has none. Then the rendering is a skeleton generated from
the catalog's metadata: ``CREATE TABLE`` with every column's declared type and
nullability, the keys as indexes, the description and the known joins as
comments; ``CREATE VIEW`` / ``PROCEDURE`` / ``FUNCTION`` likewise. It is meant
to be read, never run.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import (
    CatalogObject,
    Column,
    KeyKind,
    ObjectType,
    RelationshipKind,
)
from vgpt2.server.analysis.target import target_at

__all__ = ["HEADER", "Definition", "definition_at", "render_object"]

HEADER = "-- vgpt2: read-only rendering from the catalog"
_WIDTH = 96


@dataclass(frozen=True, slots=True)
class Definition:
    name: str
    """The object's exact catalog name."""
    uri_name: str
    """A file name for the virtual document (``JCCM.sql``)."""
    content: str
    line: int = 0
    """0-based line of ``content`` to reveal: the column asked about, else the CREATE line."""


def definition_at(text: str, offset: int, catalog: Catalog) -> Definition | None:
    """The rendering of the object (or the object of the column) at ``offset``."""
    target = target_at(text, offset, catalog)
    if target is None:
        return None
    name = target.objects[0]
    content = render_object(catalog, name)
    if content is None:
        return None
    line = _create_line(content)
    if target.kind == "column" and target.column:
        line = _column_line(content, target.column, line)
    return Definition(name, f"{name}.sql", content, line)


def render_object(catalog: Catalog, name: str) -> str | None:
    """T-SQL text for ``name`` (any case): its stored definition or a generated skeleton."""
    headers = catalog.lookup(name)
    obj = catalog.get(headers[0].name) if headers else None
    if obj is None:
        return None
    lines = [HEADER, *_about(catalog, obj), ""]
    stored = (obj.definition or "").strip()
    if stored:
        lines.append(stored)
        if obj.type is not ObjectType.TABLE and obj.columns:
            lines += ["", "-- Columns (from the catalog):", *_column_comments(obj)]
    elif obj.type is ObjectType.TABLE:
        lines += _table(obj)
    elif obj.type is ObjectType.VIEW:
        lines += _view(obj)
    else:
        lines += _routine(obj)
    lines += _joins(catalog, obj)
    return "\n".join(lines).rstrip() + "\n"


def _about(catalog: Catalog, obj: CatalogObject) -> list[str]:
    module = ""
    if obj.module:
        module_name = catalog.modules().get(obj.module, "")
        module = f" · {obj.module}" + (f" ({module_name})" if module_name else "")
    lines = [f"-- {obj.qualified_name} · {obj.type.value}{module}"]
    if obj.description:
        lines += ["-- " + line for line in textwrap.wrap(obj.description, _WIDTH)]
    view = catalog.view_for(obj.name)
    if view:
        lines.append(f"-- Base table: query the view {view} instead.")
    bases = catalog.base_tables_of(obj.name)
    if bases:
        lines.append(f"-- View over base table {', '.join(bases)}.")
    key = obj.key
    if key:
        lines.append(f"-- Key ({_KEY_WORDS[key.kind]} {key.name}): {', '.join(key.columns)}")
    synonyms = catalog.synonyms(obj.name)
    if synonyms:
        lines += ["-- " + line for line in textwrap.wrap("Also called: " + ", ".join(synonyms),
                                                       _WIDTH)]
    if obj.source is not None:
        lines.append(f"-- Source: {obj.source}")
    if not (obj.definition or "").strip():
        lines.append("-- Generated from catalog metadata; the object's own text is not in the "
                     "catalog.")
    return lines


_KEY_WORDS = {
    KeyKind.PRIMARY: "primary key",
    KeyKind.UNIQUE_CLUSTERED: "unique clustered index",
    KeyKind.UNIQUE: "unique index",
}


def _quoted(name: str) -> str:
    return "[" + name.replace("]", "]]") + "]"


def _qualified(obj: CatalogObject) -> str:
    return f"{_quoted(obj.schema or 'dbo')}.{_quoted(obj.name)}"


def _declared(column: Column) -> str:
    """The type as declared: a UDT by name, a SQL type with its size."""
    if column.data_type != column.base_type:
        return column.data_type
    return column.type_display


def _base_display(column: Column) -> str:
    """``tinyint`` for a ``bCompany`` column: the SQL type behind a UDT, with its size."""
    shown = column.type_display
    prefix = f"{column.data_type} ("
    return shown[len(prefix):-1] if shown.startswith(prefix) else column.base_type


def _note(column: Column, *, nullability: bool) -> str:
    parts = []
    if column.data_type != column.base_type:
        parts.append(_base_display(column))
    if nullability:
        parts.append("NULL" if column.nullable else "NOT NULL")
    if column.is_identity:
        parts.append("identity")
    if column.is_computed:
        parts.append("computed")
    if column.description:
        parts.append(column.description.replace("\n", " "))
    return " · ".join(parts)


def _table(obj: CatalogObject) -> list[str]:
    lines = [f"CREATE TABLE {_qualified(obj)}", "("]
    primary = [k for k in obj.keys if k.kind is KeyKind.PRIMARY]
    items: list[tuple[str, str]] = []
    width = max((len(_quoted(c.name)) for c in obj.columns), default=0)
    type_width = max((len(_declared(c)) for c in obj.columns), default=0)
    for column in obj.columns:
        null = "NULL" if column.nullable else "NOT NULL"
        body = f"{_quoted(column.name).ljust(width)} {_declared(column).ljust(type_width)} {null}"
        items.append((body, _note(column, nullability=False)))
    for key in primary:
        columns = ", ".join(_quoted(c) for c in key.columns)
        items.append((f"CONSTRAINT {_quoted(key.name)} PRIMARY KEY ({columns})", ""))
    if not items:
        items.append(("-- no columns in the catalog", ""))
    lines += _comma_list(items)
    lines.append(");")
    chosen = obj.key
    for key in obj.keys:
        if key.kind is KeyKind.PRIMARY:
            continue
        kind = "UNIQUE CLUSTERED" if key.kind is KeyKind.UNIQUE_CLUSTERED else "UNIQUE"
        columns = ", ".join(_quoted(c) for c in key.columns)
        note = "  -- the key joins use" if chosen is not None and key == chosen else ""
        lines.append(f"CREATE {kind} INDEX {_quoted(key.name)} ON {_qualified(obj)} "
                     f"({columns});{note}")
    if chosen is not None and chosen.kind is KeyKind.PRIMARY:
        lines.append(f"-- Joins use the primary key {chosen.name}: {', '.join(chosen.columns)}")
    return lines


def _comma_list(items: list[tuple[str, str]]) -> list[str]:
    """``    item,  -- note`` lines with the commas before the comments."""
    lines = []
    last_item = max((i for i, (body, _) in enumerate(items) if not body.startswith("--")),
                    default=-1)
    width = max((len(body) for body, _ in items), default=0) + 1
    for index, (body, note) in enumerate(items):
        comma = "," if index < last_item else ""
        text = f"    {body}{comma}"
        if note:
            text = f"{text.ljust(4 + width)}  -- {note}"
        lines.append(text)
    return lines


def _view(obj: CatalogObject) -> list[str]:
    lines = [f"CREATE VIEW {_qualified(obj)}", "AS", "SELECT"]
    items = [(_quoted(c.name), _declared(c) + (" · " + note if (
        note := _note(c, nullability=True)) else "")) for c in obj.columns]
    if not items:
        items = [("*", "the view's columns are not in the catalog")]
    lines += _comma_list(items)
    bases = list(obj.base_objects)
    if len(bases) == 1:
        lines.append(f"FROM {_base(bases[0])};")
    elif bases:
        lines.append(f"-- reads: {', '.join(bases)} (the joins are not in the catalog)")
    return lines


def _base(name: str) -> str:
    parts = name.split(".")
    if len(parts) == 1:
        parts = ["dbo", *parts]
    return ".".join(_quoted(p) for p in parts)


def _routine(obj: CatalogObject) -> list[str]:
    word = "FUNCTION" if obj.type is ObjectType.FUNCTION else "PROCEDURE"
    lines = [f"CREATE {word} {_qualified(obj)}"]
    parameters = [(f"{p.name} {p.data_type}", "") for p in obj.parameters]
    if obj.type is ObjectType.FUNCTION:
        lines.append("(")
        lines += _comma_list(parameters)
        lines.append(")")
        if obj.columns:
            lines.append("RETURNS TABLE  -- columns:")
            lines += _column_comments(obj)
        else:
            lines.append("-- RETURNS: not in the catalog")
    else:
        lines += _comma_list(parameters)
    lines += ["AS", f"    -- The {word.lower()}'s body is not in the catalog."]
    return lines


def _column_comments(obj: CatalogObject) -> list[str]:
    width = max((len(c.name) for c in obj.columns), default=0)
    return [f"--   {c.name.ljust(width)}  {c.type_display} · "
            f"{'NULL' if c.nullable else 'NOT NULL'}"
            + (f" · {c.description}" if c.description else "") for c in obj.columns]


def _joins(catalog: Catalog, obj: CatalogObject) -> list[str]:
    relationships = [r for r in catalog.relationships(obj.name)
                     if r.kind is not RelationshipKind.VIEW_OF]
    if not relationships:
        return []
    lines = ["", "-- Joins (from the catalog):"]
    for r in relationships:
        lines.append(f"--   {r.to_object} ({r.kind.value.replace('_', ' ')}): "
                     f"{r.join_condition()}")
    return lines


def _create_line(content: str) -> int:
    for number, line in enumerate(content.splitlines()):
        if re.match(r"\s*(CREATE|ALTER)\b", line, re.IGNORECASE):
            return number
    return 0


def _column_line(content: str, column: str, default: int) -> int:
    pattern = re.compile(r"(?<![\w@#$])\[?" + re.escape(column) + r"\]?(?![\w@#$])")
    lines = content.splitlines()
    for number in range(default, len(lines)):
        line = lines[number]
        code = line.split("--", 1)[0] if not line.lstrip().startswith("--") else line
        if pattern.search(code):
            return number
    return default
