"""The schema context of a prompt: a compact block per object, fitted to a token budget.

A block says what a query writer needs and nothing more: the object and what
it holds, its key, the columns the question mentions and the most descriptive
ones (declared type, description, status codes with their meanings and their
sources), and, when the budget allows, the names of all its other columns.
The join conditions of the tree and the catalog's conventions come with it.

The budget decides what fits, in priority order: the join tree's objects
first, then the other linked objects; within an object its short form first,
then the full column list. Whatever does not fit is recorded in
:attr:`SchemaContext.left_out`, never silently cut.
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import CatalogObject, Column, StatusCode
from vgpt2.server.generation.jointree import JoinTree, child_rows, fan_out_pairs
from vgpt2.server.generation.result import LeftOut
from vgpt2.server.generation.skeleton import skeleton_columns

TokenCounter = Callable[[str], int]

SHORT_COLUMNS = 10
"""Non-key columns in an object's short block."""
MAX_DESCRIPTION = 120
"""Characters of a column's description (or a left-out convention's, in the record)."""
MAX_OBJECT_DESCRIPTION = 400
"""An object's description often says how it joins ("Join to APTH on APCo, Mth, APTrans"):
it gets more room than a column's."""
CORE_CONVENTIONS = 6
"""The first conventions of the pack (views, NOLOCK, case, companies, groups, whole keys)
go in before any object; the rest only after the join tree's objects."""
_STATUS_HINTS = ("Status", "Type", "Stat", "Code", "YN", "Flag", "Method")


def estimate_tokens(text: str) -> int:
    """A conservative count when the model's tokenizer is unknown: one token per 3 characters.

    Code-heavy text such as SQL and column lists runs 3.5-4 characters per token
    in the Qwen and Llama tokenizers, so this over-counts and the prompt fits.
    """
    return math.ceil(len(text) / 3)


@dataclass(frozen=True, slots=True)
class ObjectBlock:
    name: str
    short: str
    full: str
    """The short block plus every other column's name; equal to ``short`` when nothing is left."""
    columns_shown: int
    columns_total: int


@dataclass(slots=True)
class SchemaContext:
    schema: str
    """The object blocks, in priority order."""
    joins: str
    conventions: str
    objects: list[str] = field(default_factory=list)
    """Objects with a block in the prompt."""
    left_out: list[LeftOut] = field(default_factory=list)
    tokens: int = 0
    """What the three texts cost, by the counter used."""


class _Knowledge:
    """Per-catalog memo of what every request reads again: modules, conventions, codes."""

    def __init__(self, catalog: Catalog) -> None:
        self.modules = catalog.modules()
        self.conventions = catalog.conventions()
        self.codes: dict[tuple[str, str], list[StatusCode]] = {}


_knowledge: weakref.WeakKeyDictionary[Catalog, _Knowledge] = weakref.WeakKeyDictionary()


def _known(catalog: Catalog) -> _Knowledge:
    known = _knowledge.get(catalog)
    if known is None:
        known = _knowledge[catalog] = _Knowledge(catalog)
    return known


def _status_codes(catalog: Catalog, name: str, column: str) -> list[StatusCode]:
    codes = _known(catalog).codes
    key = (name, column)
    if key not in codes:
        codes[key] = catalog.status_codes(name, column)
    return codes[key]


def _describe_column(catalog: Catalog, obj: CatalogObject, column: Column) -> str:
    text = f"{column.name} {column.type_display}"
    if not column.nullable:
        text += " not null"
    if column.description:
        text += f" -- {_clip(column.description)}"
    if any(h in column.name for h in _STATUS_HINTS):
        codes = _status_codes(catalog, obj.name, column.name)
        if codes:
            meanings = "; ".join(f"{c.code} = {c.meaning}" for c in codes)
            sources = ", ".join(dict.fromkeys(s for c in codes for s in short_sources(c.source)))
            text += f" [codes: {meanings}" + (f" (source: {sources})" if sources else "") + "]"
    return text


_SOURCE_FILE = re.compile(r"[\w.-]+\.(?:sql|md|toml|txt|html?|pdf|json)\b")
_SOURCE_SITE = re.compile(r"https?://([^/\s)]+)")


def short_sources(text: str) -> list[str]:
    """The files and sites a status code's source cites, without paths and comments.

    Knowledge packs cite full paths, URLs and quotes; the prompt needs only enough to say
    where a meaning comes from (``dbo.bspAPHBPost.sql``, ``help.trimble.com``).
    """
    found = [m.group(0) for m in _SOURCE_FILE.finditer(text)]
    found += [m.group(1) for m in _SOURCE_SITE.finditer(text)]
    if not found and text.strip():
        found = [_clip(text)[:60]]
    return list(dict.fromkeys(found))


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def object_block(catalog: Catalog, name: str, question: str) -> ObjectBlock | None:
    obj = catalog.get(name)
    if obj is None:
        return None
    header = catalog.header(name)
    modules = _known(catalog).modules
    kind = obj.type.value
    module = f"{obj.module} {modules.get(obj.module, '')}".strip() if obj.module else ""
    title = f"## {name} ({kind}" + (f", {module}" if module else "") + ")"
    if obj.description:
        title += f": {_clip(obj.description, MAX_OBJECT_DESCRIPTION)}"
    key = catalog.key_columns(name)
    lines = [title]
    if key:
        lines.append("key: " + ", ".join(key))
    base = catalog.base_tables_of(name) if header else []
    if base:
        lines.append("base table (do not query): " + ", ".join(base))
    chosen = skeleton_columns(catalog, name, question, SHORT_COLUMNS)
    by_name = {c.name: c for c in obj.columns}
    for column_name in chosen:
        column = by_name.get(column_name)
        if column is not None:
            lines.append("- " + _describe_column(catalog, obj, column))
    short = "\n".join(lines)
    rest = [c.name for c in obj.columns if c.name not in set(chosen)]
    full = short + ("\nother columns: " + ", ".join(rest) if rest else "")
    return ObjectBlock(name, short, full, len(chosen), len(obj.columns))


def join_lines(tree: JoinTree, catalog: Catalog | None = None) -> str:
    """The tree's joins, each with how many rows it brings (so a model knows where rows
    multiply), and a warning for sibling details that would multiply each other."""
    if not tree.edges:
        return ""
    lines = []
    for edge in tree.edges:
        line = f"- {edge.parent} JOIN {edge.child} ON {edge.condition()}"
        if catalog is not None:
            rows = child_rows(catalog, edge)
            if rows != "unknown":
                line += f" ({rows} {edge.child} row{'s' if rows == 'many' else ''} per "\
                        f"{edge.parent} row)"
        lines.append(line)
    if catalog is not None:
        for first, second in fan_out_pairs(catalog, tree):
            lines.append(f"- {first} and {second} are both many rows per row: joined together "
                         "their rows multiply; aggregate one of them first")
    return "\n".join(lines)


def build_context(catalog: Catalog, question: str, objects: Sequence[str], tree: JoinTree,
                  budget: int, count: TokenCounter = estimate_tokens) -> SchemaContext:
    """Fit blocks for ``objects`` (tree nodes first) and the conventions into ``budget`` tokens.

    Priority: the join conditions, the core conventions, the tree's objects, the other
    conventions, the other linked objects, then full column lists (tree objects first).
    """
    ordered = list(dict.fromkeys([*tree.nodes, *objects]))
    in_tree = set(tree.nodes)
    joins = join_lines(tree, catalog)
    used = count(joins) if joins else 0
    left_out: list[LeftOut] = []
    all_conventions = _known(catalog).conventions
    kept_conventions: dict[int, str] = {}

    def add_conventions(positions: range) -> None:
        nonlocal used
        for position in positions:
            convention = all_conventions[position]
            cost = count(convention) + 1
            if used + cost > budget:
                left_out.append(LeftOut("", "conventions", f"convention {position + 1}: "
                                        + _clip(convention)))
                continue
            kept_conventions[position] = f"- {convention}"
            used += cost

    blocks: list[ObjectBlock] = []

    def add_blocks(names: list[str]) -> None:
        nonlocal used
        for name in names:
            block = object_block(catalog, name, question)
            if block is None:
                continue
            cost = count(block.short) + 2
            if used + cost > budget:
                left_out.append(LeftOut(name, "object", f"{block.columns_total} columns"))
                continue
            used += cost
            blocks.append(block)

    core = min(CORE_CONVENTIONS, len(all_conventions))
    add_conventions(range(core))
    add_blocks([n for n in ordered if n in in_tree])
    add_conventions(range(core, len(all_conventions)))
    add_blocks([n for n in ordered if n not in in_tree])
    texts = {block.name: block.short for block in blocks}
    for block in sorted(blocks, key=lambda b: b.name not in in_tree):
        if block.full == block.short:
            continue
        extra = count(block.full) - count(block.short)
        if used + extra <= budget:
            used += extra
            texts[block.name] = block.full
        else:
            left_out.append(LeftOut(block.name, "columns",
                                    f"{block.columns_shown} of {block.columns_total} shown"))
    conventions = "\n".join(kept_conventions[p] for p in sorted(kept_conventions))
    return SchemaContext("\n\n".join(texts[b.name] for b in blocks), joins, conventions,
                         [b.name for b in blocks], left_out, used)
