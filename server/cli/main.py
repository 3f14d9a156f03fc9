"""The ``vgpt2`` command line.

``vgpt2 lsp`` starts the language server without importing the CLI framework
(typer, rich) first; every other command builds the typer application.
"""

from __future__ import annotations

import functools
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer


@functools.cache
def build_app() -> typer.Typer:
    import typer
    from vgpt2.server.cli import (
        ask_commands,
        catalog_commands,
        check_commands,
        server_commands,
    )

    application = typer.Typer(
        name="vgpt2",
        help="Schema-grounded SQL assistant for Viewpoint Vista.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )
    application.add_typer(catalog_commands.app, name="catalog")
    check_commands.register(application)
    server_commands.register(application)
    ask_commands.register(application)
    return application


def __getattr__(name: str) -> Any:
    if name == "app":
        return build_app()
    raise AttributeError(name)


def run() -> None:
    """The console script."""
    arguments = sys.argv[1:]
    if arguments[:1] == ["lsp"] and not {"-h", "--help"} & set(arguments):
        from vgpt2.server.cli.lsp_launch import launch_from_arguments

        raise SystemExit(launch_from_arguments(arguments[1:]))
    build_app()()


if __name__ == "__main__":
    run()
