"""**What it finds.** A join between two catalog objects that uses only part of
their composite key.

**Why it matters in Vista.** Vista keys are composite: AP transactions are
keyed by `APCo, Mth, APTrans`, jobs by `JCCo, Job`, vendors by
`VendorGroup, Vendor`. Joining `APTH` to `APTL` on `APCo` alone multiplies
every header by every line of the company: the totals are silently wrong.

Wrong:

```sql
SELECT h.APRef, l.GrossAmt
FROM APTH h WITH (NOLOCK)
JOIN APTL l WITH (NOLOCK) ON h.APCo = l.APCo
```

Right:

```sql
SELECT h.APRef, l.GrossAmt
FROM APTH h WITH (NOLOCK)
JOIN APTL l WITH (NOLOCK) ON h.APCo = l.APCo AND h.Mth = l.Mth AND h.APTrans = l.APTrans
```

**Fix.** Safe: the missing key columns are added to the join condition.
"""

from __future__ import annotations

from collections.abc import Iterator

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.findings import Edit, Finding, Fix, Severity
from vgpt2.server.analysis.model import StatementModel
from vgpt2.server.analysis.rules.base import Rule


def check(model: StatementModel, catalog: Catalog, text: str) -> Iterator[Finding]:
    """A join between catalog objects uses only part of their composite key."""
    from sqlglot import exp

    for join in model.joins:
        if any(isinstance(node, exp.Or) for node in join.condition.walk()):
            continue  # appending "AND ..." to a condition with OR would change its meaning
        pairs: dict[tuple[str, str], set[tuple[str, str]]] = {}
        for equality in join.condition.find_all(exp.EQ):
            left, right = equality.this, equality.expression
            if not (isinstance(left, exp.Column) and isinstance(right, exp.Column)):
                continue
            if not (left.table and right.table):
                continue
            a, b = join.frame.get(left.table), join.frame.get(right.table)
            if a is None or b is None or a is b or not (a.catalog_name and b.catalog_name):
                continue
            key = (left.table, right.table)
            reverse = (right.table, left.table)
            if reverse in pairs:
                pairs[reverse].add((right.name, left.name))
            else:
                pairs.setdefault(key, set()).add((left.name, right.name))
        for (left_alias, right_alias), used in pairs.items():
            left, right = join.frame[left_alias], join.frame[right_alias]
            assert left.catalog_name and right.catalog_name
            relationship = catalog.join_path(left.catalog_name, right.catalog_name)
            if relationship is None:
                continue
            wanted = set(relationship.column_pairs)
            if not used <= wanted or used == wanted:
                continue
            if all(a.endswith("Group") for a, _ in used):
                # A join on the group alone (HQCO to APVM on VendorGroup: the company's
                # vendors) is a deliberate group-level join, not half a key.
                continue
            missing = [(a, b) for a, b in relationship.column_pairs if (a, b) not in used
                       and not join.equal.same(f"{left_alias.lower()}.{a.lower()}",
                                               f"{right_alias.lower()}.{b.lower()}")]
            if not missing:
                continue
            addition = "".join(f" AND {left_alias}.{a} = {right_alias}.{b}" for a, b in missing)
            start = min(_identifier_starts(join.condition), default=join.end)
            yield Finding(
                "VG006",
                f"join of {left.catalog_name} and {right.catalog_name} uses "
                f"{len(used)} of {len(wanted)} key columns; missing "
                + ", ".join(a for a, _ in missing),
                start, join.end,
                fixes=(Fix("Complete the join condition",
                           (Edit(join.end, join.end, addition),)),),
                related=(left.catalog_name, right.catalog_name))


def _identifier_starts(node: object) -> Iterator[int]:
    from sqlglot import exp

    assert isinstance(node, exp.Expr)
    for identifier in node.find_all(exp.Identifier):
        start = identifier.meta.get("file_start")
        if isinstance(start, int):
            yield start


RULE = Rule(
    "VG006", "partial-key-join", Severity.WARNING,
    "A join between two catalog objects uses only part of their composite key.",
    fixable=True, check=check, doc=__doc__ or "")
