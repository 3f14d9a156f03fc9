"""The ``catalog`` backend: a query skeleton from the join tree, with no model at all.

It is what vgpt2 answers when no model is configured, and the baseline the
evaluation compares models against. The skeleton reads the tree's views, each
with its key and its most descriptive columns (and the columns the question
mentions), joins every child on its parent's whole key, puts ``WITH (NOLOCK)``
on every reference and filters on the root's company (``@JCCo``) as a
parameter, the way Vista reports take it. It is labelled as a skeleton in its
first line, so nobody mistakes it for an answer to the question.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import CatalogObject
from vgpt2.catalog.search import question_terms
from vgpt2.catalog.store import split_identifier
from vgpt2.server.analysis.locate import RESERVED_WORDS
from vgpt2.server.generation.jointree import JoinTree, fan_out_pairs

LABEL = "-- vgpt2 catalog backend: a query skeleton from the catalog (no model)"
MAX_ROOT_COLUMNS = 8
"""Non-key columns of the root object; children get half as many."""

_DESCRIPTIVE = (
    "Description", "Name", "SortName", "Status", "JobStatus", "ContractStatus", "Description1",
    "InvDate", "DueDate", "ActualDate", "PostedDate", "TransDate", "Amount", "GrossAmt",
    "InvTotal", "ActualCost", "ActualHours", "ActualUnits", "Hours", "Rate", "Units", "UM",
    "OrigCost", "CurCost", "Type", "ActiveYN", "OpenYN", "APRef", "Invoice", "ContractAmt",
)
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def alias_for(name: str, taken: Iterable[str]) -> str:
    """A short lower-case alias: ``APTH`` -> ``th``, ``SMWorkOrder`` -> ``smwo``."""
    used = {t.lower() for t in taken}
    if re.fullmatch(r"[A-Z]{2}[A-Z0-9]{2}", name):
        candidates = [name[2:].lower(), name.lower()]
    else:
        initials = "".join(w[0] for w in _WORD.findall(name)).lower() or "t"
        candidates = [initials[:4], name.lower()]
    for candidate in candidates:
        if candidate not in used and candidate.upper() not in RESERVED_WORDS \
                and candidate[0].isalpha():
            return candidate
    base = candidates[0] if candidates[0][0].isalpha() else "t"
    number = 2
    while f"{base}{number}" in used:
        number += 1
    return f"{base}{number}"


def company_column(catalog: Catalog, name: str) -> str | None:
    """The column a report filters on: the module's company, else the master's group."""
    obj = catalog.get(name)
    if obj is None:
        return None
    key = catalog.key_columns(name)
    for column in key:
        if column.endswith("Co"):
            return column
    for column in key:
        if column.endswith("Group"):
            return column  # a shared master: its rows belong to a group, not a company
    for candidate in obj.columns:
        if re.fullmatch(r"[A-Z]{2}Co", candidate.name):
            return candidate.name
    return None


def matching_columns(obj: CatalogObject, question: str) -> list[str]:
    """Columns whose name words the question uses (``Vendor`` for "by vendor")."""
    terms = {_stem(t) for t in question_terms(question)}
    return [c.name for c in obj.columns if _column_words(c.name) & terms]


@functools.lru_cache(maxsize=65536)
def _column_words(name: str) -> frozenset[str]:
    return frozenset(_stem(w.lower()) for w in (name, *split_identifier(name)))


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)]
    return word


def skeleton_columns(catalog: Catalog, name: str, question: str, limit: int,
                     skip: Iterable[str] = ()) -> list[str]:
    """Key columns, then the ones the question names, then the most descriptive, up to ``limit``
    beyond the key; ``skip`` drops columns the join already carries from the parent."""
    obj = catalog.get(name)
    if obj is None:
        return []
    skipped = set(skip)
    chosen = [c for c in catalog.key_columns(name) if c not in skipped]
    extra: list[str] = []
    present = {c.name for c in obj.columns}
    for column in [*matching_columns(obj, question), *(d for d in _DESCRIPTIVE if d in present)]:
        if column not in chosen and column not in extra and column not in skipped:
            extra.append(column)
    return chosen + extra[:limit]


def render_skeleton(catalog: Catalog, tree: JoinTree, question: str) -> str | None:
    """The skeleton's text, or None when the tree is empty."""
    if tree.root is None:
        return None
    aliases: dict[str, str] = {}
    for node in tree.nodes:
        aliases[node] = alias_for(node, aliases.values())
    select: list[str] = []
    named: set[str] = set()
    for node in tree.nodes:
        edge = tree.parent_edge(node)
        joined = {child for _, child in edge.relationship.column_pairs} if edge else set()
        limit = MAX_ROOT_COLUMNS if node == tree.root else MAX_ROOT_COLUMNS // 2
        for column in skeleton_columns(catalog, node, question, limit, skip=joined):
            item = f"{aliases[node]}.{column}"
            if column in named:  # a second Description: name it after its object
                item += f" AS {node}{column}"
            named.add(column)
            select.append(item)
    lines = [LABEL]
    for first, second in fan_out_pairs(catalog, tree):
        lines.append(f"-- {first} and {second} are both many rows per row: their rows multiply;"
                     " aggregate one of them first")
    lines.append("SELECT " + (",\n       ".join(select) or "*"))
    lines.append(f"FROM {tree.root} AS {aliases[tree.root]} WITH (NOLOCK)")
    for edge in tree.edges:
        condition = edge.condition(aliases[edge.parent], aliases[edge.child])
        lines.append(f"JOIN {edge.child} AS {aliases[edge.child]} WITH (NOLOCK)")
        lines.append("  ON " + condition.replace(" AND ", "\n AND "))
    company = company_column(catalog, tree.root)
    if company:
        lines.append(f"WHERE {aliases[tree.root]}.{company} = @{company}")
    return "\n".join(lines) + ";\n"
