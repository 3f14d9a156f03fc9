"""Start the language server with as little as possible imported first: editors wait on it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def launch(stdio: bool = True, tcp: bool = False, host: str = "127.0.0.1",
           port: int = 2087, catalog: list[Path] | None = None) -> int:
    """Run the server; returns an exit status (2 when asked to listen beyond loopback or
    given a ``--catalog`` that does not exist).

    ``catalog``: compiled catalogs or sources, as in vgpt2.toml's ``catalog``; they win
    over the editor's settings and the config file."""
    if tcp and host not in LOOPBACK:
        print(f"error: --host {host} is not a loopback address; vgpt2 listens only on "
              "127.0.0.1, localhost or ::1", file=sys.stderr)
        return 2
    paths = [p.expanduser().absolute() for p in catalog or []]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"error: --catalog {', '.join(missing)}: no such file or folder", file=sys.stderr)
        return 2
    from vgpt2.server.lsp.server import main

    main(tcp=tcp, host=host, port=port, catalog=paths or None)
    return 0


def launch_from_arguments(arguments: list[str]) -> int:
    """``vgpt2 lsp`` parsed with argparse: the same options as the typer command."""
    parser = argparse.ArgumentParser(prog="vgpt2 lsp")
    parser.add_argument("--stdio", action="store_true",
                        help="stdin/stdout (the default; VS Code's client appends it)")
    parser.add_argument("--tcp", action="store_true", help="listen on TCP, for debugging")
    parser.add_argument("--host", default="127.0.0.1", help="loopback only")
    parser.add_argument("--port", type=int, default=2087)
    parser.add_argument("--catalog", type=Path, action="append", metavar="PATH",
                        help="a compiled catalog or its sources (repeatable); wins over the "
                        "editor's settings and vgpt2.toml")
    options = parser.parse_args(arguments)
    return launch(options.stdio, options.tcp, options.host, options.port, options.catalog)
