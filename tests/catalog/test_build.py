"""Compiling sources: merge order, derived relationships, atomic and incremental writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from vgpt2.catalog.build import BuildError, build_catalog, is_stale, open_catalog
from vgpt2.catalog.catalog import Catalog, CatalogError
from vgpt2.catalog.model import RelationshipKind

from .test_metadata_import import ap_export, column, write_export

APTL_DDL = """
CREATE TYPE [dbo].[bCompany] FROM [tinyint] NOT NULL
GO
CREATE TYPE [dbo].[bMonth] FROM [smalldatetime] NOT NULL
GO
CREATE TYPE [dbo].[bTrans] FROM [int] NOT NULL
GO
CREATE TABLE [dbo].[bAPTL] (
    [APCo] [dbo].[bCompany] NOT NULL,
    [Mth] [dbo].[bMonth] NOT NULL,
    [APTrans] [dbo].[bTrans] NOT NULL,
    [APLine] [smallint] NOT NULL,
    [GrossAmt] [numeric](12, 2) NOT NULL
)
GO
CREATE UNIQUE CLUSTERED INDEX [biAPTL] ON [dbo].[bAPTL] ([APCo], [Mth], [APTrans], [APLine])
GO
CREATE VIEW [dbo].[APTL] AS SELECT a.* FROM dbo.bAPTL a
GO
"""


@pytest.fixture()
def sources(tmp_path: Path) -> list[Path]:
    export = ap_export(tmp_path / "export")
    script = tmp_path / "aptl.sql"
    script.write_text(APTL_DDL, encoding="utf-8")
    return [export, script]


def test_build_merges_export_and_ddl_and_derives_the_composite_join(
    sources: list[Path], tmp_path: Path
) -> None:
    output = tmp_path / "out" / "vista.vgpt2db"
    report = build_catalog(sources, output)
    assert report.rebuilt and output.is_file()
    catalog = Catalog.open(output)
    assert catalog.stats()["tables"] == 2
    assert catalog.stats()["views"] == 2
    join = catalog.join_path("APTL", "APTH")
    assert join is not None
    assert join.kind is RelationshipKind.SHARED_KEY
    assert join.join_condition("l", "h") == (
        "l.APCo = h.APCo AND l.Mth = h.Mth AND l.APTrans = h.APTrans")
    assert catalog.view_for("bAPTL") == "APTL"
    assert catalog.base_tables_of("APTH") == ["bAPTH"]
    assert catalog.get("APTL").key.columns == ("APCo", "Mth", "APTrans", "APLine")  # type: ignore[union-attr]


def test_unchanged_sources_are_not_rebuilt_and_a_change_is(
    sources: list[Path], tmp_path: Path
) -> None:
    output = tmp_path / "vista.vgpt2db"
    build_catalog(sources, output)
    before = output.stat().st_mtime_ns
    assert not build_catalog(sources, output).rebuilt
    assert output.stat().st_mtime_ns == before
    catalog = Catalog.open(output)
    assert is_stale(catalog) is False
    sources[1].write_text(APTL_DDL.replace("[GrossAmt]", "[NetAmt]"), encoding="utf-8")
    assert is_stale(catalog) is True
    assert build_catalog(sources, output).rebuilt
    assert Catalog.open(output).get("APTL").column("NetAmt") is not None  # type: ignore[union-attr]


def test_later_source_wins_and_the_replacement_is_reported(tmp_path: Path) -> None:
    first = write_export(tmp_path / "a", columns=[column("bJCCM", "JCCo", "tinyint", 1)])
    second = write_export(tmp_path / "b", columns=[column("bJCCM", "Contract", "varchar", 1)])
    report = build_catalog([first, second], tmp_path / "c.vgpt2db")
    assert [c.name for c in Catalog.open(tmp_path / "c.vgpt2db").columns("bJCCM")] == ["Contract"]
    assert any("bJCCM" in i.message and "replaces" in i.message for i in report.issues)


def test_nothing_usable_fails_and_keeps_the_previous_file(
    sources: list[Path], tmp_path: Path
) -> None:
    output = tmp_path / "vista.vgpt2db"
    build_catalog(sources, output)
    good = output.read_bytes()
    broken = write_export(tmp_path / "broken", columns="[{not json")
    with pytest.raises(BuildError) as raised:
        build_catalog([broken], output)
    assert any(i.path == broken / "columns.json" and i.line == 1 for i in raised.value.issues)
    assert output.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_corrupt_compiled_file_is_replaced_by_a_rebuild(
    sources: list[Path], tmp_path: Path
) -> None:
    output = tmp_path / "vista.vgpt2db"
    output.write_bytes(b"not a database at all" * 100)
    with pytest.raises(CatalogError, match=r"vista\.vgpt2db"):
        Catalog.open(output)
    assert build_catalog(sources, output).rebuilt
    assert "APTH" in Catalog.open(output)


def test_open_catalog_compiles_configured_sources_into_the_cache(
    sources: list[Path], tmp_path: Path
) -> None:
    catalog = open_catalog(sources, tmp_path / "cache")
    assert catalog.path is not None and catalog.path.parent == tmp_path / "cache"
    assert "APTL" in catalog
    with pytest.raises(CatalogError, match="no such catalog source"):
        open_catalog([tmp_path / "missing"], tmp_path / "cache")


def test_declared_foreign_keys_become_relationships(tmp_path: Path) -> None:
    folder = ap_export(tmp_path / "e")
    columns = json.loads((folder / "columns.json").read_text())
    columns.append(column("bAPCO", "APCo", "bCompany", 1, base="tinyint"))
    (folder / "columns.json").write_text(json.dumps(columns))
    (folder / "foreign_keys.json").write_text(json.dumps([
        {"ConstraintName": "FK_bAPTH_bAPCO", "FromObject": "bAPTH", "FromColumns": ["APCo"],
         "ToObject": "bAPCO", "ToColumns": ["APCo"]}]))
    build_catalog([folder], tmp_path / "c.vgpt2db")
    catalog = Catalog.open(tmp_path / "c.vgpt2db")
    kinds = {(r.to_object, r.kind) for r in catalog.relationships("APTH")}
    assert ("bAPCO", RelationshipKind.FOREIGN_KEY) in kinds
    assert ("bAPTH", RelationshipKind.VIEW_OF) in kinds


def test_compiled_file_is_not_left_half_written_when_writing_fails(
    sources: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "vista.vgpt2db"

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        build_catalog(sources, output)
    assert list(tmp_path.glob("*vgpt2db*")) == []


def test_real_export_compiles_with_every_count(real_catalog: Catalog) -> None:
    stats = real_catalog.stats()
    assert stats["tables"] == 1355
    assert stats["views"] == 2019
    assert stats["columns"] == 54076
    assert stats["procedures"] + stats["functions"] == 6227  # one procedure is listed twice
    assert real_catalog.join_path("APTL", "APTH").column_pairs == (  # type: ignore[union-attr]
        ("APCo", "APCo"), ("Mth", "Mth"), ("APTrans", "APTrans"))
    assert real_catalog.join_path("JCJM", "JCCM").column_pairs == (  # type: ignore[union-attr]
        ("JCCo", "JCCo"), ("Contract", "Contract"))
    assert real_catalog.join_path("APTH", "APVM").column_pairs == (  # type: ignore[union-attr]
        ("VendorGroup", "VendorGroup"), ("Vendor", "Vendor"))
    assert real_catalog.join_path("JCCP", "JCCH").column_pairs == (  # type: ignore[union-attr]
        ("JCCo", "JCCo"), ("Job", "Job"), ("PhaseGroup", "PhaseGroup"), ("Phase", "Phase"),
        ("CostType", "CostType"))


def test_real_lookups_are_exact_and_case_insensitive(real_catalog: Catalog) -> None:
    assert real_catalog.header("jccm") is None
    assert [h.name for h in real_catalog.lookup("jccm")] == ["JCCM"]
    assert real_catalog.preferred_name("bJCCM") == "JCCM"
    assert real_catalog.view_for("vSMWorkOrder") == "SMWorkOrder"
    assert "APTH" in real_catalog.objects_with_column("aptrans")
