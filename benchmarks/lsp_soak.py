"""A bounded editing soak of the language server: does its memory level off?

Run:  .venv/bin/python benchmarks/lsp_soak.py [--minutes 4] [--catalog X.vgpt2db]
                                              [--server-pythonpath DIR]

Starts ``python -m vgpt2.server.cli.main lsp --stdio`` (bundled sample catalog unless
``--catalog``), opens a 300-line script and types into it as an editor does: one
incremental didChange per keystroke (a word typed, then deleted, so the text stays
the same size), a completion request every 5 keystrokes, a hover every 10, waiting
for the diagnostics of every 25th version. It samples the server's VmRSS from
/proc every 10 s and reports the RSS after a warm-up minute, at the end, and the
least-squares slope over the samples after warm-up (MB per minute); an unbounded
structure grows with the keystrokes and shows as a steady slope.

``--server-pythonpath`` runs another checkout's server (PYTHONPATH=DIR, where
DIR/vgpt2 is that tree), to measure a change before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

SERVER = [sys.executable, "-m", "vgpt2.server.cli.main", "lsp", "--stdio"]
LINE = "SELECT h.APRef, h.Vendor FROM APTH h WITH (NOLOCK) WHERE h.APCo = 1\n"
WORD = "SELECT l.APLine FROM APTL l "


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def slope(samples: list[tuple[float, float]]) -> float:
    """Least-squares MB per minute."""
    if len(samples) < 2:
        return 0.0
    xs = [t / 60 for t, _ in samples]
    ys = [m for _, m in samples]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


async def soak(minutes: float, warmup: float, catalog: Path | None,
               pythonpath: str | None) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "VGPT2_CONFIG"}
    env.setdefault("VGPT2_CACHE_DIR", tempfile.mkdtemp(prefix="vgpt2-soak-cache-"))
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    client = LanguageClient("vgpt2-soak", "1")
    published: dict[int, float] = {}
    loaded = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _publish(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None:
            published[params.version] = time.monotonic()

    @client.feature("vgpt2/catalogStatus")
    def _status(params: Any) -> None:
        loaded.set()

    workspace = Path(tempfile.mkdtemp(prefix="vgpt2-soak-"))
    await client.start_io(*SERVER, env=env, cwd=str(workspace))
    assert client._server is not None
    pid = client._server.pid
    options: dict[str, object] = {"diagnosticsDelayMs": 0}
    if catalog:
        options["catalog"] = [str(catalog)]
    await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=workspace.as_uri(),
        initialization_options=options))
    client.initialized(types.InitializedParams())
    await asyncio.wait_for(loaded.wait(), 300)
    uri = (workspace / "soak.sql").as_uri()
    lines = 300
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="sql", version=1,
                                             text=LINE * lines)))
    version, keystrokes = 1, 0
    started = time.monotonic()
    samples: list[tuple[float, float]] = []
    next_sample = started
    end = started + minutes * 60
    while time.monotonic() < end:
        line = keystrokes % lines
        for column, char in enumerate(WORD):  # type a word at the start of a line ...
            version += 1
            keystrokes += 1
            where = types.Position(line=line, character=column)
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangePartial(
                    range=types.Range(start=where, end=where), text=char)]))
            if keystrokes % 5 == 0:
                await client.text_document_completion_async(types.CompletionParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    position=types.Position(line=line, character=column + 1)))
            if keystrokes % 10 == 0:
                await client.text_document_hover_async(types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    position=types.Position(line=line, character=column + 1)))
            if keystrokes % 25 == 0:
                deadline = time.monotonic() + 60
                while version not in published and time.monotonic() < deadline:
                    await asyncio.sleep(0.005)
            await asyncio.sleep(0.01)
        version += 1  # ... and delete it again
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=line, character=0),
                                  end=types.Position(line=line, character=len(WORD))),
                text="")]))
        if time.monotonic() >= next_sample:
            samples.append((time.monotonic() - started, rss_mb(pid)))
            next_sample += 10
    samples.append((time.monotonic() - started, rss_mb(pid)))
    await asyncio.wait_for(client.shutdown_async(None), 60)
    client.exit(None)
    await asyncio.wait_for(client.stop(), 60)
    after = [(t, m) for t, m in samples if t >= warmup * 60]
    return {"minutes": (samples[-1][0]) / 60, "keystrokes": keystrokes,
            "rss_after_warmup_mb": after[0][1] if after else samples[0][1],
            "rss_end_mb": samples[-1][1], "slope_mb_per_min": slope(after),
            "peak_mb": max(m for _, m in samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=4.0)
    parser.add_argument("--warmup", type=float, default=1.0, help="minutes not in the slope")
    parser.add_argument("--catalog", type=Path)
    parser.add_argument("--server-pythonpath")
    options = parser.parse_args()
    minutes = max(0.5, min(options.minutes, 30.0))  # bounded: never an endless run
    result = asyncio.run(soak(minutes, min(options.warmup, minutes / 2), options.catalog,
                              options.server_pythonpath))
    print(f"{result['minutes']:.1f} min, {result['keystrokes']:,.0f} keystrokes: RSS "
          f"{result['rss_after_warmup_mb']:.1f} MB after warm-up -> {result['rss_end_mb']:.1f} MB "
          f"at the end (peak {result['peak_mb']:.1f}); slope {result['slope_mb_per_min']:+.2f} "
          "MB/min")


if __name__ == "__main__":
    main()
