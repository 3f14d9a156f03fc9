"""The language server when its catalog is missing, damaged or rebuilt from broken sources.

It never goes silent and never stays "loading": a missing or unreadable catalog
falls back to the bundled sample with a visible warning, and a bad rebuild keeps
the last good catalog, an intact copy of its own.
"""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest
from lsprotocol import types
from vgpt2.catalog.build import build_catalog

from tests.catalog.test_metadata_import import ap_export, column, write_export
from tests.lsp.helpers import (
    TIMEOUT,
    VgptClient,
    at,
    codes,
    items_of,
    running,
    wait_for,
)

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.filterwarnings("error::pytest_lsp.LspSpecificationWarning"),
]


async def _diagnostics(client: VgptClient, workspace: Path, name: str, text: str
                       ) -> tuple[str, list[types.Diagnostic]]:
    uri = (workspace / f"{name}.sql").as_uri()
    client.open(uri, text)
    return uri, await client.wait_diagnostics(uri)


async def _hover(client: VgptClient, uri: str, text: str, needle: str) -> str:
    result = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=at(text, needle, delta=1)))
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    return result.contents.value


async def test_a_missing_catalog_falls_back_to_the_sample_and_keeps_working(
        tmp_path: Path) -> None:
    missing = tmp_path / "exports" / "vista"
    (tmp_path / "exports").mkdir()
    options = {"catalog": [str(missing)], "diagnosticsDelayMs": 0}
    async with running("visual_studio_code", tmp_path, options, configuration=options) as client:
        status = await client.wait_status()
        assert status["loaded"] is True
        assert "bundled sample" in status["message"] and str(missing) in status["message"]
        assert status["sample"] is True and status["fallback"] is True, "the status bar warns"
        await wait_for(lambda: client.messages, TIMEOUT, "a warning about the catalog")
        assert client.messages[0].type == types.MessageType.Warning
        assert "bundled sample" in client.messages[0].message

        text = "SELECT h.Vendor FROM APTH h\nSELECT FROM WHERE\n"
        uri, found = await _diagnostics(client, tmp_path, "fallback", text)
        assert "VG000" in codes(found), "syntax checking goes on"
        assert "VG004" in codes(found), "and the sample's catalog checks"
        assert (await _hover(client, uri, text, "APTH")).startswith("**APTH**")
        completion = await client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=at(text, "h.", delta=2)))
        assert "Vendor" in [i.label for i in items_of(completion)]
        report = await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="vgpt2.doctor", arguments=[]))
        assert str(missing) in report and "bundled sample" in report

        ap_export(missing)  # the export arrives: the server picks it up on its own
        status = await wait_for(
            lambda: next((s for s in client.statuses[1:] if s["objects"] == 3), None),
            TIMEOUT, "a status for the configured export")
        assert "bundled sample" not in status["message"]
        assert status["sample"] is False and status["fallback"] is False


async def test_an_unknown_object_type_is_reported_and_the_server_runs_on(
        tmp_path: Path) -> None:
    compiled = tmp_path / "vista.vgpt2db"
    build_catalog([ap_export(tmp_path / "export")], compiled)
    connection = sqlite3.connect(compiled)
    connection.execute("UPDATE objects SET type = 'sequence' WHERE name = 'APTH'")
    connection.commit()
    connection.close()
    options = {"catalog": [str(compiled)], "diagnosticsDelayMs": 0}
    async with running("neovim", tmp_path, options) as client:
        status = await client.wait_status()
        assert status["loaded"] is True, "never 'loading' forever"
        assert "unknown type 'sequence'" in status["message"]
        assert "bundled sample" in status["message"]
        _, found = await _diagnostics(client, tmp_path, "types", "SELECT h.APRef FROM APTH h\n")
        assert codes(found) == ["VG004"]


async def test_a_catalog_overwritten_in_place_keeps_the_intact_copy(tmp_path: Path) -> None:
    export = ap_export(tmp_path / "export")
    (export / "types.json").write_text('[{"Name": ', encoding="utf-8")  # an import error
    compiled = tmp_path / "vista.vgpt2db"
    build_catalog([export], compiled, allow_partial=True)
    options = {"catalog": [str(compiled)], "diagnosticsDelayMs": 0}
    async with running("neovim", tmp_path, options) as client:
        status = await client.wait_status()
        assert status["objects"] == 3
        assert "built with 1 import error(s)" in status["message"], "recorded at build time"
        text = "SELECT h.Vendor, h.Nope FROM APTH h WITH (NOLOCK)\n"
        uri, found = await _diagnostics(client, tmp_path, "copy", text)
        assert codes(found) == ["VG002"]
        with compiled.open("r+b") as stream:  # in place: same file, new bytes
            stream.seek(compiled.stat().st_size // 2)
            stream.write(random.Random(5).randbytes(4096))
        status = await client.wait_status(2)
        assert "last rebuild failed, still using the previous one" in status["message"]
        assert "damaged" in status["message"]
        version = client.replace(uri, text + "SELECT h.APTrans FROM APTH h WITH (NOLOCK)\n")
        assert codes(await client.wait_diagnostics(uri, version)) == ["VG002"]
        assert "Vendor" in await _hover(client, uri, text, "Vendor")


def _wide_export(folder: Path, columns: int) -> Path:
    return write_export(
        folder,
        objects=[{"SchemaName": "dbo", "ObjectName": "bJCJM", "ObjectType": "Table",
                  "Module": "JC"}],
        columns=[column("bJCJM", f"Col{n}", "int", n) for n in range(1, columns + 1)])


async def test_a_rebuild_from_broken_watched_sources_keeps_the_last_good_catalog(
        tmp_path: Path) -> None:
    export = _wide_export(tmp_path / "export", 40)
    options = {"catalog": [str(export)], "diagnosticsDelayMs": 0}
    async with running("neovim", tmp_path, options) as client:
        assert (await client.wait_status())["loaded"] is True
        text = "SELECT j.Col30 FROM bJCJM j WITH (NOLOCK)\n"
        uri, found = await _diagnostics(client, tmp_path, "wide", text)
        assert found == []

        (export / "columns.json").write_text(  # valid JSON, but most columns are gone
            json.dumps([column("bJCJM", f"Col{n}", "int", n) for n in range(1, 13)]),
            encoding="utf-8")
        status = await client.wait_status(2)
        assert "much smaller" in status["message"] and "columns 40 -> 12" in status["message"]
        assert "still using the previous one" in status["message"]

        _wide_export(export, 40)
        objects = (export / "objects.json").read_text(encoding="utf-8")
        (export / "objects.json").write_text(objects.replace("}", "", 1), encoding="utf-8")
        status = await wait_for(
            lambda: next((s for s in client.statuses[2:] if "import error" in s["message"]),
                         None), TIMEOUT, "a status about the import error")
        assert "objects.json" in status["message"]
        assert "still using the previous one" in status["message"]
        version = client.replace(uri, text + "SELECT j.Col39 FROM bJCJM j WITH (NOLOCK)\n")
        assert await client.wait_diagnostics(uri, version) == []
        completion = await client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=at(text, "j.", delta=2)))
        assert "Col40" in [i.label for i in items_of(completion)]
