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

from vgpt2.catalog.build import is_stale, open_catalog
from vgpt2.catalog.catalog import COMPILED_SUFFIX, Catalog, CatalogError
from vgpt2.server.config import ConfigError, Settings, load_settings


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
        catalog = open_catalog(settings.catalog, settings.resolved_cache_dir())
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
    return [*checks, Check("catalog import", Status.WARNING, detail,
                           "parts of the sources were not read: fix them and rebuild "
                           "(`vgpt2 catalog build` lists every problem)")]
