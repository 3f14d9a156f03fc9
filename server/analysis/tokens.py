"""A small, total T-SQL tokenizer: every input yields tokens, whatever state it is in.

The parser gives up on half-typed SQL; this does not. Statement splitting,
completion context and suppression comments all read these tokens, so they
keep working while the user types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    WORD = "word"
    """Keyword or bare identifier (also ``@var``, ``#temp``, ``@@ROWCOUNT``)."""
    QUOTED = "quoted"
    """``[name]`` or ``"name"``; ``value`` holds the name without quotes."""
    STRING = "string"
    NUMBER = "number"
    COMMENT = "comment"
    PUNCT = "punct"


@dataclass(frozen=True, slots=True)
class Token:
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
    (?P<ws>[\s\ufeff]+)
  | (?P<line_comment>--[^\r\n]*)
  | (?P<block_comment>/\*)
  | (?P<string>N?'(?:[^']|'')*(?:'|$))
  | (?P<bracket>\[(?:[^\]]|\]\])*(?:\]|$))
  | (?P<dquote>"(?:[^"]|"")*(?:"|$))
  | (?P<number>(?:0x[0-9A-Fa-f]*)|(?:\d+\.?\d*(?:[eE][+-]?\d+)?)|(?:\.\d+))
  | (?P<word>(?:@@|@)[A-Za-z0-9_$#@\u00C0-\uFFFF]+
      |(?:\#\#|\#)?[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_$#@\u00C0-\uFFFF]*|@@?|\#\#?)
  | (?P<punct><>|!=|>=|<=|!<|!>|\+=|-=|\*=|/=|::|.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokenize(text: str, *, comments: bool = False) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    length = len(text)
    while position < length:
        match = _PATTERN.match(text, position)
        if match is None:  # pragma: no cover - the pattern ends with a catch-all
            position += 1
            continue
        group = match.lastgroup
        end = match.end()
        if group == "block_comment":
            end, terminated = _block_comment_end(text, position)
            if comments:
                tokens.append(Token(Kind.COMMENT, text[position:end], position, end, terminated))
        elif group == "line_comment":
            if comments:
                tokens.append(Token(Kind.COMMENT, match.group(), position, end))
        elif group == "string":
            raw = match.group()
            closed = len(raw) >= 2 + raw.startswith("N") and raw.endswith("'") and not (
                _unclosed_quote(raw[1:] if raw.startswith("N") else raw))
            tokens.append(Token(Kind.STRING, raw, position, end, closed))
        elif group in ("bracket", "dquote"):
            raw = match.group()
            closer = "]" if group == "bracket" else '"'
            closed = len(raw) >= 2 and raw.endswith(closer) and not _unclosed_quote(raw, closer)
            tokens.append(Token(Kind.QUOTED, raw, position, end, closed))
        elif group == "number":
            tokens.append(Token(Kind.NUMBER, match.group(), position, end))
        elif group == "word":
            tokens.append(Token(Kind.WORD, match.group(), position, end))
        elif group == "punct":
            tokens.append(Token(Kind.PUNCT, match.group(), position, end))
        position = end
    return tokens


def _block_comment_end(text: str, start: int) -> tuple[int, bool]:
    """T-SQL block comments nest."""
    depth = 0
    position = start
    while position < len(text):
        if text.startswith("/*", position):
            depth += 1
            position += 2
        elif text.startswith("*/", position):
            depth -= 1
            position += 2
            if depth == 0:
                return position, True
        else:
            position += 1
    return len(text), False


def _unclosed_quote(raw: str, quote: str = "'") -> bool:
    """True when the final quote of ``raw`` is half of an escaped pair (``'it''``)."""
    body = raw[1:]
    if quote == "]":
        run = len(body) - len(body.rstrip("]"))
        return run % 2 == 0
    run = len(body) - len(body.rstrip(quote))
    return run % 2 == 0
