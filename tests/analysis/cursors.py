"""Random cursors in the clean corpus: every editor engine must answer anywhere, whole or cut."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from hypothesis import strategies as st

CLEAN = sorted((Path(__file__).parent / "corpus" / "clean").glob("*.sql"))
TEXTS = {path.name: path.read_text(encoding="utf-8") for path in CLEAN}
NAMES = st.sampled_from(sorted(TEXTS))


def cursors(name: str, data: st.DataObject) -> Iterator[tuple[str, int]]:
    """A corpus file whole and cut at a random point, each with a random cursor offset."""
    text = TEXTS[name]
    cut = data.draw(st.integers(min_value=0, max_value=len(text)), label="cut")
    for source in (text, text[:cut]):
        yield source, data.draw(st.integers(min_value=0, max_value=len(source)), label="offset")
