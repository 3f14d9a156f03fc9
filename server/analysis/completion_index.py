"""What completion needs from one catalog, prepared once and cached per catalog.

The sorted object lists (views first, then tables without a view, functions, base tables
whose view exists, procedures), each entry's detail, documentation and alias candidates,
and per object on first use its columns, relationships, join scores, parameters and key.
:func:`index_of` builds it once per catalog (about 50 ms on the real catalog), so a
keystroke costs a scan of a prepared list.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import ObjectType, Parameter, Relationship, RelationshipKind
from vgpt2.catalog.ranking import JoinRank, JoinRole, Tier, join_score
from vgpt2.server.analysis.locate import RESERVED_WORDS

__all__ = ["ColumnItem", "CompletionIndex", "CompletionKind", "Entry", "alias_candidates",
           "index_of", "pick_alias", "summary_of"]

CompletionKind = Literal["view", "table", "function", "procedure", "column", "keyword",
                         "snippet", "join"]


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    lower: str
    schema: str
    kind: CompletionKind
    group: int
    """0 view, 1 table without a view, 2 function, 3 base table with a view, 4 procedure."""
    tier: Tier
    """Core knowledge-pack objects first; batch, work-file and reporting objects last."""
    popularity: int
    """How many views read it: among equals, the object people use more comes first."""
    described: bool
    detail: str
    documentation: str
    aliases: tuple[str, ...]
    """Alias candidates, best first."""


@dataclass(frozen=True, slots=True)
class ColumnItem:
    name: str
    lower: str
    detail: str
    documentation: str


class CompletionIndex:
    """What completion needs from one catalog, prepared once."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        modules = catalog.modules()
        relations: list[Entry] = []
        bases: list[Entry] = []
        routines: list[Entry] = []
        kind: CompletionKind
        for header in catalog.headers():
            module = header.module
            where = f"{module} ({modules[module]})" if module in modules else module
            summary = summary_of(header.description)
            described = bool(header.description)
            doc_tail = f"\n\n{header.description}" if header.description else ""
            if header.type is ObjectType.VIEW:
                bases_of = catalog.base_tables_of(header.name)
                base_note = (f"\n\nView over {', '.join(f'`{b}`' for b in bases_of)}: query "
                             "the view, not the base table." if bases_of else "")
                group, kind = 0, "view"
                detail = _detail("view", module, summary)
                doc = (f"**{header.name}** — view · {where} · {header.column_count} columns"
                       f"{doc_tail}{base_note}")
            elif header.type is ObjectType.TABLE:
                view = header.family if header.family != header.name else None
                if view is not None and view in catalog:
                    group, kind = 3, "table"
                    detail = f"base table — use VIEW {view}"
                    doc = (f"**{header.name}** — base table · {where}\n\nQuery the view "
                           f"`{view}` instead: Vista reads go through views.{doc_tail}")
                else:
                    group, kind = 1, "table"
                    detail = _detail("table", module, summary)
                    doc = (f"**{header.name}** — table · {where} · {header.column_count} "
                           f"columns{doc_tail}")
            elif header.type is ObjectType.FUNCTION:
                group, kind = 2, "function"
                detail = _detail("function", module, summary)
                doc = f"**{header.name}** — function · {where}{doc_tail}"
            else:
                group, kind = 4, "procedure"
                detail = _detail("procedure", module, summary)
                doc = f"**{header.name}** — procedure · {where}{doc_tail}"
            rank = catalog.object_rank(header.name)
            entry = Entry(header.name, header.name.lower(), header.schema.lower(), kind,
                           group, rank.tier if rank else Tier.ORDINARY,
                           rank.popularity if rank else 0, described, detail, doc,
                           alias_candidates(header.name))
            (bases if group == 3 else routines if group == 4 else relations).append(entry)
        order = lambda e: (e.group, e.tier, not e.described, -e.popularity,  # noqa: E731
                           e.lower, e.name)
        self.relations = sorted(relations, key=order)
        self.bases = sorted(bases, key=order)
        self.procedures = sorted(routines, key=order)
        self.functions = [e for e in self.relations if e.group == 2]
        self.by_name = {e.name: e for e in (*self.relations, *self.bases, *self.procedures)}
        self._columns: dict[str, tuple[ColumnItem, ...]] = {}
        self._relationships: dict[str, list[Relationship]] = {}
        self._parameters: dict[str, tuple[Parameter, ...]] = {}
        self._keys: dict[str, tuple[str, ...]] = {}
        self._join_scores: dict[str, dict[str, float]] = {}

    def resolve(self, name: str) -> str | None:
        """The exact catalog name for ``name`` (any case), if there is one."""
        if self.catalog.header(name) is not None:
            return name
        found = self.catalog.lookup(name)
        return found[0].name if found else None

    def columns(self, name: str) -> tuple[ColumnItem, ...]:
        cached = self._columns.get(name)
        if cached is not None:
            return cached
        obj = self.catalog.get(name)
        columns: list[ColumnItem] = []
        for column in obj.columns if obj else ():
            shown = column.type_display
            null = "" if column.nullable else ", not null"
            doc = f"`{name}.{column.name}` — {shown}{null}"
            if column.description:
                doc += f"\n\n{column.description}"
            columns.append(ColumnItem(column.name, column.name.lower(), shown, doc))
        result = tuple(columns)
        self._columns[name] = result
        return result

    def relationships(self, name: str) -> list[Relationship]:
        cached = self._relationships.get(name)
        if cached is None:
            cached = [r for r in self.catalog.relationships(name)
                      if r.kind is not RelationshipKind.VIEW_OF]
            self._relationships[name] = cached
        return cached

    def join_scores(self, name: str) -> dict[str, float]:
        """Target -> how strongly it is the next object to join after ``name`` (see ranking)."""
        cached = self._join_scores.get(name)
        if cached is not None:
            return cached
        catalog = self.catalog
        learned = catalog.join_ranking(name)
        source = catalog.header(catalog.preferred_name(name))
        module = source.module if source else ""
        own = self.by_name.get(source.name) if source else None
        source_tier = own.tier if own else Tier.ORDINARY
        cached = {}
        for relationship in self.relationships(name):
            target = relationship.to_object
            if target in cached:
                continue
            header = catalog.header(target)
            entry = self.by_name.get(target)
            rank = learned.get(target) or JoinRank(name, target, JoinRole.OTHER, False, 0,
                                                   len(relationship.column_pairs), 0)
            cached[target] = join_score(
                rank, same_module=bool(module) and header is not None and header.module == module,
                tier=entry.tier if entry else Tier.ORDINARY,
                described=entry is not None and entry.described,
                popularity=entry.popularity if entry else 0, source_tier=source_tier)
        self._join_scores[name] = cached
        return cached

    def parameters(self, name: str) -> tuple[Parameter, ...]:
        cached = self._parameters.get(name)
        if cached is None:
            obj = self.catalog.get(name)
            unique: dict[str, Parameter] = {}
            for parameter in obj.parameters if obj else ():
                unique.setdefault(parameter.name.lower(), parameter)  # exports repeat some
            cached = tuple(unique.values())
            self._parameters[name] = cached
        return cached

    def key_columns(self, name: str) -> tuple[str, ...]:
        cached = self._keys.get(name)
        if cached is None:
            cached = self.catalog.key_columns(name)
            self._keys[name] = cached
        return cached


_INDEXES: weakref.WeakKeyDictionary[Catalog, CompletionIndex] = weakref.WeakKeyDictionary()
_INDEX_LOCK = threading.Lock()


def index_of(catalog: Catalog) -> CompletionIndex:
    index = _INDEXES.get(catalog)
    if index is None:
        with _INDEX_LOCK:
            index = _INDEXES.get(catalog)
            if index is None:
                index = CompletionIndex(catalog)
                _INDEXES[catalog] = index
    return index


def summary_of(description: str | None) -> str:
    """The head of a description: "AP transaction header" of "AP transaction header: ..."."""
    if not description:
        return ""
    head = re.split(r"[:.;(]\s", description, maxsplit=1)[0].strip()
    return head if len(head) <= 70 else head[:67].rstrip() + "..."


def _detail(kind: str, module: str, summary: str) -> str:
    text = f"{kind} · {module}" if module else kind
    return f"{text} — {summary}" if summary else text


_VISTA_CODE = re.compile(r"[bv]?[A-Z]{2}([A-Z]{2})")
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+")


def alias_candidates(name: str) -> tuple[str, ...]:
    """``APTL`` -> l, tl; ``SMWorkOrder`` -> wo, swo, s; ``brvJCContrMinJob`` -> cmj ..."""
    match = _VISTA_CODE.fullmatch(name)
    candidates: list[str] = []
    if match:
        entity = match.group(1).lower()
        candidates += [entity[-1], entity, name.lower().lstrip("bv")]
    else:
        words = _WORDS.findall(name)
        if len(words) > 1 and words[0].islower():
            words = words[1:]  # brv, vrv, vf, b, v prefixes
        initials = "".join(w[0] for w in words).lower()
        if len(words) > 2 and words[0].isupper() and len(words[0]) <= 3:
            candidates.append("".join(w[0] for w in words[1:4]).lower())  # module prefix
        candidates += [initials[:3], initials[:1]]
    candidates.append((re.sub(r"[^A-Za-z0-9_]", "", name)[:1] or "t").lower())
    return tuple(dict.fromkeys(c for c in candidates if c and c[0].isalpha()))


def pick_alias(entry: Entry | None, name: str, taken: Iterable[str]) -> str:
    used = {t.lower() for t in taken}
    candidates = entry.aliases if entry else alias_candidates(name)
    for candidate in candidates:
        if candidate not in used and candidate.upper() not in RESERVED_WORDS:
            return candidate
    base = candidates[0] if candidates else "t"
    number = 2
    while f"{base}{number}" in used:
        number += 1
    return f"{base}{number}"
