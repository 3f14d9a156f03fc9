"""Language-server benchmarks through a real LSP client over stdio, on the real-scale catalog.

Run:  .venv/bin/python benchmarks/lsp_bench.py [--schema ../shared/vista-schema]
                                                 [--append --date 2026-11-24 --machine "2 cores"]

The server is ``python -m vgpt2.server.cli.main lsp --stdio``, pointed at a compiled
catalog of the real export with initializationOptions ``{"catalog": [<.vgpt2db>]}``, and
driven by pygls' ``LanguageClient`` exactly as an editor drives it:

* completion: time of ``textDocument/completion`` in a 500-line report script, from
  sending the request to reading the response's last byte (and, separately, to the
  result parsed by the client), per context (after FROM, after ``alias.``, in the SELECT
  list, after JOIN, after ON); ``--requests`` timed requests each after 5 warm-up ones;
  p50 and p99 (target p99 < 10 ms). The first request of a fresh server is reported on
  its own;
* diagnostics: time from ``didChange`` (an incremental edit removing or restoring one
  ``WITH (NOLOCK)``) to the ``publishDiagnostics`` of that version in a 1,000-line
  script, with ``diagnosticsDelayMs`` 0; median of ``--edits`` (target < 60 ms);
* start-up: spawn of the server process to the first ``publishDiagnostics`` of a
  document opened right after ``initialize`` (a 60-line report script); median of
  ``--starts`` fresh servers (target < 500 ms), with bytecode compiled as in an installed
  vgpt2 (see ``server_environment``); the CPU time (user + sys) of those servers is
  reported beside it, since the wall time follows the machine's load;
* resident memory of the server process after all of that, from /proc/<pid>/status
  (VmRSS; VmHWM is its peak) (target < 200 MB).

The scripts come from ``benchmarks/analysis_bench.py``'s generator (same templates,
``--seed``). ``--profile`` (or any missed target) adds cProfile hotspots: the server's
main thread (completion handlers, JSON) under ``python -m cProfile``, and ``analyze()``
in-process for diagnostics (the server runs it in a worker thread).
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import cProfile
import io
import os
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from analysis_bench import make_script

SERVER = [sys.executable, "-m", "vgpt2.server.cli.main", "lsp", "--stdio"]
STATUS = "vgpt2/catalogStatus"
TARGETS = {"completion_p99_ms": 10.0, "diagnostics_ms": 60.0, "startup_ms": 500.0,
           "rss_mb": 200.0}

# Half-typed statements, the cursor at "|". Each sits between the generated statements
# of the 500-line script, the way a user types a new query into an existing file.
PROBES: dict[str, str] = {
    "after FROM": "SELECT *\nFROM |",
    "after alias.": "SELECT h.|\nFROM APTH h WITH (NOLOCK)\nWHERE h.APCo = 1",
    "in SELECT list": ("SELECT |\nFROM APTH h WITH (NOLOCK)\nJOIN APTL l WITH (NOLOCK)\n"
                       "    ON l.APCo = h.APCo AND l.Mth = h.Mth AND l.APTrans = h.APTrans"),
    "after JOIN": "SELECT h.APRef, l.APLine\nFROM APTH h WITH (NOLOCK)\nJOIN |",
    "after ON": ("SELECT h.APRef, l.APLine\nFROM APTH h WITH (NOLOCK)\n"
                 "JOIN APTL l WITH (NOLOCK) ON |"),
}
CAPABILITIES = types.ClientCapabilities(
    text_document=types.TextDocumentClientCapabilities(
        completion=types.CompletionClientCapabilities(
            completion_item=types.ClientCompletionItemOptions(
                snippet_support=True,
                documentation_format=[types.MarkupKind.Markdown, types.MarkupKind.PlainText])),
        hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
        synchronization=types.TextDocumentSyncClientCapabilities(did_save=True)),
    workspace=types.WorkspaceClientCapabilities(configuration=False),
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def proc_status(pid: int) -> dict[str, float]:
    found = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024
    return found


# -- documents --------------------------------------------------------------------------------


def completion_document(rng: random.Random, lines: int) -> tuple[str, dict[str, int]]:
    """A ``lines``-line script with the probes spread through it; each probe's offset."""
    probe_lines = sum(p.count("\n") + 2 for p in PROBES.values())
    body, _ = make_script(rng, lines - probe_lines, 0.0, Counter())
    rows = body.rstrip("\n").split("\n")
    blanks = [i for i, row in enumerate(rows) if row == ""]
    out = list(rows)
    for n, probe in reversed(list(enumerate(PROBES.values()))):
        target = len(rows) * (n + 1) // (len(PROBES) + 1)
        at = min(blanks, key=lambda i: abs(i - target))
        out[at + 1:at + 1] = [*probe.split("\n"), ""]
    text = "\n".join(out) + "\n"
    offsets = {}
    for name, probe in PROBES.items():  # in text order: drop each cursor mark in turn
        mark = text.index(probe) + probe.index("|")
        text = text[:mark] + text[mark + 1:]
        offsets[name] = mark
    assert list(offsets.values()) == sorted(offsets.values()) and "|" not in text
    return text, offsets


def position(text: str, offset: int) -> types.Position:
    line = text.count("\n", 0, offset)
    return types.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))


# -- client -----------------------------------------------------------------------------------


@dataclass
class Session:
    client: LanguageClient
    started: float
    published: list[tuple[float, types.PublishDiagnosticsParams]] = field(default_factory=list)
    statuses: list[tuple[float, Any]] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    initialized: float = 0.0
    received: float = 0.0
    """When the last message's bytes were read, before the client parses them."""

    @property
    def pid(self) -> int:
        assert self.client._server is not None
        return self.client._server.pid

    async def wait(self, uri: str, version: int, timeout: float = 60.0) -> float:
        deadline = time.monotonic() + timeout
        while True:
            for when, params in reversed(self.published):
                if params.uri == uri and params.version == version:
                    return when
            if time.monotonic() > deadline:
                raise TimeoutError(f"no diagnostics for {uri} version {version}")
            await asyncio.sleep(0.0005)

    def open(self, uri: str, text: str) -> None:
        self.versions[uri] = 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="sql", version=1,
                                                 text=text)))

    def change(self, uri: str, edit: types.TextEdit) -> int:
        self.versions[uri] += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri,
                                                                version=self.versions[uri]),
            content_changes=[types.TextDocumentContentChangePartial(range=edit.range,
                                                                    text=edit.new_text)]))
        return self.versions[uri]

    async def complete(self, uri: str, where: types.Position) -> tuple[int, float, float]:
        """Items, then ms to the response's last byte (server side) and to the parsed
        result (what a Python client sees)."""
        sent = time.perf_counter()
        result = await self.client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=where))
        done = time.perf_counter()
        count = 0 if result is None else len(
            result.items if isinstance(result, types.CompletionList) else result)
        return count, (self.received - sent) * 1000, (done - sent) * 1000

    async def close(self) -> None:
        await asyncio.wait_for(self.client.shutdown_async(None), 10)
        self.client.exit(None)
        await asyncio.wait_for(self.client.stop(), 10)


async def start(catalog: Path, workspace: Path, env: dict[str, str],
                command: list[str] | None = None) -> Session:
    client = LanguageClient("vgpt2-lsp-bench", "1")
    started = time.perf_counter()
    session = Session(client, started)

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _publish(params: types.PublishDiagnosticsParams) -> None:
        session.published.append((time.perf_counter(), params))

    @client.feature(STATUS)
    def _status(params: Any) -> None:
        session.statuses.append((time.perf_counter(), params))

    @client.feature(types.WINDOW_SHOW_MESSAGE)
    def _message(params: types.ShowMessageParams) -> None:
        print(f"server says: {params.message}", file=sys.stderr)

    await client.start_io(*(command or SERVER), env=env, cwd=str(workspace))
    assert client._server is not None and client._server.stdout is not None
    stdout = client._server.stdout
    read_body = stdout.readexactly

    async def timed_read(n: int) -> bytes:  # pygls reads each message body with this
        body = await read_body(n)
        session.received = time.perf_counter()
        return body

    stdout.readexactly = timed_read  # type: ignore[method-assign]
    await client.initialize_async(types.InitializeParams(
        capabilities=CAPABILITIES, process_id=os.getpid(), root_uri=workspace.as_uri(),
        initialization_options={"catalog": [str(catalog)], "diagnosticsDelayMs": 0}))
    session.initialized = time.perf_counter()
    client.initialized(types.InitializedParams())
    return session


# -- measures ---------------------------------------------------------------------------------


async def measure_startup(catalog: Path, workspace: Path, env: dict[str, str], text: str,
                          runs: int) -> list[dict[str, float]]:
    """Per fresh server: ms from spawn to the initialize response, to the catalog status
    notification, and to the first diagnostics of a document opened right away; and the
    server process's CPU time (user + sys, ms) over its whole life (start, the first
    diagnostics, the completion warm-up, shutdown)."""
    runs_ = []
    for n in range(runs):
        before = _children_cpu()
        session = await start(catalog, workspace, env)
        uri = (workspace / f"startup{n}.sql").as_uri()
        session.open(uri, text)
        when = await session.wait(uri, 1)
        loaded = session.statuses[0][0] if session.statuses else when
        runs_.append({"initialize": (session.initialized - session.started) * 1000,
                      "catalog": (loaded - session.started) * 1000,
                      "diagnostics": (when - session.started) * 1000})
        await session.close()
        runs_[-1]["cpu"] = (_children_cpu() - before) * 1000  # the server has been reaped
    return runs_


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def measure_editing(catalog: Path, workspace: Path, env: dict[str, str],
                          completion_text: str, offsets: dict[str, int], script: str,
                          requests: int, edits: int) -> dict[str, Any]:
    session = await start(catalog, workspace, env)
    result: dict[str, Any] = {}
    uri = (workspace / "completion.sql").as_uri()
    session.open(uri, completion_text)
    await session.wait(uri, 1)

    _, first, _ = await session.complete(uri, position(completion_text, offsets["after FROM"]))
    result["first_completion_ms"] = first
    completion: dict[str, dict[str, float]] = {}
    for name, offset in offsets.items():
        where = position(completion_text, offset)
        for _ in range(5):
            await session.complete(uri, where)
        wire, parsed = [], []
        for _ in range(requests):
            count, server_ms, client_ms = await session.complete(uri, where)
            wire.append(server_ms)
            parsed.append(client_ms)
        completion[name] = {"p50": percentile(wire, 0.5), "p99": percentile(wire, 0.99),
                            "max": max(wire), "items": count,
                            "parsed_p50": percentile(parsed, 0.5),
                            "parsed_p99": percentile(parsed, 0.99)}
    result["completion"] = completion

    # Diagnostics: remove / restore one WITH (NOLOCK) in the middle of the 1,000-line script.
    script_uri = (workspace / "monthly_close.sql").as_uri()
    session.open(script_uri, script)
    await session.wait(script_uri, 1)
    hint = " WITH (NOLOCK)"
    cut = script.index(hint, len(script) // 2)
    start_pos, end_pos = position(script, cut), position(script, cut + len(hint))
    latencies = []
    for n in range(edits + 1):
        if n % 2 == 0:
            edit = types.TextEdit(range=types.Range(start=start_pos, end=end_pos), new_text="")
        else:
            edit = types.TextEdit(range=types.Range(start=start_pos, end=start_pos),
                                  new_text=hint)
        sent = time.perf_counter()
        version = session.change(script_uri, edit)
        published = await session.wait(script_uri, version)
        if n:  # the first edit also warms caches up
            latencies.append((published - sent) * 1000)
        await asyncio.sleep(0.05)
    result["diagnostics_ms"] = latencies
    last = [p for _, p in session.published if p.uri == script_uri][-1]
    result["diagnostics_count"] = len(last.diagnostics)
    result["memory"] = proc_status(session.pid)
    await session.close()
    return result


# -- profiles ---------------------------------------------------------------------------------


def _top(stats: pstats.Stats, sort: str, top: int) -> str:
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats(sort).print_stats(top)
    return out.getvalue()


async def profile_server(catalog: Path, workspace: Path, env: dict[str, str],
                         completion_text: str, offsets: dict[str, int], top: int) -> str:
    """The server's main thread under cProfile while it answers completion requests."""
    output = workspace / "server.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(output), "-m",
               "vgpt2.server.cli.main", "lsp", "--stdio"]
    session = await start(catalog, workspace, env, command)
    uri = (workspace / "profile.sql").as_uri()
    session.open(uri, completion_text)
    await session.wait(uri, 1)
    for offset in offsets.values():
        for _ in range(40):
            await session.complete(uri, position(completion_text, offset))
    await session.close()
    for _ in range(50):
        if output.is_file() and output.stat().st_size:
            break
        await asyncio.sleep(0.1)
    stats = pstats.Stats(str(output))
    stats.strip_dirs()
    return (f"server main thread, {40 * len(offsets)} completion requests\n"
            + _top(stats, "tottime", top) + _top(stats, "cumulative", top))


GC_PROBE = """
import gc, sys, time
log, started = open(sys.argv[1], "a", buffering=1), [0.0]
def probe(phase, info):
    if phase == "start":
        started[0] = time.perf_counter()
    elif info["generation"] == 2:
        log.write(f"{(time.perf_counter() - started[0]) * 1000:.2f}\\n")
gc.callbacks.append(probe)
sys.argv = ["vgpt2", "lsp", "--stdio"]
from vgpt2.server.cli.main import app
app()
"""


async def profile_gc(catalog: Path, workspace: Path, env: dict[str, str],
                     completion_text: str, offsets: dict[str, int], requests: int) -> str:
    """Full (generation 2) garbage collections in the server while it answers completion."""
    log = workspace / "gc.log"
    log.unlink(missing_ok=True)
    session = await start(catalog, workspace, env,
                          [sys.executable, "-c", GC_PROBE, str(log)])
    uri = (workspace / "gc.sql").as_uri()
    session.open(uri, completion_text)
    await session.wait(uri, 1)
    before = len(log.read_text().split()) if log.is_file() else 0
    slow = []
    total = 0
    for offset in offsets.values():
        for _ in range(requests):
            _, wire, _ = await session.complete(uri, position(completion_text, offset))
            total += 1
            slow += [wire] if wire > 15 else []
    await session.close()
    pauses = [float(x) for x in log.read_text().split()[before:]] if log.is_file() else []
    if not pauses:
        return f"no full garbage collection during {total} completion requests\n"
    return (f"{len(pauses)} full (gen 2) garbage collections during {total} completion requests,"
            f" median pause {statistics.median(pauses):.1f} ms (max {max(pauses):.1f}); "
            f"{len(slow)} requests took > 15 ms "
            f"({', '.join(f'{x:.0f}' for x in slow)} ms)\n")


def profile_imports(top: int) -> str:
    """``python -X importtime`` of the server's imports in a fresh process: self times."""
    probe = subprocess.run(
        [sys.executable, "-X", "importtime", "-c",
         "import vgpt2.server.cli.main, vgpt2.server.lsp.server"],
        capture_output=True, text=True, check=True)
    rows = []
    total = 0
    for line in probe.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[0].startswith("import time:") and parts[1].strip().isdigit():
            rows.append((int(parts[0].split(":")[1]), int(parts[1]), parts[2].rstrip()))
            if not parts[2][1:].startswith(" "):  # a top-level import
                total += int(parts[1])
    out = [f"server imports (-X importtime), {total / 1000:.0f} ms in all; top self times:",
           "| module | self ms | cumulative ms |", "|---|---|---|"]
    for own, cumulative, name in sorted(rows, reverse=True)[:top]:
        out.append(f"| {name.strip()} | {own / 1000:.1f} | {cumulative / 1000:.1f} |")
    return "\n".join(out) + "\n"


def profile_analyze(catalog_path: Path, text: str, top: int) -> str:
    from vgpt2.catalog.catalog import Catalog
    from vgpt2.server.analysis import analyze

    catalog = Catalog.open(catalog_path)
    analyze(text, catalog)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(3):
        analyze(text, catalog)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.strip_dirs()
    return "analyze() of the 1,000-line script, 3 runs\n" + _top(stats, "tottime", top)


# -- report -----------------------------------------------------------------------------------


def ratio(value: float, target: float) -> str:
    share = value / target
    return f"**{share:.2f} (missed)**" if share >= 1 else f"{share:.2f}"


def report(args: argparse.Namespace, editing: dict[str, Any], startup: list[dict[str, float]],
           completion_lines: int, script_lines: int) -> tuple[str, dict[str, bool]]:
    rows = ["| measure | value | target | ratio to target |", "|---|---|---|---|"]
    met: dict[str, bool] = {}
    worst = 0.0
    for name, values in editing["completion"].items():
        worst = max(worst, values["p99"])
        rows.append(f"| completion {name} ({values['items']} items): p50 / p99 / max | "
                    f"{values['p50']:.2f} / {values['p99']:.2f} / {values['max']:.2f} ms | "
                    f"p99 < 10 ms | {ratio(values['p99'], TARGETS['completion_p99_ms'])} |")
    met["completion"] = worst < TARGETS["completion_p99_ms"]
    parsed = ", ".join(f"{v['parsed_p50']:.1f} / {v['parsed_p99']:.1f}"
                       for v in editing["completion"].values())
    rows.append(f"| the same, until pygls' client has parsed the result, p50 / p99 per "
                f"context | {parsed} ms | - | - |")
    rows.append(f"| first completion request of a fresh server | "
                f"{editing['first_completion_ms']:.1f} ms | - | - |")
    diagnostics = statistics.median(editing["diagnostics_ms"])
    met["diagnostics"] = diagnostics < TARGETS["diagnostics_ms"]
    rows.append(f"| diagnostics after an edit, {script_lines:,}-line script, median of "
                f"{len(editing['diagnostics_ms'])} | {diagnostics:.1f} ms | < 60 ms | "
                f"{ratio(diagnostics, TARGETS['diagnostics_ms'])} |")
    rows.append(f"| min / max | {min(editing['diagnostics_ms']):.1f} / "
                f"{max(editing['diagnostics_ms']):.1f} ms | - | - |")
    first = [run["diagnostics"] for run in startup]
    start_ms = statistics.median(first)
    met["startup"] = start_ms < TARGETS["startup_ms"]
    rows.append(f"| start-up: spawn to first diagnostics, median of {len(startup)} | "
                f"{start_ms:.0f} ms | < 500 ms | {ratio(start_ms, TARGETS['startup_ms'])} |")
    rows.append(f"| min / max | {min(first):.0f} / {max(first):.0f} ms | - | - |")
    phases = " / ".join(f"{statistics.median(run[k] for run in startup):.0f}"
                        for k in ("initialize", "catalog"))
    rows.append(f"| of which spawn to initialize response / to catalog loaded, medians | "
                f"{phases} ms | - | - |")
    cpu = statistics.median(run["cpu"] for run in startup)
    rows.append(f"| CPU time (user + sys) of one such server, start to exit, median | "
                f"{cpu:.0f} ms | - | - |")
    rss = editing["memory"]["VmRSS"]
    met["rss"] = rss < TARGETS["rss_mb"]
    rows.append(f"| server resident memory after the above (VmRSS) | {rss:.0f} MB | < 200 MB | "
                f"{ratio(rss, TARGETS['rss_mb'])} |")
    rows.append(f"| peak (VmHWM) | {editing['memory']['VmHWM']:.0f} MB | - | - |")
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    header = (f"`.venv/bin/python benchmarks/lsp_bench.py` — {args.date}, machine: "
              f"{args.machine}, load average at the end {load}, Python "
              f"{sys.version.split()[0]}. Server: `python -m "
              "vgpt2.server.cli.main lsp --stdio` with initializationOptions "
              "`{\"catalog\": [<compiled real export>], \"diagnosticsDelayMs\": 0}`, driven "
              "over stdio by pygls' `LanguageClient`; completion times run from sending the "
              "request to reading the response's last byte (the server's engine, its "
              "serialization and the pipe, not the client's parsing). Completion: a "
              f"{completion_lines}-line "
              f"script, {args.requests} timed requests per context after 5 warm-up ones. "
              f"Diagnostics: an incremental `didChange` removing or restoring one "
              f"`WITH (NOLOCK)` in a {script_lines:,}-line script "
              f"({editing['diagnostics_count']} findings), to its `publishDiagnostics`. "
              "Start-up: a fresh server each run, a 60-line script opened right after "
              "`initialize`. Inputs from `analysis_bench.make_script` (seed "
              f"{args.seed}).")
    header = textwrap.fill(header, 92, break_on_hyphens=False, break_long_words=False)
    return header + "\n\n" + "\n".join(rows) + "\n", met


def server_environment(workdir: Path) -> dict[str, str]:
    """The servers' environment: no VGPT2_CONFIG, a cache of their own, and bytecode.

    An installed vgpt2 has its modules compiled (pip does it); a shell with
    ``PYTHONDONTWRITEBYTECODE=1`` (this project's agent machines have it) would make every
    fresh server compile ~75 modules from source, which is no part of its start-up. The
    bytecode goes to a cache under ``workdir`` (``PYTHONPYCACHEPREFIX``), written by the
    first server (the editing session, untimed for start-up), so nothing is written into
    the tree."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VGPT2_CONFIG", "PYTHONDONTWRITEBYTECODE")}
    env["VGPT2_CACHE_DIR"] = str(workdir / "cache")
    env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    return env


async def run(args: argparse.Namespace) -> None:
    from vgpt2.catalog.build import build_catalog

    workdir = Path(tempfile.mkdtemp(prefix="vgpt2-lsp-bench-"))
    if not args.keep:
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    catalog = workdir / "vista.vgpt2db"
    build_catalog([args.schema], catalog)
    workspace = workdir / "workspace"
    workspace.mkdir()
    env = server_environment(workdir)

    rng = random.Random(args.seed)
    completion_text, offsets = completion_document(rng, 500)
    script, _ = make_script(rng, 1000, 0.1, Counter())
    small, _ = make_script(rng, 60, 0.1, Counter())

    editing = await measure_editing(catalog, workspace, env, completion_text, offsets, script,
                                    args.requests, args.edits)
    startup = await measure_startup(catalog, workspace, env, small, args.starts)
    table, met = report(args, editing, startup, completion_text.count("\n"),
                        script.count("\n"))
    print(table)

    profiles = []
    if args.profile or not met["completion"]:
        profiles.append(await profile_gc(catalog, workspace, env, completion_text, offsets,
                                         args.requests))
        profiles.append(await profile_server(catalog, workspace, env, completion_text,
                                             offsets, args.top))
    if args.profile or not met["startup"]:
        profiles.append(profile_imports(args.top))
    if args.profile or not met["diagnostics"]:
        profiles.append(profile_analyze(catalog, script, args.top))
    for text in profiles:
        print(text)

    if args.append:
        results = Path(__file__).resolve().parent / "RESULTS.md"
        existing = results.read_text(encoding="utf-8")
        section = "## Language server (`benchmarks/lsp_bench.py`)"
        block = (("" if existing.endswith("\n\n") else "\n")
                 + (section + "\n\n" if section not in existing else "")
                 + table + (args.notes + "\n" if args.notes else ""))
        results.write_text(existing + block, encoding="utf-8")
        print(f"appended to {results}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "vista-schema")
    parser.add_argument("--requests", type=int, default=60, help="completion requests per context")
    parser.add_argument("--edits", type=int, default=10, help="timed edits for diagnostics")
    parser.add_argument("--starts", type=int, default=5, help="fresh servers for start-up")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--profile", action="store_true", help="print cProfile hotspots")
    parser.add_argument("--top", type=int, default=20, help="rows of each profile")
    parser.add_argument("--append", action="store_true",
                        help="append the table to benchmarks/RESULTS.md")
    parser.add_argument("--date", default=time.strftime("%Y-%m-%d"))
    parser.add_argument("--machine", default=f"{os.cpu_count()} cores")
    parser.add_argument("--notes", default="", help="Markdown appended after the table")
    parser.add_argument("--keep", action="store_true", help="keep the generated inputs")
    args = parser.parse_args()
    if not (args.schema / "columns.json").is_file():
        sys.exit(f"no Vista export at {args.schema} (pass --schema)")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
