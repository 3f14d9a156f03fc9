"""The bundled sample catalog (catalog/data/sample_vista.sql).

vgpt2 ships it so that it works with zero setup. The sample is a hand-picked
subset of columns, but what it does say must be true of Vista: when a real Vista
catalog export is present (../shared/vista-schema) every object, column, type,
nullability, key, foreign key and routine parameter is checked against it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from vgpt2.catalog.importers.ddl import import_ddl
from vgpt2.catalog.model import (
    CatalogObject,
    Column,
    ImportResult,
    Key,
    KeyKind,
    ObjectType,
    choose_key,
)

VISTA_SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "vista-schema"

_REAL_TYPE = {
    ObjectType.TABLE: "Table",
    ObjectType.VIEW: "View",
    ObjectType.PROCEDURE: "Procedure",
    ObjectType.FUNCTION: "Function",
}
_SQL_TYPES = frozenset({
    "bigint", "int", "smallint", "tinyint", "bit", "decimal", "numeric", "money",
    "smallmoney", "float", "real", "date", "datetime", "datetime2", "smalldatetime",
    "time", "datetimeoffset", "char", "varchar", "nchar", "nvarchar", "text", "ntext",
    "binary", "varbinary", "image", "uniqueidentifier", "xml", "sql_variant", "timestamp",
})


def _sample_path() -> Path:
    return Path(str(resources.files("vgpt2.catalog.data").joinpath("sample_vista.sql")))


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def sample() -> ImportResult:
    return import_ddl(_sample_path())


@pytest.fixture(scope="module")
def objects(sample: ImportResult) -> dict[str, CatalogObject]:
    return {o.name: o for o in sample.objects}


@pytest.fixture(scope="module")
def tables(objects: dict[str, CatalogObject]) -> list[CatalogObject]:
    return [o for o in objects.values() if o.type is ObjectType.TABLE]


@pytest.fixture(scope="module")
def table_views(
    objects: dict[str, CatalogObject], tables: list[CatalogObject]
) -> list[tuple[CatalogObject, CatalogObject]]:
    """(table, view) pairs: bAPTH -> APTH, vSMWorkOrder -> SMWorkOrder."""
    pairs = []
    for table in tables:
        view = objects.get(table.name[1:])
        if view is not None and view.type is ObjectType.VIEW and table.name in view.base_objects:
            pairs.append((table, view))
    return pairs


@dataclass
class RealCatalog:
    objects: dict[str, dict[str, Any]]
    columns: dict[str, list[dict[str, Any]]]
    indexes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    foreign_keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    types: dict[str, dict[str, Any]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def real(objects: dict[str, CatalogObject]) -> RealCatalog:
    """The real export, loaded once; only the objects the sample names are kept."""
    if not (VISTA_SCHEMA / "columns.json").is_file():
        pytest.skip(f"real Vista catalog export not found at {VISTA_SCHEMA}")

    def load(name: str) -> list[dict[str, Any]]:
        with (VISTA_SCHEMA / name).open(encoding="utf-8-sig") as handle:
            data: list[dict[str, Any]] = json.load(handle)
        return data

    wanted = set(objects)
    columns: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in load("columns.json"):
        if record["ObjectName"] in wanted:
            columns[record["ObjectName"]].append(record)
    for records in columns.values():
        records.sort(key=lambda r: r["Ordinal"])
    indexes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in load("indexes.json"):
        indexes[record["ObjectName"]].append(record)
    return RealCatalog(
        objects={r["ObjectName"]: r for r in load("objects.json") if r["ObjectName"] in wanted},
        columns=dict(columns),
        indexes=dict(indexes),
        foreign_keys={r["ConstraintName"]: r for r in load("foreign_keys.json")},
        types={r["Name"]: r for r in load("types.json")},
    )


# --------------------------------------------------------------------------- the sample alone


def test_imports_without_warnings(sample: ImportResult) -> None:
    problems = [str(i) for i in sample.issues if i.severity in ("warning", "error")]
    assert problems == []


def test_has_core_tables_each_with_its_view(
    tables: list[CatalogObject], table_views: list[tuple[CatalogObject, CatalogObject]]
) -> None:
    assert len(tables) >= 70
    assert len(table_views) == len(tables), sorted(
        {t.name for t in tables} - {t.name for t, _ in table_views}
    )
    for name in ("bAPTH", "bAPTL", "bARCM", "bJCCM", "bJCJM", "bJCCD", "bJCCP", "bPREH",
                 "bGLDT", "bPOHD", "bSLIT", "bEMEM", "bINMT", "bHQCO", "bPMOI", "vSMWorkOrder",
                 "bCMDT"):
        assert name in {t.name for t in tables}


def _shape(column: Column) -> tuple[object, ...]:
    return (column.name, column.ordinal, column.data_type, column.base_type, column.max_length,
            column.precision, column.scale, column.nullable)


def test_view_columns_equal_table_columns(
    table_views: list[tuple[CatalogObject, CatalogObject]],
) -> None:
    for table, view in table_views:
        assert [_shape(c) for c in view.columns] == [_shape(c) for c in table.columns], view.name


def test_every_table_has_a_key_of_its_own_columns(tables: list[CatalogObject]) -> None:
    for table in tables:
        assert table.key is not None, table.name
        names = {c.name for c in table.columns}
        for key in table.keys:
            assert set(key.columns) <= names, (table.name, key.name)


def test_business_keys_win_over_surrogates(objects: dict[str, CatalogObject]) -> None:
    # bGLAC declares PK_bGLAC on KeyID; joins use biGLAC (GLCo, GLAcct).
    assert objects["bGLAC"].key == Key("biGLAC", KeyKind.UNIQUE_CLUSTERED, ("GLCo", "GLAcct"))
    assert objects["bAPTL"].key is not None
    assert objects["bAPTL"].key.columns == ("APCo", "Mth", "APTrans", "APLine")
    assert objects["bJCCP"].key is not None
    assert set(objects["bJCCP"].key.columns) == {
        "JCCo", "Job", "PhaseGroup", "Phase", "CostType", "Mth"}
    # bSLHD has only unique nonclustered indexes: the business one is chosen.
    assert objects["bSLHD"].key is not None
    assert objects["bSLHD"].key.columns == ("SLCo", "SL")


def test_foreign_keys_join_included_columns(
    sample: ImportResult, objects: dict[str, CatalogObject]
) -> None:
    assert len(sample.foreign_keys) >= 5
    for fk in sample.foreign_keys:
        source, target = objects[fk.from_object], objects[fk.to_object]
        assert {c.name for c in source.columns} >= set(fk.from_columns), fk.name
        assert {c.name for c in target.columns} >= set(fk.to_columns), fk.name
        assert fk.to_columns in {k.columns for k in target.keys}, fk.name


def test_reporting_views_and_routines(objects: dict[str, CatalogObject]) -> None:
    reporting = [o for o in objects.values()
                 if o.type is ObjectType.VIEW and o.name.startswith(("brv", "vrv"))]
    assert len(reporting) >= 3
    for view in reporting:
        assert view.columns, view.name
        for base in view.base_objects:
            assert base in objects, (view.name, base)
    procedures = [o for o in objects.values() if o.type is ObjectType.PROCEDURE]
    functions = [o for o in objects.values() if o.type is ObjectType.FUNCTION]
    assert len(procedures) >= 2 and all(p.parameters for p in procedures)
    assert len(functions) >= 2 and all(f.parameters for f in functions)


def test_every_user_type_used_is_declared(
    sample: ImportResult, objects: dict[str, CatalogObject]
) -> None:
    for obj in objects.values():
        for column in obj.columns:
            if column.data_type in _SQL_TYPES or column.data_type == "unknown":
                continue
            udt = sample.types.get(column.data_type)
            assert udt is not None, (obj.name, column.name, column.data_type)
            assert column.base_type == udt.base_type, (obj.name, column.name)
        for parameter in obj.parameters:
            if parameter.data_type.startswith("b"):
                assert parameter.data_type in sample.types, (obj.name, parameter.name)


# --------------------------------------------------------------------------- against real Vista


def test_objects_exist_in_real_catalog(
    objects: dict[str, CatalogObject], real: RealCatalog
) -> None:
    for obj in objects.values():
        record = real.objects.get(obj.name)
        assert record is not None, f"{obj.name} is not a real Vista object"
        assert record["ObjectType"] == _REAL_TYPE[obj.type], obj.name
        assert record["SchemaName"] == obj.schema, obj.name
        if obj.type is ObjectType.TABLE:
            assert record["Module"] == obj.module, obj.name


def _check_columns(obj: CatalogObject, real: RealCatalog, *, typed: bool) -> None:
    by_name = {r["ColumnName"]: r for r in real.columns.get(obj.name, [])}
    ordinals = []
    for column in obj.columns:
        record = by_name.get(column.name)
        assert record is not None, f"{obj.name}.{column.name} is not a real column"
        ordinals.append(record["Ordinal"])
        if not typed or record["DataType"] is None:
            continue
        where = f"{obj.name}.{column.name}"
        assert column.data_type == record["DataType"], where
        assert column.base_type == record["BaseType"], where
        assert column.max_length == record["MaxLength"], where
        assert column.precision == record["Precision"], where
        assert column.scale == record["Scale"], where
        assert column.nullable == record["IsNullable"], where
        assert column.is_identity == record["IsIdentity"], where
        assert not record["IsComputed"], where
    assert ordinals == sorted(ordinals), f"{obj.name}: columns out of the real order"


def test_table_columns_match_real(tables: list[CatalogObject], real: RealCatalog) -> None:
    assert sum(len(t.columns) for t in tables) >= 1000
    for table in tables:
        _check_columns(table, real, typed=True)


def test_views_match_real(
    objects: dict[str, CatalogObject],
    table_views: list[tuple[CatalogObject, CatalogObject]],
    real: RealCatalog,
) -> None:
    star = {view.name for _, view in table_views}
    for table, view in table_views:
        real_view = [r["ColumnName"] for r in real.columns[view.name]]
        real_table = [r["ColumnName"] for r in real.columns[table.name]]
        assert real_view == real_table, f"real {view.name} is not SELECT a.* over {table.name}"
        assert set(view.base_objects) == set(real.objects[view.name]["BaseObjects"]), view.name
        _check_columns(view, real, typed=True)
    for view in objects.values():
        if view.type is ObjectType.VIEW and view.name not in star:
            assert set(view.base_objects) <= set(real.objects[view.name]["BaseObjects"]), view.name
            _check_columns(view, real, typed=False)


def _real_keys(records: list[dict[str, Any]]) -> tuple[Key, ...]:
    keys = []
    for record in records:
        if not record["IsUnique"]:
            continue
        if record["IsPrimaryKey"]:
            kind = KeyKind.PRIMARY
        elif record["IsClustered"]:
            kind = KeyKind.UNIQUE_CLUSTERED
        else:
            kind = KeyKind.UNIQUE
        keys.append(Key(record["IndexName"].strip(), kind, tuple(record["Columns"])))
    return tuple(keys)


def test_keys_match_real(tables: list[CatalogObject], real: RealCatalog) -> None:
    for table in tables:
        real_keys = _real_keys(real.indexes.get(table.name, []))
        by_name = {k.name: k for k in real_keys}
        for key in table.keys:
            assert by_name.get(key.name) == key, f"{table.name}: {key} is not a real key"
        real_columns = tuple(
            Column(r["ColumnName"], r["Ordinal"], r["DataType"], r["BaseType"],
                   is_identity=r["IsIdentity"])
            for r in real.columns[table.name]
        )
        assert table.key == choose_key(real_keys, real_columns), table.name


def test_foreign_keys_match_real(sample: ImportResult, real: RealCatalog) -> None:
    for fk in sample.foreign_keys:
        record = real.foreign_keys.get(fk.name)
        assert record is not None, f"{fk.name} is not a real foreign key"
        assert (fk.from_object, list(fk.from_columns), fk.to_object, list(fk.to_columns)) == (
            record["FromObject"], record["FromColumns"], record["ToObject"], record["ToColumns"])


def test_user_types_match_real(sample: ImportResult, real: RealCatalog) -> None:
    assert len(sample.types) >= 50
    for name, udt in sample.types.items():
        record = real.types.get(name)
        assert record is not None, f"{name} is not a real Vista type"
        assert (udt.base_type, udt.max_length, udt.precision, udt.scale, udt.nullable) == (
            record["BaseType"], record["MaxLength"], record["Precision"], record["Scale"],
            record["IsNullable"]), name


def test_routine_parameters_match_real(
    objects: dict[str, CatalogObject], real: RealCatalog
) -> None:
    for obj in objects.values():
        if obj.type in (ObjectType.PROCEDURE, ObjectType.FUNCTION):
            expected = [(p["Name"], p["DataType"]) for p in real.objects[obj.name]["Parameters"]]
            assert [(p.name, p.data_type) for p in obj.parameters] == expected, obj.name
