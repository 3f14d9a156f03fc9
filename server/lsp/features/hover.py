"""``textDocument/hover``: what an object, column or alias under the cursor is.

On the runner, over a snapshot; the answer describes what the editor asked about,
so it is sent even if an edit arrived meanwhile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from vgpt2.server.lsp.convert import to_hover, to_offset
from vgpt2.server.lsp.documents import LineIndex
from vgpt2.server.lsp.registry import Feature

if TYPE_CHECKING:
    from vgpt2.server.lsp.server import VgptServer


async def on_hover(ls: VgptServer, params: types.HoverParams) -> types.Hover | None:
    catalog = ls.holder.catalog
    if catalog is None:
        return None

    def job(index: LineIndex) -> types.Hover | None:
        from vgpt2.server.analysis.hover import hover

        found = hover(index.text, to_offset(index, params.position), catalog)
        return None if found is None else to_hover(index, found)

    result: types.Hover | None = await ls.on_snapshot(params.text_document.uri, job)
    return result


HANDLERS = (Feature(types.TEXT_DOCUMENT_HOVER, on_hover),)
