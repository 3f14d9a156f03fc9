"""Merge import results into one consistent schema and derive what Vista never declares.

Order matters: a later source replaces an earlier one's object of the same name
(and says so), knowledge packs merge over the bundled pack, and relationships
are derived only once everything is known.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from vgpt2.catalog.join_prior import count_joins
from vgpt2.catalog.model import (
    SURROGATE_COLUMNS,
    CatalogObject,
    ForeignKey,
    ImportIssue,
    ImportResult,
    Key,
    Knowledge,
    ObjectType,
    Relationship,
    RelationshipKind,
    UserType,
)
from vgpt2.catalog.naming import strip_base_prefix
from vgpt2.catalog.ranking import JoinRank, JoinRole, ObjectRank, classify, join_role

# A key made of one of these columns alone says nothing about what a row is:
# every table has them, so "sharing" them is not a join path.
_GENERIC_KEY_COLUMNS = frozenset({
    "Mth", "Seq", "Name", "Description", "Notes", "Type", "Date", "BatchId", "BatchSeq", "Co",
})


@dataclass(slots=True)
class SchemaData:
    """Everything the store compiles: objects, derived relationships, knowledge, issues."""

    objects: dict[str, CatalogObject] = field(default_factory=dict)
    types: dict[str, UserType] = field(default_factory=dict)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    knowledge: Knowledge = field(default_factory=Knowledge)
    relationships: list[Relationship] = field(default_factory=list)
    family: dict[str, str] = field(default_factory=dict)
    """Object name -> the name to prefer for it (``bJCCM`` -> ``JCCM``)."""
    issues: list[ImportIssue] = field(default_factory=list)
    join_ranks: dict[str, list[JoinRank]] = field(default_factory=dict)
    """Object -> each of its join paths: the partner's role, key extension and prior."""
    object_ranks: dict[str, ObjectRank] = field(default_factory=dict)
    """Tables and views -> tier (core, ordinary, secondary) and popularity."""
    read_together: list[tuple[str, ...]] = field(default_factory=list)
    """Objects read by one procedure or query of the sources, for the join prior."""


def merge_results(results: list[ImportResult], knowledge: Knowledge | None = None) -> SchemaData:
    from vgpt2.catalog.importers.knowledge import merge_knowledge

    data = SchemaData(knowledge=knowledge or Knowledge())
    origin: dict[str, str] = {}
    for result in results:
        data.issues.extend(result.issues)
        data.types.update(result.types)
        data.foreign_keys.extend(result.foreign_keys)
        data.read_together.extend(result.read_together)
        if result.knowledge is not None:
            data.knowledge = merge_knowledge(data.knowledge, result.knowledge)
        for obj in result.objects:
            where = str(obj.source) if obj.source else str(result.source)
            if obj.name in data.objects:
                data.issues.append(ImportIssue(
                    result.source, obj.source.line if obj.source else None,
                    f"{obj.name} from {where} replaces the one from {origin[obj.name]}",
                    severity="info"))
            data.objects[obj.name] = obj
            origin[obj.name] = where
    data.family = _families(data.objects)
    data.relationships = _relationships(data)
    data.join_ranks, data.object_ranks = _ranks(data)
    return data


def _families(objects: dict[str, CatalogObject]) -> dict[str, str]:
    """Map each base table to the view that presents it, and every object to itself."""
    family = {name: name for name in objects}
    for name, obj in objects.items():
        if obj.type is not ObjectType.TABLE:
            continue
        view_name = strip_base_prefix(name)
        view = objects.get(view_name) if view_name else None
        if view is not None and view.type is ObjectType.VIEW and (
            not view.base_objects or name in view.base_objects
        ):
            family[name] = view.name
    return family


def _relationships(data: SchemaData) -> list[Relationship]:
    objects, family = data.objects, data.family
    found: dict[tuple[str, str, tuple[tuple[str, str], ...]], Relationship] = {}

    def add(rel: Relationship) -> None:
        if rel.from_object == rel.to_object:
            return
        reverse = (rel.to_object, rel.from_object, tuple((b, a) for a, b in rel.column_pairs))
        ident = (rel.from_object, rel.to_object, rel.column_pairs)
        if ident not in found and reverse not in found:
            found[ident] = rel

    for table, view in family.items():
        if table != view:
            key = objects[table].key
            pairs = tuple((c, c) for c in key.columns) if key else ()
            add(Relationship(RelationshipKind.VIEW_OF, view, table, pairs, "view of base table"))

    for fk in data.foreign_keys:
        if fk.from_object in family and fk.to_object in family:
            add(Relationship(RelationshipKind.FOREIGN_KEY, family[fk.from_object],
                             family[fk.to_object], tuple(zip(fk.from_columns, fk.to_columns,
                                                             strict=True)), fk.name))

    holders = _objects_by_column(objects, family)
    for parent_name, key in _join_keys(objects, family).items():
        children = set.intersection(*(holders.get(c, set()) for c in key.columns))
        for child_name in sorted(children - {parent_name}):
            add(Relationship(RelationshipKind.SHARED_KEY, child_name, parent_name,
                             tuple((c, c) for c in key.columns), key.name))
    return list(found.values())


def _join_keys(objects: dict[str, CatalogObject], family: dict[str, str]) -> dict[str, Key]:
    """The business key of each family, under the family's preferred name."""
    keys: dict[str, Key] = {}
    for name, obj in objects.items():
        if obj.type is not ObjectType.TABLE:
            continue
        key = obj.key
        if key is None or not _is_join_key(key):
            continue
        keys[family[name]] = key
    return keys


def _is_join_key(key: Key) -> bool:
    meaningful = [c for c in key.columns if c not in SURROGATE_COLUMNS]
    if len(meaningful) != len(key.columns):
        return False
    return not (len(meaningful) == 1 and meaningful[0] in _GENERIC_KEY_COLUMNS)


def _objects_by_column(
    objects: dict[str, CatalogObject], family: dict[str, str]
) -> dict[str, set[str]]:
    """Column name -> the families holding it, so each key finds its children by intersection."""
    holders: dict[str, set[str]] = defaultdict(set)
    for name, obj in objects.items():
        if obj.type in (ObjectType.TABLE, ObjectType.VIEW):
            for column in obj.columns:
                holders[column.name].add(family[name])
    return holders


def _ranks(data: SchemaData) -> tuple[dict[str, list[JoinRank]], dict[str, ObjectRank]]:
    """Relationship roles from both ends, and every table's and view's tier.

    The role compares the two whole keys with the join columns: APTL's key
    (APCo, Mth, APTrans, APLine) extends APTH's, so APTL is APTH's detail and APTH
    its header; APTH carries APVM's whole key (VendorGroup, Vendor) outside its own,
    so it looks APVM up. The prior counts the views that read both.
    """
    objects, family = data.objects, data.family
    keys: dict[str, Key] = {}
    alternates: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for name, obj in sorted(objects.items(), key=lambda item: item[1].type is ObjectType.TABLE):
        if obj.type not in (ObjectType.TABLE, ObjectType.VIEW):
            continue
        key = obj.key
        preferred = family.get(name, name)
        if key is not None:
            keys[preferred] = key  # the base table's key wins over a view's
        # Tables keyed by a surrogate (PMRI on KeyID) are joined on a business unique key.
        for other in obj.keys:
            if other.columns and not set(other.columns) <= SURROGATE_COLUMNS:
                alternates[preferred].append(other.columns)
    prior = count_joins(objects, family, data.read_together)
    candidates: dict[str, list[tuple[str, ...]]] = {}
    for preferred in keys.keys() | alternates.keys():
        chosen = [keys[preferred].columns] if preferred in keys else []
        chosen += [k for k in alternates.get(preferred, []) if k not in chosen]
        candidates[preferred] = chosen[:3]
    best: dict[tuple[str, str], JoinRank] = {}
    for rel in data.relationships:
        if rel.kind is RelationshipKind.VIEW_OF:
            continue
        declared = rel.kind is RelationshipKind.FOREIGN_KEY
        together = prior.together(rel.from_object, rel.to_object)
        for source, target, pairs, holder in (
                (rel.from_object, rel.to_object, rel.column_pairs, True),
                (rel.to_object, rel.from_object, tuple((b, a) for a, b in rel.column_pairs),
                 False)):
            role, prefix, extra = _role(candidates.get(source, _NO_KEYS),
                                        candidates.get(target, _NO_KEYS), pairs)
            if role is JoinRole.OTHER and declared:
                # A declared foreign key says which side looks the other up.
                role = JoinRole.LOOKUP if holder else JoinRole.REFERENCED
            rank = JoinRank(source, target, role, prefix, extra, len(pairs), together)
            known = best.get((source, target))
            if known is None or _role_strength(rank) > _role_strength(known):
                best[(source, target)] = rank
    knowledge = data.knowledge
    tiers: dict[str, ObjectRank] = {}
    for name, obj in objects.items():
        if obj.type not in (ObjectType.TABLE, ObjectType.VIEW):
            continue
        preferred = family.get(name, name)
        description = (knowledge.descriptions.get(preferred) or knowledge.descriptions.get(name)
                       or obj.description)
        core = bool(knowledge.synonyms.get(preferred) or knowledge.synonyms.get(name))
        tier = classify(obj, keys.get(preferred), core=core, description=description)
        tiers[name] = ObjectRank(name, tier, prior.popularity.get(preferred, 0))
    grouped: dict[str, list[JoinRank]] = defaultdict(list)
    for (source, _), rank in best.items():
        grouped[source].append(rank)
    return dict(grouped), tiers


def _role_strength(rank: JoinRank) -> tuple[int, int]:
    """Between two joins of the same pair, the one that tells more about the pair's role.

    PRTA joins PRTH on PRTH's whole key (PRTA is its detail) and on one more column
    (EarnCode): the first says what PRTA is.
    """
    order = {JoinRole.DETAIL: 3, JoinRole.HEADER: 3, JoinRole.LOOKUP: 2,
             JoinRole.REFERENCED: 1, JoinRole.OTHER: 0}
    return order[rank.role] + int(rank.prefix), rank.width


_NO_KEYS: list[tuple[str, ...]] = [()]


def _role(own_keys: list[tuple[str, ...]], other_keys: list[tuple[str, ...]],
          pairs: tuple[tuple[str, str], ...]) -> tuple[JoinRole, bool, int]:
    """The role by the chosen keys, else by the first unique keys that explain the join."""
    for own_columns in own_keys or _NO_KEYS:
        for other_columns in other_keys or _NO_KEYS:
            found = join_role(own_columns, other_columns, pairs, _GENERIC_KEY_COLUMNS)
            if found[0] is not JoinRole.OTHER:
                return found
    return JoinRole.OTHER, False, 0
