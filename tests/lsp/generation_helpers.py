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
from pytest_lsp import client_capabilities

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
async def model_client(profile: str, workspace: Path, options: dict[str, Any],
                       tags: bool = False) -> AsyncIterator[VgptClient]:
    """A server of its own whose client records vgpt2/modelStatus in ``client.model_statuses``.

    ``tags``: the profile plus LSP 3.18's code-action tag support (LLMGenerated)."""
    client: VgptClient = await config().start()  # type: ignore[assignment]
    statuses: list[dict[str, Any]] = []
    client.model_statuses = statuses  # type: ignore[attr-defined]
    client.feature(MODEL_STATUS)(lambda params: statuses.append(as_dict(params)))

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        client.apply(params.edit)  # as an editor does: the edit comes back as didChange
        return types.ApplyWorkspaceEditResult(applied=True)

    try:
        if tags:
            await asyncio.wait_for(_initialize_with_tags(client, profile, workspace, options),
                                   TIMEOUT)
        else:
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


async def _initialize_with_tags(client: VgptClient, profile: str, workspace: Path,
                                options: dict[str, Any]) -> None:
    capabilities = client_capabilities(profile)
    assert capabilities.text_document and capabilities.text_document.code_action
    capabilities.text_document.code_action.tag_support = types.CodeActionTagOptions(
        value_set=[types.CodeActionTag.LlmGenerated])
    await client.initialize_session(types.InitializeParams(
        capabilities=capabilities, root_uri=workspace.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name=workspace.name)],
        initialization_options=options))


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
