"""A language server wired to the scripted model server, for the generation and inline tests.

The client records ``vgpt2/modelStatus`` notifications; every wait is on an event
(a response, a notification, the model server seeing a request or a hang-up) with
the suite's generous ceiling.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from lsprotocol import types

from tests.generation.model_server import MODEL, ModelServer
from tests.lsp.helpers import STOP_TIMEOUT, TIMEOUT, VgptClient, as_dict, config, initialize

MODEL_STATUS = "vgpt2/modelStatus"


def model_options(server: ModelServer, api: str = "ollama", **extra: Any) -> dict[str, Any]:
    """initializationOptions pointing the language server at the test model server."""
    options: dict[str, Any] = {
        "diagnosticsDelayMs": 0,
        "model": {"backend": api, "url": server.url(api), "name": MODEL,
                  "timeoutSeconds": 120},
    }
    options.update(extra)
    return options


@contextlib.asynccontextmanager
async def model_client(profile: str, workspace: Path,
                       options: dict[str, Any]) -> AsyncIterator[VgptClient]:
    """A server of its own whose client records vgpt2/modelStatus in ``client.model_statuses``."""
    client: VgptClient = await config().start()  # type: ignore[assignment]
    statuses: list[dict[str, Any]] = []
    client.model_statuses = statuses  # type: ignore[attr-defined]
    client.feature(MODEL_STATUS)(lambda params: statuses.append(as_dict(params)))

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        client.apply(params.edit)  # as an editor does: the edit comes back as didChange
        return types.ApplyWorkspaceEditResult(applied=True)

    try:
        await asyncio.wait_for(initialize(client, profile, workspace, options), TIMEOUT)
        await client.wait_status()
        yield client
    finally:
        try:
            await asyncio.wait_for(client.shutdown_session(), STOP_TIMEOUT)
        except Exception:  # a wedged server must not hang the suite
            if client._server is not None and client._server.returncode is None:
                client._server.kill()
        await asyncio.wait_for(client.stop(), STOP_TIMEOUT)


def code_action_params(uri: str, where: types.Position,
                       diagnostics: list[types.Diagnostic] | None = None
                       ) -> types.CodeActionParams:
    return types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=where, end=where),
        context=types.CodeActionContext(diagnostics=diagnostics or []))


def titled(actions: list[Any] | None, title: str) -> types.CodeAction:
    found = [a for a in actions or [] if isinstance(a, types.CodeAction) and a.title == title]
    assert found, f"no {title!r} among {[getattr(a, 'title', a) for a in actions or []]}"
    return found[0]


def inline_params(uri: str, where: types.Position) -> types.InlineCompletionParams:
    return types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=where,
        context=types.InlineCompletionContext(
            trigger_kind=types.InlineCompletionTriggerKind.Automatic))
