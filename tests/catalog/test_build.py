"""Compiling sources: merge order, derived relationships, atomic and incremental writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from vgpt2.catalog import build as build_module
from vgpt2.catalog.build import (
    BuildError,
    BuildRefused,
    OutputError,
    build_catalog,
    is_stale,
    open_catalog,
)
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


# -- a failed or shrunken build never replaces a good catalog ----------------------------------


def _drop_brace(path: Path, after: float = 0.5) -> None:
    """Remove one ``}`` (from the record in the middle of the file), as a bad hand edit does."""
    text = path.read_text(encoding="utf-8")
    cut = text.index("}", int(len(text) * after))
    path.write_text(text[:cut] + text[cut + 1:], encoding="utf-8")


def test_a_source_with_an_import_error_does_not_replace_the_catalog(
    sources: list[Path], tmp_path: Path
) -> None:
    output = tmp_path / "vista.vgpt2db"
    build_catalog(sources, output)
    good = output.read_bytes()
    _drop_brace(sources[0] / "objects.json", after=0.3)
    with pytest.raises(BuildRefused, match="import error") as raised:
        build_catalog(sources, output)
    assert raised.value.kept == output
    assert any(i.severity == "error" and i.path == sources[0] / "objects.json" and i.line
               for i in raised.value.issues)
    assert output.read_bytes() == good

    report = build_catalog(sources, output, allow_partial=True)
    assert report.rebuilt and report.errors
    issues, counts = Catalog.open(output).import_problems()
    assert counts["error"] == 1
    assert issues[0].path == sources[0] / "objects.json"
    assert "the rest of this file was not read" in issues[0].message
    again = build_catalog(sources, output)  # unchanged sources: the recorded errors come back
    assert not again.rebuilt and again.errors


def test_a_first_build_with_errors_is_written_and_says_so(tmp_path: Path) -> None:
    export = ap_export(tmp_path / "export")
    _drop_brace(export / "objects.json", after=0.3)
    output = tmp_path / "first.vgpt2db"
    report = build_catalog([export], output)
    assert report.rebuilt and output.is_file()
    assert [i.path.name for i in report.errors] == ["objects.json"]


def _wide_export(folder: Path, columns: int) -> Path:
    return write_export(folder, columns=[column("bJCJM", f"Col{n}", "int", n)
                                         for n in range(1, columns + 1)])


def test_a_rebuild_whose_counts_collapse_is_refused(tmp_path: Path) -> None:
    export = _wide_export(tmp_path / "export", 40)
    output = tmp_path / "jc.vgpt2db"
    build_catalog([export], output)
    good = output.read_bytes()
    _wide_export(export, 19)  # valid JSON, but half the columns are gone
    with pytest.raises(BuildRefused, match=r"columns 40 -> 19") as raised:
        build_catalog([export], output)
    assert "--allow-shrink" in str(raised.value)
    assert output.read_bytes() == good
    assert build_catalog([export], output, allow_shrink=True).stats["columns"] == 19
    _wide_export(export, 16)  # a smaller change is an ordinary rebuild
    assert build_catalog([export], output).stats["columns"] == 16


def test_a_folder_as_output_fails_before_any_work(
    sources: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the sources were read")

    monkeypatch.setattr(build_module, "import_all", never)
    monkeypatch.setattr(build_module, "fingerprint", never)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(OutputError, match="is a folder") as raised:
        build_catalog(sources, folder)
    assert str(folder / "vista.vgpt2db") in str(raised.value)


def test_an_output_that_is_not_a_catalog_is_not_overwritten(
    sources: list[Path], tmp_path: Path
) -> None:
    precious = tmp_path / "notes.txt"
    precious.write_text("my notes\n", encoding="utf-8")
    with pytest.raises(OutputError, match="not a compiled vgpt2 catalog"):
        build_catalog(sources, precious)
    assert precious.read_text(encoding="utf-8") == "my notes\n"


def test_an_odd_output_name_builds_with_a_warning(sources: list[Path], tmp_path: Path) -> None:
    report = build_catalog(sources, tmp_path / "vista.db")
    assert report.rebuilt
    assert any("*.vgpt2db" in notice for notice in report.notices)
    assert "APTL" in open_catalog([tmp_path / "vista.db"], tmp_path / "cache")


def test_binary_files_given_as_sources_are_named_as_such(sources: list[Path],
                                                         tmp_path: Path) -> None:
    compiled = tmp_path / "vista.vgpt2db"
    build_catalog(sources, compiled)
    binary = tmp_path / "export.sql"
    binary.write_bytes(bytes(range(256)) * 40)
    for source, expected in ((binary, "a binary file, not a T-SQL script"),
                             (compiled, "a compiled vgpt2 catalog, not a source")):
        with pytest.raises(BuildError) as raised:
            build_catalog([source], tmp_path / "new.vgpt2db")
        assert [(i.path, i.severity) for i in raised.value.issues] == [(source, "error")]
        assert expected in raised.value.issues[0].message


def test_configured_sources_that_break_keep_the_last_good_build(
    sources: list[Path], tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    assert "APTL" in open_catalog(sources, cache)
    _drop_brace(sources[0] / "objects.json", after=0.3)
    catalog = open_catalog(sources, cache)
    assert "bspAPVal" in catalog, "the last good build, not the partial one"
    assert catalog.fallback is not None and "import error" in catalog.fallback
    assert "objects.json" in catalog.fallback
    assert catalog.fallback in catalog.notices
    assert catalog.path is not None
    assert f"--output {catalog.path} --allow-partial" in catalog.fallback, "how to accept it"
    build_catalog(sources, catalog.path, allow_partial=True)  # the user accepts the new build
    accepted = open_catalog(sources, cache)
    assert accepted.fallback is None and "bspAPVal" not in accepted
    assert any("1 import error" in notice for notice in accepted.notices)


def _broken_copy(vista_schema: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "vista-schema"
    copy.mkdir()
    for file in vista_schema.iterdir():
        (copy / file.name).write_bytes(file.read_bytes())
    return copy


def test_real_export_missing_one_brace_keeps_the_good_catalog(
    real_catalog: Catalog, vista_schema: Path, tmp_path: Path
) -> None:
    assert real_catalog.path is not None
    output = tmp_path / "vista.vgpt2db"
    output.write_bytes(real_catalog.path.read_bytes())
    broken = _broken_copy(vista_schema, tmp_path)
    _drop_brace(broken / "objects.json", after=0.3)
    with pytest.raises(BuildRefused):
        build_catalog([broken], output)
    assert Catalog.open(output).stats()["procedures"] == real_catalog.stats()["procedures"]


def test_real_export_with_columns_cut_in_half_keeps_the_good_catalog(
    real_catalog: Catalog, vista_schema: Path, tmp_path: Path
) -> None:
    assert real_catalog.path is not None
    output = tmp_path / "vista.vgpt2db"
    output.write_bytes(real_catalog.path.read_bytes())
    broken = _broken_copy(vista_schema, tmp_path)
    data = (broken / "columns.json").read_bytes()
    (broken / "columns.json").write_bytes(data[:len(data) // 2])
    with pytest.raises(BuildRefused, match="import error"):
        build_catalog([broken], output)
    with pytest.raises(BuildRefused, match=r"columns 54,076 -> 2\d,\d{3}"):
        build_catalog([broken], output, allow_partial=True)
    assert Catalog.open(output).stats()["columns"] == 54076
