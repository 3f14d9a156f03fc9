"""How often objects are read together: a join-frequency prior counted at build time.

The views of a Vista database (and, in a DDL folder, the shop's own views) are
the best record there is of which objects people join: 25 views read both JCJM
and JCJP, none read both APTH and APRH. Each view (or other object whose
definition names what it reads) counts once for every pair of the objects it
reads, under their preferred names, so ``bJCJM`` and ``JCJM`` are one object; so
does each procedure, function or plain query of a DDL folder (a shop's report
SQL), as the DDL importer collects them.
A view over a single base table (``select a.* from bJCCM a``) says nothing about
joins and counts only towards popularity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from vgpt2.catalog.model import CatalogObject

__all__ = ["JoinPrior", "count_joins"]

# A statement reading more objects than this is a report or an export, whose pairs
# say little about any one join; its objects still count towards popularity.
_MAX_OBJECTS_FOR_PAIRS = 12


@dataclass(slots=True)
class JoinPrior:
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(a, b) with a < b -> statements that read both."""
    popularity: Counter[str] = field(default_factory=Counter)
    """Object -> statements (other than its own view) that read it."""

    def together(self, a: str, b: str) -> int:
        return self.pairs.get((a, b) if a < b else (b, a), 0)


def count_joins(objects: dict[str, CatalogObject], family: dict[str, str],
                statements: Iterable[tuple[str, ...]] = ()) -> JoinPrior:
    """Count pairs and popularity over every object that names what it reads, and over
    ``statements``: the objects each procedure or query of a DDL folder reads together."""
    prior = JoinPrior()

    def count(read: list[str]) -> None:
        prior.popularity.update(read)
        if 2 <= len(read) <= _MAX_OBJECTS_FOR_PAIRS:
            prior.pairs.update(combinations(read, 2))

    for obj in objects.values():
        if obj.base_objects:
            own = family.get(obj.name, obj.name)
            count(sorted({family.get(b, b) for b in obj.base_objects} - {own, obj.name}))
    for names in statements:
        count(sorted({family[n] for n in names if n in family}))
    return prior
