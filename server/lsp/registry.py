"""How a feature module declares its handlers, and how the server registers them.

Each module of :mod:`vgpt2.server.lsp.features` lists its module-level handlers in
``HANDLERS``: a :class:`Feature` per LSP method (with its server options), a
:class:`Command` per ``workspace/executeCommand`` command. ``features.MODULES`` is
the one list the server registers from, in order (the order of the commands in
``initialize``'s ``executeCommandProvider``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer


@dataclass(frozen=True, slots=True)
class Feature:
    """An LSP method's handler; its first parameter is named ``ls`` (the server)."""

    method: str
    handler: Callable[..., Any]
    options: Any = None
    """The method's server options (trigger characters, code-action kinds, ...)."""


@dataclass(frozen=True, slots=True)
class Command:
    """A ``workspace/executeCommand`` command. pygls reads a command handler's type hints
    at run time, so its parameters are annotated with run-time names (``ls: Any``)."""

    name: str
    handler: Callable[..., Any]


Handler = Feature | Command


def register(server: LanguageServer, modules: Iterable[ModuleType]) -> None:
    """Register every module's ``HANDLERS`` on ``server``, in order."""
    for module in modules:
        handlers: tuple[Handler, ...] = module.HANDLERS
        for handler in handlers:
            if isinstance(handler, Command):
                server.command(handler.name)(handler.handler)
            else:
                server.feature(handler.method, handler.options)(handler.handler)
