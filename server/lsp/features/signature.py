"""``textDocument/signatureHelp``: a function's or procedure's parameters while typing a call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from vgpt2.server.lsp.convert import to_offset, to_signature_help
from vgpt2.server.lsp.documents import LineIndex
from vgpt2.server.lsp.registry import Feature

if TYPE_CHECKING:
    from vgpt2.server.lsp.server import VgptServer


async def on_signature_help(ls: VgptServer, params: types.SignatureHelpParams
                            ) -> types.SignatureHelp | None:
    catalog = ls.holder.catalog
    if catalog is None:
        return None

    def job(index: LineIndex) -> types.SignatureHelp | None:
        from vgpt2.server.analysis.signature import signature_help

        found = signature_help(index.text, to_offset(index, params.position), catalog)
        return None if found is None else to_signature_help(found)

    result: types.SignatureHelp | None = await ls.on_snapshot(params.text_document.uri, job)
    return result


HANDLERS = (
    Feature(types.TEXT_DOCUMENT_SIGNATURE_HELP, on_signature_help,
            types.SignatureHelpOptions(trigger_characters=[" ", ",", "("])),
)
