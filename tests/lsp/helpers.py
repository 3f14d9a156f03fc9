"""A pytest-lsp client for the vgpt2 language server, and what the tests do with it.

The client records every ``textDocument/publishDiagnostics`` (with its version) and
every ``vgpt2/catalogStatus`` notification, keeps the text of the documents it
opened, and applies the workspace edits the server returns, as an editor would.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER_COMMAND = [sys.executable, "-m", "vgpt2.server.cli.main", "lsp", "--stdio"]
"""How VS Code's client starts it (vscode-languageclient appends ``--stdio``)."""

PROFILES = ["visual_studio_code", "neovim", "neovim@v0.7.0"]
"""pytest-lsp's captured client capabilities: VS Code 1.65, Neovim latest (0.11, snippets,
workspace/configuration) and Neovim 0.7 (no snippets, no workspace/configuration), the
version Debian ships and tests/neovim drives for real."""

STATUS_NOTIFICATION = "vgpt2/catalogStatus"
DOCS = "https://github.com/vgpt2/vgpt2/blob/main/docs/rules.md"
TIMEOUT = 120.0
"""A ceiling, not an expectation: every wait returns as soon as its event arrives, and on a
busy machine (2 cores shared with other builds) a server can take tens of seconds to start.
Reaching it means the event never came."""
STOP_TIMEOUT = 60.0
"""How long a server may take to shut down and exit before it is killed."""

SERVER_ENV: dict[str, str] = {k: v for k, v in os.environ.items() if k != "VGPT2_CONFIG"}
"""The server's environment; tests/lsp/conftest.py points VGPT2_CACHE_DIR at a temp dir."""


class VgptClient(LanguageClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.published: list[tuple[float, types.PublishDiagnosticsParams]] = []
        self.statuses: list[dict[str, Any]] = []
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}

    # -- documents ----------------------------------------------------------------------------

    def open(self, uri: str, text: str) -> int:
        self.texts[uri], self.versions[uri] = text, 1
        self.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="sql", version=1,
                                                 text=text)))
        return 1

    def replace(self, uri: str, text: str) -> int:
        """Send the whole new text (what a client with full sync does)."""
        self.texts[uri] = text
        self.versions[uri] += 1
        self.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri,
                                                                version=self.versions[uri]),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
        return self.versions[uri]

    def edit(self, uri: str, edits: list[types.TextEdit]) -> int:
        """Send edits as incremental changes (what VS Code and Neovim do), last first."""
        text = self.texts[uri]
        changes: list[types.TextDocumentContentChangeEvent] = []
        for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character),
                        reverse=True):
            changes.append(types.TextDocumentContentChangePartial(range=e.range,
                                                                  text=e.new_text))
            text = apply_edits(text, [e])
        self.texts[uri] = text
        self.versions[uri] += 1
        self.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri,
                                                                version=self.versions[uri]),
            content_changes=changes))
        return self.versions[uri]

    def close(self, uri: str) -> None:
        self.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))

    def apply(self, edit: types.WorkspaceEdit | None) -> int:
        assert edit is not None, "the action carries no edit"
        assert edit.changes, f"expected edit.changes, got {edit}"
        version = 0
        for uri, edits in edit.changes.items():
            version = self.edit(uri, list(edits))
        return version

    # -- waiting --------------------------------------------------------------------------------

    async def wait_diagnostics(self, uri: str, version: int | None = None,
                          timeout: float = TIMEOUT) -> list[types.Diagnostic]:
        """The diagnostics published for ``uri`` at ``version`` (default: the current one)."""
        version = self.versions.get(uri) if version is None else version
        found = await wait_for(lambda: self.latest(uri, version), timeout,
                               f"diagnostics for {uri} version {version}")
        return list(found.diagnostics)

    async def next_diagnostics(self, uri: str, after: int,
                               timeout: float = TIMEOUT) -> list[types.Diagnostic]:
        """The first diagnostics published for ``uri`` after ``published[after]``."""
        found = await wait_for(
            lambda: [p for _, p in self.published[after:] if p.uri == uri], timeout,
            f"new diagnostics for {uri}")
        return list(found[0].diagnostics)

    def configure(self, settings: dict[str, Any], push: bool) -> int:
        """Change the ``vgpt2`` settings as an editor does; returns a mark for
        :meth:`next_diagnostics`. ``push``: send them in the notification (Neovim);
        else only announce the change and let the server pull them (VS Code)."""
        mark = len(self.published)
        self.set_configuration(settings, section="vgpt2")
        self.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"vgpt2": settings} if push else None))
        return mark

    def latest(self, uri: str, version: int | None) -> types.PublishDiagnosticsParams | None:
        for _, params in reversed(self.published):
            if params.uri == uri and (version is None or params.version == version):
                return params
        return None

    async def wait_status(self, count: int = 1, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The ``count``-th vgpt2/catalogStatus notification (1-based)."""
        await wait_for(lambda: len(self.statuses) >= count, timeout,
                       f"{count} vgpt2/catalogStatus notification(s)")
        return self.statuses[count - 1]


async def wait_for(probe: Callable[[], Any], timeout: float, what: str) -> Any:
    """``probe()``'s first truthy value, checked every 10 ms until ``timeout`` seconds pass.

    ``timeout`` is only a ceiling (see :data:`TIMEOUT`); a value below it is raised to it, so
    that no test depends on an idle machine."""
    timeout = max(timeout, TIMEOUT)
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.01)


async def connect_tcp(client: VgptClient, host: str, port: int, server: subprocess.Popen[bytes],
                      timeout: float = TIMEOUT) -> None:
    """Connect ``client`` to a ``vgpt2 lsp --tcp`` process as soon as it accepts.

    The client itself retries (no probe connection: the server serves one client), until the
    port accepts, the server exits (its stderr is in the error) or ``timeout`` passes."""
    ceiling = max(timeout, TIMEOUT)
    deadline = time.monotonic() + ceiling
    while True:
        try:
            await client.start_tcp(host, port)
            return
        except OSError as error:
            if server.poll() is not None:
                stderr = server.stderr.read().decode(errors="replace") if server.stderr else ""
                raise AssertionError(f"the TCP server exited ({server.returncode}) before "
                                     f"listening on {host}:{port}:\n{stderr}") from error
            if time.monotonic() > deadline:
                raise AssertionError(f"the TCP server never listened on {host}:{port} "
                                     f"within {ceiling:.0f} s") from error
            await asyncio.sleep(0.1)


def _publish(client: VgptClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append((time.monotonic(), params))


def _status(client: VgptClient, params: Any) -> None:
    client.statuses.append(as_dict(params))


def as_dict(value: Any) -> Any:
    """pygls hands unknown notifications' params over as namedtuples: back to plain data."""
    if hasattr(value, "_asdict"):
        return {k: as_dict(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {k: as_dict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_dict(v) for v in value]
    return value


def _converter() -> Any:
    """pygls' converter, with lsprotocol 2025.0.0's ``Command | CodeAction`` hook fixed.

    lsprotocol reads any code action that has a ``command`` member as a bare Command
    (dropping title, kind and diagnostics into a stringified ``command``); VS Code and
    Neovim tell them apart by the type of ``command``, and so does this client.
    """
    converter = default_converter()

    def code_action(value: Any, _: type) -> types.Command | types.CodeAction:
        if isinstance(value.get("command"), str):
            return converter.structure(value, types.Command)
        return converter.structure(value, types.CodeAction)

    converter.register_structure_hook(types.Command | types.CodeAction, code_action)
    return converter


def make_client() -> VgptClient:
    client = VgptClient(converter_factory=_converter)
    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES,
                                   types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _publish})
    client.feature(STATUS_NOTIFICATION)(_status)
    return client


def config(command: list[str] | None = None) -> ClientServerConfig:
    return ClientServerConfig(server_command=command or SERVER_COMMAND,
                              client_factory=make_client, server_env=SERVER_ENV)


async def initialize(client: VgptClient, profile: str, workspace: Path,
                     options: dict[str, Any] | None = None) -> types.InitializeResult:
    result = await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(profile),
        client_info=types.ClientInfo(name=f"pytest-lsp as {profile}"),
        root_uri=workspace.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name=workspace.name)],
        initialization_options=options,
    ))
    return result


@contextlib.asynccontextmanager
async def running(profile: str, workspace: Path, options: dict[str, Any] | None = None,
                  configuration: dict[str, Any] | None = None) -> AsyncIterator[VgptClient]:
    """A server of its own, for a test that changes settings or the catalog."""
    client: VgptClient = await config().start()  # type: ignore[assignment]
    if configuration is not None:
        client.set_configuration(configuration, section="vgpt2")
    try:
        await asyncio.wait_for(initialize(client, profile, workspace, options), TIMEOUT)
        yield client
    finally:
        try:
            await asyncio.wait_for(client.shutdown_session(), STOP_TIMEOUT)
        except Exception:  # a wedged server must not hang the suite
            if client._server is not None and client._server.returncode is None:
                client._server.kill()
        await asyncio.wait_for(client.stop(), STOP_TIMEOUT)


# -- text -----------------------------------------------------------------------------------


def _utf16(text: str) -> int:
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text)


def position(text: str, offset: int) -> types.Position:
    """The LSP position (UTF-16 columns) of a string offset."""
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return types.Position(line=line, character=_utf16(text[start:offset]))


def offset_of(text: str, where: types.Position) -> int:
    lines = text.split("\n")
    if where.line >= len(lines):
        return len(text)
    base = sum(len(line) + 1 for line in lines[:where.line])
    units = 0
    for column, char in enumerate(lines[where.line]):
        if units >= where.character:
            return base + column
        units += 2 if ord(char) > 0xFFFF else 1
    return base + len(lines[where.line])


def find(text: str, needle: str, nth: int = 0) -> int:
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    return index


def span(text: str, needle: str, nth: int = 0) -> types.Range:
    """The range of the ``nth`` occurrence of ``needle``."""
    start = find(text, needle, nth)
    return types.Range(start=position(text, start), end=position(text, start + len(needle)))


def at(text: str, needle: str, nth: int = 0, delta: int = 0) -> types.Position:
    """The position ``delta`` characters into the ``nth`` occurrence of ``needle``."""
    return position(text, find(text, needle, nth) + delta)


def end_of(text: str) -> types.Position:
    return position(text, len(text))


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply non-overlapping edits (positions refer to ``text`` before any of them)."""
    spans = sorted(((offset_of(text, e.range.start), offset_of(text, e.range.end), e.new_text)
                    for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


_SNIPPET = re.compile(r"\$\{\d+:([^}]*)\}|\$\d+")


def snippet_text(item: types.CompletionItem) -> str:
    """What the item inserts once its snippet placeholders take their defaults."""
    text = item.text_edit.new_text if item.text_edit else (item.insert_text or item.label)
    if item.insert_text_format == types.InsertTextFormat.Snippet:
        text = _SNIPPET.sub(lambda m: m.group(1) or "", text)
    return text


def items_of(result: types.CompletionList | list[types.CompletionItem] | None
             ) -> list[types.CompletionItem]:
    if result is None:
        return []
    items = result.items if isinstance(result, types.CompletionList) else result
    return sorted(items, key=lambda i: i.sort_text or i.label)


def codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)
