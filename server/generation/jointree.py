"""Connect catalog objects with the cheapest tree of whole-key joins.

The graph is the catalog's relationships (declared foreign keys and composite
keys inferred from shared key columns), between preferred names (views). Each
pair of objects joins on its widest relationship, the same one the analyzer's
partial-join rule (VG006) checks against, so a tree edge is never "half a key".

The tree is a Steiner-tree approximation: add the nearest remaining object, by
the cheapest path of at most two intermediate objects from the tree built so far
(:class:`_Search`), until all are in or the rest cannot be reached. The costs
encode how a report writer joins Vista:

- a direct join between two requested objects is cheapest; a declared foreign
  key slightly cheaper than an inferred one, and a wider key cheaper than a
  narrow one;
- a detail -> header join (one key is the start of the other: APTD -> APTH,
  APTL -> APTH) is cheaper than a join that merely shares columns (APTD -> APPH
  on the payment columns), so paths follow Vista's hierarchies;
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

import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import ObjectType, Relationship, RelationshipKind

MAX_PATH_COST = 5.0
"""Two intermediate objects of a requested module at most; hubs and foreign modules never."""

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


_costs: weakref.WeakKeyDictionary[Catalog, dict[tuple[str, str, bool], float]] = (
    weakref.WeakKeyDictionary())
_keys: weakref.WeakKeyDictionary[Catalog, dict[str, tuple[str, ...]]] = (
    weakref.WeakKeyDictionary())


def _edge_cost(catalog: Catalog, relationship: Relationship, to_terminal: bool) -> float:
    """Memoised per catalog: a search evaluates the same few thousand edges again and again."""
    per_catalog = _costs.setdefault(catalog, {})
    pair = (relationship.from_object, relationship.to_object, to_terminal)
    cost = per_catalog.get(pair)
    if cost is None:
        cost = per_catalog[pair] = _compute_edge_cost(catalog, relationship, to_terminal)
    return cost


def _key(catalog: Catalog, name: str) -> tuple[str, ...]:
    per_catalog = _keys.setdefault(catalog, {})
    key = per_catalog.get(name)
    if key is None:
        key = per_catalog[name] = catalog.key_columns(name)
    return key


def _compute_edge_cost(catalog: Catalog, relationship: Relationship, to_terminal: bool) -> float:
    cost = _EDGE - _WIDTH_DISCOUNT * min(len(relationship.column_pairs), 6)
    if relationship.kind is RelationshipKind.FOREIGN_KEY:
        cost -= _FOREIGN_KEY_DISCOUNT
    left, right = catalog.header(relationship.from_object), catalog.header(relationship.to_object)
    if left and right and left.module and right.module and left.module != right.module:
        cost += _CROSS_MODULE
    elif _is_hierarchy(catalog, relationship, to_terminal):
        cost -= _HIERARCHY_DISCOUNT
    return cost


def _is_hierarchy(catalog: Catalog, relationship: Relationship, to_terminal: bool) -> bool:
    """Detail and header: the joined columns are the start of the detail's key and the whole
    key of the header (``APTL`` (APCo, Mth, APTrans, APLine) -> ``APTH`` (APCo, Mth, APTrans)).

    Seen from the detail (the object being expanded), this needs only its own key: an
    inferred or declared join holds the whole key of the object it points at. Seen from
    the header, it needs the detail's key, which means loading the detail; that is done
    only for requested objects and for classic tables of the header's own prefix (APTH ->
    APTL, APTD), so that expanding a header with hundreds of related objects does not read
    them all.
    """
    ours = tuple(a for a, _ in relationship.column_pairs)
    theirs = tuple(b for _, b in relationship.column_pairs)
    own_key = _key(catalog, relationship.from_object)
    if not own_key:
        return False
    if len(ours) < len(own_key) and own_key[:len(ours)] == ours:
        return True
    if ours == own_key and (to_terminal or _same_family(relationship)):
        their_key = _key(catalog, relationship.to_object)
        return len(their_key) > len(theirs) and their_key[:len(theirs)] == theirs
    return False


def _same_family(relationship: Relationship) -> bool:
    """Both classic four-letter Vista names with the same module prefix (APTH, APTL)."""
    left, right = relationship.from_object, relationship.to_object
    return (_STANDARD_NAME.fullmatch(left) is not None
            and _STANDARD_NAME.fullmatch(right) is not None and left[:2] == right[:2])


Cardinality = Literal["one", "many", "unknown"]


def child_rows(catalog: Catalog, edge: JoinEdge) -> Cardinality:
    """How many ``child`` rows one ``parent`` row meets: ``one`` when the join covers the
    child's key (a lookup: APTH -> APVM), ``many`` when it covers only the parent's key
    (a detail: APTH -> APTL), ``unknown`` when it covers neither."""
    parent_side = tuple(a for a, _ in edge.relationship.column_pairs)
    child_side = tuple(b for _, b in edge.relationship.column_pairs)
    child_key = _key(catalog, edge.child)
    if child_key and set(child_key) <= set(child_side):
        return "one"
    parent_key = _key(catalog, edge.parent)
    if parent_key and set(parent_key) <= set(parent_side):
        return "many"
    return "unknown"


def fan_out_pairs(catalog: Catalog, tree: JoinTree) -> list[tuple[str, str]]:
    """Pairs of objects that are each many rows per row of what they hang from, on
    different branches of the tree: joined together, their rows multiply (PREA and PRSQ
    both under PREH give every accumulation row once per pay sequence)."""
    many = [e for e in tree.edges if child_rows(catalog, e) != "one"]
    parents = {e.child: e.parent for e in tree.edges}

    def ancestors(node: str) -> set[str]:
        found: set[str] = set()
        while node in parents:
            node = parents[node]
            found.add(node)
        return found

    pairs = []
    for index, first in enumerate(many):
        for second in many[index + 1:]:
            if first.child not in ancestors(second.child) and (
                    second.child not in ancestors(first.child)):
                pairs.append((first.child, second.child))
    return pairs


_trees: weakref.WeakKeyDictionary[Catalog, dict[tuple[str, ...], JoinTree]] = (
    weakref.WeakKeyDictionary())
TREE_CACHE = 4096
"""Trees remembered per catalog (a question links a few objects; the same sets recur)."""


def join_tree(catalog: Catalog, objects: Sequence[str]) -> JoinTree:
    """The cheapest acceptable tree over ``objects`` (any case, base tables allowed).

    The first object is the root. Unknown names are dropped; duplicates count once.
    Memoised per catalog (a tree is immutable): the dataset builder asks for the same
    object sets thousands of times, and the search costs milliseconds.
    """
    key = tuple(objects)
    per_catalog = _trees.setdefault(catalog, {})
    cached = per_catalog.get(key)
    if cached is None:
        if len(per_catalog) >= TREE_CACHE:
            per_catalog.clear()
        cached = per_catalog[key] = _join_tree(catalog, key)
    return cached


def _join_tree(catalog: Catalog, objects: Sequence[str]) -> JoinTree:
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
    search = _Search(catalog, set(terminals),
                     {h.module for t in terminals if (h := catalog.header(t)) and h.module})
    wanted = terminals[1:]
    in_tree = [terminals[0]]
    edges: list[JoinEdge] = []
    while wanted:
        found = [best for target in wanted
                 if (best := search.best_path(in_tree, target)) is not None]
        if not found:
            break
        _, path = min(found, key=lambda item: item[0])
        for edge in path:
            if edge.child not in in_tree:
                in_tree.append(edge.child)
                edges.append(edge)
        wanted = [t for t in wanted if t not in in_tree]
    edges = _most_specific_parents(catalog, search, terminals[0], edges)
    in_tree = [terminals[0]] + [e.child for e in edges]
    requested = set(terminals)
    return JoinTree(
        root=terminals[0], nodes=tuple(in_tree), edges=tuple(edges),
        unreached=tuple(t for t in terminals if t not in in_tree),
        intermediates=tuple(n for n in in_tree if n not in requested))


def _most_specific_parents(catalog: Catalog, search: _Search, root: str,
                           edges: list[JoinEdge]) -> list[JoinEdge]:
    """Hang each node from the tree member it shares the widest whole key with.

    The search adds one object at a time, so a node can end up under a coarse parent
    only because its specific one joined the tree later (JCCP under JCJM on the job,
    before JCJP arrives): every JCCP row would then meet every phase of the job. A
    node moves to another member when their join is strictly wider and still covers
    the whole key of one side (a lookup or a detail, never a partial join), and the
    member does not hang below the node. Returned in an order where each edge's
    parent is already in the tree (root first).
    """
    parent_of = {e.child: e for e in edges}
    # Headers first (the member's whole key is covered: JCJP over JCCP), then lookups
    # (the node's whole key is covered), so a detail goes under its header rather than
    # the header under its detail.
    for rows in ("many", "one"):
        for node in [e.child for e in edges]:
            current = parent_of[node]
            width = len(current.relationship.column_pairs)
            below = _descendants(parent_of, node)
            best: JoinEdge | None = None
            for member in [root, *parent_of]:
                if member in (node, current.parent) or member in below:
                    continue
                relationship = neighbours(catalog, member).get(node)
                if relationship is None or len(relationship.column_pairs) <= width:
                    continue
                candidate = JoinEdge(member, node, relationship,
                                     round(search.step(relationship), 3))
                if child_rows(catalog, candidate) == rows:
                    best, width = candidate, len(relationship.column_pairs)
            if best is not None:
                parent_of[node] = best
    ordered: list[JoinEdge] = []
    placed = {root}
    pending = [parent_of[e.child] for e in edges]
    while pending:
        ready = [e for e in pending if e.parent in placed]
        if not ready:  # cannot happen: a node never moves below its own descendants
            raise RuntimeError(f"join tree has a cycle through {[e.child for e in pending]}")
        for edge in ready:
            ordered.append(edge)
            placed.add(edge.child)
        pending = [e for e in pending if e.child not in placed]
    return ordered


def _descendants(parent_of: dict[str, JoinEdge], node: str) -> set[str]:
    """The members that hang, directly or not, below ``node``."""
    found: set[str] = set()
    for member in parent_of:
        walk, seen = member, set()
        while walk in parent_of and walk not in seen:
            seen.add(walk)
            walk = parent_of[walk].parent
            if walk == node or walk in found:  # below a descendant is below the node too
                found.add(member)
                break
    return found


_MIN_EDGE = _EDGE - 6 * _WIDTH_DISCOUNT - _FOREIGN_KEY_DISCOUNT - _HIERARCHY_DISCOUNT
_TWO_HOP_FLOOR = 2 * _INTERMEDIATE + 3 * _MIN_EDGE
"""No path through two intermediates costs less than this."""


class _Search:
    """Paths of up to two intermediate objects (what :data:`MAX_PATH_COST` admits),
    enumerated from both ends: the tree's neighbours and the target's neighbours.

    Meeting in the middle reads the neighbours of the tree's objects, of the target, and
    (only when no shorter path is cheap enough) of the target's plausible neighbours:
    a bounded number of catalog reads, where a one-sided search from a header with
    hundreds of related objects would read them all.
    """

    def __init__(self, catalog: Catalog, terminals: set[str], modules: set[str]) -> None:
        self.catalog = catalog
        self.terminals = terminals
        self.modules = modules

    def step(self, relationship: Relationship) -> float:
        """The cost of walking ``relationship`` into its ``to_object``."""
        target = relationship.to_object
        terminal = target in self.terminals
        cost = _edge_cost(self.catalog, relationship, terminal)
        if not terminal:
            cost += _INTERMEDIATE
            header = self.catalog.header(target)
            if header is not None and header.module not in self.modules:
                cost += _FOREIGN_MODULE
            if not _STANDARD_NAME.fullmatch(target):
                cost += _NONSTANDARD
            if len(relationship.column_pairs) <= 1:
                cost += _HUB  # into a hub (a company table) or out of one: rows multiply
        return cost

    def best_path(self, tree: list[str], target: str) -> tuple[float, list[JoinEdge]] | None:
        catalog = self.catalog
        members = set(tree)
        best: tuple[float, list[JoinEdge]] | None = None

        def consider(edges: list[JoinEdge]) -> None:
            nonlocal best
            cost = round(sum(e.cost for e in edges), 6)
            if cost <= MAX_PATH_COST and (best is None or cost < best[0]):
                best = (cost, edges)

        # The tree's neighbours, costed only when a path through them is considered:
        # costing every neighbour of a header would read hundreds of objects.
        reachable: dict[str, list[Relationship]] = {}
        for node in tree:
            for other, relationship in neighbours(catalog, node).items():
                if other not in members:
                    reachable.setdefault(other, []).append(relationship)
        costed: dict[str, JoinEdge] = {}

        def first(other: str) -> JoinEdge:
            edge = costed.get(other)
            if edge is None:
                edge = min((JoinEdge(r.from_object, other, r, round(self.step(r), 3))
                            for r in reachable[other]), key=lambda e: e.cost)
                costed[other] = edge
            return edge

        if target in reachable:
            consider([first(target)])
        around = neighbours(catalog, target)
        for middle, relationship in around.items():
            if middle in reachable and middle != target:
                inward = relationship.reversed()
                consider([first(middle), JoinEdge(middle, target, inward,
                                                  round(self.step(inward), 3))])
        if best is not None and best[0] <= _TWO_HOP_FLOOR:
            return best
        for middle, relationship in around.items():
            if middle in members or len(relationship.column_pairs) <= 1:
                continue
            header = catalog.header(middle)
            if header is None or header.module not in self.modules:
                continue  # a foreign intermediate plus another one is past the cost bound
            inward = relationship.reversed()
            last = JoinEdge(middle, target, inward, round(self.step(inward), 3))
            for before, back in neighbours(catalog, middle).items():
                if before in reachable and before != target:
                    hop = back.reversed()
                    consider([first(before), JoinEdge(before, middle, hop,
                                                      round(self.step(hop), 3)), last])
        return best
