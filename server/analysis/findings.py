"""What the analyzer reports: findings with exact positions and the edits that fix them.

Positions are 0-based character offsets into the analyzed text; :class:`LineIndex`
turns them into the 1-based lines and columns the CLI prints and the 0-based
ones LSP wants. Keeping offsets inside the engine means every consumer converts
the same way.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"


@dataclass(frozen=True, slots=True)
class Edit:
    start: int
    end: int
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    safe: bool = True
    """Safe fixes are applied by ``vgpt2 fix``; the others are offered, never applied blindly."""


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    message: str
    start: int
    end: int
    severity: Severity = Severity.WARNING
    fixes: tuple[Fix, ...] = ()
    related: tuple[str, ...] = field(default=())
    """Objects the finding is about (searched objects, suggested replacements)."""

    @property
    def name(self) -> str:
        from vgpt2.server.analysis.rules import RULES

        return RULES[self.code].name


_LINE_BREAK = re.compile(r"\r\n?|\n")


class LineIndex:
    """Offsets <-> (line, column), both 0-based; columns count characters.

    Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r``: what SQL Server, sqlglot's
    line numbers and LSP count, so a file saved with old Mac line endings gets the
    same lines as its ``\\n`` twin.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0]
        if "\r" in text:
            self._starts.extend(match.end() for match in _LINE_BREAK.finditer(text))
            return
        position = text.find("\n")
        while position != -1:
            self._starts.append(position + 1)
            position = text.find("\n", position + 1)

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts, offset) - 1
        return line, offset - self._starts[line]

    def offset(self, line: int, column: int) -> int:
        if line >= len(self._starts):
            return len(self.text)
        return min(self._starts[line] + column, len(self.text))

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_text(self, line: int) -> str:
        start = self._starts[line]
        if line + 1 >= len(self._starts):
            return self.text[start:]
        end = self._starts[line + 1]
        return self.text[start:end - (2 if self.text.startswith("\r\n", end - 2) else 1)]
