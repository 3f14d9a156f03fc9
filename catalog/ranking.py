"""What makes one object the right next one: roles, tiers and scores for completion and search.

A Vista report writer who has typed ``FROM APTH h JOIN`` wants APTL (the detail,
whose key extends APTH's whole key) or APVM (the master APTH looks up by its
carried VendorGroup + Vendor), not one of the fifty other objects that happen to
share APCo. Everything here is learned from the catalog's own structure and
knowledge; no pair of names is written down:

- **roles** from keys (computed once at build time by :mod:`.builder`): detail,
  header, lookup of a master, or an object that merely references this one;
- **tiers**: the core objects of the knowledge pack first; batch (``*B``, keyed by
  BatchId), work-file (keyed by user name), audit/history copies, form grids and
  reporting/BI views (``brv*``, ``vrv*``, ``viDim*``) last, since nobody means
  them unless they type their name;
- **prior**: how often two objects are read together by the views of the
  schema (or the shop's own SQL in a DDL folder), counted at build time.

This module only imports :mod:`.model`, so the builder, the store, the catalog
reader and the engines can all use it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import NamedTuple

from vgpt2.catalog.model import CatalogObject, Key, ObjectType

__all__ = ["JoinRank", "JoinRole", "ObjectRank", "Tier", "classify", "join_role",
           "join_score", "object_score"]


class JoinRole(StrEnum):
    DETAIL = "detail"
    """The partner's key extends this object's whole key (APTH -> APTL)."""
    HEADER = "header"
    """This object's key extends the partner's whole key (APTL -> APTH)."""
    LOOKUP = "lookup"
    """This object carries the partner's whole key as ordinary columns (APTH -> APVM)."""
    REFERENCED = "referenced"
    """The partner carries this object's whole key as ordinary columns (APVM -> APTH)."""
    OTHER = "other"
    """Joined on columns that are neither side's whole key (a declared foreign key)."""


class Tier(IntEnum):
    CORE = 0
    """Described with synonyms by the knowledge pack: what people query."""
    ORDINARY = 1
    SECONDARY = 2
    """Batch, work-file, audit, grid, reporting and BI objects: offered last."""


class JoinRank(NamedTuple):
    """What the builder learned about one join path, seen from ``object``.

    A named tuple, not a dataclass: the builder makes one for each end of every
    relationship (about 30,000 on a real catalog) inside the build-time budget.
    """

    object: str
    partner: str
    role: JoinRole
    prefix: bool
    """The longer key starts with the shorter one (APCo, Mth, APTrans + APLine)."""
    extra: int
    """Key columns the longer key has beyond the shorter (0 unless detail/header)."""
    width: int
    """Columns in the join."""
    prior: int
    """Views (or the shop's statements) that read both objects."""


@dataclass(frozen=True, slots=True)
class ObjectRank:
    name: str
    tier: Tier
    popularity: int
    """Views (or statements) that read this object."""


# Vista naming conventions for objects nobody means unless typed for.
_REPORT_PREFIXES = ("brv", "vrv", "viDim", "viFact", "vf", "vrpt")
_SECONDARY_SUFFIX = re.compile(r"(?:Grid|Audit|Hist|History|Totals?|View|Archive)$")
_BATCH_COLUMNS = frozenset({"BatchId", "BatchSeq"})
_USER_COLUMNS = frozenset({"UserName", "VPUserName"})
_WORKFILE_WORDS = ("workfile", "work file", "worksheet")


def classify(obj: CatalogObject, key: Key | None, *, core: bool,
             description: str | None) -> Tier:
    """The tier of one object from its name, key and knowledge (see the module docstring)."""
    name = obj.name
    key_columns = set(key.columns) if key else set()
    text = (description or "").lower()
    if (name.startswith(_REPORT_PREFIXES) or _SECONDARY_SUFFIX.search(name)
            or key_columns & _BATCH_COLUMNS or key_columns & _USER_COLUMNS
            or "batch" in text.split(":")[0].split(",")[0]
            or any(word in text for word in _WORKFILE_WORDS)):
        return Tier.SECONDARY
    if core and obj.type in (ObjectType.VIEW, ObjectType.TABLE):
        return Tier.CORE
    return Tier.ORDINARY


def join_role(own: tuple[str, ...], partner: tuple[str, ...], pairs: tuple[tuple[str, str], ...],
              generic: frozenset[str] = frozenset()) -> tuple[JoinRole, bool, int]:
    """The role of ``partner`` seen from an object keyed by ``own``, joined on ``pairs``.

    ``pairs`` are (own column, partner column). Returns the role, whether the longer
    key starts with the shorter, and how many key columns it has beyond it. A key
    that contains another out of order only by way of a ``generic`` column (PMDD's
    PMCo, Project, LogDate, DailyLog, LogType, Seq "contains" PMMF's PMCo, Project,
    Seq) is a coincidence, not a header.
    """
    own_side = {a for a, _ in pairs}
    partner_side = {b for _, b in pairs}
    own_set, partner_set = set(own), set(partner)
    if own and own_side == own_set and len(pairs) == len(own):
        # The partner carries our whole key.
        if partner_set > own_set:
            prefix = partner[:len(own)] == own
            if prefix or not own_set & generic:
                return JoinRole.DETAIL, prefix, len(partner_set - own_set)
        elif partner_set != own_set:
            return JoinRole.REFERENCED, False, 0
    if partner and partner_side == partner_set and len(pairs) == len(partner):
        # We carry the partner's whole key.
        if own_set > partner_set:
            prefix = own[:len(partner)] == partner
            if prefix or not partner_set & generic:
                return JoinRole.HEADER, prefix, len(own_set - partner_set)
        elif own_set != partner_set:
            return JoinRole.LOOKUP, False, 0
    return JoinRole.OTHER, False, 0


def join_score(rank: JoinRank, *, same_module: bool, tier: Tier, described: bool,
               popularity: int = 0, source_tier: Tier = Tier.ORDINARY) -> float:
    """How strongly ``rank.partner`` is the next object to join; higher is better.

    Role first: the header/detail chain whose keys extend each other in order
    (APTH -> APTL, JCJM -> JCJP -> JCCH -> JCCP), then masters and transactions
    tied by a whole key carried out of order or outside the key (PRTH -> PREH,
    APTH -> APVM, APVM -> APTH), where how many views use the partner decides
    which master matters (PREH, not PRDP); a wider carried key is a more specific
    master (INMT over INLM). Then the prior, the module and the tier; a secondary
    object (batch, report) is no worse a partner of another secondary object. A
    one-column key (a company, a unit of measure) says little about what a row is.
    """
    role = rank.role
    chain = role in (JoinRole.DETAIL, JoinRole.HEADER) and rank.prefix
    if chain:
        # The next detail down (APTH -> APTL before APTD); any header up (JCCD -> JCJM).
        score = 3.0 - (0.15 * max(rank.extra - 1, 0) if role is JoinRole.DETAIL else 0.0)
    elif role in (JoinRole.DETAIL, JoinRole.HEADER):
        score = 2.2
    elif role is JoinRole.LOOKUP:
        score = 1.8
    elif role is JoinRole.REFERENCED:
        score = 1.3
    else:
        score = 0.8
    if not chain and role is not JoinRole.OTHER:
        score += 0.12 * (min(rank.width, 6) - 1)
    score += 0.3 * math.log1p(popularity)
    if rank.width <= 1:
        score *= 0.4  # popular companies (HQCO) are no better partners for it
    score += 0.45 * math.log1p(rank.prior)
    score += 0.8 if same_module else 0.0
    if tier is Tier.SECONDARY and source_tier is Tier.SECONDARY:
        tier = Tier.CORE  # typed for: a batch line's partner is its batch header
    score += object_score(tier, described)
    return score


def object_score(tier: Tier, described: bool) -> float:
    """The part of any ranking that says "people query this": tier and a description."""
    return {Tier.CORE: 0.6, Tier.ORDINARY: 0.0, Tier.SECONDARY: -2.0}[tier] + (
        0.3 if described else 0.0)
