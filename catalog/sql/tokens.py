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
        return self.text.upper() if self.kind is Kind.WORD else ""

    @property
    def value(self) -> str:
        """The name a WORD or QUOTED token stands for."""
        if self.kind is Kind.QUOTED:
            inner = self.text[1:-1] if self.terminated else self.text[1:]
            return inner.replace("]]", "]") if self.text.startswith("[") else inner.replace(
                '""', '"')
        return self.text

    def is_name(self) -> bool:
        return self.kind in (Kind.WORD, Kind.QUOTED)


_PATTERN = re.compile(
    r"""
    [\s\ufeff]*+
    (?:
    (?P<line_comment>--[^\r\n]*)
  | (?P<block_comment>/\*)
  | (?P<string>[Nn]?'(?:[^']|'')*(?:'|$))
  | (?P<bracket>\[(?:[^\]]|\]\])*(?:\]|$))
  | (?P<dquote>"(?:[^"]|"")*(?:"|$))
  | (?P<number>(?:0x[0-9A-Fa-f]*)|(?:\d+\.?\d*(?:[eE][+-]?\d+)?)|(?:\.\d+))
  | (?P<word>(?:@@|@)[A-Za-z0-9_$#@\u00C0-\uFFFF]+
      |(?:\#\#|\#)?[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_$#@\u00C0-\uFFFF]*|@@?|\#\#?)
  | (?P<punct><>|!=|>=|<=|!<|!>|\+=|-=|\*=|/=|::|.)
    )
    """,
    re.VERBOSE | re.DOTALL,
)


def tokenize(text: str, *, comments: bool = False) -> list[Token]:
    """Every token of ``text``, in order (comments only when asked for)."""
    return list(iter_tokens(text, comments=comments))


def iter_tokens(text: str, *, comments: bool = False, start: int = 0,
                end: int | None = None) -> Iterator[Token]:
    """The tokens of ``text[start:end]``, found lazily, with offsets into ``text``.

    The range reads as a text of its own: a string, comment or quoted name that
    runs past ``end`` ends there, unterminated.
    """
    position = start
    length = len(text) if end is None else end
    match_at = _PATTERN.match
    new = tuple.__new__
    while position < length:
        match = match_at(text, position, length)
        if match is None:  # only whitespace is left
            return
        group = match.lastgroup or "punct"
        begin = match.start(group)
        stop = match.end()
        if group == "word":
            yield new(Token, (Kind.WORD, match.group(group), begin, stop, True))
        elif group == "punct":
            yield new(Token, (Kind.PUNCT, match.group(group), begin, stop, True))
        elif group == "number":
            yield new(Token, (Kind.NUMBER, match.group(group), begin, stop, True))
        elif group == "block_comment":
            stop, terminated = _block_comment_end(text, begin, length)
            if comments:
                yield new(Token, (Kind.COMMENT, text[begin:stop], begin, stop, terminated))
        elif group == "line_comment":
            if comments:
                yield new(Token, (Kind.COMMENT, match.group(group), begin, stop, True))
        elif group == "string":
            raw = match.group(group)
            national = raw[0] in "Nn"
            closed = len(raw) >= 2 + national and raw.endswith("'") and not (
                _unclosed_quote(raw[1:] if national else raw))
            yield new(Token, (Kind.STRING, raw, begin, stop, closed))
        elif group in ("bracket", "dquote"):
            raw = match.group(group)
            closer = "]" if group == "bracket" else '"'
            closed = len(raw) >= 2 and raw.endswith(closer) and not _unclosed_quote(raw, closer)
            yield new(Token, (Kind.QUOTED, raw, begin, stop, closed))
        position = stop


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


def _unclosed_quote(raw: str, quote: str = "'") -> bool:
    """True when the final quote of ``raw`` is half of an escaped pair (``'it''``)."""
    body = raw[1:]
    if quote == "]":
        run = len(body) - len(body.rstrip("]"))
        return run % 2 == 0
    run = len(body) - len(body.rstrip(quote))
    return run % 2 == 0
