"""``textDocument/documentSymbol``: the outline (batches, statements, routines, CTEs).

Its ranges point into the text, so an answer an edit overtook is refused with
ContentModified (see :meth:`~vgpt2.server.lsp.server.VgptServer.on_snapshot`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from vgpt2.server.lsp.convert import to_symbol
from vgpt2.server.lsp.documents import LineIndex
from vgpt2.server.lsp.registry import Feature

if TYPE_CHECKING:
    from vgpt2.server.lsp.server import VgptServer


async def symbols(ls: VgptServer, params: types.DocumentSymbolParams
                  ) -> list[types.DocumentSymbol] | None:
    def job(index: LineIndex) -> list[types.DocumentSymbol]:
        from vgpt2.server.analysis.symbols import document_symbols

        return [to_symbol(index, s) for s in document_symbols(index.text)]

    result: list[types.DocumentSymbol] | None = await ls.on_snapshot(
        params.text_document.uri, job, edits=True)
    return result


HANDLERS = (Feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, symbols),)
