"""``vgpt2 ask "QUESTION"``: checked T-SQL from the configured model, or from the catalog alone.

Exit codes: 0 SQL, 3 a refusal (the message names the closest real objects),
2 an error (configuration, catalog, or a model server that cannot answer: one
line saying what to start or configure, never a traceback). The engine and the
model clients are imported only when the command runs, so ``vgpt2 --help``
stays fast.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from vgpt2.catalog.catalog import Catalog
    from vgpt2.server.generation.backends.base import BackendError
    from vgpt2.server.generation.engine import GenerationRequest
    from vgpt2.server.generation.result import GenerationResult
    from vgpt2.server.generation.settings import ModelSettings

EXIT_SQL = 0
EXIT_ERROR = 2
EXIT_REFUSED = 3
GRACE_S = 5.0
"""Slack on top of timeout x requests for the stages around the model (link, check, fix)."""


class BackendChoice(StrEnum):
    OLLAMA = "ollama"
    OPENAI = "openai"
    CATALOG = "catalog"


class AskFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)


def ask(
    question: Annotated[str, typer.Argument(help="The question, in plain words.",
                                            show_default=False)],
    catalog: Annotated[Path | None, typer.Option(
        "--catalog", "-c", help="Compiled catalog (.vgpt2db) or a source to compile. "
        "Default: the configured catalog, else the bundled sample.")] = None,
    backend: Annotated[BackendChoice | None, typer.Option(
        "--backend", help="Who writes the SQL. Default: the model table of vgpt2.toml; with no "
        "model configured, the catalog (a query skeleton).")] = None,
    url: Annotated[str | None, typer.Option(
        "--url", help="The server: http://127.0.0.1:11434 (Ollama) or an OpenAI-compatible "
        "base URL such as http://gpu01:8000/v1.")] = None,
    model: Annotated[str | None, typer.Option("--model", "-m",
                                              help="The model name.")] = None,
    timeout: Annotated[float | None, typer.Option(
        "--timeout", min=0.1, help="Seconds each model request may take.")] = None,
    format: Annotated[AskFormat, typer.Option("--format", "-f",
                                              help="Output format.")] = AskFormat.TEXT,
    explain: Annotated[bool, typer.Option(
        "--explain", help="Also show the linked objects, the join tree, the prompt size "
        "against the budget, and each repair round.")] = False,
) -> None:
    """Ask a question in plain words; get checked T-SQL, or a refusal naming the real objects."""
    settings = _model_settings(backend, url, model, timeout, format)
    from vgpt2.server.cli.catalog_commands import load_catalog

    opened = load_catalog(catalog)
    request = _request(question, settings, opened, format)
    result = _generate(request, opened, settings, format)
    if format is AskFormat.JSON:
        print(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
    else:
        _print_text(result, explain)
    raise typer.Exit(EXIT_REFUSED if result.sql is None else EXIT_SQL)


def _model_settings(backend: BackendChoice | None, url: str | None, model: str | None,
                    timeout: float | None, format: AskFormat) -> ModelSettings:
    """The configuration's [model] table with the command's flags laid over it."""
    from pydantic import ValidationError
    from vgpt2.server.config import ConfigError, load_settings
    from vgpt2.server.generation.settings import ModelSettings

    try:
        configured = load_settings().model
    except ConfigError as error:
        raise _fail(str(error), format, kind="configuration") from None
    overrides: dict[str, Any] = {}
    if backend is not None:
        overrides["backend"] = backend.value
        if backend.value != configured.backend:
            overrides["url"] = None  # the other backend's URL would be the wrong server
    for key, value in (("url", url), ("name", model), ("timeout", timeout)):
        if value is not None:
            overrides[key] = value
    try:
        settings = ModelSettings.model_validate({**configured.model_dump(), **overrides})
    except ValidationError as error:
        problems = "; ".join(f"--{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                             for e in error.errors())
        raise _fail(problems, format) from None
    if backend is BackendChoice.OLLAMA and not settings.configured:
        raise _fail("the ollama backend needs a model: pass --model (e.g. qwen2.5-coder:7b) "
                    "or set `name` in [model] of vgpt2.toml", format)
    if backend is BackendChoice.OPENAI and not settings.configured:
        settings = settings.model_copy(update={"url": settings.resolved_url()})
    return settings


def _request(question: str, settings: ModelSettings, catalog: Catalog,
             format: AskFormat) -> GenerationRequest:
    from vgpt2.server.generation.backends.factory import generation_options
    from vgpt2.server.generation.engine import GenerationRequest
    from vgpt2.server.generation.examples import Example, ExampleError, load_examples

    examples: tuple[Example, ...] = ()
    if settings.configured and settings.examples is not None:
        try:
            loaded = load_examples(settings.examples, catalog)
        except ExampleError as error:
            raise _fail(f"examples: {error}", format) from None
        for issue in loaded.issues:
            _warn(f"example left out: {issue}")
        examples = tuple(loaded.examples)
    return GenerationRequest(question=question, options=generation_options(settings),
                             repair_rounds=settings.repair_rounds, examples=examples)


def _generate(request: GenerationRequest, catalog: Catalog, settings: ModelSettings,
              format: AskFormat) -> GenerationResult:
    import asyncio

    from vgpt2.server.generation.backends.base import BackendError
    from vgpt2.server.generation.backends.factory import (
        CATALOG_ONLY,
        make_backend,
        url_warning,
    )
    from vgpt2.server.generation.engine import generate

    if not settings.configured:
        if settings.backend != "catalog":
            _warn(CATALOG_ONLY)
    elif (warning := url_warning(settings)) is not None:
        _warn(warning)
    deadline = request.options.timeout * (request.repair_rounds + 1) + GRACE_S

    async def run() -> GenerationResult:
        backend = make_backend(settings)
        try:
            if backend is not None and backend.model is None:
                await backend.info()  # learn the served model's name before the result names it
            async with asyncio.timeout(deadline):
                return await generate(request, catalog, backend)
        finally:
            if backend is not None:
                await backend.aclose()

    try:
        return asyncio.run(run())
    except BackendError as error:
        raise _backend_failure(error, format) from None
    except TimeoutError:
        raise _fail(f"no answer within {deadline:g} s ({request.repair_rounds + 1} model "
                    "request(s) at most); raise `timeout` in [model] or pass --timeout",
                    format, kind="timeout") from None
    except KeyboardInterrupt:
        _warn("interrupted; the model request was cancelled")
        raise typer.Exit(130) from None


def _print_text(result: GenerationResult, explain: bool) -> None:
    from rich.console import Console
    from rich.syntax import Syntax

    out = Console(highlight=False, soft_wrap=True)
    if result.sql is not None:
        out.print(Syntax(result.sql.rstrip("\n"), "sql", theme="ansi_dark",
                         background_color="default", word_wrap=True))
        out.print()
        out.print(f"objects: {', '.join(result.objects) or '(none)'}", markup=False)
        for finding in result.findings:
            out.print(f"{finding.severity} {finding.code} (line {finding.line}): "
                      f"{finding.message}", markup=False)
    out.print(result.message, markup=False)
    model = f" {result.model}" if result.model else ""
    out.print(f"backend: {result.backend}{model}, prompt {result.prompt_version}",
              markup=False, style="dim")
    if explain:
        _print_explain(out, result)


def _print_explain(out: Any, result: GenerationResult) -> None:
    def line(text: str) -> None:
        out.print(text, markup=False)

    line("")
    line("linked objects:")
    for linked in result.linked:
        why = linked.get("why") or ""
        score = linked.get("score")
        scored = f" ({score:.2f})" if isinstance(score, int | float) else ""
        origin = f" [{linked['origin']}]" if linked.get("origin") else ""
        line(f"  {linked.get('name', '?')}{scored}{origin}{': ' + str(why) if why else ''}")
    line("join tree:" if result.join_tree else "join tree: (one object, no joins)")
    for edge in result.join_tree:
        line(f"  {edge}")
    line(f"prompt: {result.prompt_tokens:,} tokens of a {result.prompt_budget:,} budget "
         f"({result.token_counter})")
    for left in result.left_out:
        detail = f" ({left.detail})" if left.detail else ""
        line(f"  left out: {left.object} {left.what}{detail}")
    if result.fixes_applied:
        line(f"deterministic fixes applied: {result.fixes_applied}")
    line(f"repair rounds: {result.repairs}")
    for repair in result.repair_rounds:
        line(f"  round {repair.number}: {repair.outcome}")
        for problem in repair.problems:
            line(f"    sent: {problem}")
    timings = ", ".join(f"{stage} {ms:.0f} ms" for stage, ms in result.timings_ms.items())
    line(f"timings: {timings}")


def _backend_failure(error: BackendError, format: AskFormat) -> typer.Exit:
    message = f"{error.message}; {error.hint}" if error.hint else error.message
    return _fail(message, format, kind=error.kind.value)


def _fail(message: str, format: AskFormat, kind: str = "usage") -> typer.Exit:
    """One line on stderr (and, for --format json, one JSON object on stdout); exit 2."""
    if format is AskFormat.JSON:
        print(json.dumps({"error": {"kind": kind, "message": message}}))
    sys.stderr.write(f"error: {message}\n")
    return typer.Exit(EXIT_ERROR)


def _warn(message: str) -> None:
    sys.stderr.write(f"warning: {message}\n")
