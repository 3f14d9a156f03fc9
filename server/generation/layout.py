"""Lay out a query written on one line: each top-level clause on a line of its own.

Models often answer with a single 300-character line. Breaking it before
``FROM``, each ``JOIN``, ``WHERE``, ``GROUP BY``, ``HAVING``, ``ORDER BY`` and
``UNION`` makes it readable without touching anything but the whitespace
between tokens: strings, quoted names and subqueries (inside parentheses) stay
exactly as written, and text with comments or line breaks is left alone, since
its author already chose a layout.
"""

from __future__ import annotations

from vgpt2.catalog.sql.tokens import Kind, tokenize

MIN_LENGTH = 80
"""Shorter lines read fine as they are."""

_BREAK_BEFORE = frozenset({"FROM", "WHERE", "GROUP", "HAVING", "ORDER", "UNION", "EXCEPT",
                           "INTERSECT", "OPTION"})
_JOIN_STARTS = frozenset({"JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "OUTER"})


def lay_out(sql: str) -> str:
    """``sql`` with its one-line statements broken into clauses; anything else unchanged."""
    if any(t.kind is Kind.COMMENT or "\n" in t.text for t in tokenize(sql, comments=True)):
        return sql  # a comment or a multi-line string: breaking a line could land inside it
    lines = sql.split("\n")
    return "\n".join(_lay_out_line(line) if len(line) > MIN_LENGTH else line for line in lines)


def _lay_out_line(line: str) -> str:
    tokens = tokenize(line, comments=True)
    if any(t.kind is Kind.COMMENT or not t.terminated for t in tokens):
        return line
    parts: list[str] = []
    position = 0
    depth = 0
    previous = ""
    for index, token in enumerate(tokens):
        word = token.upper
        following = tokens[index + 1].text if index + 1 < len(tokens) else ""
        joins = word in _JOIN_STARTS and previous not in _JOIN_STARTS and following != "("
        selects = word == "SELECT" and previous in (")", "UNION", "ALL", "EXCEPT", "INTERSECT")
        breaks = depth == 0 and bool(parts) and (word in _BREAK_BEFORE or joins or selects)
        if breaks:
            parts.append("\n")
        elif parts:
            parts.append(line[position:token.start])
        else:
            parts.append(line[:token.start])
        parts.append(token.text)
        position = token.end
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth = max(0, depth - 1)
        previous = word or token.text
    parts.append(line[position:])
    return "".join(parts).rstrip()
