"""Turn a source path into an :class:`ImportResult`, whatever kind of source it is.

A source is a metadata export folder (``columns.json`` and friends), a DDL
script folder or a single ``.sql`` script, or a knowledge pack (``.toml``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from vgpt2.catalog.catalog import has_sqlite_header
from vgpt2.catalog.model import ImportIssue, ImportResult, UserType


def import_source(path: Path, known_types: Mapping[str, UserType] | None = None) -> ImportResult:
    """Import one source; problems become issues on the result, never exceptions."""
    from vgpt2.catalog.importers.ddl import import_ddl
    from vgpt2.catalog.importers.knowledge import load_knowledge
    from vgpt2.catalog.importers.metadata import import_metadata_export, is_metadata_export

    if not path.exists():
        result = ImportResult(source=path)
        result.issues.append(_error(path, "source does not exist"))
        return result
    if path.is_file() and has_sqlite_header(path):
        result = ImportResult(source=path)
        result.issues.append(_error(
            path, "a compiled vgpt2 catalog, not a source: use it as it is (--catalog, or "
            "`catalog` in vgpt2.toml), or build from the export folder it was made from"))
        return result
    if path.is_file() and path.suffix.lower() == ".toml":
        return load_knowledge(path)
    if is_metadata_export(path):
        merged_types = dict(well_known_types())
        merged_types.update(known_types or {})
        return import_metadata_export(path, merged_types)
    if path.is_dir() or path.suffix.lower() == ".sql":
        return import_ddl(path)
    result = ImportResult(source=path)
    result.issues.append(_error(
        path, "not a catalog source: expected a metadata export folder (columns.json), "
        "a DDL script folder or .sql file, or a knowledge .toml file"))
    return result


def _error(path: Path, message: str) -> ImportIssue:
    return ImportIssue(path, None, message, severity="error")


def sample_catalog_path() -> Path:
    """The bundled sample catalog: core Vista objects, so vgpt2 works with zero setup."""
    return Path(str(resources.files("vgpt2.catalog.data").joinpath("sample_vista.sql")))


@functools.cache
def well_known_types() -> dict[str, UserType]:
    """Vista's common UDTs (from the bundled sample), for exports that carry no types.json."""
    from vgpt2.catalog.importers.ddl import import_ddl

    return dict(import_ddl(sample_catalog_path()).types)
