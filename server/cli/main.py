"""The ``vgpt2`` command line.

Start-up time is part of the interface (``vgpt2 --help`` and ``--version`` under
300 ms; see benchmarks/cli_bench.py), so nothing heavy is imported before a
command runs:

* ``vgpt2 lsp`` starts the language server without importing the CLI framework
  (typer, rich) at all;
* every other command builds a typer application whose commands are loaded
  lazily: :class:`LazyGroup` imports a command's module (the analyzer, the
  catalog, pydantic) only when that command runs or shows its own help. The
  top-level help lists the commands from :data:`COMMANDS`, whose one-line
  summaries a test keeps equal to the commands' own help;
* the top-level help is click's plain format: rich's help renderer alone costs
  more than the whole 300 ms budget on a small machine.
"""

from __future__ import annotations

import functools
import importlib
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer
    from typer import _click as click

PROGRAM = "vgpt2"


@dataclass(frozen=True, slots=True)
class CommandEntry:
    """Where a top-level command lives: ``module`` has ``register(app)``, or for a group an
    ``app`` attribute added under the command's name."""

    module: str
    summary: str
    group: bool = False


COMMANDS: dict[str, CommandEntry] = {
    "catalog": CommandEntry("vgpt2.server.cli.catalog_commands",
                            "Build, inspect and search the Vista schema catalog.", group=True),
    "check": CommandEntry("vgpt2.server.cli.check_commands",
                          "Check SQL files against the catalog (exit 0 clean, 1 findings, 2 "
                          "errors)."),
    "fix": CommandEntry("vgpt2.server.cli.check_commands",
                        "Apply the safe fixes (NOLOCK, name case, base table -> view, join key) "
                        "in place."),
    "ask": CommandEntry("vgpt2.server.cli.ask_commands",
                        "Ask a question in plain words; get checked T-SQL, or a refusal naming "
                        "the real objects."),
    "lsp": CommandEntry("vgpt2.server.cli.server_commands",
                        "Run the language server (diagnostics, completion, hover, quick fixes) "
                        "for any editor."),
    "doctor": CommandEntry("vgpt2.server.cli.server_commands",
                           "Show the settings vgpt2 resolves, the catalog it loads, and what to "
                           "fix."),
}
"""Every top-level command, in the order the help lists them."""


def version() -> str:
    """The installed distribution's version (``unknown`` in a bare checkout)."""
    from importlib import metadata

    try:
        return metadata.version("vgpt2")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def load_command(name: str) -> click.Command:
    """The click command for ``name``, importing its module now."""
    import typer
    import typer.main

    entry = COMMANDS[name]
    module = importlib.import_module(entry.module)
    holder = typer.Typer(pretty_exceptions_enable=False)
    if entry.group:
        holder.add_typer(module.app, name=name)
    else:
        module.register(holder)

    @holder.callback()
    def _group() -> None:  # makes typer build a group even for one command
        pass

    group = typer.main.get_command(holder)
    command: click.Command = group.commands[name]  # type: ignore[attr-defined]
    return command


def _lazy_group_class() -> type[Any]:
    from typer.core import TyperGroup

    class LazyGroup(TyperGroup):
        """A group whose commands are imported when first asked for."""

        def list_commands(self, ctx: click.Context) -> list[str]:
            return list(COMMANDS)

        def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
            if cmd_name not in self.commands and cmd_name in COMMANDS:
                self.add_command(load_command(cmd_name), cmd_name)
            return self.commands.get(cmd_name)

        def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
            """The command list from :data:`COMMANDS`: no command module is imported."""
            with formatter.section("Commands"):
                formatter.write_dl([(name, entry.summary) for name, entry in COMMANDS.items()])

    return LazyGroup


@functools.cache
def build_app() -> typer.Typer:
    import typer

    def show_version(value: bool) -> None:
        if value:
            typer.echo(f"{PROGRAM} {version()}")
            raise typer.Exit()

    application = typer.Typer(
        name=PROGRAM,
        help="Schema-grounded SQL assistant for Viewpoint Vista.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        cls=_lazy_group_class(),
    )

    @application.callback()
    def main(  # a plain default, not Annotated: the annotation is evaluated in this
        # module's globals, where typer is not imported
        show: bool = typer.Option(False, "--version", help="Show the version and exit.",
                                  is_eager=True, callback=show_version),
    ) -> None:
        """Schema-grounded SQL assistant for Viewpoint Vista."""

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
    if arguments == ["--version"]:  # the answer needs neither typer nor the commands
        sys.stdout.write(f"{PROGRAM} {version()}\n")
        return
    build_app()(prog_name=PROGRAM)


if __name__ == "__main__":
    run()
