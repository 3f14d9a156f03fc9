"""Read a JSON array of records one element at a time, so a bad record can be named by its line.

``json.load`` either gives everything or a single error; a metadata export of
54,000 columns with one broken record should still import the other 53,999 and
say which line was wrong.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\r\n"


@dataclass(frozen=True, slots=True)
class JsonRecord:
    value: Any
    line: int


class JsonArrayError(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _LineIndex:
    def __init__(self, text: str) -> None:
        self._starts = [0]
        position = text.find("\n")
        while position != -1:
            self._starts.append(position + 1)
            position = text.find("\n", position + 1)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)


def read_text(path: Path) -> str:
    """Decode an export file; SSMS and PowerShell write UTF-8 with a BOM or UTF-16."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def iter_json_array(text: str) -> Iterator[JsonRecord]:
    """Yield each element of a top-level JSON array with its 1-based line.

    Raises :class:`JsonArrayError` (with the line) where the text stops being
    valid JSON; the records before that point have already been yielded.
    """
    lines = _LineIndex(text)
    index = _skip(text, 0)
    if index >= len(text) or text[index] != "[":
        raise JsonArrayError("expected a JSON array of records", lines.line_of(index))
    index = _skip(text, index + 1)
    if index < len(text) and text[index] == "]":
        return
    while True:
        try:
            value, end = _DECODER.raw_decode(text, index)
        except json.JSONDecodeError as error:
            raise JsonArrayError(f"invalid JSON: {error.msg}", error.lineno) from None
        yield JsonRecord(value, lines.line_of(index))
        index = _skip(text, end)
        if index < len(text) and text[index] == ",":
            index = _skip(text, index + 1)
            continue
        if index < len(text) and text[index] == "]":
            return
        raise JsonArrayError("expected ',' or ']' after a record", lines.line_of(index))


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index
