"""``vgpt2 check`` and ``vgpt2 fix``: the analyzer over SQL files, for people, CI and pre-commit.

Exit codes: 0 clean, 1 findings (``check``) or files left unfixed (``fix``: changed
meanwhile, read-only, or another owner's; with ``--diff``: fixes to show), 2
usage, catalog or configuration errors and files that could not be checked
(unreadable, binary, not a regular file).

Results are written file by file and each file's text is let go once it is
done, so a run over many files holds one file at a time; a long run shows its
progress on stderr (:mod:`vgpt2.server.cli.progress`).
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from importlib import metadata
from pathlib import Path
from typing import Annotated, Any

import typer
from vgpt2.catalog.catalog import Catalog, CatalogError
from vgpt2.server.analysis.analyzer import RuleSettings, analyze
from vgpt2.server.analysis.fixing import fix_text
from vgpt2.server.analysis.report import (
    FileReport,
    Problem,
    ProblemKind,
    Tally,
    count,
    finding_json,
    sarif_log,
    sarif_results,
    text_lines,
)
from vgpt2.server.analysis.rules import parse_codes
from vgpt2.server.cli.catalog_commands import CatalogOption, load_catalog
from vgpt2.server.cli.diffs import patch_base, patch_path, unified_diff
from vgpt2.server.cli.progress import Reporter, file_sizes, reporting, warn_if_large
from vgpt2.server.cli.sql_files import (
    ReadFile,
    UsageError,
    WriteOutcome,
    collect_files,
    display_path,
    read_sql,
    write_if_unchanged,
)
from vgpt2.server.config import ConfigError, Settings, load_settings


class CheckFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"


PathsArgument = Annotated[
    list[Path],
    typer.Argument(help="SQL files, or folders to search for *.sql (hidden folders skipped).",
                   show_default=False),
]
SelectOption = Annotated[
    list[str] | None,
    typer.Option("--select", help="Only these rule codes, comma-separated (VG004,VG005); "
                 "may be repeated."),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option("--ignore", help="Skip these rule codes, comma-separated; may be repeated."),
]
ProgressOption = Annotated[
    bool | None,
    typer.Option("--progress/--no-progress", help="Show progress on stderr (default: for "
                 "long runs on a terminal).", show_default=False),
]


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _codes(option: str, values: list[str] | None) -> set[str] | None:
    try:
        return parse_codes(",".join(values or ())) or None
    except ValueError as error:
        raise _fail(f"{option}: {error}") from None


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as error:
        for problem in error.problems:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(2) from None


def _files(paths: list[Path]) -> list[Path]:
    try:
        return collect_files(paths)
    except UsageError as error:
        raise _fail(str(error)) from None


def _report_problem(problem: Problem) -> None:
    level = "error" if problem.kind is ProblemKind.UNREADABLE else "warning"
    typer.echo(f"{level}: {problem.message}", err=True)


def write(text: str) -> None:
    """To stdout; characters its encoding lacks (a Windows console) are escaped, not fatal."""
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:
        encoding = sys.stdout.encoding or "ascii"
        sys.stdout.write(text.encode(encoding, "backslashreplace").decode(encoding))


def _version() -> str | None:
    try:
        return metadata.version("vgpt2")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return None


class _Output:
    """Where each file's findings go as soon as it is checked: text lines are written at
    once; JSON and SARIF keep only their own small records until the end."""

    def __init__(self, format: CheckFormat) -> None:
        self.format = format
        self.records: list[dict[str, Any]] = []

    def add(self, report: FileReport) -> None:
        if self.format is CheckFormat.TEXT:
            lines = text_lines([report])
            if lines:
                write("\n".join(lines) + "\n")
        elif self.format is CheckFormat.JSON:
            self.records.extend(finding_json(report, f) for f in report.findings)
        else:
            self.records.extend(sarif_results(report))

    def finish(self, tally: Tally, problems: list[Problem]) -> None:
        if self.format is CheckFormat.JSON:
            write(json.dumps(self.records, indent=2) + "\n")
        elif self.format is CheckFormat.SARIF:
            log = sarif_log(self.records, problems, _version(), base=os.getcwd())
            write(json.dumps(log, indent=2) + "\n")
        else:
            write(tally.summary(problems) + "\n")


def check(
    paths: PathsArgument,
    catalog: CatalogOption = None,
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")]
    = CheckFormat.TEXT,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    progress: ProgressOption = None,
) -> None:
    """Check SQL files against the catalog (exit 0 clean, 1 findings, 2 errors)."""
    selected, ignored = _codes("--select", select), _codes("--ignore", ignore)
    settings = _settings()
    files = _files(paths)
    opened = load_catalog(catalog)
    rules = settings.rule_settings(selected, ignored)
    output = _Output(format)
    tally = Tally()
    problems: list[Problem] = []
    sizes = file_sizes(files)
    with reporting("checking", files, sizes, progress) as reporter:
        for path, size in zip(files, sizes, strict=True):
            reporter.start(display_path(path), size)
            read = read_sql(path)
            if isinstance(read, Problem):
                problems.append(read)
                _report_problem(read)
            else:
                warn_if_large(read.shown, len(read.data))
                try:
                    findings = analyze(read.source.text, opened, rules)
                except CatalogError as error:  # never "All checks passed" on a bad catalog
                    raise _fail(str(error)) from None
                report = FileReport(read.shown, read.source.text, findings)
                tally.add(report)
                output.add(report)
                del read, report  # a big file's text: let it go before the next one
            reporter.done(size)
    if not files:
        typer.echo("warning: no SQL files found under the given paths", err=True)
    output.finish(tally, problems)
    if problems:
        raise typer.Exit(2)
    if tally.findings:
        raise typer.Exit(1)


class _FixRun:
    """What one ``vgpt2 fix`` run did, for its summary and exit code."""

    def __init__(self) -> None:
        self.unreadable = self.failed = self.fixed_files = self.fixed = self.remaining = 0


def fix(
    paths: PathsArgument,
    diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff (for git apply "
                                       "or patch -p1); write nothing.")] = False,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    catalog: CatalogOption = None,
    force: Annotated[bool, typer.Option("--force", help="Also rewrite read-only files and "
                                        "files a rewrite would give another owner.")]
    = False,
    progress: ProgressOption = None,
) -> None:
    """Apply the safe fixes (NOLOCK, name case, base table -> view, join key) in place.

    Each file is replaced atomically, keeping its mode and owner, and only if it still
    holds what was read: checked again just before the rename. A write by another
    program in the microseconds between that check and the rename would still be lost,
    as with any editor's save.
    """
    selected, ignored = _codes("--select", select), _codes("--ignore", ignore)
    settings = _settings()
    files = _files(paths)
    opened = load_catalog(catalog)
    rules = settings.rule_settings(None, ignored)
    run = _FixRun()
    sizes = file_sizes(files)
    base = patch_base(files) if diff else None
    if base is not None and base != Path(os.path.abspath(Path.cwd())):
        typer.echo(f"note: the diff's file names are relative to {base}; apply it there",
                   err=True)
    with reporting("fixing", files, sizes, progress) as reporter:
        for path, size in zip(files, sizes, strict=True):
            reporter.start(display_path(path), size)
            read = read_sql(path)
            if isinstance(read, Problem):
                run.unreadable += 1
                _report_problem(read)
            else:
                warn_if_large(read.shown, len(read.data))
                try:
                    outcome = _fix_one(read, opened, rules, selected, base, force, reporter)
                except CatalogError as error:
                    raise _fail(str(error)) from None
                if outcome is None:
                    run.failed += 1
                else:
                    applied, left = outcome
                    run.remaining += left
                    if applied:
                        run.fixed_files += 1
                        run.fixed += applied
                del read
            reporter.done(size)
    if not files:
        typer.echo("warning: no SQL files found under the given paths", err=True)
    _fix_summary(diff, run.fixed, run.fixed_files, run.remaining, len(files))
    if run.unreadable:
        raise typer.Exit(2)
    if run.failed or (diff and run.fixed):
        raise typer.Exit(1)


_REFUSED = {
    WriteOutcome.CHANGED: "changed on disk while it was being fixed; left as it is (run "
                          "`vgpt2 fix` again)",
    WriteOutcome.READ_ONLY: "is read-only; not fixed (use --force to fix it anyway)",
    WriteOutcome.OWNER: "belongs to another user and a rewrite would change its owner; not "
                        "fixed (use --force to fix it anyway)",
    WriteOutcome.NOT_REGULAR: "is no longer a regular file; left as it is",
}


def _fix_one(read: ReadFile, catalog: Catalog, rules: RuleSettings, select: set[str] | None,
             diff: Path | None, force: bool, reporter: Reporter) -> tuple[int, int] | None:
    """(fixes applied, findings left) for one file; None when it could not be written.

    ``diff``: print a diff with names relative to this folder instead of writing.
    """
    base = diff
    result = fix_text(read.source.text, catalog, rules, select,
                      on_round=lambda number: reporter.note(f"analysis round {number}"))
    if result.text == read.source.text:
        return 0, len(result.remaining)
    if base is not None:
        header = patch_path(read.path, base)
        if header is None:
            typer.echo(f"warning: {read.shown} is outside {base}; its diff names it as "
                       "given, which git apply and patch refuse", err=True)
            header = read.shown.replace("\\", "/")
        write(unified_diff(read.source.text, result, header))
        return result.applied, len(result.remaining)
    try:
        data = read.source.encode(result.text)
    except UnicodeEncodeError as error:
        typer.echo(f"error: {read.shown}: the fixed text does not fit the file's encoding "
                   f"{read.source.encoding}: {error.reason}", err=True)
        return None
    try:
        written = write_if_unchanged(read, data, force=force)
    except OSError as error:
        typer.echo(f"error: {read.shown}: cannot write: {error.strerror or error}", err=True)
        return None
    if written is not WriteOutcome.WRITTEN:
        typer.echo(f"error: {read.shown} {_REFUSED[written]}", err=True)
        return None
    typer.echo(f"{read.shown}: applied {count(result.applied, 'fix', 'fixes')}")
    return result.applied, len(result.remaining)


def _fix_summary(diff: bool, fixed: int, files: int, remaining: int, checked: int) -> None:
    left = (f"; {count(remaining, 'finding')} left for `vgpt2 check`" if remaining else "")
    if not fixed:
        message = f"Nothing to fix in {count(checked, 'file')}{left}."
    elif diff:
        message = f"Would apply {count(fixed, 'fix', 'fixes')} in {count(files, 'file')}{left}."
    else:
        message = f"Applied {count(fixed, 'fix', 'fixes')} in {count(files, 'file')}{left}."
    typer.echo(message, err=diff)


def register(app: typer.Typer) -> None:
    app.command("check")(check)
    app.command("fix")(fix)
