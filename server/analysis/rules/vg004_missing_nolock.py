"""**What it finds.** A catalog table or view read by a query without the
`NOLOCK` table hint.

**Why it matters in Vista.** Vista is busy with posting batches all day; a
report that takes shared locks blocks (and is blocked by) users posting AP,
payroll and job cost. Viewpoint's own reports read with `WITH (NOLOCK)` on every
table, and so should yours.

Wrong:

```sql
SELECT h.APRef, h.InvTotal FROM APTH h WHERE h.APCo = 1
```

Right:

```sql
SELECT h.APRef, h.InvTotal FROM APTH h WITH (NOLOCK) WHERE h.APCo = 1
```

**Fix.** Safe: adds `WITH (NOLOCK)` after the table (and its alias), or adds
`NOLOCK` to an existing hint list.
"""

from __future__ import annotations

from collections.abc import Iterator

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.findings import Edit, Finding, Fix, Severity
from vgpt2.server.analysis.model import SourceKind, StatementModel, TableRef
from vgpt2.server.analysis.rules.base import Rule


def check(model: StatementModel, catalog: Catalog, text: str) -> Iterator[Finding]:
    """Every catalog table or view a query reads carries WITH (NOLOCK)."""
    for ref in model.tables:
        if not ref.read or ref.has_nolock or ref.source.kind is not SourceKind.CATALOG:
            continue
        yield Finding(
            "VG004", f"'{ref.source.name}' is read without WITH (NOLOCK)", ref.start, ref.end,
            fixes=(nolock_fix(ref),))


def nolock_fix(ref: TableRef) -> Fix:
    """Join an existing hint list, or add the hint after the table and its alias."""
    if ref.hint_close is not None:
        return Fix("Add NOLOCK to the table hint", (Edit(ref.hint_close, ref.hint_close,
                                                         ", NOLOCK"),))
    return Fix("Add WITH (NOLOCK)", (Edit(ref.insert_at, ref.insert_at, " WITH (NOLOCK)"),))


RULE = Rule(
    "VG004", "missing-nolock", Severity.WARNING,
    "A catalog table or view read in a SELECT without WITH (NOLOCK).",
    fixable=True, check=check, doc=__doc__ or "",
    fix_all="Add WITH (NOLOCK) everywhere in this file ({count})")
