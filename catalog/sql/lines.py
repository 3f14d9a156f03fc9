"""Lines as T-SQL tools and LSP count them: they end at ``\\n``, ``\\r\\n`` or a lone ``\\r``.

``str.count("\\n")`` misses the lone ``\\r`` of old Mac files; ``str.splitlines``
also breaks at form feeds, U+2028 and others that SQL Server and editors treat as
ordinary characters.
"""

from __future__ import annotations

__all__ = ["LineCounter", "count_line_breaks"]


def count_line_breaks(text: str, start: int = 0, end: int | None = None) -> int:
    """Line breaks in ``text[start:end]`` (a ``\\r\\n`` is one)."""
    end = len(text) if end is None else end
    breaks = text.count("\n", start, end)
    returns = text.count("\r", start, end)
    return breaks + returns - text.count("\r\n", start, end) if returns else breaks


class LineCounter:
    """1-based line of an offset, cheap for mostly rising offsets (a reader moving forward)."""

    __slots__ = ("_line", "_pos", "line_base", "text")

    def __init__(self, text: str, line_base: int = 0) -> None:
        self.text = text
        self.line_base = line_base
        """Lines before the text's first (a script embedded in another at that line)."""
        self._pos = 0
        self._line = 1

    def line(self, pos: int) -> int:
        if pos >= self._pos:
            self._line += count_line_breaks(self.text, self._pos, pos)
            if 0 < self._pos < len(self.text) and self.text[self._pos - 1] == "\r" and (
                self.text[self._pos] == "\n" and pos > self._pos
            ):
                self._line -= 1  # the \r before the last position and this \n are one break
        else:
            self._line = 1 + count_line_breaks(self.text, 0, pos)
        self._pos = pos
        return self._line + self.line_base
