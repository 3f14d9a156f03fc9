"""Start the language server with as little as possible imported first: editors wait on it."""

from __future__ import annotations

import argparse
import sys

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def launch(stdio: bool = True, tcp: bool = False, host: str = "127.0.0.1",
           port: int = 2087) -> int:
    """Run the server; returns an exit status (2 when asked to listen beyond loopback)."""
    if tcp and host not in LOOPBACK:
        print(f"error: --host {host} is not a loopback address; vgpt2 listens only on "
              "127.0.0.1, localhost or ::1", file=sys.stderr)
        return 2
    from vgpt2.server.lsp.server import main

    main(tcp=tcp, host=host, port=port)
    return 0


def launch_from_arguments(arguments: list[str]) -> int:
    """``vgpt2 lsp`` parsed with argparse: the same options as the typer command."""
    parser = argparse.ArgumentParser(prog="vgpt2 lsp")
    parser.add_argument("--stdio", action="store_true",
                        help="stdin/stdout (the default; VS Code's client appends it)")
    parser.add_argument("--tcp", action="store_true", help="listen on TCP, for debugging")
    parser.add_argument("--host", default="127.0.0.1", help="loopback only")
    parser.add_argument("--port", type=int, default=2087)
    options = parser.parse_args(arguments)
    return launch(options.stdio, options.tcp, options.host, options.port)
