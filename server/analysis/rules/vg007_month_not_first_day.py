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
from datetime import date

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.findings import Edit, Finding, Fix, Severity
from vgpt2.server.analysis.model import StatementModel
from vgpt2.server.analysis.rules.base import Rule


def check(model: StatementModel, catalog: Catalog, text: str) -> Iterator[Finding]:
    """bMonth columns hold the first day of a month."""
    for comparison in model.months:
        value = comparison.literal.this
        parsed = _parse_date(value)
        if parsed is not None and parsed.day == 1:
            continue
        first = _first_of_month(value, parsed)
        message = (f"'{value}' compared with month column '{comparison.column.name}', which "
                   "holds the first day of a month")
        fixes: tuple[Fix, ...] = ()
        if first:
            message += f"; did you mean '{first}'?"
            fixes = (Fix(f"Use '{first}'", (Edit(comparison.start, comparison.end,
                                                 f"'{first}'"),), safe=False),)
        yield Finding("VG007", message, comparison.start, comparison.end, fixes=fixes)


def _parse_date(value: str) -> date | None:
    text = value.strip().split(" ")[0].split("T")[0]
    for separator in ("-", "/", "."):
        parts = text.split(separator)
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                if len(parts[0]) == 4:
                    return date(int(parts[0]), int(parts[1]), int(parts[2]))
                return date(int(parts[2]), int(parts[0]), int(parts[1]))  # mm/dd/yyyy
            except ValueError:
                return None
    if len(text) == 8 and text.isdigit():
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return None
    return None


def _first_of_month(value: str, parsed: date | None) -> str | None:
    if parsed is not None:
        return parsed.replace(day=1).isoformat()
    parts = value.strip().replace("/", "-").split("-")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        year, month = (parts[0], parts[1]) if len(parts[0]) == 4 else (parts[1], parts[0])
        if 1 <= int(month) <= 12:
            return f"{int(year):04d}-{int(month):02d}-01"
    return None


RULE = Rule(
    "VG007", "month-not-first-day", Severity.WARNING,
    "A month column (bMonth) compared with a date that is not the first of a month.",
    offers="suggestion offered", check=check, doc=__doc__ or "")
