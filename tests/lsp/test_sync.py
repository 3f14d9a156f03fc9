"""The server's text stays the editor's through random incremental edits (hypothesis).

Each example opens a document and sends random spec-legal edits: U+2028, U+2029,
U+0085, form feed and vertical tab (ordinary characters to LSP), CR-only and CRLF
breaks, non-BMP characters, ranges past the end of a line or of the text. After each
edit the diagnostics the server publishes must be exactly the analyzer's findings on
the editor's text at the spec's positions (tests/lsp/spec_text.py, not the server's
code), and every quick fix, applied to the editor's text, must give what the analyzer's
own fix gives. A server whose copy drifted fails both.

Hypothesis drives a synchronous test, so the pytest-lsp client lives on an event loop
in a thread of its own.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections import Counter
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from vgpt2.catalog.build import open_catalog
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis import analyze

from tests.lsp import spec_text
from tests.lsp.helpers import TIMEOUT, VgptClient, config, initialize

T = TypeVar("T")

PIECES = ["SELECT h.APRef FROM APTH h", "select h.apref from apth h", " WHERE h.APCo = 1",
          "\n", "\r\n", "\r", "\u2028", "\u2029", "\u0085", "\x0c", "\x0b", "é",
          "\N{MONEY BAG}", " ", "x", "GO\n", "-- note"]
pieces = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
where = st.builds(types.Position, line=st.integers(0, 8), character=st.integers(0, 60))
_names = itertools.count()


class Loop:
    """An event loop in a daemon thread; ``run`` waits for one coroutine on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = TIMEOUT) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Loop, VgptClient, Path]]:
    loop = Loop()
    workspace = tmp_path_factory.mktemp("sync")
    client: VgptClient = loop.run(config().start())  # type: ignore[arg-type]
    try:
        loop.run(initialize(client, "visual_studio_code", workspace, {"diagnosticsDelayMs": 0}))
        loop.run(client.wait_status())
        yield loop, client, workspace
    finally:
        try:
            loop.run(client.shutdown_session(), 60)
        finally:
            loop.run(client.stop(), 60)
            loop.close()


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The bundled sample, as the server loads it with no catalog configured."""
    return open_catalog([], tmp_path_factory.mktemp("sample-cache"))


def expected_diagnostics(text: str, catalog: Catalog) -> Counter[tuple[str, int, int, int, int]]:
    found: Counter[tuple[str, int, int, int, int]] = Counter()
    for finding in analyze(text, catalog):
        start = spec_text.position(text, finding.start)
        end = spec_text.position(text, max(finding.start, finding.end))
        found[(finding.code, start.line, start.character, end.line, end.character)] += 1
    return found


def published(diagnostics: list[types.Diagnostic]) -> Counter[tuple[str, int, int, int, int]]:
    return Counter((str(d.code), d.range.start.line, d.range.start.character,
                    d.range.end.line, d.range.end.character) for d in diagnostics)


def expected_fixes(text: str, catalog: Catalog) -> Counter[str]:
    results: Counter[str] = Counter()
    for finding in analyze(text, catalog):
        for fix in finding.fixes:
            fixed = text
            for edit in sorted(fix.edits, key=lambda e: e.start, reverse=True):
                fixed = fixed[:edit.start] + edit.new_text + fixed[edit.end:]
            results[fixed] += 1
    return results


async def quick_fixes(client: VgptClient, uri: str, text: str) -> Counter[str]:
    lines = spec_text.lines_with_breaks(text)
    everything = types.Range(start=types.Position(line=0, character=0),
                             end=types.Position(line=len(lines), character=0))
    answer = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=everything,
        context=types.CodeActionContext(diagnostics=[])))
    results: Counter[str] = Counter()
    for action in answer or []:
        if isinstance(action, types.CodeAction) and action.kind == types.CodeActionKind.QuickFix \
                and action.edit is not None and action.edit.changes:
            results[spec_text.apply_edits(text, list(action.edit.changes[uri]))] += 1
    return results


def send(client: VgptClient, uri: str, version: int,
         change: types.TextDocumentContentChangePartial) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[change]))


@st.composite
def edits(draw: st.DrawFn) -> types.TextDocumentContentChangePartial:
    start, end = sorted([draw(where), draw(where)], key=lambda p: (p.line, p.character))
    return types.TextDocumentContentChangePartial(range=types.Range(start=start, end=end),
                                                  text=draw(pieces))


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(first=pieces, changes=st.lists(edits(), min_size=1, max_size=5))
def test_random_edits_keep_the_editors_text_and_fixes_land_where_the_analyzer_means(
        session: tuple[Loop, VgptClient, Path], catalog: Catalog, first: str,
        changes: list[types.TextDocumentContentChangePartial]) -> None:
    loop, client, workspace = session
    uri = (workspace / f"edit{next(_names)}.sql").as_uri()
    text = "SELECT h.APRef\u2028FROM APTH h\rWHERE h.apco = 1\n" + first
    client.open(uri, text)
    try:
        for version, change in enumerate(changes, start=2):
            text = spec_text.apply_change(text, change)
            client.versions[uri] = version
            send(client, uri, version, change)
            shown = loop.run(client.wait_diagnostics(uri, version))
            assert published(shown) == expected_diagnostics(text, catalog), repr(text)
        assert loop.run(quick_fixes(client, uri, text)) == expected_fixes(text, catalog)
    finally:
        client.close(uri)
