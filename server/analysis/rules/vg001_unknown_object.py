"""**What it finds.** A table, view, function or procedure that is not in the
catalog. Temporary tables (`#t`), table variables (`@t`) and common table
expressions are the script's own and are not reported.

**Why it matters in Vista.** Vista's names are short codes (`APTH`, `JCJM`,
`ARCM`); a guessed name such as `Vendors` or a typo such as `JCJN` fails at run
time. The message suggests the nearest real objects, by spelling and by
meaning ("Customers" → `ARCM`).

Wrong:

```sql
SELECT Job, Description FROM JCJN WITH (NOLOCK)
```

Right:

```sql
SELECT Job, Description FROM JCJM WITH (NOLOCK)
```

**Fix.** "Replace with …" suggestions in the editor and in JSON/SARIF output;
not applied by `vgpt2 fix`, because only you know which object you meant.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import ObjectType
from vgpt2.catalog.search import search
from vgpt2.server.analysis.findings import Edit, Finding, Fix, Severity
from vgpt2.server.analysis.model import SourceKind, StatementModel
from vgpt2.server.analysis.rules.base import Action, Rule
from vgpt2.server.analysis.rules.common import replacement


def check(model: StatementModel, catalog: Catalog, text: str) -> Iterator[Finding]:
    """Objects the resolver found missing, and routines the catalog does not have."""
    for ref in model.tables:
        if ref.source.kind is SourceKind.MISSING:
            yield _missing(catalog, text, ref.source.name, ref.start, ref.end, routine=False)
    for name, start, end in model.routines:
        if not catalog.lookup(name):
            yield _missing(catalog, text, name, start, end, routine=True)


def _missing(catalog: Catalog, text: str, name: str, start: int, end: int,
             routine: bool) -> Finding:
    """Suggest by spelling ("JCJN" -> JCJM) and, for tables, by meaning ("Customers" -> ARCM)."""
    wanted = ((ObjectType.PROCEDURE, ObjectType.FUNCTION) if routine
              else (ObjectType.TABLE, ObjectType.VIEW, ObjectType.FUNCTION))
    # Compare without case: the collation is case-sensitive, the user's typing is not.
    names = {h.name.lower(): h.name for h in catalog.headers() if h.type in wanted}
    spelled = [names[n] for n in difflib.get_close_matches(name.lower(), list(names), n=4,
                                                           cutoff=0.7)]
    spelled = list(dict.fromkeys(catalog.preferred_name(s) for s in spelled))
    hits = [] if routine else [h for h in search(catalog, name, limit=3)
                               if h.name not in spelled and h.type in ("table", "view")]
    synonyms = [h.name for h in hits if "synonym" in h.why]  # "Customers" means ARCM
    meant = [h.name for h in hits if h.name not in synonyms]
    suggestions = list(dict.fromkeys(synonyms + spelled + meant))[:4]
    message = f"'{name}' is not in the catalog"
    if suggestions:
        message += "; did you mean " + ", ".join(suggestions) + "?"
    fixes = tuple(Fix(f"Replace with {s}", (Edit(start, end, replacement(text, start, end, s)),),
                      safe=False) for s in suggestions)
    return Finding("VG001", message, start, end, fixes=fixes, related=tuple(suggestions))


RULE = Rule(
    "VG001", "unknown-object", Severity.ERROR,
    "Table, view, function or procedure not in the catalog.",
    offers="suggestions offered", check=check, doc=__doc__ or "",
    names_unknown=True, repairable_by_model=True, suggests_objects=True,
    # The object may be new since the catalog was built: offer to read it again.
    actions=(Action("Reload the Vista catalog", "vgpt2.reloadCatalog", "Reload catalog"),))
