"""Inline (ghost-text) completion end to end: the catalog's own continuations without a
model; with the scripted model server, fill-in-the-middle that is debounced, cancelled
by a newer request, cached, bounded by budgetMs, and never shows an invented name."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsprotocol import types

from tests.generation.model_server import ModelServer, Reply
from tests.lsp.generation_helpers import inline_params, model_client, model_options
from tests.lsp.helpers import TIMEOUT, VgptClient, end_of, running, wait_for

pytestmark = [pytest.mark.asyncio]

WHERE = "SELECT h.APRef, h.Vendor\nFROM APTH h WITH (NOLOCK)\nWHERE "


@pytest.fixture
def model_server() -> Iterator[ModelServer]:
    with ModelServer() as server:
        yield server


def _generate_requests(server: ModelServer) -> list[object]:
    return [r for r in server.requests if r.path in ("/api/generate", "/v1/completions")]


async def _inline(client: VgptClient, uri: str) -> list[str]:
    answer = await asyncio.wait_for(client.text_document_inline_completion_async(
        inline_params(uri, end_of(client.texts[uri]))), TIMEOUT)
    items = answer.items if isinstance(answer, types.InlineCompletionList) else answer or []
    return [str(i.insert_text) for i in items]


@pytest.mark.parametrize("profile", ["visual_studio_code", "neovim"])
async def test_without_a_model_the_catalog_continues_joins_and_hints(tmp_path: Path,
                                                                     profile: str) -> None:
    async with running(profile, tmp_path, {"model": {"backend": "catalog"}}) as client:
        await client.wait_status()
        uri = (tmp_path / "join.sql").as_uri()
        client.open(uri, "SELECT *\nFROM APTH h WITH (NOLOCK)\nJOIN APTL l WITH (NOLOCK) ON ")
        assert await _inline(client, uri) == [
            "l.APCo = h.APCo AND l.Mth = h.Mth AND l.APTrans = h.APTrans"]
        hint = (tmp_path / "hint.sql").as_uri()
        client.open(hint, "SELECT *\nFROM APTH h ")
        assert await _inline(client, hint) == ["WITH (NOLOCK)"]


@pytest.mark.parametrize("api", ["ollama", "openai"])
async def test_the_model_fills_in_the_middle_and_the_answer_is_cached(
        tmp_path: Path, model_server: ModelServer, api: str) -> None:
    model_server.script("h.APCo = 1 AND h.Vendor = 42")
    options = model_options(model_server, api, inlineCompletion={"debounceMs": 0,
                                                                 "budgetMs": 60000})
    async with model_client("visual_studio_code", tmp_path, options) as client:
        await wait_for(lambda: client.model_statuses, TIMEOUT,  # type: ignore[attr-defined]
                       "vgpt2/modelStatus")
        uri = (tmp_path / "fim.sql").as_uri()
        client.open(uri, WHERE)
        assert (await _inline(client, uri))[0] == "h.APCo = 1 AND h.Vendor = 42"
        (request,) = _generate_requests(model_server)
        body = request.body  # type: ignore[attr-defined]
        if api == "ollama":
            assert body["prompt"].endswith(WHERE) and body["suffix"] == ""
            assert "-- APTH(" in body["prompt"], "no schema header for the statement's objects"
            assert body["options"]["num_ctx"] == 8192
        else:
            assert body["prompt"].startswith("<|fim_prefix|>")
            assert body["prompt"].endswith(WHERE + "<|fim_suffix|><|fim_middle|>")
        assert (await _inline(client, uri))[0] == "h.APCo = 1 AND h.Vendor = 42"
        assert len(_generate_requests(model_server)) == 1, "the second answer was not cached"


async def test_a_suggestion_with_an_invented_column_is_never_shown(
        tmp_path: Path, model_server: ModelServer) -> None:
    model_server.script("h.PaymentColour = 'red'")
    options = model_options(model_server, inlineCompletion={"debounceMs": 0})
    async with model_client("visual_studio_code", tmp_path, options) as client:
        await wait_for(lambda: client.model_statuses, TIMEOUT,  # type: ignore[attr-defined]
                       "vgpt2/modelStatus")
        uri = (tmp_path / "invented.sql").as_uri()
        client.open(uri, WHERE)
        assert await _inline(client, uri) == []
        assert len(_generate_requests(model_server)) == 1


async def test_a_newer_request_cancels_the_one_in_flight(tmp_path: Path,
                                                         model_server: ModelServer) -> None:
    model_server.script(Reply("h.", kind="slow"), "h.APCo = 1")
    options = model_options(model_server, inlineCompletion={"debounceMs": 0,
                                                            "budgetMs": 60000})
    async with model_client("visual_studio_code", tmp_path, options) as client:
        await wait_for(lambda: client.model_statuses, TIMEOUT,  # type: ignore[attr-defined]
                       "vgpt2/modelStatus")
        uri = (tmp_path / "typing.sql").as_uri()
        client.open(uri, WHERE)
        first = asyncio.ensure_future(_inline(client, uri))
        await wait_for(model_server.slow_started.is_set, TIMEOUT, "the first model request")
        client.replace(uri, WHERE + " ")
        second = await _inline(client, uri)
        await wait_for(model_server.disconnected.is_set, TIMEOUT,
                       "the model server to see the first request closed")
        assert await asyncio.wait_for(first, TIMEOUT) == []
        assert second[0] == "h.APCo = 1"


async def test_requests_inside_the_debounce_make_one_model_call(
        tmp_path: Path, model_server: ModelServer) -> None:
    model_server.script(default="h.APCo = 1")
    # A generous debounce: the three requests below leave the client together.
    options = model_options(model_server, inlineCompletion={"debounceMs": 3000,
                                                            "budgetMs": 60000})
    async with model_client("visual_studio_code", tmp_path, options) as client:
        await wait_for(lambda: client.model_statuses, TIMEOUT,  # type: ignore[attr-defined]
                       "vgpt2/modelStatus")
        uri = (tmp_path / "debounce.sql").as_uri()
        client.open(uri, WHERE)
        answers = await asyncio.gather(*(_inline(client, uri) for _ in range(3)))
        assert answers[-1] == ["h.APCo = 1"]
        assert answers[0] == [] and answers[1] == []
        assert len(_generate_requests(model_server)) == 1


async def test_nothing_is_shown_past_the_budget(tmp_path: Path,
                                                model_server: ModelServer) -> None:
    model_server.script(Reply("h.", kind="slow"))
    options = model_options(model_server, inlineCompletion={"debounceMs": 0, "budgetMs": 200})
    async with model_client("visual_studio_code", tmp_path, options) as client:
        await wait_for(lambda: client.model_statuses, TIMEOUT,  # type: ignore[attr-defined]
                       "vgpt2/modelStatus")
        uri = (tmp_path / "budget.sql").as_uri()
        client.open(uri, WHERE)
        assert await _inline(client, uri) == []
        await wait_for(model_server.disconnected.is_set, TIMEOUT,
                       "the model request to be closed")


async def test_inline_completion_can_be_switched_off_live(tmp_path: Path) -> None:
    async with running("visual_studio_code", tmp_path, {"model": {"backend": "catalog"}},
                       configuration={"model": {"backend": "catalog"}}) as client:
        await client.wait_status()
        uri = (tmp_path / "off.sql").as_uri()
        client.open(uri, "SELECT *\nFROM APTH h ")
        assert await _inline(client, uri) == ["WITH (NOLOCK)"]
        mark = len(client.published)
        client.configure({"inlineCompletion": {"enabled": False}}, push=False)
        await client.next_diagnostics(uri, mark)  # the new settings are in use
        assert await _inline(client, uri) == []
