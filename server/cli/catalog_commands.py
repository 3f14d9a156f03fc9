"""``vgpt2 catalog ...``: build, inspect and search the schema catalog."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from vgpt2.catalog.build import (
    BuildError,
    OutputError,
    build_catalog,
    is_stale,
    open_catalog,
)
from vgpt2.catalog.catalog import Catalog, CatalogError
from vgpt2.catalog.export_query import bcp_commands, export_script
from vgpt2.catalog.model import CatalogObject, Column, ImportIssue
from vgpt2.catalog.search import search
from vgpt2.server.config import ConfigError, load_settings

app = typer.Typer(help="Build, inspect and search the Vista schema catalog.", no_args_is_help=True)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


CatalogOption = Annotated[
    Path | None,
    typer.Option("--catalog", "-c", help="Compiled catalog (.vgpt2db) or a source to compile. "
                 "Default: the configured catalog, else the bundled sample."),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


def load_catalog(path: Path | None) -> Catalog:
    """The catalog a command should use; exits with status 2 and a reason when there is none.

    Warnings about it (an odd file name, a rebuild that fell back to the last good
    build, import errors recorded at build time) go to stderr.
    """
    try:
        settings = load_settings()
        paths = [path] if path is not None else settings.catalog
        catalog = open_catalog(paths, settings.resolved_cache_dir())
        _, counts = catalog.import_problems()
    except (CatalogError, ConfigError) as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    except OSError as error:
        err.print(f"[red]error:[/red] cannot open the catalog: {error}")
        raise typer.Exit(2) from None
    for notice in catalog.notices:
        err.print(f"[yellow]warning:[/yellow] {notice}")
    if counts["error"]:
        err.print(f"[yellow]warning:[/yellow] {catalog.path or 'the catalog'} was built from "
                  f"sources with {counts['error']:,} import error(s); `vgpt2 doctor` lists them")
    return catalog


@contextlib.contextmanager
def reading_errors_exit() -> Iterator[None]:
    """A catalog that fails while being read (damaged after it was opened): exit 2, not a
    traceback under the "findings" exit code 1."""
    try:
        yield
    except CatalogError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def _print_issues(issues: list[ImportIssue], limit: int = 50) -> None:
    shown = [i for i in issues if i.severity != "info"]
    for issue in shown[:limit]:
        colour = "red" if issue.severity == "error" else "yellow"
        err.print(f"[{colour}]{issue.severity}[/{colour}] {issue.path}"
                  f"{':' + str(issue.line) if issue.line else ''}: {issue.message}")
    if len(shown) > limit:
        err.print(f"... and {len(shown) - limit:,} more warnings")
    infos = len(issues) - len(shown)
    if infos:
        err.print(f"{infos:,} informational notes (objects replaced by later sources and "
                  "similar)")


@app.command()
def build(
    sources: Annotated[list[Path], typer.Argument(help="Export folders, DDL folders or .sql "
                                                  "files, knowledge .toml files; later wins.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The compiled file to write.")],
    force: Annotated[bool, typer.Option(help="Rebuild even if the sources did not change.")]
    = False,
    allow_partial: Annotated[bool, typer.Option(
        "--allow-partial", help="Accept import errors (part of a source lost): replace an "
        "existing catalog anyway and exit 0.")] = False,
    allow_shrink: Annotated[bool, typer.Option(
        "--allow-shrink", help="Replace an existing catalog even when a count (tables, "
        "columns, ...) drops by more than a quarter.")] = False,
    format: FormatOption = OutputFormat.TEXT,
) -> None:
    """Compile sources into one catalog file (atomic; skipped when nothing changed).

    Exit 1 when the sources had import errors (an existing catalog is then kept
    unless --allow-partial) or the build shrank sharply (kept unless --allow-shrink).
    """
    try:
        report = build_catalog(sources, output, force=force, allow_partial=allow_partial,
                               allow_shrink=allow_shrink)
    except OutputError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    except BuildError as error:
        _print_issues(error.issues)
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from None
    except OSError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    for notice in report.notices:
        err.print(f"[yellow]warning:[/yellow] {notice}")
    # An unchanged build repeats only its recorded errors, not every warning each time.
    _print_issues(report.issues if report.rebuilt else report.errors)
    errors = len(report.errors)
    if format is OutputFormat.JSON:
        _print_json({"output": str(output), "rebuilt": report.rebuilt, "stats": report.stats,
                     "errors": errors,
                     "warnings": sum(i.severity == "warning" for i in report.issues),
                     "seconds": round(report.seconds, 3)})
    else:
        verb = "built" if report.rebuilt else "up to date:"
        counts = ", ".join(f"{v:,} {k}" for k, v in report.stats.items())
        out.print(f"{verb} {output} ({counts}) in {report.seconds:,.2f} s")
    if errors and not allow_partial:
        noun = "error" if errors == 1 else "errors"
        err.print(f"[red]error:[/red] the sources had {errors:,} import {noun} (listed above); "
                  f"{output} is incomplete and records them. Fix the sources, or pass "
                  "--allow-partial to accept it.")
        raise typer.Exit(1)


@app.command()
def stats(catalog: CatalogOption = None, format: FormatOption = OutputFormat.TEXT) -> None:
    """Count the catalog's tables, views, procedures, functions, columns and relationships."""
    opened = load_catalog(catalog)
    with reading_errors_exit():
        counts = opened.stats()
    if format is OutputFormat.JSON:
        _print_json(counts)
        return
    table = Table(title=str(opened.path or "bundled sample (in memory)"), show_header=False)
    for name, value in counts.items():
        table.add_row(name, f"{value:,}")
    out.print(table)
    _, problems = opened.import_problems()
    if problems["warning"] and not problems["error"]:
        err.print(f"{problems['warning']:,} import warnings were recorded at build time "
                  "(`vgpt2 doctor` lists them)")
    stale = is_stale(opened)
    if stale:
        err.print("[yellow]warning:[/yellow] the sources changed since this catalog was built; "
                  "run `vgpt2 catalog build` again")


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="Object name (any case).")],
    catalog: CatalogOption = None,
    format: FormatOption = OutputFormat.TEXT,
) -> None:
    """Describe one object: columns, key, relationships with their join conditions."""
    opened = load_catalog(catalog)
    matches = opened.lookup(name)
    if not matches:
        hits = search(opened, name, limit=5)
        hint = f" Did you mean: {', '.join(h.name for h in hits)}?" if hits else ""
        err.print(f"[red]error:[/red] no object named {name!r} in the catalog.{hint}")
        raise typer.Exit(1)
    with reading_errors_exit():
        obj = opened.get(matches[0].name)
        assert obj is not None
        details = _describe(opened, obj)
    if format is OutputFormat.JSON:
        _print_json(details)
        return
    _render(details)


def _describe(catalog: Catalog, obj: CatalogObject) -> dict[str, Any]:
    view = catalog.view_for(obj.name)
    key = obj.key
    relationships = catalog.relationships(obj.name)
    return {
        "name": obj.name,
        "schema": obj.schema,
        "type": obj.type.value,
        "module": obj.module,
        "module_name": catalog.modules().get(obj.module, ""),
        "description": obj.description,
        "use_instead": view,
        "base_tables": catalog.base_tables_of(obj.name),
        "key": list(key.columns) if key else [],
        "columns": [_column(catalog, obj.name, c) for c in obj.columns],
        "parameters": [{"name": p.name, "type": p.data_type} for p in obj.parameters],
        "synonyms": catalog.synonyms(obj.name),
        "relationships": [
            {"kind": r.kind.value, "object": r.to_object,
             "join": r.join_condition(), "name": r.name}
            for r in relationships
        ],
    }


def _column(catalog: Catalog, owner: str, column: Column) -> dict[str, Any]:
    described: dict[str, Any] = {
        "name": column.name, "type": column.data_type, "base_type": column.base_type,
        "display_type": column.type_display, "nullable": column.nullable,
        "description": column.description,
    }
    codes = catalog.status_codes(owner, column.name)
    if codes:
        described["status_codes"] = [{"code": s.code, "meaning": s.meaning, "source": s.source}
                                     for s in codes]
    return described


def _render(details: dict[str, Any]) -> None:
    module = ""
    if details["module"]:
        module = f" · {details['module']} {details['module_name']}".rstrip()
    out.print(f"[bold]{details['schema']}.{details['name']}[/bold] ({details['type']}{module})")
    if details["description"]:
        out.print(details["description"])
    if details["use_instead"]:
        out.print(f"[yellow]Base table: query the view [bold]{details['use_instead']}"
                  "[/bold] instead.[/yellow]")
    if details["base_tables"]:
        out.print(f"View over base table {', '.join(details['base_tables'])}.")
    if details["key"]:
        out.print(f"Key: {', '.join(details['key'])}")
    if details["synonyms"]:
        out.print(f"Also called: {', '.join(details['synonyms'])}")
    if details["columns"]:
        table = Table("column", "type", "null", "description")
        for c in details["columns"]:
            text = c["description"] or ""
            for code in c.get("status_codes", []):
                text += f"\n{code['code']} = {code['meaning']} [dim]({code['source']})[/dim]"
            table.add_row(c["name"], c["display_type"], "yes" if c["nullable"] else "no", text)
        out.print(table)
    if details["parameters"]:
        out.print("Parameters: " + ", ".join(f"{p['name']} {p['type']}"
                                              for p in details["parameters"]))
    if details["relationships"]:
        table = Table("related", "kind", "join condition")
        for r in details["relationships"][:40]:
            table.add_row(r["object"], r["kind"], r["join"])
        out.print(table)
        if len(details["relationships"]) > 40:
            out.print(f"... {len(details['relationships']) - 40} more (use --format json)")


@app.command("search")
def search_command(
    question: Annotated[str, typer.Argument(help="A plain-language question.")],
    catalog: CatalogOption = None,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 10,
    format: FormatOption = OutputFormat.TEXT,
) -> None:
    """Rank the objects that answer a question ("unpaid invoices by vendor")."""
    opened = load_catalog(catalog)
    hits = search(opened, question, limit=limit)
    if format is OutputFormat.JSON:
        _print_json([{"name": h.name, "type": h.type, "module": h.module, "score": h.score,
                      "description": h.description, "why": h.why} for h in hits])
        return
    if not hits:
        err.print("no matching objects")
        raise typer.Exit(1)
    table = Table("object", "type", "score", "description", "why")
    for hit in hits:
        table.add_row(hit.name, hit.type, f"{hit.score:.2f}", hit.description[:80], hit.why)
    out.print(table)


@app.command("export-query")
def export_query(
    bcp: Annotated[bool, typer.Option("--bcp", help="Print bcp command lines instead.")] = False,
    server: Annotated[str, typer.Option(help="SQL Server instance for --bcp.")] = "SERVER",
    database: Annotated[str, typer.Option(help="Vista database for --bcp.")] = "Viewpoint",
) -> None:
    """Print the read-only T-SQL that exports your own Vista schema for `catalog build`."""
    print(bcp_commands(server, database) if bcp else export_script())
