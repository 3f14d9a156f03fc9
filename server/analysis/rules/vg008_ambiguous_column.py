"""**What it finds.** An unqualified column that more than one object in scope has.

**Why it matters in Vista.** Vista repeats column names across tables
(`Vendor`, `Description`, `Notes`, the company columns), so SQL Server rejects
the query with "Ambiguous column name", or it breaks later when a column is
added to one of the tables.

Wrong:

```sql
SELECT Vendor
FROM APTH h WITH (NOLOCK)
JOIN APVM v WITH (NOLOCK) ON v.VendorGroup = h.VendorGroup AND v.Vendor = h.Vendor
```

Right:

```sql
SELECT h.Vendor
FROM APTH h WITH (NOLOCK)
JOIN APVM v WITH (NOLOCK) ON v.VendorGroup = h.VendorGroup AND v.Vendor = h.Vendor
```

**Fix.** "Qualify as …" suggestions for each object; not applied automatically.
"""

from __future__ import annotations

from collections.abc import Iterator

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.findings import Edit, Finding, Fix, Severity
from vgpt2.server.analysis.model import ColumnStatus, StatementModel
from vgpt2.server.analysis.rules.base import Rule
from vgpt2.server.analysis.rules.common import label


def check(model: StatementModel, catalog: Catalog, text: str) -> Iterator[Finding]:
    """Unqualified columns the resolver matched in more than one in-scope object."""
    for ref in model.columns:
        if ref.status is not ColumnStatus.AMBIGUOUS:
            continue
        owners = [label(s) for s in ref.matches]
        fixes = tuple(
            Fix(f"Qualify as {s.alias}.{ref.name}",
                (Edit(ref.start, ref.start, f"{s.alias}."),), safe=False)
            for s in ref.matches if s.alias)
        yield Finding("VG008", f"column '{ref.name}' is in more than one object: "
                      + ", ".join(owners), ref.start, ref.end, fixes=fixes,
                      related=tuple(owners))


RULE = Rule(
    "VG008", "ambiguous-column", Severity.ERROR,
    "An unqualified column present in more than one in-scope object.",
    offers="suggestions offered", check=check, doc=__doc__ or "")
