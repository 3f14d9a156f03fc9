"""Inline (ghost-text) completion: the rest of the clause in grey, only with names that exist.

Two sources. Without a model (or one whose template cannot fill in the middle),
the catalog's own continuations: the whole composite-key ``ON`` condition after
``JOIN … ON``, ``WITH (NOLOCK)`` after a table. With one, fill-in-the-middle:
the text before and after the cursor (the batch it sits in) and a short schema
header for the objects the statement reads, in :mod:`~vgpt2.server.generation.fim`'s
format (the one training uses); Ollama gets ``/api/generate`` with ``suffix``,
an OpenAI-compatible server the model's own FIM tokens on ``/v1/completions``.

Whatever the model says is analyzed before it is offered: a suggestion that
names an unknown object or column, or that breaks a statement that parsed
before, is dropped. The functions here are plain (no LSP, no event loop) so the
server runs them on its runner and tests call them directly. The completion and
generation engines are imported on first use, not while the server starts.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis import Finding, analyze
from vgpt2.server.analysis.rules import RULES
from vgpt2.server.analysis.statements import batch_ranges

PREFIX_CHARS = 3000
"""Text before the cursor sent to the model (within its batch)."""
SUFFIX_CHARS = 1000
MAX_SUGGESTION = 400
"""Characters of a suggestion kept: ghost text is the rest of a clause, not a report."""
_ON_END = re.compile(r"\bON\s+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Text to insert at the cursor, replacing ``replace`` characters typed before it."""

    text: str
    replace: int = 0
    source: str = "catalog"
    """``catalog`` (a deterministic continuation) or ``model``."""


@dataclass(frozen=True, slots=True)
class FimInput:
    """What a fill-in-the-middle request sends."""

    prefix: str
    suffix: str
    header: str

    @property
    def key(self) -> tuple[str, str]:
        """The cache key: the text around the cursor (the header follows from it)."""
        return self.prefix[-400:], self.suffix[:200]

    def raw_prompt(self) -> str:
        """For OpenAI-compatible servers: the model's own FIM tokens."""
        from vgpt2.server.generation.fim import fim_prompt

        return fim_prompt(self.prefix, self.suffix, self.header)


def _batch(text: str, offset: int) -> tuple[int, int]:
    for start, end in batch_ranges(text):
        if start <= offset <= end:
            return start, end
    return offset, offset


def catalog_suggestions(text: str, offset: int, catalog: Catalog,
                        nolock: bool = True) -> list[Suggestion]:
    """The continuations the catalog knows at ``offset``, right after whitespace only."""
    from vgpt2.server.analysis.completion import CompletionOptions, complete_list

    if offset == 0 or not text[offset - 1].isspace():
        return []
    found = complete_list(text, offset, catalog, CompletionOptions(nolock=nolock, limit=20))
    suggestions: list[Suggestion] = []
    before = text[max(0, offset - 200):offset]
    for item in found.items:
        if item.replace_start != offset or item.is_snippet:
            continue
        condition = item.kind == "join" and _ON_END.search(before) is not None
        hint = item.kind == "keyword" and item.label == "WITH (NOLOCK)" and nolock
        if condition or hint:
            suggestions.append(Suggestion(item.insert_text))
    return suggestions[:3]


def fim_input(text: str, offset: int, catalog: Catalog) -> FimInput:
    """The prefix and suffix (the cursor's batch, clipped) and the schema header of the
    objects that batch reads."""
    from vgpt2.server.generation.fim import schema_header
    from vgpt2.server.generation.repair import objects_read

    start, end = _batch(text, offset)
    prefix = text[max(start, offset - PREFIX_CHARS):offset]
    if offset - start <= PREFIX_CHARS:
        prefix = prefix.lstrip("\r\n")  # the line break after the GO above
    suffix = text[offset:min(end, offset + SUFFIX_CHARS)]
    return FimInput(prefix, suffix, schema_header(catalog, objects_read(catalog, prefix + suffix)))


def clean(reply: str) -> str:
    """The model's middle, cut at a blank line (the clause is over) and to a sane length."""
    text = reply.replace("\r\n", "\n")
    text = re.split(r"\n\s*\n", text, maxsplit=1)[0]
    for marker in ("<|fim_", "<|endoftext|>", "<|file_sep|>", "```"):
        if marker in text:
            text = text[:text.index(marker)]
    return text[:MAX_SUGGESTION].rstrip()


def acceptable(text: str, offset: int, suggestion: str, catalog: Catalog) -> bool:
    """Whether inserting ``suggestion`` at ``offset`` keeps the batch honest: no unknown
    object or column in the inserted text, no syntax error in a batch that had none."""
    if not suggestion.strip():
        return False
    start, end = _batch(text, offset)
    if start == end:
        start, end = max(0, offset - PREFIX_CHARS), min(len(text), offset + SUFFIX_CHARS)
    batch = text[start:end]
    at = offset - start
    completed = batch[:at] + suggestion + batch[at:]
    before = analyze(batch, catalog)
    after = analyze(completed, catalog)
    inserted_end = at + len(suggestion)
    for finding in after:
        if _names_unknown(finding) and finding.start < inserted_end and finding.end > at:
            return False
    names_before = sum(1 for f in before if _names_unknown(f))
    if sum(1 for f in after if _names_unknown(f)) > names_before:
        return False
    parsed_before = not any(_parse_error(f) for f in before)
    return not (parsed_before and any(_parse_error(f) for f in after))


def _names_unknown(finding: Finding) -> bool:
    return RULES[finding.code].names_unknown


def _parse_error(finding: Finding) -> bool:
    return RULES[finding.code].parse_error


class SuggestionCache:
    """The last few model suggestions, keyed by the text around the cursor."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, str], str] = OrderedDict()

    def get(self, key: tuple[str, str]) -> str | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: tuple[str, str], value: str) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()
