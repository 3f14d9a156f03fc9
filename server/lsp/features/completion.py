"""``textDocument/completion``: objects, columns, joins and keywords at the cursor.

Answered on the event loop on purpose: the engine reads a window round the cursor
(milliseconds even in a 50,000-line file) and must never wait behind an analysis
on the runner. Its lists are built when the catalog loads (``prepare``), not on
the first keystroke.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from vgpt2.server.lsp.convert import completion_list, to_offset
from vgpt2.server.lsp.registry import Feature

if TYPE_CHECKING:
    from vgpt2.server.lsp.server import VgptServer


def completion(ls: VgptServer, params: types.CompletionParams) -> types.CompletionList:
    from vgpt2.server.analysis.completion import CompletionOptions, complete_list

    catalog = ls.holder.catalog
    document = ls.document(params.text_document.uri)
    if catalog is None or document is None:
        return types.CompletionList(is_incomplete=True, items=[])
    index = document.index
    offset = to_offset(index, params.position)
    nolock = ls.settings.nolock_on_completion if ls.settings else True
    found = complete_list(index.text, offset, catalog, CompletionOptions(nolock=nolock))
    return completion_list(index, found, snippet_support(ls.client_capabilities))


def snippet_support(capabilities: types.ClientCapabilities) -> bool:
    document = capabilities.text_document
    completion = document.completion if document else None
    item = completion.completion_item if completion else None
    return bool(item and item.snippet_support)


HANDLERS = (
    Feature(types.TEXT_DOCUMENT_COMPLETION, completion,
            types.CompletionOptions(trigger_characters=[".", " ", "["])),
)
