"""Compile sources into a catalog file: only when they changed, and never half-written.

The output is written to a temporary file beside the target and renamed over
it, so a crash, a full disk or a bad source leaves the previous catalog intact.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from vgpt2.catalog.builder import SchemaData, merge_results
from vgpt2.catalog.catalog import COMPILED_SUFFIX, Catalog, CatalogError, looks_compiled
from vgpt2.catalog.importers import import_source, sample_catalog_path
from vgpt2.catalog.importers.knowledge import bundled_knowledge_path
from vgpt2.catalog.model import ImportIssue, ImportResult, ObjectType, UserType
from vgpt2.catalog.store import FORMAT_VERSION, encode_import_issues, write_schema

_SOURCE_SUFFIXES = (".json", ".sql", ".toml")


@dataclass(slots=True)
class BuildReport:
    output: Path | None
    rebuilt: bool
    issues: list[ImportIssue] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    notices: list[str] = field(default_factory=list)
    """Warnings about the build itself (an odd output name), not about the sources."""

    @property
    def usable(self) -> bool:
        return bool(self.stats.get("tables") or self.stats.get("views"))

    @property
    def errors(self) -> list[ImportIssue]:
        """Problems that lost part of a source (an unreadable file, JSON cut short)."""
        return [i for i in self.issues if i.severity == "error"]


class BuildError(Exception):
    def __init__(self, message: str, issues: list[ImportIssue]) -> None:
        super().__init__(message)
        self.issues = issues


class OutputError(BuildError):
    """``--output`` names something a catalog cannot be written to; nothing was read."""

    def __init__(self, message: str) -> None:
        super().__init__(message, [])


class BuildRefused(BuildError):
    """The new build looks worse than the catalog already there, which is kept as it was."""

    def __init__(self, reason: str, flag: str, issues: list[ImportIssue], kept: Path) -> None:
        super().__init__(f"{reason}; kept the existing {kept} (fix the sources, or pass "
                         f"{flag} to replace it anyway)", issues)
        self.reason = reason
        """What is wrong with the new build, without the command-line remedy."""
        self.flag = flag
        """The ``catalog build`` option that accepts this build anyway."""
        self.kept = kept


PARTIAL_ACCEPTED_KEY = "partial_accepted"
"""Meta key, present when the user accepted import errors (``--allow-partial``)."""

SHRINK_LIMIT = 0.75
"""A rebuild keeping less than this share of any count the previous build had is refused."""
SHRINK_MINIMUM = 10
"""Counts below this are too small to call a drop a collapse."""


def source_files(source: Path) -> list[Path]:
    """The files whose content decides whether a source changed."""
    if source.is_file():
        return [source]
    if source.is_dir():
        return sorted(p for p in source.rglob("*")
                      if p.is_file() and p.suffix.lower() in _SOURCE_SUFFIXES)
    return []


def fingerprint(sources: list[Path], bundled_knowledge: bool = True) -> str:
    """A hash of everything that shapes the compiled file: source contents and vgpt2's own data."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"format={FORMAT_VERSION}".encode())
    inputs = [*sources]
    if bundled_knowledge:
        inputs.insert(0, bundled_knowledge_path())
    for source in inputs:
        digest.update(b"\0source\0" + str(source.resolve()).encode())
        for path in source_files(source):
            digest.update(b"\0file\0" + path.relative_to(source).as_posix().encode()
                          if path != source else b"\0file\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def import_all(sources: list[Path], bundled_knowledge: bool = True) -> SchemaData:
    results: list[ImportResult] = []
    if bundled_knowledge:
        results.append(import_source(bundled_knowledge_path()))
    types: dict[str, UserType] = {}
    for source in sources:
        result = import_source(source, types)
        types.update(result.types)
        results.append(result)
    return merge_results(results)


def compile_to(data: SchemaData, output: Path, meta: dict[str, str]) -> None:
    """Write ``data`` to ``output`` atomically (temp file in the same folder, then rename).

    The temporary file is created fresh (never through a link already there) with
    mode 0666 less the umask, so a catalog for a team share is as readable as any
    other file the user writes.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    temp = _create_temp(output)
    try:
        connection = sqlite3.connect(temp)
        try:
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            with connection:
                write_schema(connection, data, meta)
            connection.execute("VACUUM")
        finally:
            connection.close()
        os.replace(temp, output)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def _create_temp(output: Path) -> Path:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        temp = output.parent / f".{output.name}.{secrets.token_hex(6)}.tmp"
        try:
            os.close(os.open(temp, flags, 0o666))
        except FileExistsError:
            continue
        return temp
    raise FileExistsError(f"{output.parent}: cannot create a temporary file")


def compile_in_memory(data: SchemaData, meta: dict[str, str] | None = None) -> Catalog:
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    with connection:
        write_schema(connection, data, {**encode_import_issues(data.issues), **(meta or {})})
    return Catalog(connection)


def check_output(output: Path) -> list[str]:
    """Refuse an ``--output`` that cannot take a catalog, before any source is read.

    Returns warnings (an unusual name); raises :class:`OutputError` for a folder or
    for an existing file that is not a catalog (overwriting it would lose it).
    """
    if output.is_dir():
        raise OutputError(f"{output} is a folder; --output names the catalog file to write, "
                          f"for example {output / ('vista' + COMPILED_SUFFIX)}")
    if output.exists() and not output.is_file():
        raise OutputError(f"{output} exists and is not a regular file")
    if output.is_file() and output.stat().st_size and not looks_compiled(output):
        raise OutputError(f"{output} exists and is not a compiled vgpt2 catalog; not "
                          "overwriting it (choose another --output or remove it)")
    if output.suffix.lower() != COMPILED_SUFFIX:
        return [f"{output}: compiled catalogs are usually named *{COMPILED_SUFFIX}; this one "
                "is still read as a catalog (by its content)"]
    return []


def schema_stats(data: SchemaData) -> dict[str, int]:
    """What :meth:`Catalog.stats` will say about ``data`` once compiled."""
    counts = {t: 0 for t in ObjectType}
    for obj in data.objects.values():
        counts[obj.type] += 1
    return {
        "tables": counts[ObjectType.TABLE],
        "views": counts[ObjectType.VIEW],
        "procedures": counts[ObjectType.PROCEDURE],
        "functions": counts[ObjectType.FUNCTION],
        "columns": sum(len(o.columns) for o in data.objects.values()),
        "relationships": len(data.relationships),
    }


def collapsed(previous: dict[str, int], new: dict[str, int]) -> list[str]:
    """The counts that fell below :data:`SHRINK_LIMIT` of the previous build, as text."""
    return [f"{name} {before:,} -> {new.get(name, 0):,}"
            for name, before in previous.items()
            if before >= SHRINK_MINIMUM and new.get(name, 0) < before * SHRINK_LIMIT]


def _previous(output: Path, verified_in: Path | None) -> Catalog | None:
    """The catalog already at ``output`` when it is a good one (a damaged one may go)."""
    if not output.is_file():
        return None
    try:
        return Catalog.open(output, verified_in=verified_in)
    except CatalogError:
        return None


def build_catalog(sources: list[Path], output: Path, *, force: bool = False,
                  bundled_knowledge: bool = True, allow_partial: bool = False,
                  allow_shrink: bool = False, verified_in: Path | None = None) -> BuildReport:
    """Compile ``sources`` (later ones win) into ``output``, skipping when nothing changed.

    Raises :class:`BuildError` when nothing usable was imported, and
    :class:`BuildRefused` when a good catalog is already at ``output`` and the new
    one had import errors (unless ``allow_partial``) or lost much of a count
    (unless ``allow_shrink``); ``output`` is then left as it was. A build with
    errors and nothing to replace is written, and its report's ``errors`` say so.
    Every build records its import errors and warnings in the file's meta.
    ``verified_in``: see :meth:`Catalog.open` (the catalog already at ``output``).
    """
    started = time.perf_counter()
    notices = check_output(output)
    stamp = fingerprint(sources, bundled_knowledge)
    previous = _previous(output, verified_in)
    if previous is not None:
        try:
            if not force and previous.meta.get("fingerprint") == stamp:
                recorded, _ = previous.import_problems()
                return BuildReport(output, rebuilt=False, issues=recorded,
                                   stats=previous.stats(), notices=notices,
                                   seconds=time.perf_counter() - started)
            previous_stats = previous.stats()
        except CatalogError:
            previous_stats = None
        finally:
            previous.close()
    else:
        previous_stats = None
    data = import_all(sources, bundled_knowledge)
    if not any(o.type.value in ("table", "view") for o in data.objects.values()):
        raise BuildError("no tables or views were imported from "
                         + ", ".join(str(s) for s in sources), data.issues)
    errors = [i for i in data.issues if i.severity == "error"]
    stats = schema_stats(data)
    if previous_stats is not None:
        if errors and not allow_partial:
            noun = "error" if len(errors) == 1 else "errors"
            raise BuildRefused(
                f"the sources had {len(errors):,} import {noun}", "--allow-partial",
                data.issues, output)
        lost = collapsed(previous_stats, stats)
        if lost and not allow_shrink:
            raise BuildRefused(
                f"the new build is much smaller than the previous one ({'; '.join(lost)})",
                "--allow-shrink", data.issues, output)
    compile_to(data, output, {
        "fingerprint": stamp,
        "sources": "\n".join(str(s.resolve()) for s in sources),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        **encode_import_issues(data.issues),
        **({PARTIAL_ACCEPTED_KEY: "yes"} if errors and allow_partial else {}),
    })
    catalog = Catalog.open(output, verified_in=verified_in)
    try:
        stats = catalog.stats()
    finally:
        catalog.close()
    return BuildReport(output, rebuilt=True, issues=data.issues, stats=stats, notices=notices,
                       seconds=time.perf_counter() - started)


def is_stale(catalog: Catalog) -> bool | None:
    """Whether the catalog's recorded sources changed since it was built (None: unknown)."""
    recorded = catalog.meta.get("sources")
    if recorded is None or "fingerprint" not in catalog.meta:
        return None
    sources = [Path(s) for s in recorded.splitlines() if s]
    if not all(s.exists() for s in sources):
        return None
    return fingerprint(sources) != catalog.meta["fingerprint"]


def open_sample_catalog(cache_dir: Path | None, *, copy: bool = False,
                        full_check: bool = False) -> Catalog:
    """The bundled sample, compiled once into ``cache_dir`` (or into memory if unwritable);
    ``full_check``: see :meth:`Catalog.open`."""
    sources = [sample_catalog_path()]
    if cache_dir is not None:
        output = cache_dir / f"sample-{fingerprint(sources)[:16]}{COMPILED_SUFFIX}"
        with contextlib.suppress(OSError, BuildError, CatalogError):
            build_catalog(sources, output, allow_partial=True, allow_shrink=True,
                          verified_in=cache_dir)
            return Catalog.open(output, copy=copy, verified_in=cache_dir,
                                full_check=full_check)
    return compile_in_memory(import_all(sources))


def cache_output(paths: list[Path], cache_dir: Path) -> Path:
    """Where configured sources are compiled: one file per list of sources."""
    key = hashlib.blake2b("\n".join(str(p.resolve()) for p in paths).encode(),
                          digest_size=8).hexdigest()
    return cache_dir / f"catalog-{key}{COMPILED_SUFFIX}"


def open_catalog(paths: list[Path], cache_dir: Path | None, *, copy: bool = False,
                 full_check: bool = False) -> Catalog:
    """Open what a user or config names: a compiled file, or sources compiled into the cache.

    No paths means the bundled sample. A compiled file is recognised by its
    content, whatever its name. Sources are rebuilt only when they changed; a
    rebuild that failed or was refused leaves the last good build in the cache in
    use, with a notice on the catalog saying why. ``copy`` and ``full_check`` (the quick
    check of the catalog returned, whatever the cache's record says): see
    :meth:`Catalog.open`.
    """
    if not paths:
        return open_sample_catalog(cache_dir, copy=copy, full_check=full_check)
    if len(paths) == 1 and looks_compiled(paths[0]):
        catalog = Catalog.open(paths[0], copy=copy, verified_in=cache_dir,
                               full_check=full_check)
        if paths[0].suffix.lower() != COMPILED_SUFFIX:
            catalog.notices.append(f"{paths[0]}: read as a compiled catalog by its content; "
                                   f"such files are usually named *{COMPILED_SUFFIX}")
        return catalog
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise CatalogError(", ".join(str(p) for p in missing) + ": no such catalog source")
    if cache_dir is None:
        return compile_in_memory(import_all(paths))
    output = cache_output(paths, cache_dir)
    try:
        report = build_catalog(paths, output, verified_in=cache_dir)
    except OutputError as error:
        raise CatalogError(str(error)) from None
    except BuildError as error:
        last = _last_good(output, copy, cache_dir, full_check)
        if last is None:
            raise CatalogError(_with_first_errors(str(error), error.issues)) from None
        reason = error.reason if isinstance(error, BuildRefused) else str(error)
        last.fallback = _with_first_errors(
            f"last rebuild failed, still using the previous one (the last good build of "
            f"{', '.join(map(str, paths))}, from {last.meta.get('built_at', 'earlier')}): "
            f"{reason}", error.issues)
        if isinstance(error, BuildRefused):  # a smaller export can be meant: say how to accept
            last.fallback += (f"; to use the new build anyway, fix the sources or run "
                              f"`vgpt2 catalog build {_command_line(paths)} --output "
                              f"{_command_line([output])} {error.flag}`")
        last.notices.append(last.fallback)
        return last
    catalog = Catalog.open(output, copy=copy, verified_in=cache_dir, full_check=full_check)
    if report.errors:
        catalog.notices.append(_with_first_errors(
            f"built with {len(report.errors):,} import error"
            f"{'s' if len(report.errors) != 1 else ''}", report.errors))
    return catalog


def _command_line(paths: list[Path]) -> str:
    return " ".join(f'"{p}"' if " " in str(p) else str(p) for p in paths)


def _last_good(output: Path, copy: bool, cache_dir: Path, full_check: bool) -> Catalog | None:
    try:
        if not output.is_file():
            return None
        return Catalog.open(output, copy=copy, verified_in=cache_dir, full_check=full_check)
    except CatalogError:
        return None


def _with_first_errors(message: str, issues: list[ImportIssue], limit: int = 3) -> str:
    errors = [i for i in issues if i.severity == "error"][:limit]
    return message + "".join(f"; {issue}" for issue in errors)
