"""Metadata export folders: the full five-file shape, the columns-only shape, and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vgpt2.catalog.importers import import_source
from vgpt2.catalog.importers.jsonrecords import JsonArrayError, iter_json_array
from vgpt2.catalog.importers.metadata import import_metadata_export
from vgpt2.catalog.model import KeyKind, ObjectType


def column(obj: str, name: str, data_type: str, ordinal: int, *, object_type: str = "Table",
           base: str | None = None, nullable: bool = True, **extra: Any) -> dict[str, Any]:
    return {"SchemaName": "dbo", "ObjectName": obj, "ObjectType": object_type,
            "Module": obj[1:3] if obj.startswith("b") else obj[:2], "Ordinal": ordinal,
            "ColumnName": name, "DataType": data_type, "BaseType": base or data_type,
            "MaxLength": extra.get("MaxLength"), "Precision": None, "Scale": None,
            "IsNullable": nullable, "IsIdentity": False, "IsComputed": False}


def write_export(folder: Path, **files: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, records in files.items():
        text = records if isinstance(records, str) else json.dumps(records, indent=1)
        (folder / f"{name}.json").write_text(text, encoding="utf-8")
    return folder


def ap_export(folder: Path) -> Path:
    return write_export(
        folder,
        objects=[
            {"SchemaName": "dbo", "ObjectName": "bAPTH", "ObjectType": "Table", "Module": "AP",
             "Description": "Trans Header", "ColumnCount": 4},
            {"SchemaName": "dbo", "ObjectName": "APTH", "ObjectType": "View", "Module": "AP",
             "Description": None, "BaseObjects": ["bAPTH"], "ColumnCount": 4},
            {"SchemaName": "dbo", "ObjectName": "bspAPVal", "ObjectType": "Procedure",
             "Module": "", "Parameters": [{"Name": "@APCo", "DataType": "bCompany"}]},
        ],
        columns=[
            column("bAPTH", "APCo", "bCompany", 1, base="tinyint", nullable=False),
            column("bAPTH", "Mth", "bMonth", 2, base="smalldatetime", nullable=False),
            column("bAPTH", "APTrans", "bTrans", 3, base="int", nullable=False),
            column("bAPTH", "Vendor", "bVendor", 4, base="int"),
            column("APTH", "APCo", "bCompany", 1, object_type="View", base="tinyint"),
            column("APTH", "Mth", "bMonth", 2, object_type="View", base="smalldatetime"),
            column("APTH", "APTrans", "bTrans", 3, object_type="View", base="int"),
            column("APTH", "Vendor", "bVendor", 4, object_type="View", base="int"),
        ],
        indexes=[
            {"ObjectName": "bAPTH", "IndexName": "biAPTH", "IsUnique": True, "IsClustered": True,
             "IsPrimaryKey": False, "Columns": ["APCo", "Mth", "APTrans"]},
            {"ObjectName": "bAPTH", "IndexName": "biKeyID", "IsUnique": True,
             "IsClustered": False, "IsPrimaryKey": False, "Columns": ["KeyID"]},
            {"ObjectName": "bAPTH", "IndexName": "biAPTHVendor", "IsUnique": False,
             "IsClustered": False, "IsPrimaryKey": False, "Columns": ["Vendor"]},
        ],
        foreign_keys=[],
        types=[{"Name": "bCompany", "BaseType": "tinyint", "MaxLength": None, "Precision": None,
                "Scale": None, "IsNullable": False}],
    )


def test_full_export_imports_objects_columns_keys_and_parameters(tmp_path: Path) -> None:
    result = import_metadata_export(ap_export(tmp_path / "export"))
    objects = {o.name: o for o in result.objects}
    assert result.issues == []
    assert objects["APTH"].type is ObjectType.VIEW
    assert objects["APTH"].base_objects == ("bAPTH",)
    header = objects["bAPTH"]
    assert [c.name for c in header.columns] == ["APCo", "Mth", "APTrans", "Vendor"]
    assert header.columns[0].data_type == "bCompany"
    assert header.columns[0].base_type == "tinyint"
    assert not header.columns[0].nullable
    assert header.key is not None and header.key.columns == ("APCo", "Mth", "APTrans")
    assert header.key.kind is KeyKind.UNIQUE_CLUSTERED
    assert [k.name for k in header.keys] == ["biAPTH", "biKeyID"], "non-unique index ignored"
    assert objects["bspAPVal"].parameters[0].data_type == "bCompany"
    assert result.types["bCompany"].base_type == "tinyint"


def test_columns_only_folder_builds_objects_and_resolves_vista_udts(tmp_path: Path) -> None:
    folder = write_export(tmp_path / "docs", columns=[
        {"SchemaName": "dbo", "ObjectName": "ARCM", "ObjectType": "View", "ColumnName": "CustGroup",
         "DataType": "bGroup", "IsNullable": False},
        {"SchemaName": "dbo", "ObjectName": "ARCM", "ObjectType": "View", "ColumnName": "Customer",
         "DataType": "bCustomer", "IsNullable": False},
        {"SchemaName": "dbo", "ObjectName": "ARCM", "ObjectType": "View", "ColumnName": "Name",
         "DataType": "varchar", "IsNullable": True},
    ])
    result = import_source(folder)
    (arcm,) = result.objects
    assert arcm.type is ObjectType.VIEW
    assert [c.ordinal for c in arcm.columns] == [1, 2, 3]
    assert arcm.columns[0].base_type == "tinyint", "bGroup resolved from the bundled Vista types"
    assert arcm.columns[1].base_type == "int"
    assert result.issues == []


def test_unknown_type_is_reported_once_with_file_and_line(tmp_path: Path) -> None:
    folder = write_export(tmp_path / "docs", columns=[
        column("udMine", "A", "udStrange", 1, base=""),
        column("udMine", "B", "udStrange", 2, base=""),
        column("udMine", "C", "int", 3),
    ])
    result = import_metadata_export(folder)
    (issue,) = result.issues
    assert issue.path == folder / "columns.json"
    assert issue.line == 2
    assert "udStrange" in issue.message
    assert [c.base_type for c in result.objects[0].columns] == ["unknown", "unknown", "int"]


def test_view_expression_columns_without_a_type_import_silently(tmp_path: Path) -> None:
    record = column("APExport", "apvm_Name", "x", 1, object_type="View")
    record.update(DataType=None, BaseType=None, IsComputed=True)
    result = import_metadata_export(write_export(tmp_path / "e", columns=[record]))
    assert result.issues == []
    assert result.objects[0].columns[0].base_type == "unknown"


def test_bad_record_is_skipped_and_named_by_line(tmp_path: Path) -> None:
    records = [column("bJCCM", "JCCo", "bCompany", 1, base="tinyint"),
               {"ObjectName": "bJCCM", "ColumnName": 7},
               column("bJCCM", "Contract", "bContract", 3, base="varchar")]
    folder = write_export(tmp_path / "e", columns=records)
    result = import_metadata_export(folder)
    assert [c.name for c in result.objects[0].columns] == ["JCCo", "Contract"]
    (issue,) = result.issues
    text = (folder / "columns.json").read_text()
    assert issue.line == text.splitlines().index(" {", 10) + 1
    assert "ColumnName" in issue.message or "DataType" in issue.message


def test_malformed_json_keeps_the_records_before_the_break(tmp_path: Path) -> None:
    good = json.dumps([column("bJCCM", "JCCo", "bCompany", 1, base="tinyint")], indent=1)
    broken = good[:-2] + ",\n {\"ObjectName\": \"bJCCM\", oops}\n]"
    folder = write_export(tmp_path / "e", columns=broken)
    result = import_metadata_export(folder)
    assert [c.name for c in result.objects[0].columns] == ["JCCo"]
    (issue,) = result.issues
    assert issue.line == broken.count("\n")
    assert "invalid JSON" in issue.message


def test_names_with_trailing_spaces_are_trimmed_with_a_warning(tmp_path: Path) -> None:
    folder = ap_export(tmp_path / "e")
    indexes = json.loads((folder / "indexes.json").read_text())
    indexes[0]["IndexName"] = "biAPTH "
    (folder / "indexes.json").write_text(json.dumps(indexes, indent=1))
    result = import_metadata_export(folder)
    objects = {o.name: o for o in result.objects}
    assert objects["bAPTH"].keys[0].name == "biAPTH"
    assert any("surrounding spaces" in i.message and i.line for i in result.issues)


def test_utf16_export_from_powershell_reads(tmp_path: Path) -> None:
    folder = tmp_path / "e"
    folder.mkdir()
    text = json.dumps([column("bJCCM", "JCCo", "bCompany", 1, base="tinyint")])
    (folder / "columns.json").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    assert import_metadata_export(folder).objects[0].columns[0].name == "JCCo"


def test_json_array_reader_reports_lines() -> None:
    records = list(iter_json_array('[\n {"a": 1},\n\n {"b": 2}\n]'))
    assert [(r.value, r.line) for r in records] == [({"a": 1}, 2), ({"b": 2}, 4)]
    try:
        list(iter_json_array('{"not": "an array"}'))
    except JsonArrayError as error:
        assert error.line == 1
    else:
        raise AssertionError("a non-array must be refused")


def test_real_export_counts(vista_schema: Path) -> None:
    result = import_metadata_export(vista_schema)
    kinds = [o.type for o in result.objects]
    assert kinds.count(ObjectType.TABLE) == 1355
    assert kinds.count(ObjectType.VIEW) == 2019
    assert sum(len(o.columns) for o in result.objects) == 54076
    assert all(i.line for i in result.issues), "every warning names its line"
