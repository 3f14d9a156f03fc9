"""Engine offsets <-> LSP positions (0-based lines, UTF-16 code-unit columns)."""

from __future__ import annotations

from lsprotocol import types
from vgpt2.server.analysis.findings import LineIndex
from vgpt2.server.analysis.report import lsp_position


def to_position(index: LineIndex, offset: int) -> types.Position:
    line, character = lsp_position(index, offset)
    return types.Position(line=line, character=character)


def to_range(index: LineIndex, start: int, end: int) -> types.Range:
    return types.Range(start=to_position(index, start), end=to_position(index, max(start, end)))


def to_offset(index: LineIndex, position: types.Position) -> int:
    """The string index of an LSP position; past the end of a line means its end."""
    if position.line >= index.line_count:
        return len(index.text)
    text = index.line_text(position.line)
    units = 0
    for column, char in enumerate(text):
        if units >= position.character:
            return index.offset(position.line, column)
        units += 2 if ord(char) > 0xFFFF else 1
    return index.offset(position.line, len(text.rstrip("\r")))
