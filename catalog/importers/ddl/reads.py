"""Join frequency: which objects a batch reads together, for ranking related objects.

Views count through their base objects (resolved in :mod:`.views`); every other
batch (a procedure, a function, a shop's report query in a .sql file) counts
here, by the objects its FROM and JOIN clauses name.
"""

from __future__ import annotations

import re

from vgpt2.catalog.importers.ddl.views import _regex_base_objects

_VIEW_BATCH = re.compile(r"^\s*(?:(?:--[^\r\n]*+|/\*.*?\*/)\s*)*(?:create|alter)\s+view\b",
                         re.IGNORECASE | re.DOTALL)


def batch_reads(text: str) -> tuple[str, ...] | None:
    """The objects (two or more, temp tables left out, sorted) a batch that is not a view
    reads; None when it reads fewer or is a view."""
    if _VIEW_BATCH.match(text):
        return None
    names = _regex_base_objects(text)
    read = tuple(sorted({n for n in names if not n.startswith("#")}))
    return read if len(read) >= 2 else None
