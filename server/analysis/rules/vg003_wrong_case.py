"""**What it finds.** An object or column that exists, written in a different case.

**Why it matters in Vista.** Vista databases use the case-sensitive collation
`Latin1_General_BIN`: `job` is not `Job` and `jcjm` is not `JCJM`, so the query
fails with "Invalid column name" / "Invalid object name".

Wrong:

```sql
SELECT job FROM jcjm WITH (NOLOCK)
```

Right:

```sql
SELECT Job FROM JCJM WITH (NOLOCK)
```

**Fix.** Safe: the name is rewritten in its catalog case (brackets and quotes kept).
"""

from __future__ import annotations

from collections.abc import Iterator

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.findings import Edit, Finding, Fix, Severity
from vgpt2.server.analysis.model import ColumnStatus, StatementModel
from vgpt2.server.analysis.rules.base import Rule
from vgpt2.server.analysis.rules.common import replacement


def check(model: StatementModel, catalog: Catalog, text: str) -> Iterator[Finding]:
    """Objects, routines and columns that exist under another case."""
    for ref in model.tables:
        source = ref.source
        if source.catalog_name and source.catalog_name != source.name:
            yield _wrong_case(text, source.name, source.catalog_name, ref.start, ref.end)
    for name, start, end in model.routines:
        matches = catalog.lookup(name)
        if matches and matches[0].name != name:
            yield _wrong_case(text, name, matches[0].name, start, end)
    for column in model.columns:
        if column.status is ColumnStatus.WRONG_CASE and column.exact:
            exact = column.exact
            yield Finding(
                "VG003", f"column '{column.name}' should be written '{exact}' "
                "(names are case-sensitive)", column.start, column.end,
                fixes=(Fix(f"Change to {exact}", (Edit(column.start, column.end,
                                                       replacement(text, column.start,
                                                                   column.end, exact)),)),),
                related=(exact,))


def _wrong_case(text: str, written: str, exact: str, start: int, end: int) -> Finding:
    return Finding(
        "VG003", f"'{written}' should be written '{exact}' (names are case-sensitive)",
        start, end,
        fixes=(Fix(f"Change to {exact}", (Edit(start, end, replacement(text, start, end,
                                                                        exact)),)),),
        related=(exact,))


RULE = Rule(
    "VG003", "wrong-case", Severity.ERROR,
    "Object or column exists with different case (the collation is case-sensitive).",
    fixable=True, check=check, doc=__doc__ or "")
