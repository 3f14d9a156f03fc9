"""``fix --diff`` builds its hunks from the fixes' own edits, in linear time, and they
are exactly the change: applying them to the old text gives the fixed text.

difflib's line matching took hours on a big file with many fixes (200,000 lines, a
third of them changed, did not finish in ten minutes).
"""

from __future__ import annotations

import difflib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vgpt2.server.analysis import fixing
from vgpt2.server.analysis.findings import Edit
from vgpt2.server.analysis.fixing import FixResult, apply_edits, line_origins, split_lines
from vgpt2.server.cli import diffs

HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$")


def apply_patch(old: str, patch: str) -> str:
    """A strict applier of one file's unified diff (context lines must match)."""
    lines = patch.split("\n")[:-1]
    assert lines[0].startswith("--- a/") and lines[1].startswith("+++ b/")
    body: list[str] = []  # the patch's lines with their own ends restored
    for line in lines[2:]:
        if line == "\\ No newline at end of file":
            body[-1] = body[-1][:-1]
        else:
            body.append(line + "\n")
    source = split_lines(old)
    out: list[str] = []
    position = 0
    for line in body:
        match = HUNK.match(line.rstrip("\n"))
        if match:
            start = int(match.group(1)) - (0 if match.group(2) == "0" else 1)
            assert start >= position
            out.extend(source[position:start])
            position = start
            continue
        kind, text = line[0], line[1:]
        if kind in " -":
            assert source[position] == text, (position, source[position], text)
            position += 1
        if kind in " +":
            out.append(text)
    out.extend(source[position:])
    return "".join(out)


def edits_on(text: str, draw: st.DrawFn) -> list[Edit]:
    """Non-overlapping edits on ``text``: insertions, replacements, deleted line breaks."""
    points = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
    edits: list[Edit] = []
    last = -1
    for point in points:
        if point <= last:
            continue
        width = draw(st.integers(0, min(6, len(text) - point)))
        new = draw(st.sampled_from(["", "X", " WITH (NOLOCK)", "\n", "a\nb", "\n\n"]))
        if width == 0 and (not new or (edits and edits[-1].start == point)):
            continue
        edits.append(Edit(point, point + width, new))
        last = point + width if width else point
    return edits


@st.composite
def histories(draw: st.DrawFn) -> tuple[str, list[list[Edit]], str]:
    text = draw(st.text(alphabet=st.sampled_from("ab \n"), max_size=60))
    original = text
    history = []
    for _ in range(draw(st.integers(1, 3))):
        edits = edits_on(text, draw)
        history.append(edits)
        text = apply_edits(text, edits)
    return original, history, text


@settings(max_examples=500, deadline=None)
@given(case=histories())
def test_lines_and_origins_follow_the_edits(case: tuple[str, list[list[Edit]], str]) -> None:
    original, history, final = case
    lines, origin = line_origins(original, history)
    assert "".join(lines) == final
    old = split_lines(original)
    anchored = [o for o in origin if o is not None]
    assert anchored == sorted(set(anchored))
    for line, source in zip(lines, origin, strict=True):
        if source is not None:
            assert line == old[source]


@settings(max_examples=500, deadline=None)
@given(case=histories())
def test_the_diff_applied_gives_the_fixed_text(case: tuple[str, list[list[Edit]], str]) -> None:
    original, history, final = case
    if final == original:
        return
    patch = diffs.unified_diff(original, FixResult(final, 1, history=history), "x.sql")
    assert apply_patch(original, patch) == final


def test_a_big_file_with_many_fixes_is_diffed_without_line_matching(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """60,000 lines, every third changed: built from the edits, difflib never asked."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("difflib line matching used")

    monkeypatch.setattr(difflib, "unified_diff", refuse)
    monkeypatch.setattr(difflib, "SequenceMatcher", refuse)
    line = "SELECT * FROM APTH WHERE x = 1\n"
    text = line * 60_000
    edits = [Edit(i * len(line) + 18, i * len(line) + 18, " WITH (NOLOCK)")
             for i in range(0, 60_000, 3)]
    final = apply_edits(text, edits)
    patch = diffs.unified_diff(text, FixResult(final, len(edits), history=[edits]), "big.sql")
    assert patch.count("\n+SELECT * FROM APTH WITH (NOLOCK) WHERE x = 1\n") == len(edits)
    assert apply_patch(text, patch) == final
    assert fixing.split_lines(final)[0].endswith("(NOLOCK) WHERE x = 1\n")
