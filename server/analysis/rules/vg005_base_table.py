"""**What it finds.** A `b`- or `v`-prefixed base table (`bAPTH`, `bJCCM`,
`vSMWorkOrder`) read where Vista has a view over it (`APTH`, `JCCM`).

**Why it matters in Vista.** The views apply Vista's data-level security and
are the supported interface; the base tables are an implementation detail that
upgrades change, and reading them bypasses security groups.

Wrong:

```sql
SELECT APRef FROM bAPTH WITH (NOLOCK)
```

Right:

```sql
SELECT APRef FROM APTH WITH (NOLOCK)
```

**Fix.** Safe: the base table is replaced by its view (brackets and quotes kept).
"""

from __future__ import annotations

from collections.abc import Iterator

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.findings import Edit, Finding, Fix, Severity
from vgpt2.server.analysis.model import StatementModel
from vgpt2.server.analysis.rules.base import Rule
from vgpt2.server.analysis.rules.common import replacement


def check(model: StatementModel, catalog: Catalog, text: str) -> Iterator[Finding]:
    """Query the view, not the b/v base table behind it."""
    for ref in model.tables:
        name = ref.source.catalog_name
        if not ref.read or not name:
            continue
        view = catalog.view_for(name)
        if view is None:
            continue
        yield Finding(
            "VG005", f"'{name}' is a base table; query its view '{view}' instead",
            ref.start, ref.end,
            fixes=(Fix(f"Use view {view}", (Edit(ref.start, ref.end,
                                                 replacement(text, ref.start, ref.end, view)),)),),
            related=(view,))


RULE = Rule(
    "VG005", "base-table", Severity.WARNING,
    "A b/v-prefixed base table queried where its view exists.",
    fixable=True, check=check, doc=__doc__ or "")
