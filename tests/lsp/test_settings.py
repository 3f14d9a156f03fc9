"""Settings, catalogs and failures: each test runs a server of its own.

Settings come from initializationOptions and workspace/configuration and are
applied live on workspace/didChangeConfiguration; a catalog source that changes
on disk is rebuilt; a broken config never takes the server down.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lsprotocol import types

from tests.catalog.test_metadata_import import ap_export, column
from tests.lsp.helpers import (
    PROFILES,
    SERVER_ENV,
    STOP_TIMEOUT,
    TIMEOUT,
    VgptClient,
    at,
    codes,
    connect_tcp,
    end_of,
    initialize,
    items_of,
    make_client,
    running,
    snippet_text,
    span,
    wait_for,
)

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.filterwarnings("error::pytest_lsp.LspSpecificationWarning"),
]

PUSH = {"visual_studio_code": False, "neovim": True, "neovim@v0.7.0": True}
"""How each editor hands over changed settings: VS Code announces a change and answers
workspace/configuration; Neovim sends them in the notification (0.7 cannot be asked)."""


async def _open(client: VgptClient, workspace: Path, name: str, text: str
                ) -> tuple[str, list[types.Diagnostic]]:
    uri = (workspace / f"{name}.sql").as_uri()
    client.open(uri, text)
    return uri, await client.wait_diagnostics(uri)


@pytest.mark.parametrize("profile", PROFILES)
async def test_rule_settings_apply_without_restart(profile: str, tmp_path: Path) -> None:
    text = "SELECT h.APRef FROM APTH h\nWHERE h.apref = 'x'\n"
    base = {"diagnosticsDelayMs": 0}
    async with running(profile, tmp_path, base, configuration=base) as client:
        uri, found = await _open(client, tmp_path, "rules", text)
        assert codes(found) == ["VG003", "VG004"]

        mark = client.configure({**base, "rules": {"VG004": "off"}}, PUSH[profile])
        assert codes(await client.next_diagnostics(uri, mark)) == ["VG003"]

        mark = client.configure({**base, "rules": {"vg004": "error", "VG003": "hint"}},
                                PUSH[profile])
        found = {d.code: d.severity for d in await client.next_diagnostics(uri, mark)}
        assert found == {"VG003": types.DiagnosticSeverity.Hint,
                         "VG004": types.DiagnosticSeverity.Error}

        mark = client.configure(base, PUSH[profile])
        found = await client.next_diagnostics(uri, mark)
        assert codes(found) == ["VG003", "VG004"]
        assert {d.severity for d in found if d.code == "VG004"} == {
            types.DiagnosticSeverity.Warning}
        assert client.messages == []


async def test_diagnostics_delay_setting(tmp_path: Path) -> None:
    """Only lower bounds: a busy machine can make a publication late, never early."""
    async with running("neovim", tmp_path, {"diagnosticsDelayMs": 400}) as client:
        uri, _ = await _open(client, tmp_path, "delay", "SELECT h.APRef FROM APTH h\n")
        sent = time.monotonic()
        version = client.replace(uri, "SELECT h.APRef FROM APTH h WITH (NOLOCK)\n")
        assert await client.wait_diagnostics(uri, version) == []
        published = next(t for t, p in client.published if p.version == version)
        assert published - sent >= 0.39, "published before the debounce delay"

        mark = client.configure({"diagnosticsDelayMs": 1500}, push=True)
        await client.next_diagnostics(uri, mark)  # the new settings are in use
        sent = time.monotonic()
        version = client.replace(uri, "SELECT h.APRef FROM APTH h\n")
        assert codes(await client.wait_diagnostics(uri, version)) == ["VG004"]
        published = next(t for t, p in client.published if p.version == version)
        assert published - sent >= 1.49, "the new delay was not applied"


@pytest.mark.parametrize("profile", ["visual_studio_code", "neovim"])
async def test_nolock_on_completion_setting(profile: str, tmp_path: Path) -> None:
    options = {"nolockOnCompletion": False}
    async with running(profile, tmp_path, options, configuration=options) as client:
        text = "SELECT *\nFROM APTH h WITH (NOLOCK)\nJOIN "
        uri, _ = await _open(client, tmp_path, "nolock", text)
        result = await client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=end_of(text)))
        inserted = [snippet_text(i) for i in items_of(result)]
        assert ("APTL l ON l.APCo = h.APCo AND l.Mth = h.Mth AND l.APTrans = h.APTrans"
                in inserted[:5])
        assert not any("NOLOCK" in t for t in inserted)


# -- catalogs ---------------------------------------------------------------------------------


def _columns(names: list[str]) -> list[dict[str, object]]:
    types_ = {"APCo": ("bCompany", "tinyint"), "Mth": ("bMonth", "smalldatetime"),
              "APTrans": ("bTrans", "int"), "Vendor": ("bVendor", "int"),
              "APRef": ("bAPReference", "varchar")}
    rows = []
    for obj, kind in (("bAPTH", "Table"), ("APTH", "View")):
        for ordinal, name in enumerate(names, start=1):
            declared, base = types_[name]
            rows.append(column(obj, name, declared, ordinal, object_type=kind, base=base))
    return rows


@pytest.mark.parametrize("profile", ["visual_studio_code", "neovim"])
async def test_catalog_from_an_export_folder_is_rebuilt_when_it_changes(
        profile: str, tmp_path: Path) -> None:
    export = ap_export(tmp_path / "export")
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    options = {"catalog": [str(export)], "diagnosticsDelayMs": 0}
    async with running(profile, workspace, options, configuration=options) as client:
        status = await client.wait_status()
        assert status["loaded"] is True
        assert status["objects"] == 3  # bAPTH, APTH, bspAPVal: not the bundled sample
        assert "bundled sample" not in status["message"]

        text = ("SELECT t.APCo, t.Vendor, t.APRef FROM APTH t WITH (NOLOCK)\n"
                "SELECT j.Job FROM JCJM j WITH (NOLOCK)\n")
        uri, found = await _open(client, workspace, "export", text)
        by_code = {d.code: d for d in found}
        assert codes(found) == ["VG001", "VG002"]  # both exist in the sample, not here
        assert by_code["VG002"].range == span(text, "APRef")
        assert by_code["VG001"].range == span(text, "JCJM")

        result = await client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=at(text, "t.", delta=2)))
        assert [i.label for i in items_of(result)] == ["APCo", "Mth", "APTrans", "Vendor"]

        # the shop re-exports its schema: APRef appears, Vendor goes
        mark = len(client.published)
        (export / "columns.json").write_text(
            json.dumps(_columns(["APCo", "Mth", "APTrans", "APRef"]), indent=1),
            encoding="utf-8")
        status = await client.wait_status(2)
        assert status["loaded"] is True, status
        found = await client.next_diagnostics(uri, mark)
        assert codes(found) == ["VG001", "VG002"]
        assert next(d for d in found if d.code == "VG002").range == span(text, "Vendor")

        result = await client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=at(text, "t.", delta=2)))
        assert [i.label for i in items_of(result)] == ["APCo", "Mth", "APTrans", "APRef"]


async def test_a_failed_rebuild_keeps_the_last_good_catalog(tmp_path: Path) -> None:
    export = ap_export(tmp_path / "export")
    options = {"catalog": [str(export)], "diagnosticsDelayMs": 0}
    async with running("neovim", tmp_path, options) as client:
        await client.wait_status()
        uri, found = await _open(client, tmp_path, "keep",
                                 "SELECT t.Vendor FROM APTH t WITH (NOLOCK)\n")
        assert found == []
        (export / "columns.json").write_text("[{\"ObjectName\": ", encoding="utf-8")
        (export / "objects.json").write_text("not json", encoding="utf-8")
        status = await client.wait_status(2)
        assert status["loaded"] is True, "the previous catalog stays in use"
        assert "last rebuild failed" in status["message"]
        await wait_for(lambda: client.messages, TIMEOUT, "a message about the failed rebuild")
        assert client.messages[-1].type == types.MessageType.Warning
        version = client.replace(uri, "SELECT t.Vendor, t.Nope FROM APTH t WITH (NOLOCK)\n")
        assert codes(await client.wait_diagnostics(uri, version)) == ["VG002"]


async def test_every_catalog_load_reports_progress(tmp_path: Path) -> None:
    async with running("visual_studio_code", tmp_path, {"diagnosticsDelayMs": 0}) as client:
        await client.wait_status()
        result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="vgpt2.reloadCatalog", arguments=[]))
        assert result["loaded"] is True
        await client.wait_status(2)
        kinds = [[type(v).__name__ for v in values]
                 for values in client.progress_reports.values()]
        assert kinds == [["WorkDoneProgressBegin", "WorkDoneProgressEnd"]] * 2


async def test_a_cut_completion_list_says_it_is_incomplete(vista_schema: Path,
                                                           tmp_path: Path) -> None:
    options = {"catalog": [str(vista_schema)], "diagnosticsDelayMs": 0}
    async with running("visual_studio_code", tmp_path, options, configuration=options) as client:
        assert (await client.wait_status())["objects"] > 3000
        text = "SELECT *\nFROM "
        uri, _ = await _open(client, tmp_path, "real", text)
        result = await client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=end_of(text)))
        assert isinstance(result, types.CompletionList)
        labels = [i.label for i in result.items]
        # typing "JC" next must reach JCJM: it is in this list, or the client asks again
        assert "JCJM" in labels or result.is_incomplete, (len(labels), result.is_incomplete)
        version = client.replace(uri, text + "JC")
        await client.wait_diagnostics(uri, version)
        result = await client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=end_of(client.texts[uri])))
        assert "JCJM" in [i.label for i in result.items]


# -- failures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("content, needle", [
    ('[rules]\nVG999 = "off"\n', "VG999"),
    ("catalog = [\n", "vgpt2.toml"),
    ('[rules]\nVG004 = "loud"\n', "VG004"),
])
async def test_a_broken_config_file_shows_a_message_and_the_server_runs_on(
        tmp_path: Path, content: str, needle: str) -> None:
    (tmp_path / "vgpt2.toml").write_text(content, encoding="utf-8")
    async with running("visual_studio_code", tmp_path, {"diagnosticsDelayMs": 0}) as client:
        await wait_for(lambda: client.messages, TIMEOUT, "window/showMessage")
        (message,) = client.messages
        assert message.type == types.MessageType.Error
        assert message.message.startswith("vgpt2: ")
        assert str(tmp_path / "vgpt2.toml") in message.message
        assert needle in message.message
        assert (await client.wait_status())["loaded"] is True  # the bundled sample
        _, found = await _open(client, tmp_path, "still", "SELECT h.APRef FROM APTH h\n")
        assert codes(found) == ["VG004"]
        report = await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="vgpt2.doctor", arguments=[]))
        assert isinstance(report, str)


@pytest.mark.parametrize("profile", ["visual_studio_code", "neovim"])
async def test_broken_editor_settings_keep_the_previous_ones(profile: str,
                                                             tmp_path: Path) -> None:
    good = {"diagnosticsDelayMs": 0, "rules": {"VG003": "off"}}
    async with running(profile, tmp_path, good, configuration=good) as client:
        text = "SELECT h.APRef FROM APTH h\nWHERE h.apref = 'x'\n"
        uri, found = await _open(client, tmp_path, "editor", text)
        assert codes(found) == ["VG004"]
        for broken, needle in (({**good, "rules": {"VG004": "loud"}}, "vgpt2.rules"),
                               ({**good, "diagnosticsDelayMs": -5}, "diagnosticsDelayMs"),
                               ({**good, "rules": {"VG042": "off"}}, "VG042")):
            before = len(client.messages)
            mark = client.configure(broken, PUSH[profile])
            await wait_for(lambda before=before: len(client.messages) > before, TIMEOUT,
                           f"a message about {needle}")
            message = client.messages[-1]
            assert message.type == types.MessageType.Error
            assert needle in message.message
            assert codes(await client.next_diagnostics(uri, mark)) == ["VG004"]
        version = client.replace(uri, text.replace(" h\n", " h WITH (NOLOCK)\n"))
        assert await client.wait_diagnostics(uri, version) == []


async def test_a_missing_catalog_is_reported_and_can_be_fixed_live(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-export"
    async with running("neovim", tmp_path, {"catalog": [str(missing)]}) as client:
        status = await client.wait_status()
        assert status["loaded"] is True, "the bundled sample stands in"
        assert str(missing) in status["message"] and "bundled sample" in status["message"]
        await wait_for(lambda: client.messages, TIMEOUT, "window/showMessage")
        assert client.messages[0].type == types.MessageType.Warning
        assert "no such catalog source" in client.messages[0].message
        result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="vgpt2.catalogStatus", arguments=[]))
        assert result["loaded"] is True and str(missing) in result["message"]
        report = await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="vgpt2.doctor", arguments=[]))
        assert str(missing) in report

        uri = (tmp_path / "waiting.sql").as_uri()
        client.open(uri, "SELECT h.APRef FROM APTH h\n")
        client.configure({"diagnosticsDelayMs": 0}, push=True)  # back to the bundled sample
        assert (await client.wait_status(2))["loaded"] is True
        assert codes(await client.wait_diagnostics(uri)) == ["VG004"]


# -- transports -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_tcp_transport(tmp_path: Path) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "vgpt2.server.cli.main", "lsp", "--tcp",
               "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, env=SERVER_ENV, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    client = make_client()
    try:
        await connect_tcp(client, "127.0.0.1", port, server)
        await initialize(client, "visual_studio_code", tmp_path, {"diagnosticsDelayMs": 0})
        assert (await client.wait_status())["loaded"] is True
        _, found = await _open(client, tmp_path, "tcp", "SELECT h.APRef FROM APTH h\n")
        assert codes(found) == ["VG004"]
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await client.stop()
        try:
            server.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        assert server.stderr is not None
        server.stderr.close()


async def test_tcp_refuses_a_non_loopback_host() -> None:
    result = subprocess.run([sys.executable, "-m", "vgpt2.server.cli.main", "lsp", "--tcp",
                             "--host", "0.0.0.0", "--port", "2087"], env=SERVER_ENV,
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 2
    assert "not a loopback address" in result.stderr
