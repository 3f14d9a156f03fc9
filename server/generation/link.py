"""Schema linking for one request: which catalog objects the question and the open SQL mean.

Two sources, merged under the view's name (a view and its base table are one
object, and the view is what a query should read):

- the objects the surrounding SQL already reads, found with the analyzer's
  token-based source reader, so a half-typed statement still counts;
- catalog search for the question (:func:`vgpt2.catalog.search.search`).

The result keeps every candidate (the schema context shows as many as the
budget allows) and marks the few *primary* ones the join tree should connect:
the surrounding objects, the best hit, and further hits the question asks for
by name or synonym, or that score close to the best.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import ObjectType
from vgpt2.catalog.search import search
from vgpt2.catalog.sql.tokens import tokenize
from vgpt2.server.analysis.refs import source_refs

Origin = Literal["surrounding", "search"]

_SYNONYM = re.compile(r"synonym '([^']+)'")

SEARCH_LIMIT = 10
MAX_PRIMARY = 4
"""More objects than this in one generated query is rarely what a report writer asked for."""
PRIMARY_RATIO = 0.75
"""A hit neither named nor asked for by synonym is primary only this close to the best score."""
ASKED_RATIO = 0.4
"""Even a synonym hit is primary only above this fraction of the best score."""


@dataclass(frozen=True, slots=True)
class LinkedObject:
    name: str
    """The preferred (view) name, exact case."""
    origin: Origin
    score: float
    why: str
    primary: bool = False

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "origin": self.origin, "score": self.score, "why": self.why,
                "primary": self.primary}


@dataclass(frozen=True, slots=True)
class LinkResult:
    objects: tuple[LinkedObject, ...] = field(default_factory=tuple)
    """Surrounding objects first, then search hits best first; no duplicates."""

    @property
    def names(self) -> list[str]:
        return [o.name for o in self.objects]

    @property
    def primary(self) -> list[str]:
        return [o.name for o in self.objects if o.primary]


def surrounding_objects(catalog: Catalog, sql: str) -> list[str]:
    """Catalog tables and views the SQL reads or writes, as preferred names, in order.

    Token-based (:func:`~vgpt2.server.analysis.refs.source_refs`), so it works on
    half-typed text; names the catalog lacks and CTEs, temp tables and variables
    are skipped. A base table counts as its view (``bAPTH`` -> ``APTH``).
    """
    if not sql.strip():
        return []
    found: list[str] = []
    for ref in source_refs(tokenize(sql)):
        if ref.kind != "object" or ref.defines or not ref.parts:
            continue
        if len(ref.parts) > 2:
            continue  # another database or server: not this catalog
        matches = catalog.lookup(ref.name)
        if not matches or matches[0].type not in (ObjectType.TABLE, ObjectType.VIEW):
            continue
        name = catalog.preferred_name(matches[0].name)
        if name not in found:
            found.append(name)
    return found


def link(catalog: Catalog, question: str, surrounding_sql: str = "",
         limit: int = SEARCH_LIMIT) -> LinkResult:
    objects: list[LinkedObject] = [
        LinkedObject(name, "surrounding", 0.0, "read by the surrounding SQL", primary=True)
        for name in surrounding_objects(catalog, surrounding_sql)[:MAX_PRIMARY]]
    seen = {o.name for o in objects}
    hits = [h for h in search(catalog, question, limit=limit) if h.type in ("table", "view")]
    best = hits[0].score if hits else 0.0
    primary_count = len(objects)
    claimed: list[str] = []
    """Synonym phrases of the primary hits: "invoices" adds nothing once "ap invoices" won."""
    for index, hit in enumerate(hits):
        name = catalog.preferred_name(hit.name)
        if name in seen:
            continue
        seen.add(name)
        synonym = _SYNONYM.search(hit.why)
        phrase = synonym.group(1) if synonym else None
        asked = "named in the question" in hit.why or phrase is not None
        wanted = hit.score >= best * (ASKED_RATIO if asked else PRIMARY_RATIO) and (
            asked or index < 3)
        if wanted and phrase and "named in the question" not in hit.why and any(
                c != phrase and c.endswith(" " + phrase) for c in claimed):
            wanted = False  # the same words, already claimed by a more specific synonym
        primary = wanted and primary_count < MAX_PRIMARY
        primary_count += primary
        if primary and phrase:
            claimed.append(phrase)
        objects.append(LinkedObject(name, "search", hit.score, hit.why, primary))
    return LinkResult(tuple(objects))
