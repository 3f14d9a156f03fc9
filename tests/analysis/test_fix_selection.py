"""Choosing fixes scales: the same choice as the obvious pairwise check, in O(n log n).

A 20 MB file has tens of thousands of fixes; comparing each with every fix taken
before it made ``vgpt2 fix`` quadratic (6,000 fixes 4.2 s, 12,000 fixes 32 s).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vgpt2.server.analysis import fixing
from vgpt2.server.analysis.findings import Edit, Finding, Fix
from vgpt2.server.analysis.fixing import choose_fixes


def reference(findings: list[Finding], select: set[str] | None = None) -> list[Fix]:
    """The first safe fix of each finding, compared pairwise with every fix taken before."""
    chosen: list[Fix] = []
    taken: list[Edit] = []
    seen: set[tuple[Edit, ...]] = set()
    for finding in findings:
        if select is not None and finding.code not in select:
            continue
        fix = next((f for f in finding.fixes if f.safe and f.edits), None)
        if fix is None:
            continue
        edits = tuple(sorted(fix.edits, key=lambda e: (e.start, e.end)))
        if edits in seen or any(e.start < 0 or e.end < e.start for e in edits):
            continue
        if any(fixing._conflict(a, b) for i, a in enumerate(edits) for b in edits[i + 1:]):
            continue
        if any(fixing._conflict(e, t) for e in edits for t in taken):
            continue
        seen.add(edits)
        taken.extend(edits)
        chosen.append(fix)
    return chosen


edit = st.builds(lambda start, width, text: Edit(start, start + width, text),
                 st.integers(0, 40), st.sampled_from([0, 0, 1, 2, 5]),
                 st.sampled_from(["", "x", " WITH (NOLOCK)", "APTH"]))
fix = st.builds(lambda edits, safe: Fix("fix", tuple(edits), safe),
                st.lists(edit, min_size=1, max_size=3), st.booleans())
finding = st.builds(lambda code, fixes: Finding(code, "m", 0, 1, fixes=tuple(fixes)),
                    st.sampled_from(["VG003", "VG004", "VG005", "VG006"]),
                    st.lists(fix, max_size=2))


@settings(max_examples=400, deadline=None)
@given(findings=st.lists(finding, max_size=25),
       select=st.none() | st.sets(st.sampled_from(["VG003", "VG004", "VG005"])))
def test_the_choice_equals_the_pairwise_check(findings: list[Finding],
                                              select: set[str] | None) -> None:
    assert choose_fixes(findings, select) == reference(findings, select)


def nolock_findings(count: int) -> list[Finding]:
    """``count`` findings a long file of ``SELECT * FROM APTH`` lines has, one insertion each."""
    line = len("SELECT * FROM APTH\n")
    return [Finding("VG004", "no NOLOCK", i * line + 14, i * line + 18,
                    fixes=(Fix("Add WITH (NOLOCK)", (Edit(i * line + 18, i * line + 18,
                                                          " WITH (NOLOCK)"),)),))
            for i in range(count)]


def test_choosing_does_not_compare_every_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted, not timed: the pairwise check needs n(n-1)/2 comparisons for n fixes."""
    calls = 0
    real = fixing._conflict

    def counting(a: Edit, b: Edit) -> bool:
        nonlocal calls
        calls += 1
        return real(a, b)

    monkeypatch.setattr(fixing, "_conflict", counting)
    findings = nolock_findings(3_000)
    assert len(choose_fixes(findings)) == 3_000
    assert calls <= 3_000  # at most the few edits within each fix


def test_one_insertion_two_fixes_need_is_applied_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two fixes sharing an identical insertion are both taken; the text gets it once."""
    one = Fix("a", (Edit(4, 4, "X"),))
    two = Fix("b", (Edit(4, 4, "X"), Edit(0, 1, "s")))
    findings = [Finding("VG004", "m", 0, 1, fixes=(one,)),
                Finding("VG005", "m", 0, 1, fixes=(two,))]
    assert choose_fixes(findings) == [one, two]
    answers = iter([findings, []])
    monkeypatch.setattr(fixing, "analyze", lambda *args, **kwargs: next(answers))
    result = fixing.fix_text("SELECT", catalog=None)  # type: ignore[arg-type]
    assert (result.text, result.applied) == ("sELEXCT", 2)
