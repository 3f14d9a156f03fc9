"""``vgpt2-train``: the training side's command line.

``sampledb`` and ``eval`` need no torch (duckdb and Faker, the ``eval`` extra);
stages that train arrive with the training issues and import torch themselves.
Exit codes: 0 done, 1 a problem with the input (named with its file and line), 2
a model server that could not be reached.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

PROGRAM = "vgpt2-train"
app = typer.Typer(name=PROGRAM, help="vgpt2 training and evaluation.", no_args_is_help=True,
                  pretty_exceptions_enable=False, rich_markup_mode=None)
_err = Console(stderr=True)

# run, sft, dpo, kto, merge, export, serve: they import torch only when they run.
__import__("vgpt2.training.pipeline.commands", fromlist=["register"]).register(app)


def _cache_dir() -> Path:
    explicit = os.environ.get("VGPT2_CACHE_DIR")
    if explicit:
        return Path(explicit)
    import platformdirs

    return Path(platformdirs.user_cache_dir("vgpt2", appauthor=False))


def _open_catalog(paths: list[Path] | None) -> Any:
    from vgpt2.catalog.build import open_catalog
    from vgpt2.catalog.catalog import CatalogError

    try:
        return open_catalog(list(paths or []), _cache_dir())
    except CatalogError as error:
        _fail(str(error))


def _fail(message: str, code: int = 1) -> NoReturn:
    _err.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    raise typer.Exit(code)


class _Bar:
    """A rich progress bar on stderr, fed by (what, done, total) hooks."""

    def __init__(self, enabled: bool) -> None:
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), console=_err,
                                 disable=not enabled, transient=True)
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> _Bar:
        self.progress.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.progress.stop()

    def __call__(self, what: str, done: int, total: int) -> None:
        task = self.tasks.get(what)
        if task is None:
            task = self.tasks[what] = self.progress.add_task(what, total=total)
        self.progress.update(task, completed=done, total=total)


CatalogOption = Annotated[list[Path] | None, typer.Option(
    "--catalog", help="A compiled catalog or catalog sources (default: the bundled sample).")]


@app.command()
def sampledb(
    out: Annotated[Path, typer.Option("--out", help="Folder for the databases.")],
    catalog: CatalogOption = None,
    databases: Annotated[int, typer.Option("--databases", min=1, max=20,
                                           help="How many databases (K).")] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    rows: Annotated[int, typer.Option("--rows", min=1, max=100_000,
                                      help="Rows per table, at most.")] = 40,
) -> None:
    """Build K synthetic Vista databases (DuckDB) from the catalog."""
    from vgpt2.training.eval.sampledb import SampleDBError, build

    opened = _open_catalog(catalog)
    try:
        with _Bar(_err.is_terminal) as bar:
            summary = build(opened, out, databases=databases, seed=seed, rows=rows,
                            progress=bar)
    except SampleDBError as error:
        _fail(str(error))
    typer.echo(f"{len(summary.databases)} database(s) in {summary.out}: {summary.tables:,} "
               f"tables, {summary.views:,} views ({summary.view_tables:,} more views filled "
               f"as tables), {summary.rows:,} rows each, {summary.seconds:.1f} s")
    for skipped in summary.skipped:
        typer.echo(f"skipped {skipped}", err=True)


def _predictions_from_backend(questions: list[Any], catalog: Any, backend_name: str,
                              url: str | None, model: str | None, bar: _Bar) -> dict[str, Any]:
    from vgpt2.server.generation.backends.base import BackendError
    from vgpt2.server.generation.backends.factory import generation_options, make_backend
    from vgpt2.server.generation.settings import ModelSettings
    from vgpt2.training.eval.runner import predict

    try:
        settings = ModelSettings(backend=backend_name, url=url, name=model)  # type: ignore[arg-type]
        backend = make_backend(settings)
    except (BackendError, ValueError) as error:
        _fail(str(error))
    if backend_name != "catalog" and backend is None:
        _fail(f"--backend {backend_name} needs --model (or --url for an openai server)")

    async def answer() -> dict[str, Any]:
        try:
            return await predict(questions, catalog, backend,
                                 options=generation_options(settings), progress=bar)
        finally:
            if backend is not None:
                await backend.aclose()

    try:
        answered: dict[str, Any] = asyncio.run(answer())
    except BackendError as error:
        _fail(str(error), 2)
    return answered


@app.command("eval")
def evaluate(
    questions: Annotated[Path | None, typer.Option(
        "--questions", help="Questions JSONL (default: the set that ships with vgpt2).")] = None,
    predictions: Annotated[Path | None, typer.Option(
        "--predictions", help="Predictions JSONL: {id, sql, refused} per line.")] = None,
    backend: Annotated[str | None, typer.Option(
        "--backend", help="Answer through the generation engine: ollama, openai or catalog.")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="The model server.")] = None,
    model: Annotated[str | None, typer.Option("--model", help="The model name.")] = None,
    catalog: CatalogOption = None,
    databases: Annotated[int, typer.Option("--databases", min=1, max=20)] = 3,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    rows: Annotated[int, typer.Option("--rows", min=1, max=100_000)] = 40,
    sample: Annotated[Path | None, typer.Option(
        "--sampledb", help="Use the databases built there by `sampledb` (else built now).")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder for results.json and report.html.")] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1,
                                           help="Seconds one query may run.")] = 10.0,
    compare: Annotated[tuple[Path, Path] | None, typer.Option(
        "--compare", help="Compare two runs (their --out folders or results.json).")] = None,
) -> None:
    """Score predictions or a live backend by executing the SQL on sample databases."""
    if output_format not in ("text", "json"):
        _fail("--format must be text or json")
    if compare is not None:
        _compare(compare, output_format, out)
        return
    from vgpt2.training.eval.questions import (
        FormatError,
        load_predictions,
        load_questions,
        shipped_questions_path,
    )
    from vgpt2.training.eval.report import print_run, write_run
    from vgpt2.training.eval.runner import evaluate as run_evaluation
    from vgpt2.training.eval.sampledb import SampleDBError, build, database_paths

    if (predictions is None) == (backend is None):
        _fail("give exactly one of --predictions FILE or --backend ollama|openai|catalog")
    if backend is not None and backend not in ("ollama", "openai", "catalog"):
        _fail(f"--backend must be ollama, openai or catalog (got {backend!r})")
    questions_path = questions or shipped_questions_path()
    try:
        question_list = load_questions(questions_path)
        given = load_predictions(predictions) if predictions is not None else None
    except FormatError as error:
        _fail(str(error))
    opened = _open_catalog(catalog)
    with _Bar(_err.is_terminal and output_format == "text") as bar, \
            tempfile.TemporaryDirectory(prefix="vgpt2-eval-") as scratch:
        try:
            if sample is not None:
                paths = database_paths(sample)
            else:
                paths = build(opened, Path(scratch) / "db", databases=databases, seed=seed,
                              rows=rows, progress=bar).databases
        except SampleDBError as error:
            _fail(str(error))
        if given is None:
            given = _predictions_from_backend(question_list, opened, backend or "catalog", url,
                                              model, bar)
        meta = {"questions_file": str(questions_path),
                "predictions_file": str(predictions) if predictions else None,
                "backend": backend, "model": model, "seed": seed}
        result = run_evaluation(question_list, given, opened, paths, timeout=timeout,
                                progress=bar, meta=meta)
    run = result.as_json()
    title = f"vgpt2 evaluation: {backend or (predictions.name if predictions else '')}"
    if out is not None:
        results_file, report = write_run(out, run, title)
        if output_format == "text":
            typer.echo(f"wrote {results_file} and {report}", err=True)
    if output_format == "json":
        sys.stdout.write(json.dumps(run, ensure_ascii=False, default=str) + "\n")
    else:
        print_run(Console(), run)


def _compare(runs: tuple[Path, Path], output_format: str, out: Path | None) -> None:
    from vgpt2.training.eval.report import (
        COMPARE_REPORT,
        ReportError,
        compare_runs,
        load_run,
        print_comparison,
        render_html,
        write_atomic,
    )

    try:
        first, second = load_run(runs[0]), load_run(runs[1])
    except ReportError as error:
        _fail(str(error))
    comparison = compare_runs(first, second)
    name_a, name_b = str(runs[0]), str(runs[1])
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        write_atomic(out / COMPARE_REPORT, render_html(
            f"vgpt2 evaluation: {name_a} vs {name_b}",
            [(name_a, first), (name_b, second)], comparison))
    if output_format == "json":
        sys.stdout.write(json.dumps(comparison.as_json()) + "\n")
    else:
        print_comparison(Console(), comparison, first, second, name_a, name_b)


app.command("dataset")(__import__("vgpt2.training.dataset.command", fromlist=["dataset"]).dataset)


def run() -> None:
    """The console script."""
    app(prog_name=PROGRAM)


if __name__ == "__main__":
    run()
