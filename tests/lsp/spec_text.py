"""A deliberately simple reference for LSP text positions, as an editor computes them.

Written from the spec, not from the server's code: lines end only at ``\\r\\n``,
``\\r`` and ``\\n``; a column counts code units of the position encoding; a column past
the end of a line is the end of that line. Quadratic and obvious on purpose.
"""

from __future__ import annotations

import re

from lsprotocol import types

ODD = "\u2028\u2029\u0085\x0c\x0b"
"""Characters str.splitlines breaks at that LSP does not: ordinary text in a line."""


def lines_with_breaks(text: str) -> list[tuple[str, str]]:
    """Each line's content and the break that ends it ("" for the last)."""
    parts = re.split(r"(\r\n|\r|\n)", text)
    return [(parts[i], parts[i + 1] if i + 1 < len(parts) else "")
            for i in range(0, len(parts), 2)]


def units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def offset_of(text: str, where: types.Position, encoding: str = "utf-16") -> int:
    lines = lines_with_breaks(text)
    if where.line >= len(lines):
        return len(text)
    base = sum(len(content) + len(end) for content, end in lines[:where.line])
    content = lines[where.line][0]
    for column in range(len(content) + 1):
        if units(content[:column], encoding) >= where.character:
            return base + column
    return base + len(content)


def position(text: str, offset: int, encoding: str = "utf-16") -> types.Position:
    base = 0
    for number, (content, end) in enumerate(lines_with_breaks(text)):
        if offset <= base + len(content) or not end:
            column = min(offset - base, len(content))
            return types.Position(line=number, character=units(content[:column], encoding))
        if offset < base + len(content) + len(end):  # inside "\r\n": the end of the line
            return types.Position(line=number, character=units(content, encoding))
        base += len(content) + len(end)
    raise AssertionError("unreachable")


def apply_change(text: str, change: types.TextDocumentContentChangePartial,
                 encoding: str = "utf-16") -> str:
    start = offset_of(text, change.range.start, encoding)
    end = max(start, offset_of(text, change.range.end, encoding))
    return text[:start] + change.text + text[end:]


def apply_edits(text: str, edits: list[types.TextEdit], encoding: str = "utf-16") -> str:
    """Apply non-overlapping edits whose positions all refer to ``text``."""
    spans = sorted(((offset_of(text, e.range.start, encoding),
                     offset_of(text, e.range.end, encoding), e.new_text) for e in edits),
                   reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text
