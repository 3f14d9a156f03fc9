"""The vgpt2 language server: registers one handler per LSP method; engines do the work.

Handlers take a snapshot of an open document (``documents.py`` keeps it identical
to the editor's text), hand the slow work (analysis, symbols, code actions, hover,
definitions) to the background :class:`~vgpt2.server.lsp.workers.Runner` and
convert the result back with the document's one line index. The event loop only
reads messages, so ``$/cancelRequest`` is honoured and completion (fast, on the
loop) never waits behind an analysis. A result overtaken by a newer edit is
dropped (diagnostics) or answered ``ContentModified`` (requests). Nothing is read
from disk for a document the editor has not opened.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import os
import re
import stat
import tempfile
import threading
import uuid
from collections.abc import Callable, Generator
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.exceptions import FeatureRequestError, JsonRpcContentModified, JsonRpcInternalError
from pygls.io_ import run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis import Finding, RuleSettings, Severity, analyze
from vgpt2.server.analysis.completion import (
    Completion,
    CompletionOptions,
    complete_list,
    prepare,
)
from vgpt2.server.analysis.definition import Definition, definition_at, render_object
from vgpt2.server.analysis.fixing import choose_fixes
from vgpt2.server.analysis.hover import hover
from vgpt2.server.analysis.rules import RULES
from vgpt2.server.analysis.signature import signature_help
from vgpt2.server.analysis.star import expand_star
from vgpt2.server.analysis.symbols import Symbol, document_symbols
from vgpt2.server.config import ConfigError, Settings
from vgpt2.server.doctor import diagnose
from vgpt2.server.lsp.convert import to_offset, to_range
from vgpt2.server.lsp.documents import Document, Documents, LineIndex, normalize_uri
from vgpt2.server.lsp.generation_features import GenerationFeatures
from vgpt2.server.lsp.generation_features import register as register_generation
from vgpt2.server.lsp.settings import ResolvedSettings, resolve
from vgpt2.server.lsp.state import CatalogHolder, SourceWatcher
from vgpt2.server.lsp.workers import Runner

_log = logging.getLogger(__name__)

RELOAD_COMMAND = "vgpt2.reloadCatalog"
DOCTOR_COMMAND = "vgpt2.doctor"
SHOW_OBJECT_COMMAND = "vgpt2.showObject"
STATUS_COMMAND = "vgpt2.catalogStatus"
STATUS_NOTIFICATION = "vgpt2/catalogStatus"

LARGE_DOCUMENT = 1_000_000
"""Characters above which opening a document warns that checking it will be slow."""

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}
_COMPLETION_KIND = {
    "view": types.CompletionItemKind.Class,
    "table": types.CompletionItemKind.Struct,
    "function": types.CompletionItemKind.Function,
    "procedure": types.CompletionItemKind.Method,
    "column": types.CompletionItemKind.Field,
    "keyword": types.CompletionItemKind.Keyword,
    "snippet": types.CompletionItemKind.Snippet,
    "join": types.CompletionItemKind.Snippet,
}
_SYMBOL_KIND = {
    "batch": types.SymbolKind.Namespace,
    "statement": types.SymbolKind.Event,
    "procedure": types.SymbolKind.Function,
    "function": types.SymbolKind.Function,
    "view": types.SymbolKind.Class,
    "cte": types.SymbolKind.Struct,
    "temp_table": types.SymbolKind.Struct,
}


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
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.findings: dict[str, tuple[int | None, list[Finding]]] = {}
        self.warned_large: set[str] = set()
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

    def snippet_support(self) -> bool:
        document = self.client_capabilities.text_document
        completion = document.completion if document else None
        item = completion.completion_item if completion else None
        return bool(item and item.snippet_support)

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
        self.generation.configure(self, settings)
        if previous is None or previous.file.catalog != settings.file.catalog \
                or self.holder.catalog is None:
            await self.reload_catalog()
        else:
            self.recheck_all()

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
        self.protocol.notify(STATUS_NOTIFICATION, {
            "loaded": status.loaded, "objects": status.objects, "message": status.message})
        self.watcher.watch(settings.catalog)
        self.ready.set()
        self.recheck_all()  # first diagnostics before the warm-up below
        if self.holder.catalog is not None:  # build completion lists now, not on a keystroke
            await self.runner.run(prepare, self.holder.catalog)
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

    def warn_if_large(self, document: Document) -> None:
        key = normalize_uri(document.uri)
        if len(document.text) <= LARGE_DOCUMENT or key in self.warned_large:
            return
        self.warned_large.add(key)
        name = document.uri.rsplit("/", 1)[-1]
        self.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Warning,
            message=f"vgpt2: {name} has {len(document.text):,} characters; checking it runs "
                    "in the background and may take a while"))

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

    # -- diagnostics -------------------------------------------------------------------------

    def schedule(self, uri: str, delay: float | None = None) -> None:
        """Analyze ``uri`` after the debounce delay, replacing a run not yet started."""
        key = normalize_uri(uri)
        previous = self.pending.pop(key, None)
        if previous is not None:
            previous.cancel()
        if delay is None:
            delay = (self.settings.diagnostics_delay_ms if self.settings else 250) / 1000
        self.pending[key] = asyncio.ensure_future(self._diagnose(key, delay))

    def recheck_all(self) -> None:
        for key in self.documents.uris():
            self.schedule(key, delay=0)

    async def _diagnose(self, key: str, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
            await self.ready.wait()
            catalog = self.holder.catalog
            document = self.document(key)
            if catalog is None or document is None:
                return
            uri, version = document.uri, document.version
            index = document.index
            findings, diagnostics = await self.runner.run(
                _diagnostics_for, index, uri, catalog, self.rule_settings())
            current = self.document(key)
            if current is None or current.version != version:
                return  # superseded by a newer edit (or closed): its own run will publish
            self.findings[key] = (version, findings)
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, version=version, diagnostics=diagnostics))
        except asyncio.CancelledError:
            pass
        finally:
            task = self.pending.get(key)
            if task is not None and task.done():
                self.pending.pop(key, None)

    def cached_findings(self, document: Document) -> list[Finding] | None:
        cached = self.findings.get(normalize_uri(document.uri))
        if cached is not None and cached[0] == document.version:
            return cached[1]
        return None


def _diagnostics_for(index: LineIndex, uri: str, catalog: Catalog, rules: RuleSettings
                     ) -> tuple[list[Finding], list[types.Diagnostic]]:
    """Analyze a snapshot and convert its findings (on a worker: both are slow on big files)."""
    findings = analyze(index.text, catalog, rules)
    return findings, [to_diagnostic(index, uri, f) for f in findings]


def _frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body


def to_diagnostic(index: LineIndex, uri: str, finding: Finding) -> types.Diagnostic:
    rule = RULES[finding.code]
    related = None
    if finding.related:
        related = [types.DiagnosticRelatedInformation(
            location=types.Location(uri=uri, range=to_range(index, finding.start, finding.end)),
            message=rule.related_label + ", ".join(finding.related))]
    return types.Diagnostic(
        range=to_range(index, finding.start, finding.end),
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        code_description=types.CodeDescription(href=rule.docs_url),
        source="vgpt2",
        related_information=related,
        data={"name": rule.name},
    )


def create_server(catalog: list[Path] | None = None) -> VgptServer:
    server = VgptServer(catalog)

    @server.feature(types.INITIALIZE)
    def initialize(ls: VgptServer, params: types.InitializeParams) -> None:
        ls.documents.encoding = str(getattr(ls.workspace.position_encoding, "value",
                                            ls.workspace.position_encoding or "utf-16"))
        options = params.initialization_options
        if isinstance(options, dict):
            ls.editor_settings = dict(options.get("vgpt2", options))
        folders = params.workspace_folders or []
        uri = folders[0].uri if folders else params.root_uri
        ls.root = _uri_path(uri) if uri else None

    @server.feature(types.INITIALIZED)
    async def initialized(ls: VgptServer, params: types.InitializedParams) -> None:
        ls.loop = asyncio.get_running_loop()
        await ls.configure()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: VgptServer,
                                       params: types.DidChangeConfigurationParams) -> None:
        sent = params.settings
        if isinstance(sent, dict) and isinstance(sent.get("vgpt2"), dict):
            ls.editor_settings = dict(sent["vgpt2"])
        await ls.configure()

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: VgptServer, params: None) -> None:
        ls.watcher.stop()
        ls.runner.stop()
        ls.generation.stop()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: VgptServer, params: types.DidOpenTextDocumentParams) -> None:
        document = ls.document(params.text_document.uri)
        if document is not None:
            ls.warn_if_large(document)
        ls.schedule(params.text_document.uri, delay=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: VgptServer, params: types.DidChangeTextDocumentParams) -> None:
        if params.text_document.uri in ls.documents:
            ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: VgptServer, params: types.DidSaveTextDocumentParams) -> None:
        if params.text_document.uri in ls.documents:
            ls.schedule(params.text_document.uri, delay=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: VgptServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        key = normalize_uri(uri)
        task = ls.pending.pop(key, None)
        if task is not None:
            task.cancel()
        ls.findings.pop(key, None)
        ls.warned_large.discard(key)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri,
                                                                          diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=[".", " ", "["]))
    def completion(ls: VgptServer, params: types.CompletionParams) -> types.CompletionList:
        # On the event loop on purpose: it reads a window round the cursor (milliseconds
        # even in a 50,000-line file) and must never wait behind an analysis.
        catalog = ls.holder.catalog
        document = ls.document(params.text_document.uri)
        if catalog is None or document is None:
            return types.CompletionList(is_incomplete=True, items=[])
        index = document.index
        offset = to_offset(index, params.position)
        nolock = ls.settings.nolock_on_completion if ls.settings else True
        found = complete_list(index.text, offset, catalog, CompletionOptions(nolock=nolock))
        snippets = ls.snippet_support()
        return types.CompletionList(
            is_incomplete=found.is_incomplete,
            items=[_completion_item(index, item, snippets) for item in found.items])

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: VgptServer, params: types.HoverParams) -> types.Hover | None:
        catalog = ls.holder.catalog
        if catalog is None:
            return None

        def job(index: LineIndex) -> types.Hover | None:
            found = hover(index.text, to_offset(index, params.position), catalog)
            if found is None:
                return None
            return types.Hover(
                contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                             value=found.markdown),
                range=to_range(index, found.start, found.end))

        result: types.Hover | None = await ls.on_snapshot(params.text_document.uri, job)
        return result

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[
        types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite,
        types.CodeActionKind.Source], resolve_provider=True))
    async def code_action(ls: VgptServer,
                          params: types.CodeActionParams) -> list[types.CodeAction] | None:
        catalog = ls.holder.catalog
        document = ls.document(params.text_document.uri)
        if catalog is None or document is None:
            return None
        uri = document.uri
        cached = ls.cached_findings(document)
        rules = ls.rule_settings()
        version = document.version

        def job(index: LineIndex) -> list[types.CodeAction]:
            findings = cached if cached is not None else analyze(index.text, catalog, rules)
            start = to_offset(index, params.range.start)
            end = to_offset(index, params.range.end)
            return code_actions(index, uri, index.text, catalog, findings, start, end) + \
                ls.generation.actions(ls, index, uri, version, findings, start, end,
                                      lambda f: to_diagnostic(index, uri, f))

        result: list[types.CodeAction] | None = await ls.on_snapshot(uri, job, edits=True)
        return result

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def symbols(ls: VgptServer, params: types.DocumentSymbolParams
                      ) -> list[types.DocumentSymbol] | None:
        def job(index: LineIndex) -> list[types.DocumentSymbol]:
            return [_symbol(index, s) for s in document_symbols(index.text)]

        result: list[types.DocumentSymbol] | None = await ls.on_snapshot(
            params.text_document.uri, job, edits=True)
        return result

    @server.feature(types.TEXT_DOCUMENT_SIGNATURE_HELP,
                    types.SignatureHelpOptions(trigger_characters=[" ", ",", "("]))
    async def on_signature_help(ls: VgptServer, params: types.SignatureHelpParams
                                ) -> types.SignatureHelp | None:
        catalog = ls.holder.catalog
        if catalog is None:
            return None

        def job(index: LineIndex) -> types.SignatureHelp | None:
            found = signature_help(index.text, to_offset(index, params.position), catalog)
            if found is None:
                return None
            return types.SignatureHelp(
                signatures=[types.SignatureInformation(
                    label=found.label,
                    parameters=[types.ParameterInformation(label=(a, b), documentation=doc)
                                for a, b, doc in found.parameters])],
                active_signature=0, active_parameter=found.active_parameter)

        result: types.SignatureHelp | None = await ls.on_snapshot(params.text_document.uri, job)
        return result

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def definition(ls: VgptServer,
                         params: types.DefinitionParams) -> types.Location | None:
        catalog = ls.holder.catalog
        if catalog is None or ls.settings is None:
            return None
        folder = ls.settings.file.resolved_cache_dir() / "definitions"

        def job(index: LineIndex) -> Definition | None:
            return definition_at(index.text, to_offset(index, params.position), catalog)

        found: Definition | None = await ls.on_snapshot(params.text_document.uri, job)
        if found is None:
            return None
        try:
            path = await ls.runner.run(_write_read_only, folder, found.uri_name, found.content)
        except OSError as error:
            ls.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Error,
                message=f"vgpt2: cannot show {found.name}: {error}"))
            return None
        line = types.Position(line=found.line, character=0)
        return types.Location(uri=path.as_uri(), range=types.Range(start=line, end=line))

    @server.command(RELOAD_COMMAND)
    async def reload(ls: VgptServer, *args: Any) -> dict[str, Any]:
        await ls.reload_catalog()
        status = ls.holder.status()
        return {"loaded": status.loaded, "objects": status.objects, "message": status.message}

    @server.command(STATUS_COMMAND)
    def catalog_status(ls: VgptServer, *args: Any) -> dict[str, Any]:
        status = ls.holder.status()
        return {"loaded": status.loaded, "objects": status.objects, "message": status.message}

    @server.command(DOCTOR_COMMAND)
    async def doctor(ls: VgptServer, *args: Any) -> str:
        # On the runner: the model checks wait on the model server (up to 15 s a request).
        if ls.settings is None:
            return (await ls.runner.run(lambda: diagnose(start=ls.root))).as_text()
        settings = ls.settings
        return (await ls.runner.run(diagnose, settings.file, settings.origins)).as_text()

    @server.command(SHOW_OBJECT_COMMAND)
    def show_object(ls: VgptServer, *args: Any) -> str | None:
        catalog = ls.holder.catalog
        if catalog is None or not args:
            return None
        return render_object(catalog, str(args[0]))

    register_generation(server)
    return server


def code_actions(index: LineIndex, uri: str, text: str, catalog: Catalog,
                 findings: list[Finding], start: int, end: int) -> list[types.CodeAction]:
    """Quick fixes for findings under the range, plus file-wide and refactoring actions."""
    actions: list[types.CodeAction] = []
    for finding in findings:
        if finding.end < start or finding.start > end:
            continue
        diagnostic = to_diagnostic(index, uri, finding)
        for fix in finding.fixes:
            actions.append(types.CodeAction(
                title=fix.title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                is_preferred=fix.safe and len(finding.fixes) == 1,
                edit=_workspace_edit(index, uri, list(fix.edits))))
        for action in RULES[finding.code].actions:
            actions.append(types.CodeAction(
                title=action.title, kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                command=types.Command(title=action.command_title, command=action.command)))
    for rule in RULES.values():
        every = [f for f in findings if f.code == rule.code]
        if rule.fix_all and every:
            edits = [edit for fix in choose_fixes(every) for edit in fix.edits]
            actions.append(types.CodeAction(
                title=rule.fix_all.format(count=len(every)),
                kind=types.CodeActionKind.Source, edit=_workspace_edit(index, uri, edits)))
    star = expand_star(text, start, catalog)
    if star is not None:
        actions.append(types.CodeAction(
            title="Expand * to the column list", kind=types.CodeActionKind.RefactorRewrite,
            edit=_workspace_edit(index, uri, [star])))
    return actions


def _workspace_edit(index: LineIndex, uri: str, edits: list[Any]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: [
        types.TextEdit(range=to_range(index, e.start, e.end), new_text=e.new_text)
        for e in sorted(edits, key=lambda e: e.start)]})


def _completion_item(index: LineIndex, item: Completion, snippets: bool) -> types.CompletionItem:
    documentation = (types.MarkupContent(kind=types.MarkupKind.Markdown, value=item.documentation)
                     if item.documentation else None)
    insert_text, is_snippet = item.insert_text, item.is_snippet
    if is_snippet and not snippets:
        insert_text, is_snippet = _plain(insert_text), False
    return types.CompletionItem(
        label=item.label,
        kind=_COMPLETION_KIND.get(item.kind, types.CompletionItemKind.Text),
        detail=item.detail or None,
        documentation=documentation,
        sort_text=item.sort_text,
        filter_text=item.filter_text,
        insert_text_format=(types.InsertTextFormat.Snippet if is_snippet
                            else types.InsertTextFormat.PlainText),
        text_edit=types.TextEdit(range=to_range(index, item.replace_start, item.replace_end),
                                 new_text=insert_text))


_PLACEHOLDER = re.compile(r"\$\{\d+:([^}]*)\}|\$\d+")


def _plain(snippet: str) -> str:
    """``APTH ${1:h} WITH (NOLOCK)`` -> ``APTH h WITH (NOLOCK)`` for clients without snippets."""
    return _PLACEHOLDER.sub(lambda m: m.group(1) or "", snippet).replace("\\$", "$")


def _symbol(index: LineIndex, symbol: Symbol) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=symbol.name or "(statement)",
        kind=_SYMBOL_KIND.get(symbol.kind, types.SymbolKind.Object),
        range=to_range(index, symbol.start, symbol.end),
        selection_range=to_range(index, symbol.selection_start, symbol.selection_end),
        children=[_symbol(index, c) for c in symbol.children])


def _uri_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if len(path) > 2 and path[0] == "/" and path[2] == ":":  # file:///C:/... on Windows
        path = path[1:]
    return Path(path)


def _write_read_only(folder: Path, name: str, content: str) -> Path:
    """Render a catalog object to a read-only file an editor can open (any editor, any OS).

    Never writes through a link: the folder must be a plain folder of this user's, the
    content goes to a fresh temp file (``mkstemp``: a new name, ``O_EXCL``) that is renamed
    over the name, and a rename replaces a link there instead of following it.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = os.lstat(folder)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise OSError(f"{folder} is not a plain folder; definitions are not written there")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise OSError(f"{folder} belongs to another user; definitions are not written there")
    safe = "".join(c for c in name if c.isalnum() or c in "._-").lstrip(".") or "object.sql"
    path = folder / safe
    descriptor, temp = tempfile.mkstemp(dir=folder, prefix=f".{safe}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as out:
            out.write(content)
        os.chmod(temp, stat.S_IREAD)
        try:
            os.replace(temp, path)
        except PermissionError:  # Windows will not rename over a read-only file
            if path.is_symlink():
                raise
            os.chmod(path, stat.S_IWRITE | stat.S_IREAD)
            os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return path


def main(tcp: bool = False, host: str = "127.0.0.1", port: int = 2087,
         catalog: list[Path] | None = None) -> None:
    """Serve one editor over stdio (or one client over loopback TCP); ``catalog`` is
    ``--catalog``: it wins over the editor's settings and vgpt2.toml."""
    server = create_server(catalog)
    if tcp:
        server.start_tcp(host, port)
    else:
        server.start_io()
