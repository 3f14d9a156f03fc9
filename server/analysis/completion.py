"""Completion for half-typed T-SQL against the Vista catalog. Pure engine: no editor types.

:func:`complete` reads the context at the cursor (:mod:`.context`) and answers
with what a Vista report writer wants there:

- after FROM / JOIN / APPLY / INTO / UPDATE / MERGE / USING: views first, then the
  tables that have no view, then functions; a base table whose view exists only
  when its own name is typed, last, marked "use VIEW". A read (FROM/JOIN/APPLY
  of a SELECT) inserts ``APTH h WITH (NOLOCK)`` (the alias is a snippet tab stop);
- after JOIN: first the objects related to those already in the query, each as
  the whole join with the composite key (``APTL l WITH (NOLOCK) ON l.APCo = h.APCo
  AND l.Mth = h.Mth AND l.APTrans = h.APTrans``), then the plain list;
- after ON: the composite-key conditions between the object joined last and
  the ones before it;
- after ``alias.`` / ``Table.``: that object's columns in ordinal order, typed;
- in expressions: the columns of the objects in scope, qualified only where a
  name is ambiguous, then aliases, built-in functions and keywords;
- after EXEC: procedures with a parameter snippet;
- keywords anywhere else; nothing inside strings and comments.

Everything per catalog (sorted object lists, details, columns, relationships) is built
once and cached (:mod:`.completion_index`), so a keystroke costs a tokenization of the
current batch and a scan of a prepared list.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import Relationship, RelationshipKind
from vgpt2.server.analysis.completion_index import (
    ColumnItem,
    CompletionIndex,
    CompletionKind,
    Entry,
    index_of,
    pick_alias,
)
from vgpt2.server.analysis.completion_words import (
    AFTER_CONDITION,
    AFTER_ORDER,
    AFTER_REF,
    AFTER_SELECT_ITEM,
    BUILTINS,
    EXPRESSION,
    FOLLOWERS,
    GENERAL,
    SNIPPETS,
    START,
)
from vgpt2.server.analysis.context import CompletionContext, ContextKind, read_context
from vgpt2.server.analysis.locate import RESERVED_WORDS
from vgpt2.server.analysis.refs import RefKind, SourceRef

__all__ = ["Completion", "CompletionKind", "CompletionList", "CompletionOptions", "complete",
           "complete_list", "prepare"]

log = logging.getLogger(__name__)



@dataclass(frozen=True, slots=True)
class Completion:
    label: str
    kind: CompletionKind
    detail: str
    documentation: str
    """Markdown."""
    insert_text: str
    is_snippet: bool
    """``insert_text`` uses snippet syntax (``${1:APCo}`` tab stops)."""
    sort_text: str
    filter_text: str
    replace_start: int
    replace_end: int
    """Offsets of the text the item replaces (the prefix being typed)."""


@dataclass(frozen=True, slots=True)
class CompletionOptions:
    nolock: bool = True
    """Insert ``WITH (NOLOCK)`` after objects read by a SELECT."""
    limit: int = 200


@dataclass(frozen=True, slots=True)
class CompletionList:
    items: list[Completion]
    is_incomplete: bool
    """The list was cut at ``options.limit``: ask again as the user types more."""


def complete(text: str, offset: int, catalog: Catalog,
             options: CompletionOptions | None = None) -> list[Completion]:
    """Completion items at ``offset``, best first. Never raises: returns [] on any trouble."""
    return complete_list(text, offset, catalog, options).items


def complete_list(text: str, offset: int, catalog: Catalog,
                  options: CompletionOptions | None = None) -> CompletionList:
    """:func:`complete` with whether the list was cut at the limit (LSP ``isIncomplete``)."""
    options = options or CompletionOptions()
    try:
        context = read_context(text, offset)
        builder = _Builder(context, max(options.limit, 0))
        _fill(builder, context, index_of(catalog), options)
        return CompletionList(builder.items, builder.incomplete)
    except Exception:  # a bug here must never take the editor down
        log.exception("completion failed at offset %s", offset)
        return CompletionList([], False)


def prepare(catalog: Catalog) -> None:
    """Build the per-catalog lists now (about 50 ms on the real catalog) rather than on the
    first keystroke; safe to call from a background thread at server start."""
    index_of(catalog)


# -- building the list ------------------------------------------------------------------------

_PLAIN_NAME = re.compile(r"[A-Za-z_#][A-Za-z0-9_@#$]*")


def _quote(name: str, quote: str) -> str:
    if quote == "[" or (not quote and (not _PLAIN_NAME.fullmatch(name)
                                       or name.upper() in RESERVED_WORDS)):
        return "[" + name.replace("]", "]]") + "]"
    if quote == '"':
        return '"' + name.replace('"', '""') + '"'
    return name


def _escape(text: str) -> str:
    """Text inside a snippet: ``$``, ``}`` and ``\\`` are syntax there."""
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


class _Builder:
    def __init__(self, context: CompletionContext, limit: int) -> None:
        self.context = context
        self.limit = limit
        self.items: list[Completion] = []
        self.incomplete = False
        self.seen: set[tuple[str, str]] = set()

    @property
    def full(self) -> bool:
        if len(self.items) >= self.limit:
            self.incomplete = True
            return True
        return False

    def add(self, label: str, kind: CompletionKind, detail: str = "", documentation: str = "",
            insert_text: str | None = None, is_snippet: bool = False,
            filter_text: str | None = None) -> bool:
        """Append an item (duplicates by label and kind are dropped); False once full."""
        if self.full:
            return False
        key = (label, kind)
        if key in self.seen:
            return True
        self.seen.add(key)
        context = self.context
        text = filter_text if filter_text is not None else label
        if context.quote and not text.startswith(context.quote):
            text = context.quote + text
        self.items.append(Completion(
            label=label, kind=kind, detail=detail, documentation=documentation,
            insert_text=insert_text if insert_text is not None else label,
            is_snippet=is_snippet, sort_text=f"{len(self.items):05d}", filter_text=text,
            replace_start=context.prefix_start, replace_end=context.replace_end))
        return True


def _matching(entries: list[Entry], prefix: str) -> Iterator[Entry]:
    """Entries starting with the prefix (any case), then those containing it."""
    if not prefix:
        yield from entries
        return
    folded = prefix.lower()
    rest: list[Entry] = []
    for entry in entries:
        if entry.lower.startswith(folded):
            yield entry
        elif folded in entry.lower:
            rest.append(entry)
    yield from rest


def _ranked(labels: list[tuple[str, int]], prefix: str) -> list[int]:
    """Positions of ``labels`` (filter text, original position): prefix matches first."""
    if not prefix:
        return [i for _, i in labels]
    folded = prefix.lower()
    return [i for _, i in sorted(labels, key=lambda p: (not p[0].lower().startswith(folded),
                                                         p[1]))]


def _fill(builder: _Builder, context: CompletionContext, index: CompletionIndex,
          options: CompletionOptions) -> None:
    kind = context.kind
    if kind is ContextKind.NONE or builder.limit == 0:
        return
    if kind is ContextKind.OBJECT:
        if context.clause == "EXEC":
            _procedures(builder, context, index)
            return
        if context.clause == "JOIN" and not context.tail:
            _join_snippets(builder, context, index, options)
        _objects(builder, context, index, options)
    elif kind is ContextKind.COLUMN_OF:
        _columns_of(builder, context, index)
    elif kind is ContextKind.JOIN_CONDITION:
        _join_conditions(builder, context, index)
        _columns(builder, context, index)
    elif kind is ContextKind.COLUMN:
        _columns(builder, context, index)
    else:
        _keywords(builder, context, options)


# -- objects ------------------------------------------------------------------------------


def _object_alias(context: CompletionContext, entry: Entry | None, name: str) -> str:
    if len(context.unbound_qualifiers) == 1:
        return context.unbound_qualifiers[0]
    return pick_alias(entry, name, context.aliases)


def _object_insert(context: CompletionContext, entry: Entry, index: CompletionIndex,
                   options: CompletionOptions) -> tuple[str, bool]:
    name = _quote(entry.name, context.quote)
    if context.tail:
        return name, False
    if entry.kind == "function":
        arguments = ", ".join(f"${{{i}:{_escape(p.name)}}}"
                              for i, p in enumerate(index.parameters(entry.name), 1))
        return f"{_escape(name)}({arguments})", True
    if context.read and options.nolock:
        alias = _object_alias(context, entry, entry.name)
        return f"{_escape(name)} ${{1:{_escape(alias)}}} WITH (NOLOCK)", True
    return name, False


def _objects(builder: _Builder, context: CompletionContext, index: CompletionIndex,
             options: CompletionOptions) -> None:
    schema = context.qualifier.lower() if context.qualifier else None
    prefix = context.prefix
    if schema is None:
        folded = prefix.lower()
        for cte in context.ctes:
            if not folded or cte.name.lower().startswith(folded):
                columns = ", ".join(cte.columns) or "columns unknown"
                builder.add(cte.name, "table", "CTE", f"**{cte.name}** — CTE ({columns})",
                            _quote(cte.name, context.quote))
    for entry in _matching(index.relations, prefix):
        if schema is not None and entry.schema != schema:
            continue
        if entry.kind == "function" and context.clause in ("INTO", "UPDATE", "MERGE"):
            continue
        text, snippet = _object_insert(context, entry, index, options)
        if not builder.add(entry.name, entry.kind, entry.detail, entry.documentation, text,
                           snippet, entry.name):
            return
    if prefix:
        folded = prefix.lower()
        for entry in index.bases:
            if entry.lower.startswith(folded) and (schema is None or entry.schema == schema):
                text, snippet = _object_insert(context, entry, index, options)
                if not builder.add(entry.name, entry.kind, entry.detail, entry.documentation,
                                   text, snippet, entry.name):
                    return


def _procedures(builder: _Builder, context: CompletionContext, index: CompletionIndex) -> None:
    schema = context.qualifier.lower() if context.qualifier else None
    for entry in _matching(index.procedures, context.prefix):
        if schema is not None and entry.schema != schema:
            continue
        if builder.full:
            return
        parameters = index.parameters(entry.name)
        name = _quote(entry.name, context.quote)
        signature = ", ".join(f"{p.name} {p.data_type}" for p in parameters)
        detail = f"({signature})" if parameters else "procedure (no parameters)"
        doc = entry.documentation
        if parameters:
            doc += "\n\n" + "\n".join(f"- `{p.name}` {p.data_type}" for p in parameters)
        if parameters and not context.tail:
            arguments = ", ".join(f"{_escape(p.name)} = ${{{i}:{_escape(p.name.lstrip('@'))}}}"
                                  for i, p in enumerate(parameters, 1))
            builder.add(entry.name, "procedure", detail, doc, f"{_escape(name)} {arguments}",
                        True, entry.name)
        else:
            builder.add(entry.name, "procedure", detail, doc, name, False, entry.name)


# -- joins --------------------------------------------------------------------------------


def _catalog_name(ref: SourceRef, index: CompletionIndex) -> str | None:
    if ref.kind is not RefKind.OBJECT:
        return None
    return index.resolve(ref.name)


def _join_snippets(builder: _Builder, context: CompletionContext, index: CompletionIndex,
                   options: CompletionOptions) -> None:
    """The objects related to those already in the query, each as a whole join."""
    existing = [r for r in context.own_refs if r.start < context.prefix_start]
    if not existing:
        return
    names = [index.resolve(r.name) or r.name for r in existing]
    present = {n.lower() for n in names} | {
        index.catalog.preferred_name(n).lower() for n in names}
    best: dict[str, tuple[tuple[float, int, int, int], Relationship, SourceRef]] = {}
    for position, ref in enumerate(existing):
        name = _catalog_name(ref, index)
        if name is None:
            continue
        scores = index.join_scores(name)
        for relationship in index.relationships(name):
            target = relationship.to_object
            if target.lower() in present or index.catalog.header(target) is None:
                continue
            # The strongest partner (role, prior, module, tier: see catalog.ranking), the
            # reference joined last breaking ties; then the widest key; then a declared
            # foreign key.
            rank = (scores.get(target, 0.0) + 0.05 * position, len(relationship.column_pairs),
                    int(relationship.kind is RelationshipKind.FOREIGN_KEY), position)
            known = best.get(target)
            if known is None or rank > known[0]:
                best[target] = (rank, relationship, ref)
    folded = context.prefix.lower()
    def order(item: tuple[str, tuple[tuple[float, int, int, int], Relationship, SourceRef]]
              ) -> tuple[bool, float, str]:
        target, (rank, _, _) = item
        return (bool(folded) and not target.lower().startswith(folded), -rank[0],
                target.lower())

    room = builder.limit - builder.limit // 4  # leave room for the plain list
    for target, (rank, relationship, ref) in sorted(best.items(), key=order):
        if len(builder.items) >= room:
            return
        width = rank[1]
        if folded and folded not in target.lower():
            continue
        entry = index.by_name.get(target)
        alias = pick_alias(entry, target, context.aliases)
        condition = relationship.reversed().join_condition(alias, ref.binding)
        hint = " WITH (NOLOCK)" if context.read and options.nolock else ""
        name = _quote(target, context.quote)
        text = f"{name} {alias}{hint} ON {condition}"
        detail = f"join {target} to {ref.binding} on {width} key column{'s' * (width != 1)}"
        doc = (f"```sql\nJOIN {text}\n```\n\n" + (entry.documentation if entry else ""))
        if not builder.add(f"{target} {alias} ON {condition}", "snippet", detail, doc, text,
                           False, target):
            return


def _widest(index: CompletionIndex, left: SourceRef, right: SourceRef) -> Relationship | None:
    """The widest catalog join from ``left`` to ``right`` (both catalog objects)."""
    left_name = _catalog_name(left, index)
    right_name = _catalog_name(right, index)
    if left_name is None or right_name is None:
        return None
    target = index.catalog.preferred_name(right_name)
    candidates = [r for r in index.relationships(left_name) if r.to_object == target]
    return max(candidates, key=lambda r: len(r.column_pairs)) if candidates else None


def _shared_key(index: CompletionIndex, left: SourceRef, right: SourceRef) -> str | None:
    """A CTE or derived table joined to a catalog object: match the object's key by name."""
    for near, far in ((left, right), (right, left)):
        name = _catalog_name(far, index)
        if near.kind in (RefKind.CTE, RefKind.DERIVED) and name and near.columns:
            key = index.key_columns(name)
            available = {c.lower(): c for c in near.columns}
            if key and all(k.lower() in available for k in key):
                pairs = [(available[k.lower()], k) for k in key]
                if near is left:
                    return " AND ".join(f"{left.binding}.{a} = {right.binding}.{b}"
                                        for a, b in pairs)
                return " AND ".join(f"{left.binding}.{b} = {right.binding}.{a}"
                                    for a, b in pairs)
    return None


def _join_conditions(builder: _Builder, context: CompletionContext, index: CompletionIndex) -> None:
    joined = context.last_joined
    if joined is None:
        return
    earlier = [r for r in context.own_refs if r.start < joined.start]
    for ref in reversed(earlier):
        relationship = _widest(index, joined, ref)
        if relationship is not None:
            condition = relationship.join_condition(joined.binding, ref.binding)
            width = len(relationship.column_pairs)
            detail = (f"{joined.name} ↔ {ref.name}: {width}-column "
                      f"{'key' if width > 1 else 'column'}")
        else:
            shared = _shared_key(index, joined, ref)
            if shared is None:
                continue
            condition, detail = shared, f"{joined.name} ↔ {ref.name}: key columns by name"
        doc = f"```sql\nON {condition}\n```"
        if not builder.add(condition, "join", detail, doc, condition, False, condition):
            return


# -- columns ------------------------------------------------------------------------------


def _ref_columns(ref: SourceRef, index: CompletionIndex) -> tuple[list[ColumnItem], str]:
    """The columns of a reference, and the object they come from."""
    if ref.kind in (RefKind.CTE, RefKind.DERIVED):
        what = "CTE" if ref.kind is RefKind.CTE else "derived table"
        columns = [ColumnItem(c, c.lower(), f"{what} column", f"`{ref.name}.{c}` — {what} column")
                   for c in ref.columns]
        seen = {c.lower for c in columns}
        for source in ref.star:  # SELECT * / t.* inside it
            name = index.resolve(source)
            for column in index.columns(name) if name else ():
                if column.lower not in seen:
                    seen.add(column.lower)
                    columns.append(column)
        return columns, ref.name
    name = _catalog_name(ref, index)
    if name is None:
        return [], ref.name
    return list(index.columns(name)), name


def _columns_of(builder: _Builder, context: CompletionContext, index: CompletionIndex) -> None:
    qualifier = context.qualifier or ""
    ref = context.resolve(qualifier)
    if ref is not None:
        columns, _ = _ref_columns(ref, index)
    else:
        name = index.resolve(qualifier)
        columns = list(index.columns(name)) if name else []
    for position in _ranked([(c.name, i) for i, c in enumerate(columns)], context.prefix):
        column = columns[position]
        if not builder.add(column.name, "column", column.detail, column.documentation,
                           _quote(column.name, context.quote), False, column.name):
            return


_Candidate = tuple[str, CompletionKind, str, str, str, bool, str]
"""label, kind, detail, documentation, insert text, is snippet, filter text."""


def _columns(builder: _Builder, context: CompletionContext, index: CompletionIndex) -> None:
    """Columns of the objects in scope, then aliases, functions and keywords; whatever
    matches the prefix first."""
    refs = list(context.own_refs)
    gathered: list[tuple[SourceRef, list[ColumnItem], str]] = []
    counts: dict[str, int] = {}
    for ref in refs:
        columns, source = _ref_columns(ref, index)
        gathered.append((ref, columns, source))
        for folded in {c.lower for c in columns}:
            counts[folded] = counts.get(folded, 0) + 1
    candidates: list[_Candidate] = []
    for ref, columns, source in gathered:
        where = ref.binding if ref.binding == source else f"{ref.binding} ({source})"
        for column in columns:
            name = _quote(column.name, context.quote)
            if counts[column.lower] > 1:
                label = insert = f"{_quote(ref.binding, '')}.{name}"
            else:
                label, insert = column.name, name
            candidates.append((label, "column", f"{column.detail} · {where}",
                               column.documentation, insert, False, column.name))
    for ref in refs:
        kind: CompletionKind = "table"
        entry = index.by_name.get(_catalog_name(ref, index) or "")
        if entry is not None and entry.kind == "view":
            kind = "view"
        detail = f"alias of {ref.name}" if ref.alias else ref.kind.value
        candidates.append((ref.binding, kind, detail, entry.documentation if entry else "",
                           _quote(ref.binding, context.quote), False, ref.binding))
    for name, snippet, doc in BUILTINS:
        candidates.append((name, "function", "built-in", doc, snippet, True, name))
    if context.prefix:
        for count, entry in enumerate(_matching(index.functions, context.prefix)):
            if count == 20:
                break
            parameters = index.parameters(entry.name)
            arguments = ", ".join(f"${{{i}:{_escape(p.name)}}}"
                                  for i, p in enumerate(parameters, 1))
            text = f"{_escape(entry.schema or 'dbo')}.{_escape(entry.name)}({arguments})"
            candidates.append((entry.name, "function", entry.detail, entry.documentation,
                               text, True, entry.name))
    for word in EXPRESSION:
        candidates.append((word, "keyword", "", "", word, False, word))
    for position in _ranked([(c[6], i) for i, c in enumerate(candidates)], context.prefix):
        label, kind, detail, doc, insert, is_snippet, filter_text = candidates[position]
        if not builder.add(label, kind, detail, doc, insert, is_snippet, filter_text):
            return


# -- keywords -----------------------------------------------------------------------------

def _keywords(builder: _Builder, context: CompletionContext, options: CompletionOptions) -> None:
    clause = context.clause
    previous = context.previous
    words: list[str] = []
    if context.kind is ContextKind.KEYWORD:
        ref = context.last_joined
        if previous == "WITH" and clause == "WITH":
            if context.read and options.nolock:
                builder.add("(NOLOCK)", "keyword", "table hint")
            words += ["(NOLOCK)", "(READUNCOMMITTED)", "(UPDLOCK)", "(ROWLOCK)"]
        elif clause in FOLLOWERS and (previous == clause or clause in (
                "HINT", "OVER", "SUBQUERY", "OPTION")):
            words += FOLLOWERS[clause]
        elif clause in ("START", "BEGIN", "IF", "WHILE", "ELSE", "END", "RETURN"):
            for position in _ranked([(w, i) for i, w in enumerate(START)], context.prefix):
                builder.add(START[position], "keyword")
            for label, snippet, doc in SNIPPETS:
                builder.add(label, "snippet", "snippet", doc, snippet, True, label)
        elif clause in ("FROM", "JOIN", "APPLY", "USING", "UPDATE", "INTO", "MERGE", "DELETE"):
            if ref is not None and not ref.hinted and context.read and options.nolock and (
                ref.kind is RefKind.OBJECT
            ):
                builder.add("WITH (NOLOCK)", "keyword", "table hint: read without blocking",
                            "Every Vista read carries `WITH (NOLOCK)`.")
            if ref is not None and ref.clause == "JOIN":
                words.append("ON")
            if clause in ("UPDATE",):
                words.append("SET")
            words += AFTER_REF
        elif clause == "SELECT":
            words += AFTER_SELECT_ITEM
        elif clause in ("WHERE", "HAVING", "ON", "SET", "IF", "WHILE"):
            words += AFTER_CONDITION
        elif clause in ("GROUP BY", "ORDER BY", "PARTITION BY", "BY"):
            words += AFTER_ORDER
        elif clause == "EXEC":
            words += ("WITH RECOMPILE",)
        words += GENERAL
    else:
        words += EXPRESSION
    positions = _ranked([(w, i) for i, w in enumerate(words)], context.prefix)
    for position in positions:
        if not builder.add(words[position], "keyword"):
            return
