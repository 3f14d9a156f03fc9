"""Engine offsets <-> LSP positions, through the document's one spec-following line index.

Kept as the single place handlers convert, so no handler counts columns itself.
"""

from __future__ import annotations

from lsprotocol import types
from vgpt2.server.lsp.documents import LineIndex


def to_position(index: LineIndex, offset: int) -> types.Position:
    return index.position(offset)


def to_range(index: LineIndex, start: int, end: int) -> types.Range:
    return index.range(start, end)


def to_offset(index: LineIndex, position: types.Position) -> int:
    """The string index of an LSP position; past the end of a line means its end."""
    return index.offset(position)
