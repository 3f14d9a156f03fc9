"""The vgpt2 language server: its state, its protocol, and registration of its features.

The handlers live in :mod:`vgpt2.server.lsp.features`, one module per LSP method or
feature family, registered from the one list ``features.MODULES``; every conversion
to LSP types is in :mod:`~vgpt2.server.lsp.convert`; debouncing and the findings
cache in :mod:`~vgpt2.server.lsp.diagnostics`. Handlers take a snapshot of an open
document (``documents.py`` keeps it identical to the editor's text) and hand slow work
(catalog loads, analysis, symbols, code actions, hover, definitions) to the one
background :class:`~vgpt2.server.lsp.workers.Runner`; the model's work runs on its own
loop (``model_state.py``). The event loop only reads messages, so ``$/cancelRequest``
is honoured and completion (fast, on the loop) never waits behind an analysis. A result
overtaken by a newer edit is dropped (diagnostics) or answered ``ContentModified``
(requests). Nothing is read from disk for a document the editor has not opened.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import threading
import uuid
from collections.abc import Callable, Generator
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import FeatureRequestError, JsonRpcContentModified, JsonRpcInternalError
from pygls.io_ import run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from vgpt2.server.analysis import RuleSettings
from vgpt2.server.config import ConfigError, Settings
from vgpt2.server.lsp import features
from vgpt2.server.lsp.convert import to_diagnostic
from vgpt2.server.lsp.diagnostics import Diagnostics
from vgpt2.server.lsp.documents import Document, Documents, LineIndex
from vgpt2.server.lsp.generation_features import GenerationFeatures
from vgpt2.server.lsp.names import RELOAD_COMMAND, STATUS_NOTIFICATION
from vgpt2.server.lsp.registry import register
from vgpt2.server.lsp.settings import ResolvedSettings, resolve
from vgpt2.server.lsp.state import CatalogHolder, SourceWatcher
from vgpt2.server.lsp.workers import Runner

if TYPE_CHECKING:
    from vgpt2.catalog.catalog import Catalog

__all__ = ["RELOAD_COMMAND", "VgptProtocol", "VgptServer", "create_server", "main",
           "to_diagnostic"]

_log = logging.getLogger(__name__)


def _version() -> str:
    try:
        return metadata.version("vgpt2")
    except metadata.PackageNotFoundError:
        return "0"


class VgptProtocol(LanguageServerProtocol):
    """pygls's protocol with vgpt2's own document model and tighter bookkeeping.

    * didOpen/didChange/didClose update :class:`Documents` (spec line breaks, the
      negotiated encoding) instead of pygls's workspace, which splits lines at
      U+2028, form feed and the like;
    * a finished handler's future leaves ``_request_futures`` (pygls keeps the one of
      every notification forever: the memory creep of a long editing session);
    * an internal error's response says what failed, never the traceback or local paths
      (those go to the server's log).
    """

    _server: VgptServer

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams
                                    ) -> Generator[Any, Any, None]:
        self._server.documents.open(params.text_document)
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams
                                      ) -> Generator[Any, Any, None]:
        self._server.documents.change(params)
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams
                                     ) -> Generator[Any, Any, None]:
        self._server.documents.close(params.text_document.uri)
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    def _execute_handler(self, msg_id: Any, handler: Any, callback: Any,
                         args: tuple[Any, ...] | None = None,
                         kwargs: dict[str, Any] | None = None) -> None:
        def forget(future: Any) -> None:
            if self._request_futures.get(msg_id) is future:
                del self._request_futures[msg_id]

        def done(future: Any) -> None:
            try:
                callback(future)
            finally:
                # Later, not now: pygls's shutdown cancels futures while it iterates them.
                try:
                    asyncio.get_running_loop().call_soon(forget, future)
                except RuntimeError:  # no loop in this thread (a thread handler)
                    forget(future)

        super()._execute_handler(msg_id, handler, done, args, kwargs)

    def _send_response(self, msg_id: Any, result: Any | None = None,
                       error: types.ResponseError | None = None) -> None:
        if error is not None and error.code == JsonRpcInternalError.CODE:
            kind = error.message.split(":", 1)[0].strip() or "error"
            if not kind.isidentifier():
                kind = "error"
            error = types.ResponseError(
                code=error.code,
                message=f"vgpt2: internal error ({kind}); the language server's log has the "
                        "details")
        super()._send_response(msg_id, result, error)


class VgptServer(LanguageServer):
    """The server's state: settings, catalog, documents, runner, diagnostics, the model."""

    def __init__(self, catalog: list[Path] | None = None) -> None:
        super().__init__("vgpt2", _version(), protocol_cls=VgptProtocol)
        self.holder = CatalogHolder()
        self.settings: ResolvedSettings | None = None
        self.editor_settings: dict[str, Any] = {}
        self.command_line_catalog = catalog
        """``vgpt2 lsp --catalog PATH``: wins over the editor's settings and vgpt2.toml."""
        self.root: Path | None = None
        self.documents = Documents()
        self.runner = Runner(workers=2)
        self.generation = GenerationFeatures()
        """The model, generation code actions and inline completion (their own worker)."""
        self.diagnostics = Diagnostics(self)
        """Debounced analysis of the open documents and the published findings."""
        self.warned_large: set[str] = set()
        """Documents already warned about as very large (until closed)."""
        self.watcher = SourceWatcher(self._sources_changed)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.ready = asyncio.Event()

    # -- transport ---------------------------------------------------------------------------

    def start_tcp(self, host: str, port: int) -> None:
        """Serve one client over TCP; a second connection while one is served is told so
        and closed (it would otherwise share, and steal, the first one's answers)."""
        self._stop_event = stop_event = threading.Event()
        connected = False

        async def connection(reader: asyncio.StreamReader,
                             writer: asyncio.StreamWriter) -> None:
            nonlocal connected
            if connected:
                _log.warning("refused a second client: this server already serves one")
                writer.write(_frame({"jsonrpc": "2.0", "method": "window/showMessage",
                                     "params": {"type": 1, "message": (
                                         "vgpt2: this language server already has a client; "
                                         "start another `vgpt2 lsp --tcp --port N`")}}))
                try:
                    await writer.drain()
                finally:
                    writer.close()
                return
            connected = True
            self.protocol.set_writer(writer)
            await run_async(stop_event=stop_event, reader=reader, protocol=self.protocol,
                            logger=_log, error_handler=self.report_server_error)
            self.shutdown()  # type: ignore[no-untyped-call]

        async def serve() -> None:
            self._server = await asyncio.start_server(connection, host, port)
            _log.info("listening on %s:%s", host, port)
            async with self._server:
                await self._server.serve_forever()

        with contextlib.suppress(asyncio.CancelledError):
            asyncio.run(serve())

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Errors outside a request: logged in full, shown to the user without paths."""
        _log.error("vgpt2 server error: %r", error)
        if source is FeatureRequestError:  # the response itself says what failed
            return
        self.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Error,
            message=f"vgpt2: internal error ({type(error).__name__}); the language server's "
                    "log has the details"))

    # -- settings and catalog ----------------------------------------------------------------

    def rule_settings(self) -> RuleSettings:
        return self.settings.file.rule_settings() if self.settings else RuleSettings()

    async def configure(self) -> None:
        """Resolve settings, (re)load the catalog in a worker, re-check open documents."""
        editor = dict(self.editor_settings)
        if self.client_capabilities.workspace and self.client_capabilities.workspace.configuration:
            try:
                (section,) = await self.workspace_configuration_async(types.ConfigurationParams(
                    items=[types.ConfigurationItem(section="vgpt2")]))
                if isinstance(section, dict):
                    editor.update(section)
            except Exception as error:  # a client that fails the request keeps its init options
                _log.info("workspace/configuration failed: %s", error)
        try:
            settings = resolve(editor, self.root)
        except ConfigError as error:
            self.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Error, message=f"vgpt2: {error}"))
            # Keep what worked; with nothing yet, run on the defaults (the bundled sample).
            settings = self.settings or ResolvedSettings(file=Settings())
        if self.command_line_catalog:
            settings = settings.model_copy(update={
                "file": settings.file.model_copy(update={"catalog": self.command_line_catalog}),
                "origins": {**settings.origins, "catalog": "command line (--catalog)"}})
        previous = self.settings
        self.settings = settings
        await self.generation.configure(self, settings)
        if previous is None or previous.file.catalog != settings.file.catalog \
                or self.holder.catalog is None:
            await self.reload_catalog()
        else:
            self.diagnostics.recheck_all()

    async def reload_catalog(self) -> None:
        assert self.settings is not None
        settings = self.settings.file
        token = f"vgpt2-catalog-{uuid.uuid4()}"  # a token can be used for one progress only
        progress = self._progress_supported()
        if progress:
            try:
                await self.work_done_progress.create_async(token)
                self.work_done_progress.begin(token, types.WorkDoneProgressBegin(
                    title="vgpt2", message="Loading the Vista catalog"))
            except Exception:
                progress = False
        status = await self.runner.run(self.holder.load, settings)
        if progress:
            self.work_done_progress.end(token, types.WorkDoneProgressEnd(message=status.message))
        if self.holder.error:
            self.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Warning, message=status.message))
        self.protocol.notify(STATUS_NOTIFICATION, status.payload())
        self.watcher.watch(settings.catalog)
        self.ready.set()
        self.diagnostics.recheck_all()
        # The open documents' first diagnostics before the warm-up below: run side by side,
        # the two would share one interpreter lock and both finish late.
        await self.diagnostics.settled()
        if self.holder.catalog is not None:  # build completion lists now, not on a keystroke
            await self.runner.run(_prepare_completion, self.holder.catalog)
            # The catalog and its indexes live as long as the server: keep them out of the
            # collector's full passes, which otherwise pause completions for ~40 ms.
            gc.collect()
            gc.freeze()

    def _progress_supported(self) -> bool:
        window = self.client_capabilities.window
        return bool(window and window.work_done_progress)

    def _sources_changed(self) -> None:
        if self.loop is not None:
            asyncio.run_coroutine_threadsafe(self.reload_catalog(), self.loop)

    # -- documents ---------------------------------------------------------------------------

    def document(self, uri: str) -> Document | None:
        """The open document ``uri`` (any spelling of it); None if the editor never opened it."""
        return self.documents.get(uri)

    async def on_snapshot(self, uri: str, job: Callable[[LineIndex], Any],
                          edits: bool = False) -> Any:
        """Run ``job`` over the open document's text on the runner (None when ``uri`` is
        not open). With ``edits`` (the answer carries text edits or ranges an editor
        applies or lists: code actions, symbols), an answer an edit overtook is refused
        with ContentModified, as the spec advises: its positions point into text the
        editor no longer has. Hover, signature help and definitions answer what the
        editor asked about."""
        document = self.document(uri)
        if document is None:
            return None
        version = document.version
        result = await self.runner.run(job, document.index)
        if edits:
            current = self.document(uri)
            if current is None or current.version != version:
                raise JsonRpcContentModified("the document changed while this was computed")
        return result


def _prepare_completion(catalog: Catalog) -> None:
    """Build the completion lists on the runner; the engine is imported there, after the
    first diagnostics, not while the editor waits for ``initialize``."""
    from vgpt2.server.analysis.completion import prepare

    prepare(catalog)


def _frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body


def create_server(catalog: list[Path] | None = None) -> VgptServer:
    """A server with every feature module's handlers registered (``features.MODULES``)."""
    server = VgptServer(catalog)
    register(server, features.MODULES)
    return server


def main(tcp: bool = False, host: str = "127.0.0.1", port: int = 2087,
         catalog: list[Path] | None = None) -> None:
    """Serve one editor over stdio (or one client over loopback TCP); ``catalog`` is
    ``--catalog``: it wins over the editor's settings and vgpt2.toml."""
    server = create_server(catalog)
    if tcp:
        server.start_tcp(host, port)
    else:
        server.start_io()
