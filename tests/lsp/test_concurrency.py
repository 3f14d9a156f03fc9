"""Big documents: analysis, symbols and code actions run in the background, so the
server keeps reading messages — ``$/cancelRequest`` is honoured, completion never waits
behind them, an answer overtaken by an edit is not sent, and a huge file gets a warning.

Every check waits on an event (a response, a message), never on a clock: the
assertions are about order, which a busy machine slows down but does not change.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.lsp.helpers import TIMEOUT, VgptClient, end_of, running, wait_for

pytestmark = [pytest.mark.asyncio]

BLOCK = "SELECT h.APRef, h.Vendor FROM APTH h WITH (NOLOCK) WHERE h.APCo = 1\n" * 99 + "GO\n"
REQUEST_CANCELLED = -32800
CONTENT_MODIFIED = -32801


def big(lines: int) -> str:
    """A script of ``lines`` lines (batches of 100): seconds of analysis and symbols."""
    return BLOCK * (lines // 100)


def _symbols_request(client: VgptClient, uri: str) -> tuple[Any, asyncio.Future[Any]]:
    """Send documentSymbol; its request id (for $/cancelRequest) and its response."""
    future = client.protocol.send_request(
        types.TEXT_DOCUMENT_DOCUMENT_SYMBOL,
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    request_id = next(k for k, v in client.protocol._request_futures.items() if v is future)
    return request_id, asyncio.wrap_future(future)


async def _outcome(future: asyncio.Future[Any]) -> str | int:
    """"answered", or the error code the server sent instead."""
    try:
        await asyncio.wait_for(future, TIMEOUT)
    except JsonRpcException as error:
        return error.code
    return "answered"


async def test_cancelled_requests_are_not_answered_in_full(tmp_path: Path) -> None:
    async with running("visual_studio_code", tmp_path, {"diagnosticsDelayMs": 0}) as client:
        await client.wait_status()
        uri = (tmp_path / "big.sql").as_uri()
        client.open(uri, big(5_000))
        futures = []
        for _ in range(12):
            request_id, future = _symbols_request(client, uri)
            client.protocol.notify("$/cancelRequest", types.CancelParams(id=request_id))
            futures.append(future)
        outcomes = [await _outcome(f) for f in futures]
        # A request whose answer was already on its way when the cancel arrived may be
        # answered; the rest must not be.
        assert outcomes.count(REQUEST_CANCELLED) >= len(outcomes) - 2, outcomes


async def test_completion_does_not_wait_behind_symbols_or_code_actions(tmp_path: Path) -> None:
    async with running("visual_studio_code", tmp_path, {"diagnosticsDelayMs": 0}) as client:
        await client.wait_status()
        large = (tmp_path / "large.sql").as_uri()
        text = big(10_000)
        client.open(large, text)
        small = (tmp_path / "small.sql").as_uri()
        typed = "SELECT h. FROM APTH h\n"
        client.open(small, typed)
        slow = [_symbols_request(client, large)[1] for _ in range(3)]
        slow.append(asyncio.ensure_future(client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=large),
                range=types.Range(start=types.Position(line=0, character=0),
                                  end=end_of(text)),
                context=types.CodeActionContext(diagnostics=[])))))
        answer = await asyncio.wait_for(client.text_document_completion_async(
            types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=small),
                                   position=types.Position(line=0, character=9))), TIMEOUT)
        still_running = sum(1 for f in slow if not f.done())
        assert answer is not None and any(i.label == "APRef" for i in answer.items)
        assert still_running > 0, "completion was answered only after the slow requests"
        for future in slow:
            await _outcome(future)


async def test_an_answer_overtaken_by_an_edit_is_not_sent(tmp_path: Path) -> None:
    async with running("visual_studio_code", tmp_path, {"diagnosticsDelayMs": 0}) as client:
        await client.wait_status()
        uri = (tmp_path / "edited.sql").as_uri()
        client.open(uri, big(5_000))
        _, future = _symbols_request(client, uri)
        client.replace(uri, "SELECT h.APRef FROM APTH h WITH (NOLOCK)\n")
        assert await _outcome(future) == CONTENT_MODIFIED
        symbols = await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri)))
        assert symbols and len(symbols) == 1


async def test_a_huge_document_gets_a_warning_and_the_server_stays_responsive(
        tmp_path: Path) -> None:
    async with running("visual_studio_code", tmp_path, {"diagnosticsDelayMs": 0}) as client:
        await client.wait_status()
        uri = (tmp_path / "huge.sql").as_uri()
        client.open(uri, big(16_000))  # 1.08 million characters
        shown = await wait_for(
            lambda: [m for m in client.messages if "huge.sql" in m.message], TIMEOUT,
            "a warning about the document's size")
        assert shown[0].type == types.MessageType.Warning
        assert "characters" in shown[0].message
        small = (tmp_path / "small.sql").as_uri()
        client.open(small, "SELECT h.APRef FROM APTH h\n")
        hovered = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=small),
            position=types.Position(line=0, character=22)))
        assert hovered is not None
