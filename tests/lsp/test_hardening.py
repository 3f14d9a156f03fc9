"""What a fuzzing client and a hostile repository found: links in the definitions cache,
percent-encoded URIs, requests for files never opened, a second TCP client, tracebacks
in error responses, and ``vgpt2 lsp --catalog``."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest
from lsprotocol import types
from lsprotocol.types import METHOD_TO_TYPES
from pygls.exceptions import JsonRpcInternalError
from pygls.protocol import default_converter
from vgpt2.server.lsp.server import create_server

from tests.catalog.test_metadata_import import ap_export
from tests.lsp.helpers import (
    SERVER_COMMAND,
    SERVER_ENV,
    STOP_TIMEOUT,
    TIMEOUT,
    VgptClient,
    at,
    codes,
    config,
    connect_tcp,
    initialize,
    make_client,
    running,
    wait_for,
)

REPORT = "SELECT h.APRef FROM APTH h\n"


@contextlib.asynccontextmanager
async def serving(workspace: Path, arguments: list[str],
                  options: dict[str, Any] | None = None) -> AsyncIterator[VgptClient]:
    """A server started with extra command-line ``arguments``."""
    client: VgptClient = await config(SERVER_COMMAND + arguments).start()  # type: ignore[assignment]
    try:
        await asyncio.wait_for(initialize(client, "neovim", workspace, options), TIMEOUT)
        yield client
    finally:
        try:
            await asyncio.wait_for(client.shutdown_session(), STOP_TIMEOUT)
        except Exception:
            if client._server is not None and client._server.returncode is None:
                client._server.kill()
        await asyncio.wait_for(client.stop(), STOP_TIMEOUT)


def _path(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path))


async def _definition(client: VgptClient, uri: str, text: str) -> types.Location:
    found = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=at(text, "APTH", delta=1)))
    assert isinstance(found, types.Location), found
    return found


# -- 4: go to definition never writes through a link ------------------------------------


@pytest.mark.asyncio
async def test_a_repository_cannot_point_the_definitions_cache_at_its_own_links(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user_cache = tmp_path / "user-cache"
    monkeypatch.setitem(SERVER_ENV, "VGPT2_CACHE_DIR", str(user_cache))
    repository = tmp_path / "repository"
    links = repository / "cache" / "definitions"
    links.mkdir(parents=True)
    (repository / "vgpt2.toml").write_text('cache_dir = "cache"\n', encoding="utf-8")
    victims = []
    for name in ("APTH.sql", "APTH.sql.tmp", "bAPTH.sql", "bAPTH.sql.tmp"):
        victim = tmp_path / f"victim-{name}"
        victim.write_text("precious\n", encoding="utf-8")
        victim.chmod(0o644)
        (links / name).symlink_to(victim)
        victims.append(victim)
    async with running("neovim", repository, {"diagnosticsDelayMs": 0}) as client:
        await client.wait_status()
        uri = (repository / "report.sql").as_uri()
        client.open(uri, REPORT)
        location = await _definition(client, uri, REPORT)
    written = _path(location.uri)
    assert user_cache in written.parents, f"{written} is not in the user's cache"
    assert "CREATE" in written.read_text(encoding="utf-8")
    for victim in victims:
        assert victim.read_text(encoding="utf-8") == "precious\n"
        assert victim.stat().st_mode & 0o777 == 0o644


@pytest.mark.asyncio
async def test_a_link_in_the_definitions_folder_is_replaced_not_followed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user_cache = tmp_path / "user-cache"
    monkeypatch.setitem(SERVER_ENV, "VGPT2_CACHE_DIR", str(user_cache))
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    victim.chmod(0o644)
    async with running("neovim", tmp_path, {"diagnosticsDelayMs": 0}) as client:
        await client.wait_status()
        uri = (tmp_path / "report.sql").as_uri()
        client.open(uri, REPORT)
        written = _path((await _definition(client, uri, REPORT)).uri)
        written.unlink()
        written.symlink_to(victim)
        # a link where a predictable temp name would go, too
        written.with_name(written.name + ".tmp").symlink_to(victim)
        again = _path((await _definition(client, uri, REPORT)).uri)
    assert again == written and not again.is_symlink()
    assert "CREATE" in again.read_text(encoding="utf-8")
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert victim.stat().st_mode & 0o777 == 0o644
    written.with_name(written.name + ".tmp").unlink()
    assert not [p for p in written.parent.iterdir() if p.name.endswith(".tmp")]


# -- 6: vgpt2 lsp --catalog -----------------------------------------------------------------


@pytest.mark.asyncio
async def test_the_catalog_can_be_given_on_the_command_line(tmp_path: Path) -> None:
    export = ap_export(tmp_path / "export")
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    async with serving(workspace, ["--catalog", str(export)], {"diagnosticsDelayMs": 0}) as client:
        status = await client.wait_status()
        assert status["loaded"] is True
        assert status["objects"] == 3, status  # the export's, not the bundled sample's
        assert "bundled sample" not in status["message"]
        report = await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="vgpt2.doctor"))
        assert "command line" in str(report)


def test_a_missing_command_line_catalog_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.vgpt2db"
    result = subprocess.run([*SERVER_COMMAND, "--catalog", str(missing)], env=SERVER_ENV,
                            capture_output=True, text=True, timeout=TIMEOUT,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert str(missing) in result.stderr and "no such file" in result.stderr
    shown = subprocess.run([sys.executable, "-m", "vgpt2.server.cli.main", "lsp", "--help"],
                           env=SERVER_ENV, capture_output=True, text=True, timeout=TIMEOUT)
    assert "--catalog" in shown.stdout


# -- 8: percent-encoded URIs --------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_percent_encoded_uri_gets_diagnostics_and_answers(tmp_path: Path) -> None:
    async with running("visual_studio_code", tmp_path, {"diagnosticsDelayMs": 0}) as client:
        await client.wait_status()
        for uri in ("file:///c%3A/Work/my%20reports/ap.sql",  # VS Code on Windows
                    (tmp_path / "with space é.sql").as_uri()):
            client.open(uri, REPORT)
            assert codes(await client.wait_diagnostics(uri)) == ["VG004"]
            other_spelling = unquote(uri).replace("file:///c:", "file:///C:")
            hovered = await client.text_document_hover_async(types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=other_spelling),
                position=at(REPORT, "APTH", delta=1)))
            assert hovered is not None and "APTH" in hovered.contents.value


# -- 9: nothing is read from disk for a document never opened -----------------------------


@pytest.mark.asyncio
async def test_requests_for_a_document_never_opened_are_answered_without_reading_it(
        tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.sql"
    os.mkfifo(fifo)
    on_disk = tmp_path / "on_disk.sql"
    on_disk.write_text(REPORT, encoding="utf-8")
    async with running("visual_studio_code", tmp_path, {"diagnosticsDelayMs": 0}) as client:
        await client.wait_status()
        for path in (fifo, on_disk, tmp_path / "missing.sql"):
            document = types.TextDocumentIdentifier(uri=path.as_uri())
            where = types.Position(line=0, character=22)
            # a server that reads the FIFO freezes: fail after TIMEOUT instead of hanging
            assert await asyncio.wait_for(client.text_document_hover_async(
                types.HoverParams(text_document=document, position=where)), TIMEOUT) is None
            assert await asyncio.wait_for(client.text_document_definition_async(
                types.DefinitionParams(text_document=document, position=where)),
                TIMEOUT) is None
            assert await asyncio.wait_for(client.text_document_document_symbol_async(
                types.DocumentSymbolParams(text_document=document)), TIMEOUT) is None
            completion = await asyncio.wait_for(client.text_document_completion_async(
                types.CompletionParams(text_document=document, position=where)), TIMEOUT)
            assert completion is not None and not completion.items
        uri = (tmp_path / "open.sql").as_uri()
        client.open(uri, REPORT)
        assert codes(await client.wait_diagnostics(uri)) == ["VG004"]


# -- 10: one TCP client; no tracebacks in errors ------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.asyncio
async def test_a_second_tcp_connection_is_refused_and_the_first_keeps_its_answers(
        tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen([*SERVER_COMMAND[:-1], "--tcp", "--port", str(port)],
                              env=SERVER_ENV, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    client = make_client()
    try:
        await connect_tcp(client, "127.0.0.1", port, server)
        await initialize(client, "visual_studio_code", tmp_path, {"diagnosticsDelayMs": 0})
        await client.wait_status()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        told = await asyncio.wait_for(reader.read(), TIMEOUT)  # until the server closes it
        writer.close()
        assert b"already has a client" in told
        uri = (tmp_path / "first.sql").as_uri()
        client.open(uri, REPORT)
        assert codes(await client.wait_diagnostics(uri)) == ["VG004"]
        symbols = await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri)))
        assert symbols
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await client.stop()
        try:
            server.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_an_internal_error_response_carries_no_traceback_or_path() -> None:
    server = create_server()
    sent: list[Any] = []
    server.protocol._send_data = sent.append  # type: ignore[method-assign]
    try:
        raise FileNotFoundError(2, "No such file or directory", "/home/someone/secret/a.sql")
    except FileNotFoundError:
        error = JsonRpcInternalError.of(sys.exc_info()).to_response_error()
    assert "secret" in str(error), "the test's premise: pygls puts the path in the error"
    server.protocol._send_response(7, error=error)
    (response,) = sent
    assert response.error.data is None
    assert "secret" not in response.error.message and "Traceback" not in response.error.message
    assert "FileNotFoundError" in response.error.message
    server.runner.stop()


@pytest.mark.asyncio
async def test_a_stale_future_per_notification_is_not_kept(tmp_path: Path) -> None:
    """pygls keeps the future of every notification it handles (the RSS creep of a long
    editing session); the server lets each go once handled."""
    server = create_server()
    protocol = server.protocol
    protocol._send_data = lambda data: None  # type: ignore[method-assign]
    protocol.handle_message(_message("initialize", {"processId": None, "rootUri": None,
                                                    "capabilities": {}}, 1))
    uri = (tmp_path / "soak.sql").as_uri()
    protocol.handle_message(_message("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "sql", "version": 1, "text": ""}}))
    for version in range(2, 502):
        protocol.handle_message(_message("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                          "end": {"line": 0, "character": 0}}, "text": "x"}]}))
    await wait_for(lambda: len(protocol._request_futures) < 10, TIMEOUT,
                   "the handled notifications' futures to be let go")
    document = server.documents.get(uri)
    assert document is not None and document.text == "x" * 500
    server.diagnostics.stop()
    server.runner.stop()


def _message(method: str, params: dict[str, Any], msg_id: int | None = None) -> Any:
    """A client message as pygls structures it off the wire."""
    data: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
    if msg_id is not None:
        data["id"] = msg_id
    return default_converter().structure(data, METHOD_TO_TYPES[method][0])


@pytest.mark.asyncio
async def test_shutdown_is_answered_while_work_is_in_flight(tmp_path: Path) -> None:
    """pygls cancels the futures in flight on shutdown; letting a handled one go must not
    break that iteration (the answer was once an internal error)."""
    client: VgptClient = await config().start()  # type: ignore[assignment]
    try:
        await initialize(client, "visual_studio_code", tmp_path, {"diagnosticsDelayMs": 0})
        uri = (tmp_path / "busy.sql").as_uri()
        client.open(uri, REPORT * 2_000)
        pending = [client.text_document_document_symbol_async(types.DocumentSymbolParams(
            text_document=types.TextDocumentIdentifier(uri=uri))) for _ in range(5)]
        assert await asyncio.wait_for(client.shutdown_async(None), TIMEOUT) is None
        client.exit(None)
        await asyncio.gather(*pending, return_exceptions=True)
    finally:
        await asyncio.wait_for(client.stop(), STOP_TIMEOUT)
