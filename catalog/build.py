"""Compile sources into a catalog file: only when they changed, and never half-written.

The output is written to a temporary file beside the target and renamed over
it, so a crash, a full disk or a bad source leaves the previous catalog intact.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from vgpt2.catalog.builder import SchemaData, merge_results
from vgpt2.catalog.catalog import Catalog, CatalogError
from vgpt2.catalog.importers import import_source, sample_catalog_path
from vgpt2.catalog.importers.knowledge import bundled_knowledge_path
from vgpt2.catalog.model import ImportIssue, ImportResult, UserType
from vgpt2.catalog.store import FORMAT_VERSION, write_schema

_SOURCE_SUFFIXES = (".json", ".sql", ".toml")


@dataclass(slots=True)
class BuildReport:
    output: Path | None
    rebuilt: bool
    issues: list[ImportIssue] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def usable(self) -> bool:
        return bool(self.stats.get("tables") or self.stats.get("views"))


class BuildError(Exception):
    def __init__(self, message: str, issues: list[ImportIssue]) -> None:
        super().__init__(message)
        self.issues = issues


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
    """Write ``data`` to ``output`` atomically (temp file in the same folder, then rename)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp",
                                         dir=output.parent)
    os.close(handle)
    temp = Path(temp_name)
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


def compile_in_memory(data: SchemaData, meta: dict[str, str] | None = None) -> Catalog:
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    with connection:
        write_schema(connection, data, meta or {})
    return Catalog(connection)


def build_catalog(sources: list[Path], output: Path, *, force: bool = False,
                  bundled_knowledge: bool = True) -> BuildReport:
    """Compile ``sources`` (later ones win) into ``output``, skipping when nothing changed.

    Raises :class:`BuildError` when nothing usable was imported; the previous
    ``output`` is then left as it was.
    """
    started = time.perf_counter()
    stamp = fingerprint(sources, bundled_knowledge)
    if not force and output.is_file():
        with contextlib.suppress(CatalogError):
            existing = Catalog.open(output)
            try:
                if existing.meta.get("fingerprint") == stamp:
                    return BuildReport(output, rebuilt=False, stats=existing.stats(),
                                       seconds=time.perf_counter() - started)
            finally:
                existing.close()
    data = import_all(sources, bundled_knowledge)
    if not any(o.type.value in ("table", "view") for o in data.objects.values()):
        raise BuildError("no tables or views were imported from "
                         + ", ".join(str(s) for s in sources), data.issues)
    compile_to(data, output, {
        "fingerprint": stamp,
        "sources": "\n".join(str(s.resolve()) for s in sources),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    })
    catalog = Catalog.open(output)
    try:
        stats = catalog.stats()
    finally:
        catalog.close()
    return BuildReport(output, rebuilt=True, issues=data.issues, stats=stats,
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


def open_sample_catalog(cache_dir: Path | None) -> Catalog:
    """The bundled sample, compiled once into ``cache_dir`` (or into memory if unwritable)."""
    sources = [sample_catalog_path()]
    if cache_dir is not None:
        output = cache_dir / f"sample-{fingerprint(sources)[:16]}.vgpt2db"
        with contextlib.suppress(OSError):
            build_catalog(sources, output)
            return Catalog.open(output)
    return compile_in_memory(import_all(sources))


COMPILED_SUFFIX = ".vgpt2db"


def open_catalog(paths: list[Path], cache_dir: Path | None) -> Catalog:
    """Open what a user or config names: a compiled file, or sources compiled into the cache.

    No paths means the bundled sample. Sources are rebuilt only when they changed.
    """
    if not paths:
        return open_sample_catalog(cache_dir)
    if len(paths) == 1 and paths[0].suffix == COMPILED_SUFFIX:
        return Catalog.open(paths[0])
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise CatalogError(", ".join(str(p) for p in missing) + ": no such catalog source")
    if cache_dir is None:
        return compile_in_memory(import_all(paths))
    key = hashlib.blake2b("\n".join(str(p.resolve()) for p in paths).encode(),
                          digest_size=8).hexdigest()
    output = cache_dir / f"catalog-{key}{COMPILED_SUFFIX}"
    try:
        build_catalog(paths, output)
    except BuildError as error:
        raise CatalogError(str(error)) from None
    return Catalog.open(output)
