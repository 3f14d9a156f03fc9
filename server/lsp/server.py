"""The vgpt2 language server: registers one handler per LSP method; engines do the work.

Handlers convert LSP positions to text offsets, call an engine from
``vgpt2.server.analysis`` with a snapshot of the document and the current
catalog, and convert the result back. Diagnostics run debounced in a worker
thread; a run superseded by a newer edit is dropped.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import stat
import uuid
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis import Finding, LineIndex, RuleSettings, Severity, analyze
from vgpt2.server.analysis.completion import (
    Completion,
    CompletionOptions,
    complete_list,
    prepare,
)
from vgpt2.server.analysis.definition import definition_at, render_object
from vgpt2.server.analysis.fixing import choose_fixes
from vgpt2.server.analysis.hover import hover
from vgpt2.server.analysis.rules import RULES
from vgpt2.server.analysis.signature import signature_help
from vgpt2.server.analysis.star import expand_star
from vgpt2.server.analysis.symbols import Symbol, document_symbols
from vgpt2.server.config import ConfigError, Settings
from vgpt2.server.doctor import diagnose
from vgpt2.server.lsp.convert import to_offset, to_range
from vgpt2.server.lsp.settings import ResolvedSettings, resolve
from vgpt2.server.lsp.state import CatalogHolder, SourceWatcher

_log = logging.getLogger(__name__)

RELOAD_COMMAND = "vgpt2.reloadCatalog"
DOCTOR_COMMAND = "vgpt2.doctor"
SHOW_OBJECT_COMMAND = "vgpt2.showObject"
STATUS_COMMAND = "vgpt2.catalogStatus"
STATUS_NOTIFICATION = "vgpt2/catalogStatus"

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


class VgptServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("vgpt2", _version())
        self.holder = CatalogHolder()
        self.settings: ResolvedSettings | None = None
        self.editor_settings: dict[str, Any] = {}
        self.root: Path | None = None
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="vgpt2")
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.findings: dict[str, tuple[int | None, list[Finding]]] = {}
        self.watcher = SourceWatcher(self._sources_changed)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.ready = asyncio.Event()

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
        previous = self.settings
        self.settings = settings
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
        loop = asyncio.get_running_loop()
        status = await loop.run_in_executor(self.executor, self.holder.load, settings)
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
            await loop.run_in_executor(self.executor, prepare, self.holder.catalog)
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

    # -- diagnostics -------------------------------------------------------------------------

    def schedule(self, uri: str, delay: float | None = None) -> None:
        """Analyze ``uri`` after the debounce delay, replacing a run not yet started."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        if delay is None:
            delay = (self.settings.diagnostics_delay_ms if self.settings else 250) / 1000
        self.pending[uri] = asyncio.ensure_future(self._diagnose(uri, delay))

    def recheck_all(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, delay=0)

    async def _diagnose(self, uri: str, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
            await self.ready.wait()
            catalog = self.holder.catalog
            if catalog is None or uri not in self.workspace.text_documents:
                return
            document = self.workspace.get_text_document(uri)
            text, version = document.source, document.version
            loop = asyncio.get_running_loop()
            findings = await loop.run_in_executor(self.executor, analyze, text, catalog,
                                                  self.rule_settings())
            if uri not in self.workspace.text_documents:
                return
            if self.workspace.get_text_document(uri).version != version:
                return  # superseded by a newer edit: its own run will publish
            self.findings[uri] = (version, findings)
            index = LineIndex(text)
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, version=version,
                diagnostics=[to_diagnostic(index, uri, f) for f in findings]))
        except asyncio.CancelledError:
            pass
        finally:
            task = self.pending.get(uri)
            if task is not None and task.done():
                self.pending.pop(uri, None)

    def current_findings(self, uri: str, text: str, catalog: Catalog) -> list[Finding]:
        document = self.workspace.get_text_document(uri)
        cached = self.findings.get(uri)
        if cached is not None and cached[0] == document.version:
            return cached[1]
        return analyze(text, catalog, self.rule_settings())


def to_diagnostic(index: LineIndex, uri: str, finding: Finding) -> types.Diagnostic:
    rule = RULES[finding.code]
    related = None
    if finding.related:
        related = [types.DiagnosticRelatedInformation(
            location=types.Location(uri=uri, range=to_range(index, finding.start, finding.end)),
            message=("searched: " if finding.code == "VG002" else "see: ")
            + ", ".join(finding.related))]
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


def create_server() -> VgptServer:
    server = VgptServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: VgptServer, params: types.InitializeParams) -> None:
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
        ls.executor.shutdown(wait=False, cancel_futures=True)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: VgptServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, delay=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: VgptServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: VgptServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, delay=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: VgptServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.findings.pop(uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri,
                                                                          diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=[".", " ", "["]))
    def completion(ls: VgptServer, params: types.CompletionParams) -> types.CompletionList:
        catalog = ls.holder.catalog
        if catalog is None:
            return types.CompletionList(is_incomplete=True, items=[])
        text = ls.workspace.get_text_document(params.text_document.uri).source
        index = LineIndex(text)
        offset = to_offset(index, params.position)
        nolock = ls.settings.nolock_on_completion if ls.settings else True
        found = complete_list(text, offset, catalog, CompletionOptions(nolock=nolock))
        snippets = ls.snippet_support()
        return types.CompletionList(
            is_incomplete=found.is_incomplete,
            items=[_completion_item(index, item, snippets) for item in found.items])

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: VgptServer, params: types.HoverParams) -> types.Hover | None:
        catalog = ls.holder.catalog
        if catalog is None:
            return None
        text = ls.workspace.get_text_document(params.text_document.uri).source
        index = LineIndex(text)
        found = hover(text, to_offset(index, params.position), catalog)
        if found is None:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=found.markdown),
            range=to_range(index, found.start, found.end))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[
        types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite,
        types.CodeActionKind.Source]))
    def code_action(ls: VgptServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        catalog = ls.holder.catalog
        if catalog is None:
            return []
        uri = params.text_document.uri
        text = ls.workspace.get_text_document(uri).source
        index = LineIndex(text)
        start, end = to_offset(index, params.range.start), to_offset(index, params.range.end)
        findings = ls.current_findings(uri, text, catalog)
        return code_actions(index, uri, text, catalog, findings, start, end)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def symbols(ls: VgptServer,
                params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        text = ls.workspace.get_text_document(params.text_document.uri).source
        index = LineIndex(text)
        return [_symbol(index, s) for s in document_symbols(text)]

    @server.feature(types.TEXT_DOCUMENT_SIGNATURE_HELP,
                    types.SignatureHelpOptions(trigger_characters=[" ", ",", "("]))
    def on_signature_help(ls: VgptServer,
                          params: types.SignatureHelpParams) -> types.SignatureHelp | None:
        catalog = ls.holder.catalog
        if catalog is None:
            return None
        text = ls.workspace.get_text_document(params.text_document.uri).source
        found = signature_help(text, to_offset(LineIndex(text), params.position), catalog)
        if found is None:
            return None
        return types.SignatureHelp(
            signatures=[types.SignatureInformation(
                label=found.label,
                parameters=[types.ParameterInformation(label=(a, b), documentation=doc)
                            for a, b, doc in found.parameters])],
            active_signature=0, active_parameter=found.active_parameter)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: VgptServer, params: types.DefinitionParams) -> types.Location | None:
        catalog = ls.holder.catalog
        if catalog is None or ls.settings is None:
            return None
        text = ls.workspace.get_text_document(params.text_document.uri).source
        found = definition_at(text, to_offset(LineIndex(text), params.position), catalog)
        if found is None:
            return None
        path = _write_read_only(ls.settings.file.resolved_cache_dir() / "definitions",
                                found.uri_name, found.content)
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
    def doctor(ls: VgptServer, *args: Any) -> str:
        if ls.settings is None:
            return diagnose(start=ls.root).as_text()
        return diagnose(ls.settings.file, ls.settings.origins).as_text()

    @server.command(SHOW_OBJECT_COMMAND)
    def show_object(ls: VgptServer, *args: Any) -> str | None:
        catalog = ls.holder.catalog
        if catalog is None or not args:
            return None
        return render_object(catalog, str(args[0]))

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
        if finding.code == "VG001":
            actions.append(types.CodeAction(
                title="Reload the Vista catalog", kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                command=types.Command(title="Reload catalog", command=RELOAD_COMMAND)))
    nolock = [f for f in findings if f.code == "VG004"]
    if nolock:
        edits = [edit for fix in choose_fixes(nolock) for edit in fix.edits]
        actions.append(types.CodeAction(
            title=f"Add WITH (NOLOCK) everywhere in this file ({len(nolock)})",
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
    """Render a catalog object to a read-only file an editor can open (any editor, any OS)."""
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(c for c in name if c.isalnum() or c in "._-") or "object.sql"
    path = folder / safe
    if path.exists():
        path.chmod(stat.S_IWRITE | stat.S_IREAD)
    temp = path.with_suffix(path.suffix + ".tmp")
    temp.write_text(content, encoding="utf-8")
    temp.replace(path)
    path.chmod(stat.S_IREAD)
    return path


def main(tcp: bool = False, host: str = "127.0.0.1", port: int = 2087) -> None:
    server = create_server()
    if tcp:
        server.start_tcp(host, port)
    else:
        server.start_io()
