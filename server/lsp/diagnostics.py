"""Diagnostics: debounced analysis of open documents, and the findings cache.

An edit schedules an analysis ``diagnosticsDelayMs`` later, replacing one not yet
started, so typing never queues a run per keystroke. The analysis and the
conversion of its findings run on the server's background runner over a snapshot
of the text; a result overtaken by a newer edit (or a close) is dropped, since that
edit's own run will publish. The findings of the published version are kept, so a
code-action request on an unchanged document reuses them instead of analyzing again.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lsprotocol import types
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis import Finding, RuleSettings, analyze
from vgpt2.server.lsp.convert import to_diagnostic
from vgpt2.server.lsp.documents import Document, LineIndex, normalize_uri

if TYPE_CHECKING:
    from vgpt2.server.lsp.server import VgptServer

DEFAULT_DELAY_MS = 250


class Diagnostics:
    """The pending (debounced) runs and the last published findings, per document."""

    def __init__(self, server: VgptServer) -> None:
        self._server = server
        self.pending: dict[str, asyncio.Task[None]] = {}
        """Normalised URI -> its scheduled or running analysis."""
        self._findings: dict[str, tuple[int | None, list[Finding]]] = {}

    def schedule(self, uri: str, delay: float | None = None) -> None:
        """Analyze ``uri`` after the debounce delay, replacing a run not yet started."""
        key = normalize_uri(uri)
        previous = self.pending.pop(key, None)
        if previous is not None:
            previous.cancel()
        if delay is None:
            settings = self._server.settings
            delay = (settings.diagnostics_delay_ms if settings else DEFAULT_DELAY_MS) / 1000
        self.pending[key] = asyncio.ensure_future(self._diagnose(key, delay))

    def recheck_all(self) -> None:
        """Re-analyze every open document now (a new catalog or new rule settings)."""
        for key in self._server.documents.uris():
            self.schedule(key, delay=0)

    def forget(self, uri: str) -> None:
        """A closed document: cancel its pending run and drop its findings."""
        key = normalize_uri(uri)
        task = self.pending.pop(key, None)
        if task is not None:
            task.cancel()
        self._findings.pop(key, None)

    def cached(self, document: Document) -> list[Finding] | None:
        """The findings of ``document``'s current version, if they were published."""
        cached = self._findings.get(normalize_uri(document.uri))
        if cached is not None and cached[0] == document.version:
            return cached[1]
        return None

    async def settled(self) -> None:
        """Wait until the runs scheduled so far have published (or were dropped)."""
        tasks = list(self.pending.values())
        if tasks:
            await asyncio.wait(tasks)

    def stop(self) -> None:
        for task in self.pending.values():
            task.cancel()

    async def _diagnose(self, key: str, delay: float) -> None:
        server = self._server
        try:
            await asyncio.sleep(delay)
            await server.ready.wait()
            catalog = server.holder.catalog
            document = server.document(key)
            if catalog is None or document is None:
                return
            uri, version = document.uri, document.version
            findings, diagnostics = await server.runner.run(
                diagnostics_for, document.index, uri, catalog, server.rule_settings())
            current = server.document(key)
            if current is None or current.version != version:
                return  # superseded by a newer edit (or closed): its own run will publish
            self._findings[key] = (version, findings)
            server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, version=version, diagnostics=diagnostics))
        except asyncio.CancelledError:
            pass
        finally:
            task = self.pending.get(key)
            if task is not None and task.done():
                self.pending.pop(key, None)


def diagnostics_for(index: LineIndex, uri: str, catalog: Catalog, rules: RuleSettings
                    ) -> tuple[list[Finding], list[types.Diagnostic]]:
    """Analyze a snapshot and convert its findings (on a worker: both are slow on big files)."""
    findings = analyze(index.text, catalog, rules)
    return findings, [to_diagnostic(index, uri, f) for f in findings]
