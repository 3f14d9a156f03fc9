"""Multi-part names as T-SQL writes them: ``[dbo].[APTH]``, ``dbo.bAPTH``, ``"x"."y"``,
``server.db.schema.object``, ``db..object``.

Every reader of a dotted name reads it here, from the shared tokens
(:mod:`.tokens`): the DDL importer's headers and view bodies, the analyzer's
preprocessing, star expansion, the metadata importer's type names. So quoting
(``]]``, ``""``), spaces and comments around the dots, an omitted part
(``db..APTH``: the default schema) and a name that ends in a dot (``dbo.`` while
the user types; an error in a script) are decided, and tested, once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from vgpt2.catalog.sql.tokens import PUNCT, QUOTED, WORD, Token, iter_tokens

__all__ = ["DOTTED_PATTERN", "PART_PATTERN", "DottedName", "dotted_start", "last_part",
           "qualifier_before", "read_dotted", "read_name", "split_name"]

PART_PATTERN = (r'(?:\[(?:[^\]]|\]\])*\]|"(?:[^"]|"")*"'
                r"|[A-Za-z_@#\u00C0-\uFFFF][A-Za-z0-9_$#@\u00C0-\uFFFF]*)")
"""One part of a name as a regex: bracketed, double-quoted or bare, as the tokenizer reads it."""
DOTTED_PATTERN = rf"{PART_PATTERN}(?:\s*\.(?:\s*\.)*\s*{PART_PATTERN})*"
"""A whole dotted name as a regex, ``db..name`` included, for scanning long text with
``re`` where tokenizing it all would cost too much (the DDL importer's FROM/JOIN scan of
every procedure body). Comments between the parts are not matched: blank them first.
:func:`split_name` then reads a match's parts."""


class DottedName(NamedTuple):
    """One dotted name read from tokens."""

    parts: tuple[str, ...]
    """Each part's name, unquoted but not stripped (``[ APTH ]`` is `` APTH ``); ``""`` for
    an omitted part (``db..APTH``). A dangling name's parts are all qualifiers."""
    first: int
    """Index of the name's first token."""
    stop: int
    """Index one past its last token (past the final dot of a dangling name)."""
    dangling: bool
    """It ends in a dot that no name follows (``dbo.``, ``h.*``)."""

    @property
    def name(self) -> str:
        """The last part: the object (or column) itself."""
        return self.parts[-1]

    @property
    def schema(self) -> str:
        """The part before the last (``""`` when there is none or it is omitted)."""
        return self.parts[-2] if len(self.parts) >= 2 else ""


def read_dotted(peek: Callable[[int], Token | None], at: int = 0) -> DottedName | None:
    """The dotted name whose first token is ``peek(at)``; None when that token is no name.

    ``peek(k)`` is the ``k``-th token, or None past the end: a list, or a lazy stream
    that tokenizes only as far as a reader looks (the DDL importer's).
    """
    first = peek(at)
    if first is None or (first.kind is not WORD and first.kind is not QUOTED):
        return None
    parts = [first.text if first.kind is WORD else first.value]
    k = at + 1
    while True:
        dot = peek(k)
        if dot is None or dot.kind is not PUNCT or dot.text != ".":
            return DottedName(tuple(parts), at, k, False)
        k += 1
        tok = peek(k)
        if tok is None:
            return DottedName(tuple(parts), at, k, True)
        if tok.kind is WORD:
            parts.append(tok.text)
            k += 1
        elif tok.kind is QUOTED:
            parts.append(tok.value)
            k += 1
        elif tok.kind is PUNCT and tok.text == ".":
            parts.append("")  # db..name: the loop reads the second dot
        else:
            return DottedName(tuple(parts), at, k, True)


def read_name(tokens: Sequence[Token], index: int, stop: int | None = None) -> DottedName | None:
    """The dotted name starting at ``tokens[index]``, read no further than ``stop``."""
    limit = len(tokens) if stop is None else min(stop, len(tokens))

    def peek(k: int) -> Token | None:
        return tokens[k] if k < limit else None

    return read_dotted(peek, index)


def _is_dot(token: Token) -> bool:
    return token.kind is PUNCT and token.text == "."


def dotted_start(tokens: Sequence[Token], index: int, low: int = 0) -> int:
    """Index of the first token of the dotted name whose last part is ``tokens[index]``
    (``index`` itself when nothing qualifies it), looking no further back than ``low``."""
    start = index
    while start - 1 >= low and _is_dot(tokens[start - 1]):
        before = start - 1
        while before - 1 >= low and _is_dot(tokens[before - 1]):
            before -= 1  # db..name
        if before - 1 < low or not tokens[before - 1].is_name():
            break
        start = before - 1
    return start


def qualifier_before(tokens: Sequence[Token], index: int, low: int = 0) -> DottedName | None:
    """The qualifier written right before ``tokens[index]``: ``h`` in ``h.*`` or ``h.Vendor``,
    ``dbo.APTH`` in ``dbo.APTH.*``; None when a dot does not come right before it."""
    if index - 1 < low or not _is_dot(tokens[index - 1]):
        return None
    last = index - 1
    while last - 1 >= low and _is_dot(tokens[last - 1]):
        last -= 1
    if last - 1 < low or not tokens[last - 1].is_name():
        return None
    return read_name(tokens, dotted_start(tokens, last - 1, low), index)


def last_part(text: str) -> str:
    """The object a dotted name written as text names, stripped (``[dbo].[ APTH ]`` ->
    ``APTH``); for a :data:`DOTTED_PATTERN` match (other text comes back stripped)."""
    if "[" not in text and '"' not in text:
        return text.rpartition(".")[2].strip()  # bare parts hold no dots: no need to tokenize
    parts = split_name(text)
    return (parts[-1] if parts else text).strip()


def split_name(text: str) -> tuple[str, ...] | None:
    """The parts of a dotted name written as text (``[dbo].[bAPTH]`` -> ``("dbo", "bAPTH")``);
    None when the text is not exactly one whole name."""
    tokens = list(iter_tokens(text))
    name = read_name(tokens, 0)
    if name is None or name.dangling or name.stop != len(tokens):
        return None
    return name.parts
