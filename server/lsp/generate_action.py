"""What the code-action list offers for generation, computed without asking any model.

"Generate query from comment" is offered on a line comment, a run of ``--`` lines
or a ``/* … */`` block that reads like a description; "Ask the model to repair
this query" on a finding whose rule is ``repairable_by_model`` (an unknown object
or column) that the analyzer has no deterministic fix for. Both carry only positions
and the document version in ``data``: the SQL is computed when the editor resolves
the action (:mod:`~vgpt2.server.lsp.generation_features`), so the lightbulb appears
at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lsprotocol import types
from vgpt2.server.analysis import Finding
from vgpt2.server.analysis.rules import RULES
from vgpt2.server.analysis.statements import batch_ranges, split_statements
from vgpt2.server.lsp.convert import deferred_action

GENERATE_TITLE = "Generate query from comment"
REPAIR_TITLE = "Ask the model to repair this query"
GENERATE_KIND = "vgpt2.generate"
REPAIR_KIND = "vgpt2.repair"
MAX_COMMENT_LINES = 60
"""A run of ``--`` lines longer than this is a commented-out script, not a request."""
_WINDOW = 20_000
"""Characters searched either side of the cursor for a block comment's ends."""
_SQL_START = re.compile(
    r"(SELECT|FROM|WHERE|JOIN|INNER|LEFT|AND|OR|ORDER|GROUP|INSERT|UPDATE|DELETE|DECLARE|SET|"
    r"EXEC|EXECUTE|WITH|GO|CREATE|ALTER|DROP|BEGIN|END|IF|UNION|ON)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment that describes a query, and where the query goes."""

    question: str
    """The description, comment markers stripped, lines joined."""
    start: int
    end: int
    """Offsets of the comment (``end``: the end of its last line, before the line break)."""
    insert_at: int
    """The start of the line after the comment (or the end of the text)."""


def _line_bounds(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, (len(text) if end < 0 else end)


def _line(text: str, start: int, end: int) -> str:
    return text[start:end].rstrip("\r")


def _describes_a_query(question: str) -> bool:
    """Words, not commented-out SQL or a divider line."""
    if len(_WORD.findall(question)) < 2 or _SQL_START.match(question.strip()):
        return False
    return "cannot answer" not in question.lower()


def _after(text: str, end: int) -> int:
    """The start of the line after offset ``end`` (the end of a line), or len(text)."""
    if end >= len(text):
        return len(text)
    return end + 1 if text[end] == "\n" else end


def _line_comment(text: str, offset: int) -> Comment | None:
    start, end = _line_bounds(text, offset)
    if not _line(text, start, end).lstrip().startswith("--"):
        return None
    first, last = (start, end), (start, end)
    for _ in range(MAX_COMMENT_LINES):
        if first[0] == 0:
            break
        above = _line_bounds(text, first[0] - 1)
        if not _line(text, *above).lstrip().startswith("--"):
            break
        first = above
    else:
        return None
    for _ in range(MAX_COMMENT_LINES):
        if last[1] >= len(text):
            break
        below = _line_bounds(text, last[1] + 1)
        if not _line(text, *below).lstrip().startswith("--"):
            break
        last = below
    else:
        return None
    lines = _line(text, first[0], last[1]).split("\n")
    question = " ".join(line.strip().lstrip("-").strip() for line in lines).strip()
    if not _describes_a_query(question):
        return None
    return Comment(question, first[0], last[1], _after(text, last[1]))


def _block_comment(text: str, offset: int) -> Comment | None:
    low = max(0, offset - _WINDOW)
    opening = text.rfind("/*", low, offset + 2)
    if opening < 0:
        return None
    closing = text.find("*/", opening + 2, opening + 2 + 2 * _WINDOW)
    if closing < 0 or _line_bounds(text, closing)[1] < offset:
        return None  # unclosed, or the cursor is past its last line
    line_start, _ = _line_bounds(text, opening)
    _, line_end = _line_bounds(text, closing)
    if text[line_start:opening].strip() or text[closing + 2:line_end].strip():
        return None  # a comment inside a statement: not a request for a new query
    inner = text[opening + 2:closing].replace("\r", "").split("\n")
    question = " ".join(line.strip().lstrip("*").strip() for line in inner).strip()
    if not _describes_a_query(question):
        return None
    return Comment(question, line_start, line_end, _after(text, line_end))


def comment_at(text: str, offset: int) -> Comment | None:
    """The describing comment at ``offset`` (the cursor), if any."""
    if not 0 <= offset <= len(text):
        return None
    return _line_comment(text, offset) or _block_comment(text, offset)


def surrounding_batch(text: str, comment: Comment) -> str:
    """The batch the comment sits in, without the comment: its objects and variables are
    the engine's context (the table the user already works with, the @Co declared above)."""
    for start, end in batch_ranges(text):
        if start <= comment.start <= end:
            return (text[start:comment.start] + text[comment.end:end]).strip()
    return ""


def statement_at(text: str, offset: int) -> tuple[int, int] | None:
    """``(start, end)`` of the statement holding ``offset``."""
    for start, end in batch_ranges(text):
        if not start <= offset <= end:
            continue
        batch = text[start:end]
        for statement in split_statements(batch):
            if statement.start <= offset - start <= statement.end:
                return start + statement.start, start + statement.end
    return None


def list_actions(text: str, uri: str, version: int | None, findings: list[Finding],
                 start: int, end: int, *, tags: bool, model: bool,
                 diagnostic: Callable[[Finding], types.Diagnostic]) -> list[types.CodeAction]:
    """The generation actions for the range ``start`` to ``end``; never calls a model.

    ``model``: a model backend is configured (the repair quick fix needs one; the
    generate action also works with the catalog backend, as a skeleton).
    """
    actions: list[types.CodeAction] = []
    comment = comment_at(text, start)
    if comment is not None:
        actions.append(deferred_action(
            GENERATE_TITLE, types.CodeActionKind.RefactorRewrite,
            _data(GENERATE_KIND, uri, version, comment.start, comment.end), llm=tags))
    if not model:
        return actions
    seen: set[tuple[int, int]] = set()
    for finding in findings:
        if not RULES[finding.code].repairable_by_model or finding.fixes:
            continue
        if finding.end < start or finding.start > end:
            continue
        bounds = statement_at(text, finding.start)
        if bounds is None or bounds in seen:
            continue
        seen.add(bounds)
        actions.append(deferred_action(
            REPAIR_TITLE, types.CodeActionKind.QuickFix,
            _data(REPAIR_KIND, uri, version, *bounds), llm=tags,
            diagnostic=diagnostic(finding)))
    return actions


def _data(kind: str, uri: str, version: int | None, start: int, end: int) -> dict[str, Any]:
    return {"vgpt2": kind, "uri": uri, "version": version, "start": start, "end": end}


def tags_supported(capabilities: types.ClientCapabilities) -> bool:
    """Whether the client understands ``CodeActionTag.LLMGenerated`` (LSP 3.18)."""
    document = capabilities.text_document
    code_action = document.code_action if document else None
    support = code_action.tag_support if code_action else None
    return bool(support and types.CodeActionTag.LlmGenerated in support.value_set)
