"""The ``vgpt2`` command line."""

from __future__ import annotations

import typer
from vgpt2.server.cli import catalog_commands, check_commands, server_commands

app = typer.Typer(
    name="vgpt2",
    help="Schema-grounded SQL assistant for Viewpoint Vista.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(catalog_commands.app, name="catalog")
check_commands.register(app)
server_commands.register(app)


if __name__ == "__main__":
    app()
