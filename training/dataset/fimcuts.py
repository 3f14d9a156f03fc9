"""Cut points for fill-in-the-middle records: where a report writer's cursor stops in a query.

A cut starts where a clause or an item starts (``FROM``, ``JOIN``, ``ON``,
``WHERE``, ``AND``, ``GROUP BY``, ``ORDER BY``, ``HAVING``, the next item of a
SELECT list after its comma) and ends at the end of that line, so the middle is
what the inline completion should offer there: a clause, a join condition, a
column. Cuts never split a token, a string or a comment.
"""

from __future__ import annotations

from dataclasses import dataclass

from vgpt2.catalog.sql.tokens import Kind, tokenize

CLAUSE_WORDS = frozenset({"FROM", "JOIN", "ON", "WHERE", "AND", "GROUP", "ORDER", "HAVING"})
MIN_MIDDLE = 3


@dataclass(frozen=True, slots=True)
class Cut:
    start: int
    end: int
    what: str
    """The clause word (``ON``) or ``item`` for a SELECT-list item."""

    def split(self, sql: str) -> tuple[str, str, str]:
        """(prefix, middle, suffix)."""
        return sql[:self.start], sql[self.start:self.end], sql[self.end:]


def cut_points(sql: str) -> list[Cut]:
    """Every statement-meaningful cut of ``sql``, in text order."""
    tokens = tokenize(sql)
    cuts: list[Cut] = []
    depth = 0
    in_select = False
    for index, token in enumerate(tokens):
        if token.kind is Kind.PUNCT and token.text == "(":
            depth += 1
        elif token.kind is Kind.PUNCT and token.text == ")":
            depth -= 1
        word = token.upper
        if word == "SELECT" and depth == 0:
            in_select = True
        elif word == "FROM" and depth == 0:
            in_select = False
        start: int | None = None
        what = word
        if word in CLAUSE_WORDS:
            start = token.start
        elif (in_select and depth == 0 and token.kind is Kind.PUNCT and token.text == ","
              and index + 1 < len(tokens)):
            start, what = tokens[index + 1].start, "item"
        if start is None:
            continue
        line_end = sql.find("\n", start)
        end = len(sql) if line_end < 0 else line_end
        if what == "item":
            comma = sql.find(",", start, end)
            end = comma if comma >= 0 else end
        middle = sql[start:end].rstrip()
        if len(middle.strip()) >= MIN_MIDDLE:
            cuts.append(Cut(start, start + len(middle), what))
    return cuts
