"""Normal forms for deduplication and for the overlap check against the evaluation set.

Two questions are the same when their words are (case, punctuation and spacing
aside); a paraphrase when their content words overlap above
:data:`PARAPHRASE_THRESHOLD` (Jaccard). Two queries are the same when their
T-SQL tokens are, comments, case of keywords and spacing aside (identifiers
keep their case: Vista's collation is case-sensitive).
"""

from __future__ import annotations

import functools
import re

PARAPHRASE_THRESHOLD = 0.8
"""Jaccard overlap of content words above which a question counts as a paraphrase."""

_WORD = re.compile(r"[a-z0-9@]+")
_STOP = frozenset({
    "a", "an", "the", "of", "for", "in", "on", "and", "or", "to", "with", "by", "from", "is",
    "are", "was", "were", "me", "show", "list", "give", "get", "all", "each", "every", "what",
    "which", "their", "its", "that", "this", "please", "i", "need", "want", "find", "return",
})
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_SQL_TOKEN = re.compile(r"'(?:[^']|'')*'|\[[^\]]*\]|[A-Za-z_@#][\w@#$]*|\d+(?:\.\d+)?|\S")
_KEYWORDS = frozenset({
    "select", "from", "where", "join", "inner", "left", "right", "outer", "on", "and", "or",
    "not", "group", "by", "order", "having", "top", "as", "with", "nolock", "exists", "in",
    "is", "null", "distinct", "asc", "desc", "sum", "count", "min", "max", "avg", "declare",
    "case", "when", "then", "else", "end", "between", "like", "union", "all", "set",
})


def normalize_question(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


@functools.lru_cache(maxsize=65536)
def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOP)


def overlap(a: str, b: str) -> float:
    """Jaccard overlap of the content words of two questions (0..1)."""
    left, right = content_words(a), content_words(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def normalize_sql(sql: str) -> str:
    """Tokens joined by one space; keywords upper-cased, ``dbo.`` and a final ``;`` dropped."""
    tokens: list[str] = []
    for token in _SQL_TOKEN.findall(_COMMENT.sub(" ", sql)):
        if token.lower() in _KEYWORDS:
            token = token.upper()
        elif token.startswith("[") and token.endswith("]"):
            token = token[1:-1]
        tokens.append(token)
    text = " ".join(tokens)
    text = re.sub(r"\bdbo \. ", "", text)
    return text.rstrip("; ").strip()
