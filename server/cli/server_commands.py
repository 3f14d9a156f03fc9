"""``vgpt2 lsp`` and ``vgpt2 doctor``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from vgpt2.server.cli.lsp_launch import launch
from vgpt2.server.doctor import diagnose


def register(app: typer.Typer) -> None:
    app.command("lsp")(lsp)
    app.command("doctor")(doctor)


def lsp(
    stdio: Annotated[bool, typer.Option("--stdio", help="Talk over stdin/stdout (the default; "
                                        "accepted because VS Code's client appends it).")]
    = False,
    tcp: Annotated[bool, typer.Option("--tcp", help="Listen on TCP instead, for debugging.")]
    = False,
    host: Annotated[str, typer.Option(help="TCP host: loopback only.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 2087,
    catalog: Annotated[list[Path] | None, typer.Option(
        "--catalog", help="A compiled catalog or its sources (repeatable); wins over the "
        "editor's settings and vgpt2.toml.")] = None,
) -> None:
    """Run the language server (diagnostics, completion, hover, quick fixes) for any editor."""
    status = launch(stdio=stdio, tcp=tcp, host=host, port=port, catalog=catalog)
    if status:
        raise typer.Exit(status)


def doctor(
    format: Annotated[str, typer.Option("--format", "-f", help="text or json")] = "text",
) -> None:
    """Show the settings vgpt2 resolves, the catalog it loads, and what to fix."""
    report = diagnose()
    if format == "json":
        print(json.dumps(report.as_dict(), indent=2))
    else:
        sys.stdout.write(report.as_text() + "\n")
    if not report.ok:
        raise typer.Exit(1)
