"""**What it finds.** A column that none of the objects in scope has.

**Why it matters in Vista.** Vista columns carry module prefixes and exact
names (`APRef`, not `InvoiceNumber`; `JCCo`, not `Company`). The message names
the objects searched and the closest real columns.

Wrong:

```sql
SELECT InvoiceNumber FROM APTH WITH (NOLOCK)
```

Right:

```sql
SELECT APRef FROM APTH WITH (NOLOCK)
```

**Fix.** "Replace with …" suggestions; not applied automatically.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.findings import Edit, Finding, Fix, Severity
from vgpt2.server.analysis.model import ColumnRef, ColumnStatus, StatementModel
from vgpt2.server.analysis.rules.base import Rule
from vgpt2.server.analysis.rules.common import label


def check(model: StatementModel, catalog: Catalog, text: str) -> Iterator[Finding]:
    """Columns the resolver searched every in-scope object for without a match."""
    for ref in model.columns:
        if ref.status is ColumnStatus.UNKNOWN:
            yield _unknown_column(ref)


def _unknown_column(ref: ColumnRef) -> Finding:
    searched = [s for s in ref.searched if s.columns is not None]
    pool = {exact: s for s in searched for exact in (s.columns or {}).values()}
    close = difflib.get_close_matches(ref.name, list(pool), n=3, cutoff=0.6)
    where = ", ".join(dict.fromkeys(label(s) for s in searched)) or "no object"
    message = f"column '{ref.name}' is not in {where}"
    if close:
        message += "; closest: " + ", ".join(close)
    fixes = tuple(Fix(f"Replace with {c}", (Edit(ref.start, ref.end, c),), safe=False)
                  for c in close)
    return Finding("VG002", message, ref.start, ref.end, fixes=fixes,
                   related=tuple(dict.fromkeys(label(s) for s in searched)))


RULE = Rule(
    "VG002", "unknown-column", Severity.ERROR, "Column not in any in-scope object.",
    offers="suggestions offered", check=check, doc=__doc__ or "",
    names_unknown=True, repairable_by_model=True,
    related_label="searched: ")  # related lists the objects searched, not suggestions
