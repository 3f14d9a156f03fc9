"""**What it finds.** A month column (type `bMonth`, such as `Mth`) compared with
a date that is not the first day of a month.

**Why it matters in Vista.** `bMonth` columns always hold the first day of the
month (`2024-03-01`); `Mth = '2024-03-15'` matches no row at all.

Wrong:

```sql
SELECT APRef FROM APTH WITH (NOLOCK) WHERE Mth = '2024-03-15'
```

Right:

```sql
SELECT APRef FROM APTH WITH (NOLOCK) WHERE Mth = '2024-03-01'
```

**Fix.** A suggestion (the first of that month); not applied automatically,
because a range may have been meant.
"""

from __future__ import annotations

from collections.abc import Iterator

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.findings import Edit, Finding, Fix, Severity
from vgpt2.server.analysis.model import StatementModel
from vgpt2.server.analysis.months import judge
from vgpt2.server.analysis.rules.base import Rule


def check(model: StatementModel, catalog: Catalog, text: str) -> Iterator[Finding]:
    """bMonth columns hold the first day of a month."""
    for comparison in model.months:
        value = comparison.literal.this
        verdict = judge(value)
        if verdict.first_of_month:
            continue
        first = verdict.suggestion
        message = (f"'{value}' compared with month column '{comparison.column.name}', which "
                   "holds the first day of a month")
        fixes: tuple[Fix, ...] = ()
        if first:
            message += f"; did you mean '{first}'?"
            fixes = (Fix(f"Use '{first}'", (Edit(comparison.start, comparison.end,
                                                 f"'{first}'"),), safe=False),)
        yield Finding("VG007", message, comparison.start, comparison.end, fixes=fixes)


RULE = Rule(
    "VG007", "month-not-first-day", Severity.WARNING,
    "A month column (bMonth) compared with a date that is not the first of a month.",
    offers="suggestion offered", check=check, doc=__doc__ or "")
