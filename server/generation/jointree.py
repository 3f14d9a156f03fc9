"""Connect catalog objects with the cheapest tree of whole-key joins.

The graph is the catalog's relationships (declared foreign keys and composite
keys inferred from shared key columns), between preferred names (views). Each
pair of objects joins on its widest relationship, the same one the analyzer's
partial-join rule (VG006) checks against, so a tree edge is never "half a key".

The tree is a Steiner-tree approximation (add the nearest remaining object by a
bounded Dijkstra search from the tree built so far). The costs encode how a
report writer joins Vista:

- a direct join between two requested objects is cheapest; a declared foreign
  key slightly cheaper than an inferred one, and a wider key cheaper than a
  narrow one;
- a header -> detail join (one key is the start of the other: APTH -> APTL ->
  APTD) is cheaper than a join that merely shares columns (APTD -> APPH on the
  payment columns), so paths follow Vista's hierarchies;
- an intermediate with a non-standard name (``APExport``, ``udJobs``) costs a
  little more than a classic four-letter Vista table;
- passing through an object nobody asked for costs extra, more when it belongs
  to a module none of the requested objects belongs to (no detour from AP to
  JC through PM), and so much when it is a hub keyed by one column (a company
  table, a unit of measure) that such paths are never taken: joining two
  detail tables through ``JCCO`` multiplies rows;
- a join across modules costs more than one inside a module.

Objects the search cannot reach within :data:`MAX_PATH_COST` are reported in
:attr:`JoinTree.unreached` rather than joined by a path nobody would write.
"""

from __future__ import annotations

import heapq
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import ObjectType, Relationship, RelationshipKind

MAX_PATH_COST = 5.0
"""Two intermediate objects of a requested module at most; hubs and foreign modules never."""
MAX_EXPANSIONS = 200
"""Nodes one search may expand: bounds the time on a 3,000-object catalog."""

_EDGE = 1.0
_FOREIGN_KEY_DISCOUNT = 0.1
_WIDTH_DISCOUNT = 0.05
_CROSS_MODULE = 1.0
_INTERMEDIATE = 1.0
_FOREIGN_MODULE = 2.0
_HUB = 3.0
_HIERARCHY_DISCOUNT = 0.4
_NONSTANDARD = 0.5
_STANDARD_NAME = re.compile(r"[A-Z]{4}")


@dataclass(frozen=True, slots=True)
class JoinEdge:
    parent: str
    child: str
    relationship: Relationship
    """Oriented parent -> child: ``from_object`` is ``parent``."""
    cost: float

    def condition(self, parent_alias: str | None = None, child_alias: str | None = None) -> str:
        """``child.APCo = parent.APCo AND ...``: the child's side first, as an ON clause reads."""
        return self.relationship.reversed().join_condition(child_alias or self.child,
                                                           parent_alias or self.parent)


@dataclass(frozen=True, slots=True)
class JoinTree:
    root: str | None
    nodes: tuple[str, ...] = ()
    """Root first; each later node's parent comes before it."""
    edges: tuple[JoinEdge, ...] = ()
    """In the order the nodes were added: each edge's parent is already in the tree."""
    unreached: tuple[str, ...] = ()
    """Requested objects no acceptable path reaches."""
    intermediates: tuple[str, ...] = field(default_factory=tuple)
    """Objects in the tree that were not requested (needed to connect the others)."""

    @property
    def cost(self) -> float:
        return round(sum(e.cost for e in self.edges), 3)

    def parent_edge(self, node: str) -> JoinEdge | None:
        return next((e for e in self.edges if e.child == node), None)

    def describe(self) -> list[str]:
        """One line per edge, for ``--explain``: ``APTH -> APTL ON APTL.APCo = APTH.APCo ...``."""
        return [f"{e.parent} -> {e.child} ON {e.condition()}" for e in self.edges]


_neighbours: weakref.WeakKeyDictionary[Catalog, dict[str, dict[str, Relationship]]] = (
    weakref.WeakKeyDictionary())


def neighbours(catalog: Catalog, name: str) -> dict[str, Relationship]:
    """Preferred name -> the widest relationship from ``name`` to it (``join_path``'s choice).

    Cached per catalog: the search asks for the same objects again and again.
    """
    per_catalog = _neighbours.setdefault(catalog, {})
    cached = per_catalog.get(name)
    if cached is not None:
        return cached
    best: dict[str, Relationship] = {}
    # relationships() is ordered foreign keys first, then widest: keep the first widest.
    for relationship in catalog.relationships(name):
        if relationship.kind is RelationshipKind.VIEW_OF:
            continue
        target = catalog.preferred_name(relationship.to_object)
        if target == name:
            continue
        header = catalog.header(target)
        if header is None or header.type not in (ObjectType.TABLE, ObjectType.VIEW):
            continue
        known = best.get(target)
        if known is None or len(relationship.column_pairs) > len(known.column_pairs):
            best[target] = Relationship(relationship.kind, name, target,
                                        relationship.column_pairs, relationship.name)
    per_catalog[name] = best
    return best


_costs: weakref.WeakKeyDictionary[Catalog, dict[tuple[str, str], float]] = (
    weakref.WeakKeyDictionary())
_keys: weakref.WeakKeyDictionary[Catalog, dict[str, tuple[str, ...]]] = (
    weakref.WeakKeyDictionary())


def _edge_cost(catalog: Catalog, relationship: Relationship) -> float:
    """Memoised per catalog: a search evaluates the same few thousand edges again and again."""
    per_catalog = _costs.setdefault(catalog, {})
    pair = (relationship.from_object, relationship.to_object)
    cost = per_catalog.get(pair)
    if cost is None:
        cost = per_catalog[pair] = _compute_edge_cost(catalog, relationship)
    return cost


def _key(catalog: Catalog, name: str) -> tuple[str, ...]:
    per_catalog = _keys.setdefault(catalog, {})
    key = per_catalog.get(name)
    if key is None:
        key = per_catalog[name] = catalog.key_columns(name)
    return key


def _compute_edge_cost(catalog: Catalog, relationship: Relationship) -> float:
    cost = _EDGE - _WIDTH_DISCOUNT * min(len(relationship.column_pairs), 6)
    if relationship.kind is RelationshipKind.FOREIGN_KEY:
        cost -= _FOREIGN_KEY_DISCOUNT
    left, right = catalog.header(relationship.from_object), catalog.header(relationship.to_object)
    if left and right and left.module and right.module and left.module != right.module:
        cost += _CROSS_MODULE
    elif _is_hierarchy(catalog, relationship):
        cost -= _HIERARCHY_DISCOUNT
    return cost


def _is_hierarchy(catalog: Catalog, relationship: Relationship) -> bool:
    """Header and detail: the joined columns are the start of one side's key and the whole
    key of the other (``APTH`` (APCo, Mth, APTrans) -> ``APTL`` (APCo, Mth, APTrans, APLine))."""
    left = tuple(a for a, _ in relationship.column_pairs)
    right = tuple(b for _, b in relationship.column_pairs)
    left_key = _key(catalog, relationship.from_object)
    right_key = _key(catalog, relationship.to_object)
    if not left_key or not right_key:
        return False
    return ((left == left_key and right_key[:len(right)] == right)
            or (right == right_key and left_key[:len(left)] == left))


def join_tree(catalog: Catalog, objects: Sequence[str]) -> JoinTree:
    """The cheapest acceptable tree over ``objects`` (any case, base tables allowed).

    The first object is the root. Unknown names are dropped; duplicates count once.
    """
    terminals: list[str] = []
    for name in objects:
        matches = catalog.lookup(name)
        if not matches:
            continue
        preferred = catalog.preferred_name(matches[0].name)
        if preferred not in terminals:
            terminals.append(preferred)
    if not terminals:
        return JoinTree(root=None)
    modules = {h.module for t in terminals if (h := catalog.header(t)) and h.module}
    wanted = set(terminals[1:])
    in_tree = [terminals[0]]
    edges: list[JoinEdge] = []
    while wanted:
        path = _nearest(catalog, in_tree, wanted, set(terminals), modules)
        if path is None:
            break
        for edge in path:
            if edge.child not in in_tree:
                in_tree.append(edge.child)
                edges.append(edge)
        wanted -= set(in_tree)
    requested = set(terminals)
    return JoinTree(
        root=terminals[0], nodes=tuple(in_tree), edges=tuple(edges),
        unreached=tuple(t for t in terminals if t not in in_tree),
        intermediates=tuple(n for n in in_tree if n not in requested))


def _nearest(catalog: Catalog, tree: list[str], wanted: set[str], terminals: set[str],
             modules: set[str]) -> list[JoinEdge] | None:
    """Multi-source Dijkstra from every tree node to the closest wanted object."""
    distance: dict[str, float] = dict.fromkeys(tree, 0.0)
    came_from: dict[str, JoinEdge] = {}
    queue: list[tuple[float, int, str]] = [(0.0, i, n) for i, n in enumerate(tree)]
    heapq.heapify(queue)
    counter = len(queue)
    done: set[str] = set()
    expansions = 0
    while queue and expansions < MAX_EXPANSIONS:
        cost, _, node = heapq.heappop(queue)
        if node in done:
            continue
        if cost > MAX_PATH_COST:
            return None
        done.add(node)
        if node in wanted:
            path: list[JoinEdge] = []
            while node in came_from:
                edge = came_from[node]
                path.append(edge)
                node = edge.parent
            return list(reversed(path))
        expansions += 1
        for target, relationship in neighbours(catalog, node).items():
            if target in done:
                continue
            step = _edge_cost(catalog, relationship)
            if target not in terminals:
                step += _INTERMEDIATE
                header = catalog.header(target)
                if header is not None and header.module not in modules:
                    step += _FOREIGN_MODULE
                if not _STANDARD_NAME.fullmatch(target):
                    step += _NONSTANDARD
                if len(relationship.column_pairs) <= 1:
                    step += _HUB  # into a hub (a company table) or out of one: rows multiply
            total = cost + step
            if total > MAX_PATH_COST or total >= distance.get(target, float("inf")):
                continue
            distance[target] = total
            came_from[target] = JoinEdge(node, target, relationship, round(step, 3))
            counter += 1
            heapq.heappush(queue, (total, counter, target))
    return None
