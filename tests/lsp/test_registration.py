"""Every handler module is registered from the one list, and ``initialize`` still
advertises exactly what editors were built against.

``initialize_capabilities.json`` is the server's answer to ``initialize`` recorded
before the server was split into feature modules (for a client offering nothing, and
for one offering UTF-8 positions); the VS Code extension and Neovim rely on those
trigger characters, code-action kinds and command names.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from lsprotocol.types import METHOD_TO_TYPES
from pygls.protocol import default_converter
from vgpt2.server.lsp import features
from vgpt2.server.lsp.registry import Command, Feature
from vgpt2.server.lsp.server import create_server

RECORDED = Path(__file__).with_name("initialize_capabilities.json")
CLIENTS: dict[str, dict[str, Any]] = {
    "plain": {},
    "utf8": {"general": {"positionEncodings": ["utf-8", "utf-16"]}},
}


def test_every_module_of_the_features_package_is_in_the_one_list() -> None:
    found = {f"{features.__name__}.{info.name}" for info in pkgutil.iter_modules(features.__path__)}
    listed = [module.__name__ for module in features.MODULES]
    assert sorted(listed) == sorted(found)
    assert len(set(listed)) == len(listed)
    for name in found:
        module = importlib.import_module(name)
        assert module.HANDLERS, f"{name} declares no handlers"
        for handler in module.HANDLERS:
            function = handler.handler
            assert function.__module__ == name and function.__qualname__ == function.__name__, (
                f"{name}: {function.__qualname__} is not a module-level handler")


def test_the_server_registers_exactly_the_listed_handlers() -> None:
    declared = [h for module in features.MODULES for h in module.HANDLERS]
    methods = [h.method for h in declared if isinstance(h, Feature)]
    commands = [h.name for h in declared if isinstance(h, Command)]
    assert len(set(methods)) == len(methods) and len(set(commands)) == len(commands)
    server = create_server()
    try:
        manager = server.protocol.fm
        assert set(manager.features) == set(methods)
        assert list(manager.commands) == commands
    finally:
        server.runner.stop()
        server.generation.stop()


def _message(method: str, params: dict[str, Any], msg_id: int) -> Any:
    data = {"jsonrpc": "2.0", "method": method, "params": params, "id": msg_id}
    return default_converter().structure(data, METHOD_TO_TYPES[method][0])


@pytest.mark.asyncio
@pytest.mark.parametrize("client", sorted(CLIENTS))
async def test_initialize_advertises_the_recorded_capabilities(client: str) -> None:
    server = create_server()
    sent: list[Any] = []
    server.protocol._send_data = sent.append  # type: ignore[method-assign]
    try:
        server.protocol.handle_message(_message("initialize", {
            "processId": None, "rootUri": None, "capabilities": CLIENTS[client]}, 1))
        for _ in range(12_000):  # a ceiling (2 minutes), not an expectation
            if sent:
                break
            await asyncio.sleep(0.01)
        (response,) = sent
        capabilities = default_converter().unstructure(response.result)["capabilities"]
        assert capabilities == json.loads(RECORDED.read_text(encoding="utf-8"))[client]
    finally:
        server.runner.stop()
        server.generation.stop()
