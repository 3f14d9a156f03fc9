"""``vgpt2 check`` and ``vgpt2 fix``: the analyzer over SQL files, for people, CI and pre-commit.

Exit codes: 0 clean, 1 findings (``check``) or files left unfixed because they
changed meanwhile (``fix``; with ``--diff``: fixes to show), 2 usage, catalog
or configuration errors and files that could not be read.
"""

from __future__ import annotations

import difflib
import json
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from importlib import metadata
from pathlib import Path
from typing import Annotated

import typer
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.analyzer import RuleSettings, analyze
from vgpt2.server.analysis.fixing import BinaryFileError, SourceText, decode_source, fix_text
from vgpt2.server.analysis.report import (
    FileReport,
    Problem,
    render_text,
    to_json,
    to_sarif,
)
from vgpt2.server.analysis.rules import parse_codes
from vgpt2.server.cli.catalog_commands import CatalogOption, load_catalog
from vgpt2.server.config import ConfigError, Settings, load_settings

SQL_SUFFIX = ".sql"


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
        raise _fail(str(error)) from None


def collect_files(paths: list[Path]) -> list[Path]:
    """Files named as given; folders searched recursively for *.sql, sorted, hidden ones skipped.

    A path that does not exist is a usage error (exit 2) before anything is checked.
    """
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise _fail("no such file or folder: " + ", ".join(str(p) for p in missing))
    files: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        found = [path] if not path.is_dir() else sorted(
            f for f in path.rglob("*")
            if f.suffix.lower() == SQL_SUFFIX and f.is_file()
            and not any(part.startswith(".") for part in f.relative_to(path).parts))
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files


def display_path(path: Path) -> str:
    """Relative to the working folder when inside it (as ruff shows paths), else as given."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


@dataclass(frozen=True, slots=True)
class ReadFile:
    path: Path
    shown: str
    data: bytes
    source: SourceText
    mtime_ns: int
    size: int


def read_sql(path: Path) -> ReadFile | Problem:
    """Bytes -> text (UTF-8, UTF-16 with BOM, Windows-1252); a Problem instead of an exception."""
    shown = display_path(path)
    try:
        info = path.stat()
        data = path.read_bytes()
    except OSError as error:
        return Problem(shown, f"{shown}: cannot read: {error.strerror or error}")
    try:
        source = decode_source(data)
    except BinaryFileError as error:
        return Problem(shown, f"{shown}: {error}")
    return ReadFile(path, shown, data, source, info.st_mtime_ns, info.st_size)


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


def check(
    paths: PathsArgument,
    catalog: CatalogOption = None,
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")]
    = CheckFormat.TEXT,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
) -> None:
    """Check SQL files against the catalog (exit 0 clean, 1 findings, 2 errors)."""
    selected, ignored = _codes("--select", select), _codes("--ignore", ignore)
    settings = _settings()
    files = collect_files(paths)
    opened = load_catalog(catalog)
    rules = settings.rule_settings(selected, ignored)
    reports: list[FileReport] = []
    problems: list[Problem] = []
    for path in files:
        read = read_sql(path)
        if isinstance(read, Problem):
            problems.append(read)
            typer.echo(f"error: {read.message}", err=True)
            continue
        reports.append(FileReport(read.shown, read.source.text,
                                  analyze(read.source.text, opened, rules)))
    if not files:
        typer.echo("warning: no SQL files found under the given paths", err=True)
    if format is CheckFormat.JSON:
        write(json.dumps(to_json(reports), indent=2) + "\n")
    elif format is CheckFormat.SARIF:
        write(json.dumps(to_sarif(reports, problems, _version()), indent=2) + "\n")
    else:
        write(render_text(reports, problems))
    if problems:
        raise typer.Exit(2)
    if any(r.findings for r in reports):
        raise typer.Exit(1)


def fix(
    paths: PathsArgument,
    diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff; write nothing.")]
    = False,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    catalog: CatalogOption = None,
) -> None:
    """Apply the safe fixes (NOLOCK, name case, base table -> view, join key) in place."""
    selected, ignored = _codes("--select", select), _codes("--ignore", ignore)
    settings = _settings()
    files = collect_files(paths)
    opened = load_catalog(catalog)
    rules = settings.rule_settings(None, ignored)
    unreadable = failed = fixed_files = fixed = remaining = 0
    for path in files:
        read = read_sql(path)
        if isinstance(read, Problem):
            unreadable += 1
            typer.echo(f"error: {read.message}", err=True)
            continue
        outcome = _fix_one(read, opened, rules, selected, diff)
        if outcome is None:
            failed += 1
            continue
        applied, left = outcome
        remaining += left
        if applied:
            fixed_files += 1
            fixed += applied
    if not files:
        typer.echo("warning: no SQL files found under the given paths", err=True)
    _fix_summary(diff, fixed, fixed_files, remaining, len(files))
    if unreadable:
        raise typer.Exit(2)
    if failed or (diff and fixed):
        raise typer.Exit(1)


def _fix_one(read: ReadFile, catalog: Catalog, rules: RuleSettings,
             select: set[str] | None, diff: bool) -> tuple[int, int] | None:
    """(fixes applied, findings left) for one file; None when it could not be written."""
    result = fix_text(read.source.text, catalog, rules, select)
    if result.text == read.source.text:
        return 0, len(result.remaining)
    if diff:
        write(unified_diff(read.source.text, result.text, read.shown))
        return result.applied, len(result.remaining)
    try:
        data = read.source.encode(result.text)
    except UnicodeEncodeError as error:
        typer.echo(f"error: {read.shown}: the fixed text does not fit the file's encoding "
                   f"{read.source.encoding}: {error.reason}", err=True)
        return None
    try:
        changed = write_if_unchanged(read, data)
    except OSError as error:
        typer.echo(f"error: {read.shown}: cannot write: {error.strerror or error}", err=True)
        return None
    if changed:
        typer.echo(f"error: {read.shown} changed on disk while it was being fixed; left as it "
                   "is (run `vgpt2 fix` again)", err=True)
        return None
    noun = "fix" if result.applied == 1 else "fixes"
    typer.echo(f"{read.shown}: applied {result.applied} {noun}")
    return result.applied, len(result.remaining)


def _fix_summary(diff: bool, fixed: int, files: int, remaining: int, checked: int) -> None:
    plural = "" if fixed == 1 else "es"
    where = f"{files} file{'s' if files != 1 else ''}"
    left = (f"; {remaining} finding{'s' if remaining != 1 else ''} left for `vgpt2 check`"
            if remaining else "")
    if not fixed:
        message = f"Nothing to fix in {checked} file{'s' if checked != 1 else ''}{left}."
    elif diff:
        message = f"Would apply {fixed} fix{plural} in {where}{left}."
    else:
        message = f"Applied {fixed} fix{plural} in {where}{left}."
    typer.echo(message, err=diff)


def unified_diff(old: str, new: str, name: str) -> str:
    """A unified diff git and patch -p1 accept, with ``a/`` and ``b/`` file names."""
    label = name.replace("\\", "/")
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 fromfile=f"a/{label}", tofile=f"b/{label}")
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def write_if_unchanged(read: ReadFile, data: bytes) -> bool:
    """Atomically replace the file with ``data`` unless it changed since ``read``.

    Returns True (and writes nothing) when it changed: another size, modification
    time or content. The new content goes to a temporary file in the same folder,
    which then replaces the original (``os.replace``); permissions are kept and a
    symbolic link keeps pointing at the file it named.
    """
    target = read.path.resolve()
    current = target.stat()
    if (current.st_mtime_ns, current.st_size) != (read.mtime_ns, read.size) \
            or target.read_bytes() != read.data:
        return True
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                         suffix=".vgpt2-tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, stat.S_IMODE(current.st_mode))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return False


def register(app: typer.Typer) -> None:
    app.command("check")(check)
    app.command("fix")(fix)
