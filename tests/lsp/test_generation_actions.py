""""Generate query from comment" and "Ask the model to repair this query", end to end:
a pytest-lsp client (VS Code and Neovim profiles), the language server over stdio,
and the scripted Ollama/OpenAI model server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.generation.model_server import ModelServer, Reply
from tests.lsp.generation_helpers import (
    code_action_params,
    model_client,
    model_options,
    titled,
)
from tests.lsp.helpers import TIMEOUT, VgptClient, at, wait_for

pytestmark = [pytest.mark.asyncio]

GENERATE = "Generate query from comment"
REPAIR = "Ask the model to repair this query"
REQUEST_CANCELLED = -32800
QUERY = "SELECT h.APRef, h.Vendor, h.InvTotal\nFROM APTH h WITH (NOLOCK)\nWHERE h.APCo = 1"
SCRIPT = ("DECLARE @Co int = 1\n"
          "-- AP invoices with their vendor and total\n"
          "-- for one company\n"
          "SELECT 1\n")


@pytest.fixture
def model_server() -> Iterator[ModelServer]:
    with ModelServer() as server:
        yield server


async def _resolve(client: VgptClient, action: types.CodeAction) -> types.CodeAction:
    resolved = await asyncio.wait_for(client.code_action_resolve_async(action), TIMEOUT)
    assert isinstance(resolved, types.CodeAction)
    return resolved


async def _generate_action(client: VgptClient, uri: str, text: str) -> types.CodeAction:
    actions = await client.text_document_code_action_async(
        code_action_params(uri, at(text, "with their vendor")))
    return titled(actions, GENERATE)


@pytest.mark.parametrize("profile", ["visual_studio_code", "neovim"])
async def test_the_list_answers_without_the_model_and_resolve_inserts_checked_sql_below(
        tmp_path: Path, model_server: ModelServer, profile: str) -> None:
    model_server.script(f"```sql\n{QUERY}\n```")
    async with model_client(profile, tmp_path, model_options(model_server)) as client:
        uri = (tmp_path / "report.sql").as_uri()
        client.open(uri, SCRIPT)
        action = await _generate_action(client, uri, SCRIPT)
        assert action.kind == types.CodeActionKind.RefactorRewrite
        assert action.edit is None
        assert model_server.chat_requests() == [], "listing the actions asked the model"

        resolved = await _resolve(client, action)
        client.apply(resolved.edit)
        text = client.texts[uri]
        comment_end = SCRIPT.index("SELECT 1")
        assert text.startswith(SCRIPT[:comment_end]), "the user's own text changed"
        assert text.endswith("SELECT 1\n")
        inserted = text[comment_end:text.rindex("SELECT 1")]
        assert "FROM APTH h WITH (NOLOCK)" in inserted and "h.Vendor" in inserted
        (request,) = model_server.chat_requests()
        prompt = "\n".join(m["content"] for m in request.body["messages"])
        assert "AP invoices with their vendor and total for one company" in prompt
        diagnostics = await client.wait_diagnostics(uri)
        assert not [d for d in diagnostics if d.severity == types.DiagnosticSeverity.Error]


async def test_the_action_is_tagged_llm_generated_when_the_client_supports_it(
        tmp_path: Path, model_server: ModelServer) -> None:
    # pytest-lsp's captured profiles predate LSP 3.18: no tag unless the client says so.
    async with model_client("visual_studio_code", tmp_path,
                            model_options(model_server)) as client:
        uri = (tmp_path / "untagged.sql").as_uri()
        client.open(uri, SCRIPT)
        action = await _generate_action(client, uri, SCRIPT)
        assert not action.tags
    async with model_client("visual_studio_code", tmp_path, model_options(model_server),
                            tags=True) as client:
        uri = (tmp_path / "tagged.sql").as_uri()
        client.open(uri, SCRIPT)
        action = await _generate_action(client, uri, SCRIPT)
        assert list(action.tags or []) == [types.CodeActionTag.LlmGenerated]


async def test_a_block_comment_works_and_commented_out_sql_is_not_offered(
        tmp_path: Path, model_server: ModelServer) -> None:
    text = "/* vendors with open AP invoices\n   in company 1 */\n-- SELECT * FROM APTH\n"
    async with model_client("visual_studio_code", tmp_path,
                            model_options(model_server)) as client:
        uri = (tmp_path / "block.sql").as_uri()
        client.open(uri, text)
        actions = await client.text_document_code_action_async(
            code_action_params(uri, at(text, "in company")))
        titled(actions, GENERATE)
        actions = await client.text_document_code_action_async(
            code_action_params(uri, at(text, "SELECT *")))
        assert GENERATE not in [getattr(a, "title", "") for a in actions or []]


async def test_cancelling_resolve_stops_the_model_request(
        tmp_path: Path, model_server: ModelServer) -> None:
    model_server.script(Reply("SELECT", kind="slow"))
    async with model_client("visual_studio_code", tmp_path,
                            model_options(model_server)) as client:
        uri = (tmp_path / "slow.sql").as_uri()
        client.open(uri, SCRIPT)
        action = await _generate_action(client, uri, SCRIPT)
        future = client.protocol.send_request(types.CODE_ACTION_RESOLVE, action)
        request_id = next(k for k, v in client.protocol._request_futures.items()
                          if v is future)
        await wait_for(model_server.slow_started.is_set, TIMEOUT, "the model to start")
        client.protocol.notify("$/cancelRequest", types.CancelParams(id=request_id))
        await wait_for(model_server.disconnected.is_set, TIMEOUT,
                       "the model server to see the request closed")
        with pytest.raises(JsonRpcException) as raised:
            await asyncio.wait_for(asyncio.wrap_future(future), TIMEOUT)
        assert raised.value.code == REQUEST_CANCELLED
        assert client.texts[uri] == SCRIPT


async def test_cancelling_the_progress_stops_the_model_and_inserts_nothing(
        tmp_path: Path, model_server: ModelServer) -> None:
    model_server.script(Reply("SELECT", kind="slow"))
    async with model_client("visual_studio_code", tmp_path,
                            model_options(model_server)) as client:
        uri = (tmp_path / "progress.sql").as_uri()
        client.open(uri, SCRIPT)
        action = await _generate_action(client, uri, SCRIPT)
        pending = asyncio.ensure_future(client.code_action_resolve_async(action))
        await wait_for(model_server.slow_started.is_set, TIMEOUT, "the model to start")
        (token,) = await wait_for(
            lambda: [t for t in client.progress_reports if str(t).startswith("vgpt2-generate")],
            TIMEOUT, "the generation's progress")
        client.protocol.notify(types.WINDOW_WORK_DONE_PROGRESS_CANCEL,
                               types.WorkDoneProgressCancelParams(token=token))
        await wait_for(model_server.disconnected.is_set, TIMEOUT,
                       "the model server to see the request closed")
        resolved = await asyncio.wait_for(pending, TIMEOUT)
        assert resolved.edit is None
        begin = client.progress_reports[token][0]
        assert isinstance(begin, types.WorkDoneProgressBegin) and begin.cancellable


async def test_a_refusal_is_a_message_and_no_edit(tmp_path: Path,
                                                  model_server: ModelServer) -> None:
    model_server.script("-- cannot answer: Vista keeps no record of that",
                        default="-- cannot answer: Vista keeps no record of that")
    async with model_client("visual_studio_code", tmp_path,
                            model_options(model_server)) as client:
        uri = (tmp_path / "refused.sql").as_uri()
        client.open(uri, SCRIPT)
        resolved = await _resolve(client, await _generate_action(client, uri, SCRIPT))
        assert resolved.edit is None
        shown = await wait_for(lambda: [m for m in client.messages if "No SQL" in m.message],
                               TIMEOUT, "the refusal message")
        assert "Vista keeps no record of that" in shown[0].message
        assert shown[0].type == types.MessageType.Warning


async def test_an_unreachable_model_is_an_error_message(tmp_path: Path) -> None:
    from tests.generation.model_server import free_port

    options = {"diagnosticsDelayMs": 0, "model": {
        "backend": "ollama", "url": f"http://127.0.0.1:{free_port()}", "name": "vgpt2-test"}}
    async with model_client("visual_studio_code", tmp_path, options) as client:
        uri = (tmp_path / "down.sql").as_uri()
        client.open(uri, SCRIPT)
        resolved = await _resolve(client, await _generate_action(client, uri, SCRIPT))
        assert resolved.edit is None
        shown = await wait_for(
            lambda: [m for m in client.messages if "cannot reach Ollama" in m.message],
            TIMEOUT, "the error message")
        assert shown[0].type == types.MessageType.Error
        status = await wait_for(lambda: client.model_statuses, TIMEOUT,  # type: ignore
                                "vgpt2/modelStatus")
        assert status[-1]["reachable"] is False


async def test_the_repair_quick_fix_replaces_only_that_statement(
        tmp_path: Path, model_server: ModelServer) -> None:
    text = ("SELECT 1\n"
            "SELECT h.APRef, h.Colour FROM APTH h WITH (NOLOCK)\n"
            "SELECT 2\n")
    fixed = "SELECT h.APRef, h.Vendor FROM APTH h WITH (NOLOCK)"
    model_server.script(f"```sql\n{fixed}\n```")
    async with model_client("neovim", tmp_path, model_options(model_server)) as client:
        uri = (tmp_path / "repair.sql").as_uri()
        client.open(uri, text)
        diagnostics = await client.wait_diagnostics(uri)
        found = [d for d in diagnostics if d.code == "VG002"]
        assert found, diagnostics
        actions = await client.text_document_code_action_async(
            code_action_params(uri, at(text, "Colour"), found))
        action = titled(actions, REPAIR)
        assert action.kind == types.CodeActionKind.QuickFix
        resolved = await _resolve(client, action)
        client.apply(resolved.edit)
        assert client.texts[uri] == f"SELECT 1\n{fixed}\nSELECT 2\n"
        (request,) = model_server.chat_requests()
        sent = request.body["messages"][-1]["content"]
        assert "Colour" in sent and "VG002" in sent


async def test_a_repair_that_still_fails_the_checks_changes_nothing(
        tmp_path: Path, model_server: ModelServer) -> None:
    text = "SELECT h.Colour FROM APTH h WITH (NOLOCK)\n"
    model_server.script("```sql\nSELECT h.Colours FROM APTH h WITH (NOLOCK)\n```")
    async with model_client("visual_studio_code", tmp_path,
                            model_options(model_server)) as client:
        uri = (tmp_path / "bad-repair.sql").as_uri()
        client.open(uri, text)
        diagnostics = await client.wait_diagnostics(uri)
        actions = await client.text_document_code_action_async(
            code_action_params(uri, at(text, "Colour"), diagnostics))
        resolved = await _resolve(client, titled(actions, REPAIR))
        assert resolved.edit is None
        await wait_for(lambda: [m for m in client.messages if "still fails" in m.message],
                       TIMEOUT, "the message that the repair failed")


async def test_diagnostics_and_completion_answer_while_a_slow_generation_runs(
        tmp_path: Path, model_server: ModelServer) -> None:
    model_server.script(Reply("SELECT", kind="slow"))
    async with model_client("visual_studio_code", tmp_path,
                            model_options(model_server)) as client:
        uri = (tmp_path / "busy.sql").as_uri()
        client.open(uri, SCRIPT)
        action = await _generate_action(client, uri, SCRIPT)
        pending = asyncio.ensure_future(client.code_action_resolve_async(action))
        await wait_for(model_server.slow_started.is_set, TIMEOUT, "the model to start")
        other = (tmp_path / "other.sql").as_uri()
        typed = "SELECT h. FROM APTH h\n"
        client.open(other, typed)
        answer = await asyncio.wait_for(client.text_document_completion_async(
            types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=other),
                                   position=types.Position(line=0, character=9))), TIMEOUT)
        assert answer is not None and any(i.label == "APRef" for i in answer.items)
        diagnostics = await client.wait_diagnostics(other)
        assert diagnostics is not None
        assert not pending.done(), "the generation finished before the other requests"
        model_server.release.set()
        outcome: Any = await asyncio.wait_for(asyncio.gather(pending, return_exceptions=True),
                                              TIMEOUT)
        assert outcome


async def test_the_model_status_notification_and_live_settings(
        tmp_path: Path, model_server: ModelServer) -> None:
    async with model_client("visual_studio_code", tmp_path,
                            model_options(model_server)) as client:
        statuses: list[dict[str, Any]] = client.model_statuses  # type: ignore[attr-defined]
        await wait_for(lambda: statuses, TIMEOUT, "vgpt2/modelStatus")
        assert statuses[-1]["reachable"] is True and statuses[-1]["present"] is True
        assert statuses[-1]["model"].startswith("vgpt2-test")
        assert statuses[-1]["fillInMiddle"] is True
        count = len(statuses)
        client.configure({"model": {"backend": "off"}}, push=False)
        await wait_for(lambda: len(statuses) > count, TIMEOUT, "a new vgpt2/modelStatus")
        assert statuses[-1]["backend"] == "off"
        uri = (tmp_path / "off.sql").as_uri()
        client.open(uri, SCRIPT)
        actions = await client.text_document_code_action_async(
            code_action_params(uri, at(SCRIPT, "with their vendor")))
        assert GENERATE not in [getattr(a, "title", "") for a in actions or []]
        doctor = await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="vgpt2.doctor"))
        assert "model" in doctor


async def test_the_generate_command_applies_the_query(tmp_path: Path,
                                                     model_server: ModelServer) -> None:
    model_server.script(f"```sql\n{QUERY}\n```")
    async with model_client("neovim@v0.7.0", tmp_path, model_options(model_server)) as client:
        uri = (tmp_path / "command.sql").as_uri()
        client.open(uri, SCRIPT)
        result = await asyncio.wait_for(client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="vgpt2.generateFromComment", arguments=[
                uri, {"line": 1, "character": 5}])), TIMEOUT)
        assert result is not None and result["inserted"] is True
        text = client.texts[uri]
        assert "FROM APTH h WITH (NOLOCK)" in text and text.startswith(SCRIPT.split("SELECT 1")[0])


async def test_the_examples_of_vgpt2_toml_reach_the_prompt(tmp_path: Path,
                                                          model_server: ModelServer) -> None:
    example = "SELECT h.APRef, h.Vendor FROM APTH h WITH (NOLOCK) WHERE h.APCo = @APCo"
    (tmp_path / "examples.jsonl").write_text(
        '{"question": "AP invoices with their vendor", "sql": "' + example + '"}\n',
        encoding="utf-8")
    (tmp_path / "vgpt2.toml").write_text('[model]\nexamples = "examples.jsonl"\n',
                                         encoding="utf-8")
    model_server.script(f"```sql\n{QUERY}\n```")
    async with model_client("visual_studio_code", tmp_path,
                            model_options(model_server)) as client:
        uri = (tmp_path / "examples.sql").as_uri()
        client.open(uri, SCRIPT)
        resolved = await _resolve(client, await _generate_action(client, uri, SCRIPT))
        assert resolved.edit is not None
        (request,) = model_server.chat_requests()
        prompt = "\n".join(m["content"] for m in request.body["messages"])
        assert "@APCo" in prompt, "the example did not reach the prompt"
