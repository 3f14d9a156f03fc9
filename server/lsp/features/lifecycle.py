"""``initialize``, ``initialized``, ``workspace/didChangeConfiguration`` and ``shutdown``.

``initialize`` takes the encoding pygls negotiated, the editor's initial settings
and the workspace root; ``initialized`` and every configuration change resolve the
settings and (re)load the catalog on the background runner
(:meth:`~vgpt2.server.lsp.server.VgptServer.configure`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from lsprotocol import types
from vgpt2.server.lsp.registry import Feature

if TYPE_CHECKING:
    from vgpt2.server.lsp.server import VgptServer


def initialize(ls: VgptServer, params: types.InitializeParams) -> None:
    ls.documents.encoding = str(getattr(ls.workspace.position_encoding, "value",
                                        ls.workspace.position_encoding or "utf-16"))
    options = params.initialization_options
    if isinstance(options, dict):
        ls.editor_settings = dict(options.get("vgpt2", options))
    folders = params.workspace_folders or []
    uri = folders[0].uri if folders else params.root_uri
    ls.root = uri_path(uri) if uri else None


async def initialized(ls: VgptServer, params: types.InitializedParams) -> None:
    ls.loop = asyncio.get_running_loop()
    await ls.configure()


async def did_change_configuration(ls: VgptServer,
                                   params: types.DidChangeConfigurationParams) -> None:
    sent = params.settings
    if isinstance(sent, dict) and isinstance(sent.get("vgpt2"), dict):
        ls.editor_settings = dict(sent["vgpt2"])
    await ls.configure()


def shutdown(ls: VgptServer, params: None) -> None:
    ls.watcher.stop()
    ls.runner.stop()
    ls.generation.stop()


def uri_path(uri: str) -> Path | None:
    """The local path of a ``file:`` URI (None for any other scheme)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if len(path) > 2 and path[0] == "/" and path[2] == ":":  # file:///C:/... on Windows
        path = path[1:]
    return Path(path)


HANDLERS = (
    Feature(types.INITIALIZE, initialize),
    Feature(types.INITIALIZED, initialized),
    Feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION, did_change_configuration),
    Feature(types.SHUTDOWN, shutdown),
)
