"""``vgpt2 doctor``: what vgpt2 would use, whether it works, and what to do about each problem.

The CLI prints this report and the language server returns it for its doctor
command, so both answer "why does vgpt2 not see my table?" the same way.
"""

from __future__ import annotations

import platform
import sys
import time
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from vgpt2.catalog.build import PARTIAL_ACCEPTED_KEY, is_stale, open_catalog
from vgpt2.catalog.catalog import COMPILED_SUFFIX, Catalog, CatalogError
from vgpt2.server.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from vgpt2.server.generation.backends.base import ModelBackend


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: Status
    detail: str
    advice: str = ""


@dataclass(slots=True)
class DoctorReport:
    checks: list[Check] = field(default_factory=list)
    catalog: Catalog | None = None

    @property
    def ok(self) -> bool:
        return all(c.status is not Status.ERROR for c in self.checks)

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "checks": [
            {"name": c.name, "status": c.status.value, "detail": c.detail, "advice": c.advice}
            for c in self.checks]}

    def as_text(self) -> str:
        lines = []
        for check in self.checks:
            lines.append(f"[{check.status.value:>7}] {check.name}: {check.detail}")
            if check.advice:
                lines.append(f"          -> {check.advice}")
        lines.append("vgpt2 is ready." if self.ok else "vgpt2 needs attention (see above).")
        return "\n".join(lines)


def _version() -> str:
    try:
        return metadata.version("vgpt2")
    except metadata.PackageNotFoundError:
        return "unknown"


def diagnose(settings: Settings | None = None, origins: dict[str, str] | None = None,
             start: Path | None = None) -> DoctorReport:
    """Run every check; never raises (a broken setting is itself a finding)."""
    report = DoctorReport()
    report.checks.append(Check(
        "vgpt2", Status.OK,
        f"{_version()} on Python {platform.python_version()} ({sys.platform})"))
    if settings is None:
        try:
            settings = load_settings(start)
        except ConfigError as error:
            report.checks.append(Check("configuration", Status.ERROR, str(error),
                                       "fix the file named above; see README 'Configuration'"))
            return report
    where = str(settings.origin) if settings.origin else "no config file (defaults)"
    report.checks.append(Check("configuration", Status.OK, where))
    for name, origin in (origins or {}).items():
        report.checks.append(Check(f"setting {name}", Status.OK, f"from {origin}"))
    if settings.rules:
        rules = ", ".join(f"{code}={level}" for code, level in sorted(settings.rules.items()))
        report.checks.append(Check("rules", Status.OK, rules))
    report.checks.append(_catalog_check(settings, report))
    if report.catalog is not None:
        report.checks.extend(_catalog_notices(report.catalog))
        stale = is_stale(report.catalog)
        if stale:
            report.checks.append(Check(
                "catalog freshness", Status.WARNING, "the sources changed since the build",
                "run `vgpt2 catalog build` again (the language server rebuilds on its own)"))
        elif stale is False:
            report.checks.append(Check("catalog freshness", Status.OK,
                                       "up to date with its sources"))
    report.checks.extend(model_checks(settings, report.catalog))
    return report


def _catalog_check(settings: Settings, report: DoctorReport) -> Check:
    described = ", ".join(str(p) for p in settings.catalog) or "the bundled sample"
    missing = [p for p in settings.catalog if not p.exists()]
    if missing:
        return Check("catalog", Status.ERROR, f"{', '.join(map(str, missing))} does not exist; "
                     "the language server uses the bundled sample until it does",
                     "export your schema (`vgpt2 catalog export-query`) and point "
                     "`catalog` in vgpt2.toml at the folder")
    started = time.perf_counter()
    try:
        # The diagnosis runs SQLite's quick check itself, never trusting the cache's
        # record of an earlier pass (the record cannot see bit rot).
        catalog = open_catalog(settings.catalog, settings.resolved_cache_dir(),
                               full_check=True)
    except (CatalogError, OSError) as error:
        return Check("catalog", Status.ERROR, f"{described}: {error}",
                     "rebuild with `vgpt2 catalog build SOURCE --output FILE"
                     f"{COMPILED_SUFFIX}` and check the warnings it prints")
    report.catalog = catalog
    stats = catalog.stats()
    counts = ", ".join(f"{value:,} {name}" for name, value in stats.items())
    detail = f"{catalog.path or described}: {counts} ({time.perf_counter() - started:.2f} s)"
    if not settings.catalog:
        return Check("catalog", Status.WARNING, detail,
                     "this is the bundled sample of core objects; export your own schema "
                     "for complete checking (README 'Your own Vista schema')")
    if not (stats["tables"] or stats["views"]):
        return Check("catalog", Status.ERROR, detail, "the catalog holds no tables or views")
    return Check("catalog", Status.OK, detail)


def _catalog_notices(catalog: Catalog) -> list[Check]:
    """How the catalog was found (a fallback, an odd name) and the import problems it records."""
    checks = [Check("catalog notice", Status.WARNING, notice,
                    "fix the sources named above and rebuild; `vgpt2 catalog build` lists "
                    "every problem") for notice in catalog.notices]
    try:
        issues, counts = catalog.import_problems()
    except CatalogError as error:
        return [*checks, Check("catalog import", Status.ERROR, str(error))]
    if not (counts["error"] or counts["warning"]):
        return checks
    if not counts["error"]:
        return [*checks, Check("catalog import", Status.OK,
                               f"{counts['warning']:,} import warning(s) recorded at build "
                               f"time, the first: {issues[0]}" if issues else
                               f"{counts['warning']:,} import warning(s) recorded")]
    errors = [i for i in issues if i.severity == "error"][:5]
    more = counts["error"] - len(errors)
    detail = (f"built with {counts['error']:,} import error(s) (and {counts['warning']:,} "
              "warning(s)): " + "; ".join(str(i) for i in errors)
              + (f"; and {more:,} more" if more > 0 else ""))
    # Data was lost: an error, unless the user accepted it when building (--allow-partial).
    accepted = catalog.meta.get(PARTIAL_ACCEPTED_KEY) == "yes"
    return [*checks, Check("catalog import", Status.WARNING if accepted else Status.ERROR,
                           detail + (" (accepted with --allow-partial)" if accepted else ""),
                           "parts of the sources were not read: fix them and rebuild "
                           "(`vgpt2 catalog build` lists every problem)")]


DOCTOR_TIMEOUT_S = 15.0
"""The model checks wait at most this long per request (or ``timeout`` if shorter): the
language server's doctor command waits on them."""
TYPICAL_QUESTION = "unpaid AP invoices by vendor with the job they were coded to"
"""The question whose prompt size stands for a typical request in the budget check."""


def model_checks(settings: Settings, catalog: Catalog | None) -> list[Check]:
    """The ``[model]`` checks: server reachable, model present, context length, FIM support,
    prompt budget against num_ctx, round-trip time. Never raises; safe in an event loop."""
    import asyncio
    import concurrent.futures

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_model_checks(settings, catalog))
    # Called from inside an event loop (the language server): run on a thread of its own.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _model_checks(settings, catalog)).result()


async def _model_checks(settings: Settings, catalog: Catalog | None) -> list[Check]:
    from vgpt2.server.generation.backends.base import BackendError
    from vgpt2.server.generation.backends.factory import describe, make_backend, url_warning

    model = settings.model
    if not model.configured:
        return [Check("model", Status.OK, describe(model),
                      "to use a model: `ollama pull qwen2.5-coder:7b`, then in vgpt2.toml "
                      '[model] name = "qwen2.5-coder:7b" (README "Models")')]
    checks = [Check("model", Status.OK, describe(model))]
    if (warning := url_warning(model)) is not None:
        checks.append(Check("model url", Status.WARNING, warning,
                            "use https:// (or an SSH tunnel to the server's loopback port)"))
    try:
        backend = make_backend(model.model_copy(
            update={"timeout": min(DOCTOR_TIMEOUT_S, model.timeout)}))
    except BackendError as error:
        return [*checks, Check("model server", Status.ERROR, error.message, error.hint)]
    if backend is None:  # configured settings always make a backend
        return checks
    try:
        checks.extend(await _server_checks(settings, catalog, backend))
    finally:
        await backend.aclose()
    return checks


async def _server_checks(settings: Settings, catalog: Catalog | None,
                         backend: ModelBackend) -> list[Check]:
    import dataclasses

    from vgpt2.server.generation.backends.base import BackendError, ChatMessage
    from vgpt2.server.generation.backends.factory import generation_options

    model = settings.model
    ollama = model.backend == "ollama"
    try:
        info = await backend.info()
    except BackendError as error:
        return [Check("model server", Status.ERROR, error.message, error.hint)]
    if not info.reachable:
        start = ("start it with `ollama serve`" if ollama
                 else "start it (e.g. `vllm serve MODEL`)")
        return [Check("model server", Status.ERROR, f"cannot reach {info.url}",
                      f"{start}, or set `url` in [model] of vgpt2.toml")]
    version = f" {info.server_version}" if info.server_version else ""
    checks = [Check("model server", Status.OK,
                    f"{'Ollama' if ollama else 'OpenAI-compatible server'}{version} at "
                    f"{info.url}")]
    if not info.present:
        served = ", ".join(info.available[:10]) or "none"
        advice = (f"`ollama pull {info.model}`" if ollama and info.model else
                  "set `name` in [model] to one the server serves")
        return [*checks, Check("model present", Status.ERROR,
                               f"{info.model or '(no name)'} is not served (there: {served})",
                               advice)]
    checks.append(Check("model present", Status.OK, str(info.model)))
    checks.append(_context_check(info.context_length, model.num_ctx))
    checks.append(_fim_check(info.fill_in_middle))
    if catalog is not None:
        checks.append(_budget_check(settings, catalog, info.context_length))
    options = dataclasses.replace(generation_options(model), max_tokens=8,
                                  timeout=min(DOCTOR_TIMEOUT_S, model.timeout))
    started = time.perf_counter()
    try:
        await backend.chat([ChatMessage("user", "Reply with the word: ok")], options)
    except BackendError as error:
        checks.append(Check("model round trip", Status.ERROR, error.message, error.hint))
        return checks
    elapsed = (time.perf_counter() - started) * 1000.0
    checks.append(Check("model round trip", Status.OK,
                        f"{elapsed:,.0f} ms for a tiny request (the first one loads the model)"))
    return checks


def _context_check(context_length: int | None, num_ctx: int) -> Check:
    if context_length is None:
        return Check("model context", Status.OK,
                     f"num_ctx {num_ctx:,}; the server does not report the model's maximum")
    if num_ctx > context_length:
        return Check("model context", Status.WARNING,
                     f"num_ctx {num_ctx:,} is more than the model's {context_length:,} tokens",
                     f"set num_ctx = {context_length} (or less) in [model]")
    return Check("model context", Status.OK,
                 f"the model takes {context_length:,} tokens; num_ctx {num_ctx:,}")


def _fim_check(fill_in_middle: bool | None) -> Check:
    if fill_in_middle is None:
        return Check("fill-in-the-middle", Status.OK,
                     "unknown: OpenAI-compatible servers do not expose the model's template")
    if fill_in_middle:
        return Check("fill-in-the-middle", Status.OK, "supported (the template uses .Suffix)")
    return Check("fill-in-the-middle", Status.WARNING,
                 "not supported: the model's template has no .Suffix",
                 "for inline completion use a code model whose template has one "
                 "(e.g. `ollama pull qwen2.5-coder:7b`)")


def _budget_check(settings: Settings, catalog: Catalog, context_length: int | None) -> Check:
    from vgpt2.server.generation.backends.factory import generation_options
    from vgpt2.server.generation.engine import GenerationRequest, prepare
    from vgpt2.server.generation.result import GenerationResult

    model = settings.model
    result = GenerationResult(sql=None, refused=False, message="", backend=model.backend,
                              model=model.name, prompt_version="")
    try:
        prepared = prepare(GenerationRequest(TYPICAL_QUESTION,
                                             options=generation_options(model)),
                           catalog, result)
    except Exception as error:  # a broken prompt file must not break the doctor
        return Check("prompt budget", Status.ERROR, f"cannot build a prompt: {error}",
                     "reinstall vgpt2 (the prompt files ship with it)")
    prompt = prepared.prompt
    detail = (f"a typical question's prompt takes {prompt.tokens:,} of {prompt.budget:,} "
              f"tokens (num_ctx {model.num_ctx:,} less the reply's room)")
    larger = (f"raise num_ctx in [model] (the model takes up to {context_length:,})"
              if context_length and context_length > model.num_ctx else
              "raise num_ctx in [model], or use a model with a longer context")
    if not prompt.fits:
        return Check("prompt budget", Status.ERROR, detail + ": it does not fit", larger)
    if prompt.left_out:
        return Check("prompt budget", Status.WARNING,
                     f"{detail}; {len(prompt.left_out)} item(s) of schema left out", larger)
    return Check("prompt budget", Status.OK, detail)
