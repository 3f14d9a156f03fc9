"""The DDL reader's view of a batch: a lazy token stream, names, lines and skipping.

Tokens come from the shared SQL text layer (:mod:`vgpt2.catalog.sql.tokens`), the
same the analyzer reads; this adds what a statement reader needs on top: peeking
and accepting keywords, dotted names, skipping an item or a default value, and
1-based lines for issues.
"""

from __future__ import annotations

from pathlib import Path

from vgpt2.catalog.sql.lines import LineCounter
from vgpt2.catalog.sql.names import read_dotted
from vgpt2.catalog.sql.tokens import PUNCT, WORD, Token, read_tokens

_STATEMENT_WORDS = frozenset({
    "CREATE", "ALTER", "GRANT", "DENY", "REVOKE", "EXEC", "EXECUTE", "SET", "IF", "PRINT",
    "SELECT", "INSERT", "UPDATE", "DELETE", "DECLARE", "BEGIN", "END", "USE", "DROP",
    "TRUNCATE", "RETURN", "WHILE", "COMMIT", "ROLLBACK",
})
_LIST_ENDING_WORDS = _STATEMENT_WORDS - {"SET"}
_CONSTRAINT_WORDS = frozenset({"CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "INDEX"})
_TABLE_LEVEL_WORDS = _CONSTRAINT_WORDS | {"PERIOD"}
_ITEM_END = frozenset({",", ")", ";"})
"""What ends a column, constraint or value."""


class _Stream:
    """The tokens of ``text[pos:end]`` from the shared tokenizer, pulled only as far as a
    reader looks (so a procedure body after its header is never tokenized); comments and
    whitespace are skipped."""

    __slots__ = ("_pos", "_toks", "end", "index", "text")

    def __init__(self, text: str, pos: int, end: int) -> None:
        self.text = text
        self.end = end
        self.index = 0
        self._toks: list[Token] = []
        self._pos = pos
        """Where the tokenizer goes on from."""

    def peek(self, ahead: int = 0) -> Token | None:
        index = self.index + ahead
        toks = self._toks
        while index >= len(toks):
            if self._pos >= self.end:
                return None
            # more each time: headers stay cheap, tables fast
            self._pos = read_tokens(self.text, self._pos, self.end, toks, min(16 + len(toks), 512))
        return toks[index]

    def next(self) -> Token | None:
        index = self.index
        toks = self._toks
        tok = toks[index] if index < len(toks) else self.peek()
        if tok is not None:
            self.index = index + 1
        return tok

    def peek_word(self, ahead: int = 0) -> str | None:
        tok = self.peek(ahead)
        return tok.text.upper() if tok is not None and tok.kind is WORD else None

    def accept(self, *words: str) -> str | None:
        word = self.peek_word()
        if word is not None and word in words:
            self.next()
            return word
        return None

    def accept_op(self, op: str) -> Token | None:
        tok = self.peek()
        if tok is not None and tok.kind is PUNCT and tok.text == op:
            return self.next()
        return None

    def position(self) -> int:
        """Offset of the next unread token (or of the end)."""
        tok = self.peek()
        return tok.start if tok is not None else self.end

    def skip_group(self) -> int | None:
        """After a consumed ``(``: skip to the matching ``)``; its end, or None if unterminated."""
        depth = 1
        while True:
            tok = self.next()
            if tok is None:
                return None
            if tok.kind is PUNCT:
                if tok.text == "(":
                    depth += 1
                elif tok.text == ")":
                    depth -= 1
                    if depth == 0:
                        return tok.end


def _is_op(tok: Token | None, op: str) -> bool:
    return tok is not None and tok.kind is PUNCT and tok.text == op


class _SyntaxError(Exception):
    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


class _Source:
    """One script's text; turns offsets into 1-based lines (``\\n``, ``\\r\\n`` or a lone ``\\r``
    ends one, as in every other part of vgpt2)."""

    __slots__ = ("_lines", "path", "text")

    def __init__(self, path: Path, text: str, line_base: int = 0) -> None:
        self.path = path
        self.text = text
        self._lines = LineCounter(text, line_base)

    def line(self, pos: int) -> int:
        return self._lines.line(pos)


def _read_name_parts(stream: _Stream) -> tuple[tuple[str, ...], Token]:
    """``[db].[dbo].[name]`` -> its parts (unquoted, unstripped) and the first token, read by
    the shared name reader; a missing name or a dangling dot is a syntax error here."""
    first = stream.peek()
    name = read_dotted(stream.peek)
    if first is None or name is None:
        if first is None:
            raise _SyntaxError("expected a name, found the end of the statement", stream.end)
        raise _SyntaxError(f"expected a name, found {first.text!r}", first.start)
    stream.index += name.stop
    if name.dangling:
        raise _SyntaxError("expected a name after '.'", stream.position())
    return name.parts, first


def _skip_permission(stream: _Stream) -> None:
    """GRANT ... TO principal: skip its words (``GRANT CREATE TABLE TO x`` creates nothing)."""
    while True:
        tok = stream.next()
        if tok is None or _is_op(tok, ";"):
            return
        if tok.kind is WORD and tok.text.upper() in ("TO", "FROM"):
            stream.next()
            return


def _skip_item(stream: _Stream) -> None:
    """Skip to the ``,`` or ``)`` that ends a column or constraint, without consuming it."""
    while True:
        tok = stream.peek()
        if tok is None or (tok.kind is PUNCT and tok.text in _ITEM_END):
            return
        if tok.kind is WORD and tok.text.upper() in _STATEMENT_WORDS:
            return
        stream.next()
        if _is_op(tok, "("):
            stream.skip_group()


def _skip_expression(stream: _Stream) -> None:
    """A computed column's expression: up to the next ``,``/``)`` at this depth, or PERSISTED."""
    while True:
        tok = stream.peek()
        if tok is None or (tok.kind is PUNCT and tok.text in _ITEM_END):
            return
        if tok.kind is WORD and tok.text.upper() in ("PERSISTED", "NOT", "NULL", "CONSTRAINT"):
            return
        stream.next()
        if _is_op(tok, "("):
            stream.skip_group()


def _skip_value(stream: _Stream) -> None:
    """A default value: ``((0))``, ``-1``, ``'x'``, ``getdate()``, ``null``."""
    tok = stream.next()
    if tok is None:
        return
    if _is_op(tok, "("):
        stream.skip_group()
        return
    if _is_op(tok, "-") or _is_op(tok, "+"):
        stream.next()
        return
    if tok.is_name() and stream.accept_op("("):
        stream.skip_group()
