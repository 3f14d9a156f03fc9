"""``GO`` batches: the one place that decides where a T-SQL script is cut, as SSMS cuts it.

A ``GO`` line is ``GO`` alone on its line (any case), optionally with a repeat
count and a ``--`` comment. One inside a multi-line block comment or string does
not split: Vista's own procedures keep commented-out test scripts, GO lines
included, in their headers, and SSMS deploys them whole. One inside a quoted name
does. Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r`` (old Mac files, and what LSP
counts as a line break). The analyzer, the editor features and the DDL importer
all read batches from here.

The scan never tokenizes the script: it looks for ``GO`` lines, and only then for
the comments and strings that could hide them, lazily, so cutting a big file
costs little more than a regex search over it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["GO_LINE", "Batch", "batch_ranges", "go_lines", "iter_batch_ranges", "spans",
           "split_batches"]

GO_LINE = re.compile(r"(?:^|(?<=[\r\n]))[ \t]*GO(?:[ \t]+\d+)?[ \t]*(?:--[^\r\n]*)?"
                     r"(?:\r(?=\n)|(?=[\r\n])|\Z)", re.IGNORECASE)
"""A line holding only ``GO``. Python's ``^``/``$`` know only ``\\n``, hence the look-arounds.
The match takes the ``\\r`` of a ``\\r\\n``, not the ``\\n``."""


@dataclass(frozen=True, slots=True)
class Batch:
    text: str
    offset: int


_SPAN = re.compile(
    r"""(?=[-/'\["])(?:
        (?P<line>--[^\r\n]*)
      | (?P<block>/\*)
      | (?P<string>'(?:[^']|'')*(?:'|\Z))
      | (?P<quoted>\[(?:[^\]]|\]\])*(?:\]|\Z)|"(?:[^"]|"")*(?:"|\Z))
    )""",
    re.VERBOSE | re.DOTALL,
)
"""Comments, strings and quoted names, as the tokenizer reads them (``N'..'`` from its quote)."""

_BLOCK = re.compile(r"/\*|\*/")


def _block_end(text: str, start: int, limit: int) -> tuple[int, bool]:
    """End of the block comment opening at ``start`` (they nest, as in the tokenizer), and
    whether it closes before ``limit``."""
    depth = 0
    position = start
    while True:
        match = _BLOCK.search(text, position, limit)
        if match is None:
            return limit, False
        if match.group() == "/*":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return match.end(), True
        position = match.end()


def spans(text: str, position: int = 0,
          limit: int | None = None) -> Iterator[tuple[str, int, int, bool]]:
    """(kind, start, end, closed) of each comment (``line``, ``block``), ``string`` and
    ``quoted`` name of ``text[position:limit]`` read as a text of its own, in order, found
    lazily."""
    limit = len(text) if limit is None else limit
    search = _SPAN.search
    while True:
        match = search(text, position, limit)
        if match is None:
            return
        kind = match.lastgroup or ""
        start, end = match.start(), match.end()
        closed = True
        if kind == "block":
            end, closed = _block_end(text, start, limit)
        elif kind == "string" and end >= limit:
            body = text[start + 1:end]  # closed only by an unpaired final quote
            closed = body.endswith("'") and (len(body) - len(body.rstrip("'"))) % 2 == 1
        yield kind, start, end, closed
        position = max(end, start + 1)


_HIDING = re.compile(
    r"""(?:[^-/'\["]++|-(?!-)|/(?!\*)|--[^\r\n]*+
         |\[(?:[^\]]|\]\])*+(?:\]|\Z)|"(?:[^"]|"")*+(?:"|\Z))*+
    (?:(?P<block>/\*)|(?P<string>'(?:[^']|'')*+(?:'|\Z)))""",
    re.VERBOSE | re.DOTALL,
)
"""The next block comment or string: what :func:`spans` finds, less the line comments and
quoted names, which cannot hide a ``GO`` line and are skipped inside the one match."""


def _multiline_spans(text: str) -> Iterator[tuple[int, int]]:
    """The comments and strings spanning lines: those a ``GO`` line cannot split."""
    position, limit = 0, len(text)
    match_at = _HIDING.match
    while True:
        match = match_at(text, position)
        if match is None:
            return
        kind = match.lastgroup or ""
        start, end = match.start(kind), match.end()
        if kind == "block":
            end = _block_end(text, start, limit)[0]
        if text.find("\n", start, end) >= 0 or text.find("\r", start, end) >= 0:
            yield start, end
        position = max(end, start + 1)


_GO_CANDIDATE = re.compile(r"[\r\n][ \t]*[Gg][Oo]")
"""Where a ``GO`` line may begin: a regex with a plain first character searches several times
faster than :data:`GO_LINE`, whose look-behind is tried at every offset."""


def _go_line_matches(text: str) -> Iterator[re.Match[str]]:
    """``GO_LINE.finditer(text)``, found through :data:`_GO_CANDIDATE`."""
    match_at = GO_LINE.match
    first = match_at(text, 0)
    position = 0
    if first is not None:
        yield first
        position = first.end()
    search = _GO_CANDIDATE.search
    while True:
        candidate = search(text, position)
        if candidate is None:
            return
        match = match_at(text, candidate.start() + 1)
        position = candidate.start() + 1
        if match is not None:
            yield match
            position = max(position, match.end())


def go_lines(text: str) -> Iterator[re.Match[str]]:
    """The ``GO`` lines that split, in order, found lazily."""
    protected = _multiline_spans(text)
    span: tuple[int, int] | None = None
    scanned = False
    for match in _go_line_matches(text):
        if not scanned:
            span, scanned = next(protected, None), True
        while span is not None and span[1] <= match.start():
            span = next(protected, None)
        if span is not None and span[0] < match.start() < span[1]:
            continue
        yield match


def iter_batch_ranges(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each batch between ``GO`` lines that holds more than blanks,
    found lazily (a big file is cut as it is read)."""
    position = 0
    for match in go_lines(text):
        if not text[position:match.start()].isspace() and match.start() > position:
            yield position, match.start()
        position = match.end()
    if not text[position:].isspace() and len(text) > position:
        yield position, len(text)


def batch_ranges(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each non-empty batch between ``GO`` lines."""
    return list(iter_batch_ranges(text))


def split_batches(text: str) -> list[Batch]:
    """The non-empty batches of ``text`` with their offsets."""
    return [Batch(text[start:end], start) for start, end in iter_batch_ranges(text)]
