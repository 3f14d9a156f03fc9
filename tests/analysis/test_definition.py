"""Go to definition: a read-only T-SQL rendering of a catalog object."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vgpt2.catalog.build import compile_in_memory
from vgpt2.catalog.builder import merge_results
from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import ImportResult
from vgpt2.server.analysis.definition import HEADER, definition_at, render_object

from .cursors import NAMES, cursors


def metadata_only(catalog: Catalog, *names: str) -> Catalog:
    """The sample's objects without their source text, as a metadata export gives them."""
    objects = []
    for name in names:
        obj = catalog.get(name)
        assert obj is not None
        objects.append(dataclasses.replace(obj, definition=None))
    return compile_in_memory(merge_results([ImportResult(Path("export"), objects=objects)]))


def column_line(content: str, column: str) -> str:
    pattern = re.compile(r"(?<![\w@#$])\[?" + re.escape(column) + r"\]?(?![\w$#])")
    for line in content.splitlines():
        if pattern.search(line) and not line.startswith("-- Also"):
            return line
    raise AssertionError(f"{column} not rendered")


def test_sample_apth_lists_every_column_with_its_type(sample_catalog: Catalog) -> None:
    content = render_object(sample_catalog, "APTH")
    assert content is not None
    assert content.startswith(HEADER + "\n")
    apth = sample_catalog.get("APTH")
    assert apth is not None and apth.columns
    for column in apth.columns:
        line = column_line(content.split("-- Columns (from the catalog):")[1], column.name)
        assert column.type_display in line, (column.name, line)
        assert ("NOT NULL" in line) is (not column.nullable)


def test_stored_definition_is_used_when_the_catalog_has_one(sample_catalog: Catalog) -> None:
    content = render_object(sample_catalog, "bAPTH")
    obj = sample_catalog.get("bAPTH")
    assert content is not None and obj is not None and obj.definition
    assert obj.definition.strip() in content
    assert "-- Base table: query the view APTH instead." in content


def test_generated_create_table_from_metadata(sample_catalog: Catalog) -> None:
    catalog = metadata_only(sample_catalog, "bAPTH", "APTH", "bAPTL", "APTL")
    content = render_object(catalog, "bAPTH")
    assert content is not None
    assert "-- Generated from catalog metadata" in content
    assert "CREATE TABLE [dbo].[bAPTH]\n(" in content
    table = sample_catalog.get("bAPTH")
    assert table is not None
    body = content.split("CREATE TABLE")[1].split(");")[0]
    for column in table.columns:
        line = column_line(body, column.name)
        assert column.data_type in line
        assert line.split("--")[0].rstrip().rstrip(",").endswith(
            "NULL" if column.nullable else "NOT NULL")
    assert "CREATE UNIQUE CLUSTERED INDEX [biAPTH] ON [dbo].[bAPTH] ([APCo], [Mth], [APTrans]);" \
        in content
    assert "-- the key joins use" in content
    assert "--   APTL (shared key): bAPTH.APCo = APTL.APCo AND bAPTH.Mth = APTL.Mth AND " \
        "bAPTH.APTrans = APTL.APTrans" in content
    # The description and the preferred view travel as comments.
    assert "-- Base table: query the view APTH instead." in content
    assert "-- AP transaction header" in content


def test_generated_view_procedure_and_function(sample_catalog: Catalog) -> None:
    catalog = metadata_only(sample_catalog, "bAPTH", "APTH", "brptAPTax", "vfDateCreate")
    view = render_object(catalog, "APTH")
    assert view is not None
    assert "CREATE VIEW [dbo].[APTH]\nAS\nSELECT\n    [APCo]," in view
    assert "FROM [dbo].[bAPTH];" in view
    mth = column_line(view.split("CREATE VIEW")[1], "Mth")
    assert mth.split("--")[1].strip().startswith("bMonth · smalldatetime · NOT NULL")
    procedure = render_object(catalog, "brptAPTax")
    assert procedure is not None
    assert "CREATE PROCEDURE [dbo].[brptAPTax]\n    @APCo bCompany,\n" in procedure
    assert "    @EndMth bMonth\nAS\n" in procedure
    function = render_object(catalog, "vfDateCreate")
    assert function is not None
    assert "CREATE FUNCTION [dbo].[vfDateCreate]\n(\n    @Month tinyint," in function


def test_render_is_case_insensitive_and_none_for_unknown(sample_catalog: Catalog) -> None:
    assert render_object(sample_catalog, "jccm") == render_object(sample_catalog, "JCCM")
    assert render_object(sample_catalog, "NoSuchThing") is None


def test_definition_of_an_object_and_of_a_column(sample_catalog: Catalog) -> None:
    text = "SELECT c.ContractStatus FROM jccm c WITH (NOLOCK)"
    found = definition_at(text, text.index("jccm") + 1, sample_catalog)
    assert found is not None
    assert (found.name, found.uri_name) == ("JCCM", "JCCM.sql")
    assert found.content.splitlines()[found.line].startswith("CREATE VIEW")
    found = definition_at(text, text.index("ContractStatus") + 1, sample_catalog)
    assert found is not None and found.name == "JCCM"
    assert "ContractStatus" in found.content.splitlines()[found.line]
    assert definition_at(text, text.index("FROM"), sample_catalog) is None


def test_real_catalog_renders_a_metadata_export(real_catalog: Catalog) -> None:
    content = render_object(real_catalog, "bJCCM")
    assert content is not None
    assert "CREATE TABLE [dbo].[bJCCM]" in content
    assert "[ContractStatus]" in content and "tinyint" in content
    jccm = real_catalog.get("bJCCM")
    assert jccm is not None
    for column in jccm.columns:
        assert f"[{column.name}]" in content


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, data=st.data())
def test_any_offset_in_a_corpus_file(name: str, data: st.DataObject,
                                     sample_catalog: Catalog) -> None:
    for source, offset in cursors(name, data):
        found = definition_at(source, offset, sample_catalog)
        if found is not None:
            assert found.content.startswith(HEADER)
            assert found.uri_name == f"{found.name}.sql"
            assert 0 <= found.line < len(found.content.splitlines())
