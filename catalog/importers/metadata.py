"""Import a metadata export folder: objects/columns/indexes/foreign_keys/types ``.json``.

This is the shape ``vgpt2 catalog export-query`` produces from a shop's own
database and the shape of the ``_Metadata`` folders Vista documentation keeps.
Only ``columns.json`` is required; every other file adds detail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from vgpt2.catalog.importers.jsonrecords import JsonArrayError, iter_json_array, read_text
from vgpt2.catalog.model import (
    CatalogObject,
    Column,
    ForeignKey,
    ImportIssue,
    ImportResult,
    Key,
    KeyKind,
    ObjectType,
    Parameter,
    SourceLocation,
    UserType,
)
from vgpt2.catalog.naming import module_of
from vgpt2.catalog.sqltypes import is_sql_type, normalize_type

EXPORT_FILES = ("objects.json", "columns.json", "indexes.json", "foreign_keys.json", "types.json")

_OBJECT_TYPES: dict[str, ObjectType] = {
    "table": ObjectType.TABLE,
    "u": ObjectType.TABLE,
    "user_table": ObjectType.TABLE,
    "base table": ObjectType.TABLE,
    "view": ObjectType.VIEW,
    "v": ObjectType.VIEW,
    "procedure": ObjectType.PROCEDURE,
    "p": ObjectType.PROCEDURE,
    "sql_stored_procedure": ObjectType.PROCEDURE,
    "function": ObjectType.FUNCTION,
    "fn": ObjectType.FUNCTION,
    "if": ObjectType.FUNCTION,
    "tf": ObjectType.FUNCTION,
    "sql_scalar_function": ObjectType.FUNCTION,
    "sql_inline_table_valued_function": ObjectType.FUNCTION,
    "sql_table_valued_function": ObjectType.FUNCTION,
}


def is_metadata_export(path: Path) -> bool:
    return path.is_dir() and (path / "columns.json").is_file()


def import_metadata_export(
    folder: Path, known_types: Mapping[str, UserType] | None = None
) -> ImportResult:
    """Read the export files in ``folder``; bad records are reported and skipped."""
    result = ImportResult(source=folder)
    types = dict(known_types or {})
    for user_type in _read_types(folder / "types.json", result):
        types[user_type.name] = user_type
        result.types[user_type.name] = user_type

    declared = _read_objects(folder / "objects.json", result)
    columns = _read_columns(folder / "columns.json", result, types, declared)
    keys = _read_keys(folder / "indexes.json", result)
    result.foreign_keys = list(_read_foreign_keys(folder / "foreign_keys.json", result))

    for name, (obj_type, schema, module) in columns.owners.items():
        if name not in declared:
            declared[name] = CatalogObject(
                schema=schema, name=name, type=obj_type, module=module or module_of(name),
                source=SourceLocation(str(folder / "columns.json"), columns.first_line[name]),
            )
    for name, obj in declared.items():
        result.objects.append(
            CatalogObject(
                schema=obj.schema,
                name=obj.name,
                type=obj.type,
                module=obj.module,
                description=obj.description,
                columns=tuple(sorted(columns.by_object.get(name, []), key=lambda c: c.ordinal)),
                keys=tuple(keys.get(name, ())),
                base_objects=obj.base_objects,
                parameters=obj.parameters,
                source=obj.source,
            )
        )
    for name in keys.keys() - declared.keys():
        result.warn(folder / "indexes.json", None, f"index on unknown object {name!r} ignored")
    return result


def _records(path: Path, result: ImportResult) -> Iterator[tuple[dict[str, Any], int]]:
    if not path.is_file():
        return
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError) as error:
        # Errors, not warnings: a whole file's records are missing from the catalog.
        result.issues.append(ImportIssue(path, None, f"cannot read: {error}", "error"))
        return
    try:
        for record in iter_json_array(text):
            if isinstance(record.value, dict):
                yield record.value, record.line
            else:
                result.warn(path, record.line, "expected a JSON object; record skipped")
    except JsonArrayError as error:
        result.issues.append(ImportIssue(
            path, error.line, f"{error}; the rest of this file was not read", "error"))


def _field(
    record: dict[str, Any], name: str, kind: type | tuple[type, ...], required: bool = True
) -> Any:
    value = record.get(name)
    if value is None:
        if required:
            raise _BadRecord(f"missing field {name!r}")
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _BadRecord(f"field {name!r} has {type(value).__name__} {value!r}")
    return value


class _BadRecord(ValueError):
    pass


def _each(
    path: Path, result: ImportResult, read: Callable[[dict[str, Any], int], Any]
) -> Iterator[Any]:
    for record, line in _records(path, result):
        try:
            yield read(record, line)
        except _BadRecord as error:
            result.warn(path, line, f"{error}; record skipped")


def _clean_name(raw: str, path: Path, line: int, result: ImportResult) -> str:
    name = raw.strip()
    if name != raw:
        result.warn(path, line, f"name {raw!r} has surrounding spaces; using {name!r}")
    return name


def _object_type(raw: str) -> ObjectType:
    found = _OBJECT_TYPES.get(raw.strip().lower())
    if found is None:
        raise _BadRecord(f"unknown ObjectType {raw!r}")
    return found


def _read_types(path: Path, result: ImportResult) -> Iterator[UserType]:
    def read(record: dict[str, Any], line: int) -> UserType:
        return UserType(
            name=_field(record, "Name", str).strip(),
            base_type=normalize_type(_field(record, "BaseType", str)),
            max_length=_field(record, "MaxLength", int, required=False),
            precision=_field(record, "Precision", int, required=False),
            scale=_field(record, "Scale", int, required=False),
            nullable=bool(record.get("IsNullable", True)),
        )

    yield from _each(path, result, read)


def _read_objects(path: Path, result: ImportResult) -> dict[str, CatalogObject]:
    def read(record: dict[str, Any], line: int) -> CatalogObject:
        name = _clean_name(_field(record, "ObjectName", str), path, line, result)
        parameters = tuple(
            Parameter(name=_field(p, "Name", str), data_type=_field(p, "DataType", str))
            for p in _field(record, "Parameters", list, required=False) or []
            if isinstance(p, dict)
        )
        base = _field(record, "BaseObjects", list, required=False) or []
        return CatalogObject(
            schema=_field(record, "SchemaName", str, required=False) or "dbo",
            name=name,
            type=_object_type(_field(record, "ObjectType", str)),
            module=_field(record, "Module", str, required=False) or module_of(name),
            description=_field(record, "Description", str, required=False) or None,
            base_objects=tuple(str(b).strip() for b in base),
            parameters=parameters,
            source=SourceLocation(str(path), line),
        )

    objects: dict[str, CatalogObject] = {}
    for obj in _each(path, result, read):
        if obj.name in objects:
            result.warn(path, obj.source.line if obj.source else None,
                        f"{obj.name} listed twice; the later record wins")
        objects[obj.name] = obj
    return objects


class _Columns:
    def __init__(self) -> None:
        self.by_object: dict[str, list[Column]] = {}
        self.owners: dict[str, tuple[ObjectType, str, str]] = {}
        self.first_line: dict[str, int] = {}


def _read_columns(
    path: Path,
    result: ImportResult,
    types: Mapping[str, UserType],
    declared: Mapping[str, CatalogObject],
) -> _Columns:
    columns = _Columns()
    reported_types: set[str] = set()

    def read(record: dict[str, Any], line: int) -> tuple[str, Column]:
        owner = _clean_name(_field(record, "ObjectName", str), path, line, result)
        name = _field(record, "ColumnName", str)
        # Expression columns of views come without a type: keep them, type unknown.
        declared_type = (_field(record, "DataType", str, required=False) or "unknown").strip()
        base_raw = _field(record, "BaseType", str, required=False)
        user_type = types.get(declared_type)
        if base_raw and is_sql_type(base_raw):
            base = normalize_type(base_raw)
        elif user_type is not None:
            base = user_type.base_type
        elif is_sql_type(declared_type) or declared_type == "unknown":
            base = normalize_type(declared_type)
        else:
            base = "unknown"
            if declared_type not in reported_types:
                reported_types.add(declared_type)
                result.warn(path, line, f"unknown column type {declared_type!r} "
                            f"({owner}.{name}); add it to types.json")
        max_length = _field(record, "MaxLength", int, required=False)
        precision = _field(record, "Precision", int, required=False)
        scale = _field(record, "Scale", int, required=False)
        if user_type is not None and max_length is None and precision is None:
            max_length = user_type.max_length
            precision, scale = user_type.precision, user_type.scale
        column = Column(
            name=name,
            ordinal=_field(record, "Ordinal", int, required=False) or 0,
            data_type=declared_type if user_type is not None else normalize_type(declared_type),
            base_type=base,
            max_length=max_length,
            precision=precision,
            scale=scale,
            nullable=bool(record.get("IsNullable", True)),
            is_identity=bool(record.get("IsIdentity", False)),
            is_computed=bool(record.get("IsComputed", False)),
            description=_field(record, "Description", str, required=False),
        )
        if owner not in columns.owners:
            obj_type = _field(record, "ObjectType", str, required=False)
            columns.owners[owner] = (
                _object_type(obj_type) if obj_type else ObjectType.TABLE,
                _field(record, "SchemaName", str, required=False) or "dbo",
                _field(record, "Module", str, required=False) or "",
            )
            columns.first_line[owner] = line
        return owner, column

    for owner, column in _each(path, result, read):
        bucket = columns.by_object.setdefault(owner, [])
        if not column.ordinal:
            column = _with_ordinal(column, len(bucket) + 1)
        bucket.append(column)
    if not path.is_file():
        result.warn(path, None, "columns.json not found")
    return columns


def _with_ordinal(column: Column, ordinal: int) -> Column:
    return Column(
        name=column.name, ordinal=ordinal, data_type=column.data_type,
        base_type=column.base_type, max_length=column.max_length, precision=column.precision,
        scale=column.scale, nullable=column.nullable, is_identity=column.is_identity,
        is_computed=column.is_computed, description=column.description,
    )


def _read_keys(path: Path, result: ImportResult) -> dict[str, list[Key]]:
    def read(record: dict[str, Any], line: int) -> tuple[str, Key | None]:
        owner = _clean_name(_field(record, "ObjectName", str), path, line, result)
        columns = tuple(str(c).strip() for c in _field(record, "Columns", list))
        index_name = _clean_name(_field(record, "IndexName", str, required=False) or "", path,
                                 line, result)
        if record.get("IsPrimaryKey"):
            kind = KeyKind.PRIMARY
        elif record.get("IsUnique") and record.get("IsClustered"):
            kind = KeyKind.UNIQUE_CLUSTERED
        elif record.get("IsUnique"):
            kind = KeyKind.UNIQUE
        else:
            return owner, None
        return owner, Key(name=index_name, kind=kind, columns=columns)

    keys: dict[str, list[Key]] = {}
    for owner, key in _each(path, result, read):
        if key is not None and key.columns:
            keys.setdefault(owner, []).append(key)
    return keys


def _read_foreign_keys(path: Path, result: ImportResult) -> Iterator[ForeignKey]:
    def read(record: dict[str, Any], line: int) -> ForeignKey:
        from_columns = tuple(str(c).strip() for c in _field(record, "FromColumns", list))
        to_columns = tuple(str(c).strip() for c in _field(record, "ToColumns", list))
        if len(from_columns) != len(to_columns) or not from_columns:
            raise _BadRecord("FromColumns and ToColumns differ in length")
        return ForeignKey(
            name=_field(record, "ConstraintName", str, required=False) or "",
            from_object=_clean_name(_field(record, "FromObject", str), path, line, result),
            from_columns=from_columns,
            to_object=_clean_name(_field(record, "ToObject", str), path, line, result),
            to_columns=to_columns,
            source=SourceLocation(str(path), line),
        )

    yield from _each(path, result, read)
