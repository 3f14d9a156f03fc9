"""A small, total T-SQL tokenizer: every input yields tokens, whatever state it is in.

The parser gives up on half-typed SQL; this does not. Statement splitting,
completion context and suppression comments all read these tokens, so they
keep working while the user types; the DDL importer reads its headers with the
same tokens, lazily (:func:`iter_tokens`), so a procedure body after its header
is never tokenized and a big file is never held as one token list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import Enum
from typing import NamedTuple


class Kind(Enum):
    WORD = "word"
    """Keyword or bare identifier (also ``@var``, ``#temp``, ``@@ROWCOUNT``)."""
    QUOTED = "quoted"
    """``[name]`` or ``"name"``; ``value`` holds the name without quotes."""
    STRING = "string"
    NUMBER = "number"
    COMMENT = "comment"
    PUNCT = "punct"


class Token(NamedTuple):
    """One token; a named tuple, because a big script makes millions of them."""

    kind: Kind
    text: str
    start: int
    end: int
    """Offset one past the last character."""
    terminated: bool = True
    """False for a string, comment or quoted name that runs off the end of the text."""

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind is WORD else ""

    @property
    def value(self) -> str:
        """The name a WORD or QUOTED token stands for."""
        if self.kind is QUOTED:
            inner = self.text[1:-1] if self.terminated else self.text[1:]
            return inner.replace("]]", "]") if self.text.startswith("[") else inner.replace(
                '""', '"')
        return self.text

    @property
    def literal(self) -> str:
        """The value a STRING token stands for (``N'it''s'`` is ``it's``; an unterminated one
        runs to its end)."""
        body = self.text[1:] if self.text[:1] in "Nn" else self.text
        body = body[1:-1] if self.terminated else body[1:]
        return body.replace("''", "'")

    def is_name(self) -> bool:
        return self.kind is WORD or self.kind is QUOTED


WORD, QUOTED, STRING = Kind.WORD, Kind.QUOTED, Kind.STRING
NUMBER, COMMENT, PUNCT = Kind.NUMBER, Kind.COMMENT, Kind.PUNCT
"""The kinds as module constants, for hot loops: ``Kind.WORD`` costs a descriptor call each
time (about 70 ns on Python 3.11), and a big import asks millions of times."""


_PATTERN = re.compile(
    r"""
    [\s\ufeff]*+
    (?:
    (?P<line_comment>--[^\r\n]*)
  | (?P<block_comment>/\*)
  | (?P<string>[Nn]?'(?:[^']|'')*+(?:(?P<string_closed>')|$))
  | (?P<bracket>\[(?:[^\]]|\]\])*+(?:(?P<bracket_closed>\])|$))
  | (?P<dquote>"(?:[^"]|"")*+(?:(?P<dquote_closed>")|$))
  | (?P<number>(?:0x[0-9A-Fa-f]*)|(?:\d+\.?\d*(?:[eE][+-]?\d+)?)|(?:\.\d+))
  | (?P<word>[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_$#@\u00C0-\uFFFF]*+
      |(?:@@|@)[A-Za-z0-9_$#@\u00C0-\uFFFF]++
      |(?:\#\#|\#)[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_$#@\u00C0-\uFFFF]*+|@@?|\#\#?)
  | (?P<punct><>|!=|>=|<=|!<|!>|\+=|-=|\*=|/=|::|.)
    )
    """,
    re.VERBOSE | re.DOTALL,
)
"""One token a match. The quantifiers inside quotes are possessive, so an escaped pair
(``''``, ``]]``) is never split to close early, and the ``*_closed`` group says whether the
closing quote was found (``'it''`` runs off the end)."""


def tokenize(text: str, *, comments: bool = False) -> list[Token]:
    """Every token of ``text``, in order (comments only when asked for)."""
    tokens: list[Token] = []
    position, length = 0, len(text)
    while position < length:
        position = read_tokens(text, position, length, tokens, 4096, comments=comments)
    return tokens


def iter_tokens(text: str, *, comments: bool = False, start: int = 0,
                end: int | None = None) -> Iterator[Token]:
    """The tokens of ``text[start:end]``, found lazily, with offsets into ``text``.

    The range reads as a text of its own: a string, comment or quoted name that
    runs past ``end`` ends there, unterminated. Tokens are found a few at a time
    (more each time), so a reader that stops early pays for little more than it read.
    """
    position = start
    length = len(text) if end is None else end
    chunk: list[Token] = []
    count = 16
    while position < length:
        position = read_tokens(text, position, length, chunk, count, comments=comments)
        yield from chunk
        chunk.clear()
        count = min(count * 2, 512)


def read_tokens(text: str, position: int, end: int, into: list[Token], count: int, *,
                comments: bool = False) -> int:
    """Append up to ``count`` tokens of ``text[position:end]`` to ``into``; the offset to go
    on from (``end`` when the range is read).

    The one tokenizing loop: :func:`iter_tokens` and :func:`tokenize` read through it, and
    a reader that keeps its own token list (the DDL importer's stream) fills it directly.
    """
    match_at = _PATTERN.match
    new = tuple.__new__
    append = into.append
    word, punct, number, quoted, string, comment = WORD, PUNCT, NUMBER, QUOTED, STRING, (
        COMMENT)
    wanted = len(into) + count
    while position < end and len(into) < wanted:
        match = match_at(text, position, end)
        if match is None:  # only whitespace is left
            return end
        group = match.lastgroup or "punct"
        begin = match.start(group)
        stop = match.end()
        if group == "word":
            append(new(Token, (word, match.group(group), begin, stop, True)))
        elif group == "punct":
            append(new(Token, (punct, match.group(group), begin, stop, True)))
        elif group == "bracket" or group == "dquote":
            append(new(Token, (quoted, match.group(group), begin, stop,
                               match.start(group + "_closed") >= 0)))
        elif group == "number":
            append(new(Token, (number, match.group(group), begin, stop, True)))
        elif group == "string":
            append(new(Token, (string, match.group(group), begin, stop,
                               match.start("string_closed") >= 0)))
        elif group == "block_comment":
            stop, terminated = _block_comment_end(text, begin, end)
            if comments:
                append(new(Token, (comment, text[begin:stop], begin, stop, terminated)))
        elif comments:  # line_comment
            append(new(Token, (comment, match.group(group), begin, stop, True)))
        position = stop
    return position


def _block_comment_end(text: str, start: int, limit: int) -> tuple[int, bool]:
    """End of the block comment opening at ``start`` and whether it closes before ``limit``;
    T-SQL block comments nest."""
    depth = 0
    position = start
    while position < limit:
        if text.startswith("/*", position, limit):
            depth += 1
            position += 2
        elif text.startswith("*/", position, limit):
            depth -= 1
            position += 2
            if depth == 0:
                return position, True
        else:
            position += 1
    return limit, False
