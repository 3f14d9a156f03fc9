"""Where a statement starts and ends in half-typed T-SQL, and its parenthesis structure.

The one statement-bounds function of the editor engines (completion, hover, go-to-definition,
signature help): it reads tokens, not a parse tree, so a statement being typed still has
bounds. A statement starts after a ``;`` at depth 0 and at a statement keyword
(``SELECT``, ``UPDATE``, ``DECLARE``, ``IF`` ...) that does not continue the statement before
it: the SELECT of ``INSERT ... SELECT``, the statement after ``WITH name AS (...)``, the SET of
an UPDATE, ``UNION SELECT`` and MERGE's ``THEN UPDATE`` continue it. Words inside
parentheses, inside CASE, after ``AS`` or after a dot never start one.

:func:`context_at` gives hover, go-to-definition and signature help the ``GO`` batch around
the cursor, its tokens and these bounds; completion reads a window of the batch itself
(:mod:`~vgpt2.server.analysis.context`) and calls :func:`statement_bounds` on it.

The analyzer's :func:`~vgpt2.server.analysis.statements.split_statements` cuts statements for
the parser instead (it also classifies them and wraps conditions for sqlglot); document
symbols name those. The two answer different questions, so neither is built on the other:
here every token belongs to a statement (hover on ``RAISERROR``, completion after ``DROP
TABLE``, in a window that began mid-batch), while the analyzer keeps only what it checks
and cuts it for sqlglot (``IF`` is its condition alone, ``CREATE VIEW v AS SELECT`` the
SELECT, ``SET NOCOUNT ON``, ``BEGIN``/``END``, ``PRINT`` are no statement). On the test
corpus they disagree on about one token in ten (844 of 8,989, semicolons aside).
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass

from vgpt2.catalog.sql.tokens import Kind, Token, tokenize
from vgpt2.server.analysis.locate import RESERVED_WORDS, batch_at

__all__ = ["SET_OPERATORS", "Context", "StatementTokens", "context_at", "is_unreserved_name",
           "lex", "statement_bounds"]

STATEMENT_WORDS = frozenset({
    "DECLARE", "IF", "WHILE", "BEGIN", "END", "ELSE", "RETURN", "PRINT", "RAISERROR", "THROW",
    "CREATE", "ALTER", "DROP", "TRUNCATE", "OPEN", "FETCH", "CLOSE", "DEALLOCATE", "COMMIT",
    "ROLLBACK", "SAVE", "USE", "GOTO", "WAITFOR", "BREAK", "CONTINUE", "GRANT", "REVOKE", "DENY",
})
"""Statement keywords that always start a new statement at depth 0 (outside CASE)."""

SET_OPERATORS = frozenset({"UNION", "EXCEPT", "INTERSECT"})


def is_unreserved_name(token: Token) -> bool:
    """A name in forgiving, half-typed SQL: quoted, or a word that is not a clause keyword."""
    return token.kind is Kind.QUOTED or (
        token.kind is Kind.WORD and token.upper not in RESERVED_WORDS)


class StatementTokens:
    """The tokens of one statement with their parenthesis structure."""

    def __init__(self, tokens: list[Token], start: int, end: int) -> None:
        self.tokens = tokens
        self.start = start
        self.end = end
        self.close: dict[int, int] = {}
        """Index of ``(`` -> index of its ``)`` (``end`` when it never closes)."""
        self.open: dict[int, int] = {}
        """Index of ``)`` -> index of its ``(`` (``start - 1`` when unmatched)."""
        self.parent: list[int] = []
        """Per token (from ``start``): index of the innermost enclosing ``(``, or -1."""
        stack: list[int] = []
        for i in range(start, end):
            text = tokens[i].text
            self.parent.append(stack[-1] if stack else -1)
            if tokens[i].kind is not Kind.PUNCT:
                continue
            if text == "(":
                stack.append(i)
            elif text == ")":
                if stack:
                    opening = stack.pop()
                    self.close[opening] = i
                    self.open[i] = opening
                else:
                    self.open[i] = start - 1
        for opening in stack:
            self.close[opening] = end

    def parent_of(self, i: int) -> int:
        return self.parent[i - self.start] if self.start <= i < self.end else -1

    def stack_at(self, i: int) -> list[int]:
        """The ``(`` enclosing position ``i``, innermost last."""
        chain: list[int] = []
        j = i - 1
        while j >= self.start:
            token = self.tokens[j]
            if token.text == ")" and token.kind is Kind.PUNCT:
                j = self.open.get(j, self.start - 1) - 1
                continue
            if token.text == "(" and token.kind is Kind.PUNCT:
                chain.append(j)
            j -= 1
        chain.reverse()
        return chain

    def is_subquery(self, opening: int) -> bool:
        nxt = opening + 1
        return nxt < self.end and self.tokens[nxt].upper in ("SELECT", "WITH")

    def skip(self, i: int) -> int:
        """The index after the group opening at ``i`` (``i + 1`` for any other token)."""
        if self.tokens[i].text == "(" and self.tokens[i].kind is Kind.PUNCT:
            return self.close.get(i, self.end) + 1
        return i + 1


def statement_bounds(tokens: list[Token], position: int) -> tuple[int, int, bool]:
    """(start, end) token indexes of the statement holding ``position``, and whether the
    tokens close more parentheses than they open (a window that began too late)."""
    n = len(tokens)
    starts = [0]
    depth = 0
    negative = False
    case = 0
    first = tokens[0].upper if tokens else ""
    body = ""
    """WITH: the statement the CTEs are for (SELECT, INSERT, UPDATE, DELETE, MERGE)."""
    fed = False
    """INSERT: its SELECT / VALUES / EXEC has been read."""
    seen_set = False
    for j in range(1, n):
        token = tokens[j]
        text = token.text
        if token.kind is Kind.PUNCT:
            if text == "(":
                depth += 1
            elif text == ")":
                depth -= 1
                if depth < 0:
                    depth = 0
                    negative = True
            elif text == ";" and depth == 0:
                starts.append(j + 1)
                first = tokens[j + 1].upper if j + 1 < n else ""
                body, fed, seen_set, case = "", False, False, 0
            continue
        if depth or token.kind is not Kind.WORD or j == starts[-1]:
            continue
        word = token.upper
        previous = tokens[j - 1].upper
        if word == "CASE":
            case += 1
            continue
        if word == "END" and case:
            case -= 1
            continue
        if case or previous == "AS" or tokens[j - 1].text == ".":
            continue  # x.Open, AS Close: a name, not a statement keyword
        new = False
        if word in STATEMENT_WORDS:
            new = True
        elif word == "SELECT":
            if previous in SET_OPERATORS or previous == "ALL":
                pass
            elif first == "WITH" and not body:
                body = "SELECT"
            elif (first == "INSERT" or body == "INSERT") and not fed:
                fed = True
            else:
                new = True
        elif word in ("INSERT", "DELETE", "MERGE", "UPDATE"):
            if previous in ("THEN", "FOR") or (word == "UPDATE" and j + 1 < n
                                              and tokens[j + 1].text == "("):
                pass
            elif first == "WITH" and not body:
                body = word
            else:
                new = True
        elif word == "SET":
            if previous == "UPDATE" or (not seen_set and (first == "UPDATE" or body == "UPDATE")):
                seen_set = True
            else:
                new = True
        elif word in ("EXEC", "EXECUTE"):
            if (first == "INSERT" or body == "INSERT") and not fed:
                fed = True
            else:
                new = True
        elif word == "VALUES" and (first == "INSERT" or body == "INSERT"):
            fed = True
        elif word == "WITH":
            new = (j + 2 < n and is_unreserved_name(tokens[j + 1])
                   and (tokens[j + 2].upper == "AS" or tokens[j + 2].text == "("))
        if new:
            starts.append(j)
            first, body, fed, seen_set, case = word, "", False, False, 0
    index = bisect.bisect_right(starts, position) - 1
    start = starts[max(index, 0)]
    end = starts[index + 1] if index + 1 < len(starts) else n
    if end > start and tokens[end - 1].text == ";":
        end -= 1
    return start, max(end, start), negative


# -- the statement around the cursor ------------------------------------------------------------


@functools.lru_cache(maxsize=32)
def lex(text: str) -> tuple[list[Token], list[int]]:
    """The tokens of a batch (or of a window of one) and their starts, cached: a keystroke's
    completion, hover and signature help tokenize the batch once."""
    tokens = tokenize(text)
    return tokens, [t.start for t in tokens]


@dataclass(frozen=True, slots=True)
class Context:
    """The tokens of the batch around the cursor and the statement the cursor is in."""

    text: str
    """The batch text."""
    base: int
    """Offset of the batch in the file: add it to every token offset."""
    tokens: list[Token]
    starts: list[int]
    """Each token's start, for bisection."""
    cursor: int
    """The cursor, as an offset into the batch."""
    low: int
    high: int
    """Token index range ``[low, high)`` of the statement around the cursor."""

    def token_at(self) -> int | None:
        """Index of the token under the cursor (or ending at it), if any."""
        index = bisect.bisect_right(self.starts, self.cursor) - 1
        if index < 0:
            return None
        token = self.tokens[index]
        if token.start <= self.cursor < token.end:
            return index
        if token.end == self.cursor:
            return index
        return None

    def before(self) -> int:
        """Number of tokens that start before the cursor."""
        return bisect.bisect_left(self.starts, self.cursor)


def context_at(text: str, offset: int) -> Context | None:
    """Locate ``offset``: its batch, that batch's tokens and the statement around it."""
    if not 0 <= offset <= len(text):
        return None
    batch = batch_at(text, offset)
    if batch is None:
        return None
    tokens, starts = lex(batch.text)
    cursor = offset - batch.offset
    low, high = 0, 0
    if tokens:
        low, high, _ = statement_bounds(tokens, max(bisect.bisect_right(starts, cursor) - 1, 0))
    return Context(batch.text, batch.offset, tokens, starts, cursor, low, high)
