"""Document sync: ``didOpen``, ``didChange``, ``didSave``, ``didClose``.

The text itself is kept by the server's protocol (:mod:`~vgpt2.server.lsp.documents`)
before these run; they schedule diagnostics (:mod:`~vgpt2.server.lsp.diagnostics`)
and, on close, clear the document's diagnostics in the editor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from vgpt2.server.lsp.documents import Document, normalize_uri
from vgpt2.server.lsp.registry import Feature

if TYPE_CHECKING:
    from vgpt2.server.lsp.server import VgptServer

LARGE_DOCUMENT = 1_000_000
"""Characters above which opening a document warns that checking it will be slow."""


def did_open(ls: VgptServer, params: types.DidOpenTextDocumentParams) -> None:
    document = ls.document(params.text_document.uri)
    if document is not None:
        warn_if_large(ls, document)
    ls.diagnostics.schedule(params.text_document.uri, delay=0)


def did_change(ls: VgptServer, params: types.DidChangeTextDocumentParams) -> None:
    if params.text_document.uri in ls.documents:
        ls.diagnostics.schedule(params.text_document.uri)


def did_save(ls: VgptServer, params: types.DidSaveTextDocumentParams) -> None:
    if params.text_document.uri in ls.documents:
        ls.diagnostics.schedule(params.text_document.uri, delay=0)


def did_close(ls: VgptServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.diagnostics.forget(uri)
    ls.warned_large.discard(normalize_uri(uri))
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri,
                                                                      diagnostics=[]))


def warn_if_large(ls: VgptServer, document: Document) -> None:
    """Say once per opening that a very large document is checked slowly."""
    key = normalize_uri(document.uri)
    if len(document.text) <= LARGE_DOCUMENT or key in ls.warned_large:
        return
    ls.warned_large.add(key)
    name = document.uri.rsplit("/", 1)[-1]
    ls.window_show_message(types.ShowMessageParams(
        type=types.MessageType.Warning,
        message=f"vgpt2: {name} has {len(document.text):,} characters; checking it runs "
                "in the background and may take a while"))


HANDLERS = (
    Feature(types.TEXT_DOCUMENT_DID_OPEN, did_open),
    Feature(types.TEXT_DOCUMENT_DID_CHANGE, did_change),
    Feature(types.TEXT_DOCUMENT_DID_SAVE, did_save),
    Feature(types.TEXT_DOCUMENT_DID_CLOSE, did_close),
)
