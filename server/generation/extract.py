"""Find the SQL in a model's reply: code fences, prose around it, several statements.

Models wrap queries in Markdown fences, explain them before and after, add a
second query "for comparison", or produce nothing useful at all ("!!!!", an
empty string). This module turns any reply into one candidate query (the
``DECLARE``/``SET`` lines it needs, then its first ``SELECT``/``WITH``
statement) or a named problem, so the engine can count a useless reply as a
failed round rather than deliver it. Nothing here judges names: the analyzer
does that next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from vgpt2.catalog.sql.tokens import Kind, tokenize
from vgpt2.server.analysis.statements import (
    Statement,
    StatementKind,
    split_batches,
    split_statements,
)

Problem = Literal["empty", "degenerate", "no-sql"]

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)
_SQL_LANGS = {"", "sql", "tsql", "t-sql", "mssql", "sqlserver", "transact-sql"}
_START = re.compile(
    r"^\s*(?:SELECT\b|DECLARE\s+@|WITH\s+[\[\]\w]+\s*(?:\([^)]*\))?\s*AS\s*\()",
    re.IGNORECASE | re.MULTILINE)
_SELECT_ANYWHERE = re.compile(r"\bSELECT\b", re.IGNORECASE)
_PROSE_START = re.compile(r"^\s*(?:[-*•]\s|#+\s|\d+[.)]\s|>\s|\*\*)")
_PROSE_WORDS = re.compile(r"^[A-Z][a-z']+(?:\s+[A-Za-z'`,]+){2,}")
_SQL_SIGNS = re.compile(r"[=(),@;]|\bAS\b|\bON\b|\bAND\b|\bJOIN\b|\bFROM\b|\bWHERE\b|"
                        r"\bSELECT\b|\bGROUP\b|\bORDER\b")
_SQL_FIRST_WORDS = frozenset({
    "SELECT", "FROM", "WHERE", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "OUTER", "ON",
    "AND", "OR", "GROUP", "ORDER", "HAVING", "UNION", "EXCEPT", "INTERSECT", "WITH", "AS",
    "CASE", "WHEN", "THEN", "ELSE", "END", "DECLARE", "SET", "TOP", "DISTINCT", "NOT", "IN",
    "EXISTS", "BETWEEN", "LIKE", "IS", "NULL", "OPTION", "OVER", "PARTITION",
})


@dataclass(frozen=True, slots=True)
class Extraction:
    sql: str | None
    problem: Problem | None = None
    dropped: tuple[str, ...] = field(default_factory=tuple)
    """First words of the statements left out (a second query, an UPDATE ...)."""

    def describe(self) -> str:
        if self.problem == "empty":
            return "the reply was empty"
        if self.problem == "degenerate":
            return "the reply was one token repeated, not SQL"
        if self.problem == "no-sql":
            return "the reply contained no SELECT query"
        return "one SELECT query"


def is_degenerate(text: str) -> bool:
    """One token or one short run of characters repeated: a model stuck in a loop."""
    compact = "".join(text.split())
    if len(compact) >= 3 and len(set(compact)) <= 2 and not any(c.isalnum() for c in compact):
        return True
    words = text.split()
    if len(words) >= 4 and len(set(words)) == 1:
        return True
    return len(compact) >= 8 and re.fullmatch(r"(.{1,12}?)\1{3,}", compact) is not None


_THINKING = re.compile(r"<(think|thinking|reasoning)>.*?(?:</\1>|\Z)", re.DOTALL | re.IGNORECASE)
"""Reasoning models (Qwen3, DeepSeek-R1) think aloud first; drafts in there are not answers."""


def extract_sql(text: str) -> Extraction:
    stripped = _THINKING.sub("", text).strip()
    if not stripped:
        return Extraction(None, "empty")
    if is_degenerate(stripped):
        return Extraction(None, "degenerate")
    candidate = _fenced(stripped)
    if candidate is None:
        candidate = _unfenced(stripped)
    if candidate is None:
        return Extraction(None, "no-sql")
    return _first_query(candidate)


def _fenced(text: str) -> str | None:
    blocks = [(m.group(1).lower(), m.group(2)) for m in _FENCE.finditer(text)]
    for language, body in blocks:
        if language in _SQL_LANGS and _SELECT_ANYWHERE.search(body):
            return body
    return None


def _unfenced(text: str) -> str | None:
    match = _START.search(text)
    if match is None:
        inline = _SELECT_ANYWHERE.search(text)
        if inline is None:
            return None
        start = inline.start()
    else:
        start = match.start()
    lines = text[start:].splitlines()
    kept: list[str] = []
    for index, line in enumerate(lines):
        if index > 0 and _is_prose(line):
            break
        kept.append(line.replace("`", "") if index == 0 else line)
    return "\n".join(kept)


def _is_prose(line: str) -> bool:
    stripped = line.strip()
    if not stripped or stripped.startswith("--"):
        return False
    if _PROSE_START.match(stripped):
        return True
    first = stripped.split()[0].strip("*_:,.").upper()
    if first in _SQL_FIRST_WORDS:
        return False
    return bool(_PROSE_WORDS.match(stripped)) and not _SQL_SIGNS.search(stripped)


def _statements(text: str) -> list[tuple[Statement, str]]:
    """Every statement of every ``GO`` batch, with its batch's text."""
    found: list[tuple[Statement, str]] = []
    for batch in split_batches(text):
        tokens = [t for t in tokenize(batch.text, comments=True) if t.kind is not Kind.COMMENT]
        found.extend((statement, batch.text) for statement in split_statements(batch.text,
                                                                                tokens))
    return found


def _first_query(text: str) -> Extraction:
    prelude: list[str] = []
    query: str | None = None
    dropped: list[str] = []
    for statement, batch in _statements(text):
        words = [t.upper for t in statement.tokens if t.kind is Kind.WORD]
        first = words[0] if words else ""
        body = batch[statement.start:statement.end].strip().rstrip(";").rstrip()
        if not body:
            continue
        if query is None and statement.kind is StatementKind.DECLARE and first in ("DECLARE",
                                                                                  "SET"):
            prelude.append(body)
        elif query is None and statement.kind is StatementKind.QUERY and first in ("SELECT",
                                                                                  "WITH"):
            query = body
        else:
            dropped.append(first or body.split()[0])
    if query is None:
        return Extraction(None, "no-sql", tuple(dropped))
    return Extraction("\n".join(f"{s};" for s in [*prelude, query]) + "\n", None, tuple(dropped))
