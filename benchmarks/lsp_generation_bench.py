"""Generation features of the language server, through a real LSP client on the real catalog.

Run:  .venv/bin/python benchmarks/lsp_generation_bench.py [--schema ../shared/vista-schema]
          [--catalog built.vgpt2db] [--requests 200] [--append --date D --machine M]

The server is ``python -m vgpt2.server.cli.main lsp --stdio`` on a compiled catalog of
the real export, its model the scripted Ollama-API server of the tests
(``tests/generation/model_server.py``) on 127.0.0.1, which answers at once. Measured
from the client (send to parsed response), ``--requests`` timed after 5 warm-up ones:

* code-action list on a comment line of a 500-line report script (the list never
  calls the model: it only finds the comment; target p99 < 20 ms);
* inline-completion overhead beyond the model call: inline requests at the end of a
  ``WHERE`` (each one with a different text, so no cache hit; debounce 0), minus the
  same fill-in-the-middle call made directly by the backend against the same server
  (prompt build, schema header, the analysis of the suggestion, LSP framing; target
  p99 < 30 ms);
* completion while a generation is in flight: a ``codeAction/resolve`` whose model
  reply streams slowly until released, and meanwhile completions after ``alias.``
  (target: the language server's existing p99 < 10 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from analysis_bench import make_script  # noqa: E402

from tests.generation.model_server import MODEL, ModelServer, Reply  # noqa: E402

SERVER = [sys.executable, "-m", "vgpt2.server.cli.main", "lsp", "--stdio"]
TARGETS = {"code_action_p99_ms": 20.0, "inline_overhead_p99_ms": 30.0,
           "completion_in_flight_p99_ms": 10.0}
COMMENT = "-- unpaid AP invoices by vendor for company 1, newest first\n"
WHERE = "SELECT h.APRef, h.Vendor, h.InvTotal\nFROM APTH h WITH (NOLOCK)\nWHERE h.APCo = {n} AND "
CAPABILITIES = types.ClientCapabilities(
    text_document=types.TextDocumentClientCapabilities(
        completion=types.CompletionClientCapabilities(
            completion_item=types.ClientCompletionItemOptions(snippet_support=True)),
        code_action=types.CodeActionClientCapabilities(
            code_action_literal_support=types.ClientCodeActionLiteralOptions(
                code_action_kind=types.ClientCodeActionKindOptions(value_set=["", "quickfix",
                                                                              "refactor"])),
            data_support=True, resolve_support=types.ClientCodeActionResolveOptions(
                properties=["edit"]))),
    workspace=types.WorkspaceClientCapabilities(configuration=False),
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def position(text: str, offset: int) -> types.Position:
    line = text.count("\n", 0, offset)
    return types.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))


async def start(catalog: Path, workspace: Path, url: str) -> tuple[LanguageClient, list[Any]]:
    client = LanguageClient("vgpt2-generation-bench", "1")
    statuses: list[Any] = []
    client.feature("vgpt2/catalogStatus")(lambda params: statuses.append(params))
    client.feature("vgpt2/modelStatus")(lambda params: statuses.append(params))
    client.feature(types.WINDOW_SHOW_MESSAGE)(
        lambda params: print(f"server says: {params.message}", file=sys.stderr))
    env = {k: v for k, v in os.environ.items() if k not in ("VGPT2_CONFIG", "OLLAMA_HOST")}
    env["VGPT2_CACHE_DIR"] = str(workspace / "cache")
    await client.start_io(*SERVER, env=env, cwd=str(workspace))
    await client.initialize_async(types.InitializeParams(
        capabilities=CAPABILITIES, process_id=os.getpid(), root_uri=workspace.as_uri(),
        initialization_options={
            "catalog": [str(catalog)], "diagnosticsDelayMs": 0,
            "model": {"backend": "ollama", "url": url, "name": MODEL, "timeoutSeconds": 600},
            "inlineCompletion": {"debounceMs": 0, "budgetMs": 60000}}))
    client.initialized(types.InitializedParams())
    deadline = time.monotonic() + 600
    while len(statuses) < 2:  # the catalog's status and the model's
        if time.monotonic() > deadline:
            raise TimeoutError("the server never reported the catalog and the model")
        await asyncio.sleep(0.01)
    return client, statuses


def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="sql", version=version,
                                             text=text)))


def replace(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


async def timed(job: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await job
    return (time.perf_counter() - started) * 1000, result


async def code_actions(client: LanguageClient, workspace: Path, requests: int,
                       rng: random.Random) -> list[float]:
    script, _ = make_script(rng, 500, 0.2, Counter())
    cut = script.index("\n", len(script) // 2) + 1
    text = script[:cut] + COMMENT + script[cut:]
    uri = (workspace / "actions.sql").as_uri()
    open_doc(client, uri, text)
    where = position(text, cut + 5)
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=where, end=where),
        context=types.CodeActionContext(diagnostics=[]))
    times: list[float] = []
    for n in range(requests + 5):
        elapsed, result = await timed(client.text_document_code_action_async(params))
        titles = [getattr(a, "title", "") for a in result or []]
        assert "Generate query from comment" in titles, titles
        if n >= 5:
            times.append(elapsed)
    return times


async def direct_fim(url: str, requests: int) -> list[float]:
    """The model call alone: the backend's own FIM request against the same server."""
    from vgpt2.server.generation.backends.base import GenerationOptions
    from vgpt2.server.generation.backends.ollama import OllamaBackend

    backend = OllamaBackend(url, MODEL)
    options = GenerationOptions(max_tokens=96, stop=("\n\n",))
    times: list[float] = []
    try:
        for n in range(requests + 5):
            elapsed, _ = await timed(backend.fill_in_middle(WHERE.format(n=n), "", options))
            if n >= 5:
                times.append(elapsed)
    finally:
        await backend.aclose()
    return times


async def inline(client: LanguageClient, workspace: Path, requests: int) -> list[float]:
    uri = (workspace / "inline.sql").as_uri()
    text = WHERE.format(n=0)
    open_doc(client, uri, text)
    times: list[float] = []
    for n in range(requests + 5):
        text = WHERE.format(n=n)
        replace(client, uri, text, n + 2)
        params = types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position(text, len(text)),
            context=types.InlineCompletionContext(
                trigger_kind=types.InlineCompletionTriggerKind.Automatic))
        elapsed, result = await timed(client.text_document_inline_completion_async(params))
        items = result.items if isinstance(result, types.InlineCompletionList) else result
        assert items and items[0].insert_text == "h.Vendor = 1", result
        if n >= 5:
            times.append(elapsed)
    return times


async def completion_in_flight(client: LanguageClient, workspace: Path, server: ModelServer,
                               requests: int) -> tuple[list[float], list[float], bool]:
    uri = (workspace / "in-flight.sql").as_uri()
    text = COMMENT + "SELECT h.\nFROM APTH h WITH (NOLOCK)\n"
    open_doc(client, uri, text)
    where = position(text, len(COMMENT) + len("SELECT h."))
    comment = types.Position(line=0, character=5)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=comment, end=comment),
        context=types.CodeActionContext(diagnostics=[])))
    generate = next(a for a in actions or [] if isinstance(a, types.CodeAction)
                    and a.title == "Generate query from comment")
    params = types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri),
                                    position=where)
    idle: list[float] = []
    for n in range(requests + 5):  # the same completions with no generation running
        elapsed, result = await timed(client.text_document_completion_async(params))
        if n >= 5:
            idle.append(elapsed)
    server.script(Reply("SELECT", kind="slow"))
    pending = asyncio.ensure_future(client.code_action_resolve_async(generate))
    deadline = time.monotonic() + 600
    while not server.slow_started.is_set():
        if time.monotonic() > deadline:
            raise TimeoutError("the generation never reached the model")
        await asyncio.sleep(0.01)
    times: list[float] = []
    for n in range(requests + 5):
        elapsed, result = await timed(client.text_document_completion_async(params))
        assert result is not None and result.items
        if n >= 5:
            times.append(elapsed)
    in_flight = not pending.done()
    server.release.set()
    await asyncio.gather(pending, return_exceptions=True)
    return idle, times, in_flight


def row(name: str, values: list[float], target: float, subtract: float = 0.0) -> str:
    p50 = statistics.median(values) - subtract
    p99 = percentile(values, 0.99) - subtract
    verdict = "met" if p99 < target else "MISSED"
    return f"| {name} | {p50:.1f} | {p99:.1f} | < {target:g} | {verdict} |"


async def run(args: argparse.Namespace) -> str:
    from vgpt2.catalog.build import build_catalog

    workdir = Path(tempfile.mkdtemp(prefix="vgpt2-generation-bench-"))
    try:
        catalog = args.catalog
        if catalog is None:
            catalog = workdir / "vista.vgpt2db"
            build_catalog([args.schema], catalog)
        workspace = workdir / "workspace"
        workspace.mkdir()
        rng = random.Random(args.seed)
        with ModelServer() as server:
            server.script(default="h.Vendor = 1")
            client, _ = await start(catalog, workspace, server.ollama_url)
            try:
                actions = await code_actions(client, workspace, args.requests, rng)
                model = await direct_fim(server.ollama_url, args.requests)
                inlines = await inline(client, workspace, args.requests)
                idle, completions, in_flight = await completion_in_flight(
                    client, workspace, server, args.requests)
            finally:
                await asyncio.wait_for(client.shutdown_async(None), 60)
                client.exit(None)
                await asyncio.wait_for(client.stop(), 60)  # type: ignore[no-untyped-call]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    model_p50, model_p99 = statistics.median(model), percentile(model, 0.99)
    overhead = [t - model_p50 for t in inlines]
    lines = [
        "| measure (ms) | p50 | p99 | target | |",
        "|---|---:|---:|---:|---|",
        row("code-action list on a comment (500-line script)", actions,
            TARGETS["code_action_p99_ms"]),
        f"| inline request, end to end | {statistics.median(inlines):.1f} | "
        f"{percentile(inlines, 0.99):.1f} | | |",
        f"| the FIM model call alone (backend to the test server) | {model_p50:.1f} | "
        f"{model_p99:.1f} | | |",
        row("inline overhead beyond the model call (request - model p50)", overhead,
            TARGETS["inline_overhead_p99_ms"]),
        f"| completion after `alias.`, no generation running | {statistics.median(idle):.1f} | "
        f"{percentile(idle, 0.99):.1f} | | |",
        row("completion while a generation streams" + ("" if in_flight else
                                                        " (generation ended early!)"),
            completions, TARGETS["completion_in_flight_p99_ms"]),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", type=Path, default=ROOT.parent / "shared" / "vista-schema")
    parser.add_argument("--catalog", type=Path, default=None,
                        help="an already compiled .vgpt2db of the export (skips the build)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
