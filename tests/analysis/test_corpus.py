"""Real-world style Vista queries: every clean corpus file analyzes to zero findings.

The files under ``corpus/clean`` are written the way Vista report writers write
SQL: views (not base tables), ``WITH (NOLOCK)`` on every read, whole composite
keys in joins, exact-case names, first-of-month ``Mth`` literals, and the
T-SQL around them (procedures, triggers, cursors, temp tables, MERGE, CTEs,
GO batches). Each one must analyze against the real catalog with no finding:
a false positive on valid Vista code costs more trust than a missed warning.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis import Finding, LineIndex, analyze

CORPUS = Path(__file__).parent / "corpus"
CLEAN = sorted((CORPUS / "clean").glob("*.sql"))
DIRTY = sorted((CORPUS / "dirty").glob("*.sql"))

def _cases(files: list[Path]) -> list[object]:
    return [pytest.param(path, id=path.stem) for path in files]


def describe(text: str, findings: list[Finding]) -> str:
    """``line:col CODE message`` plus the offending source line, for failure output."""
    index = LineIndex(text)
    lines = []
    for finding in findings:
        line, column = index.position(finding.start)
        width = max(1, min(finding.end, len(text)) - finding.start)
        lines.append(f"{line + 1}:{column + 1} {finding.code} {finding.message}\n"
                     f"    {index.line_text(line)}\n"
                     f"    {' ' * column}{'^' * width}")
    return "\n".join(lines)


def test_corpus_is_big_enough() -> None:
    assert len(CLEAN) >= 25


@pytest.mark.parametrize("path", _cases(CLEAN))
def test_clean_file_has_no_findings(path: Path, real_catalog: Catalog) -> None:
    text = path.read_text(encoding="utf-8")
    findings = analyze(text, real_catalog)
    assert not findings, f"{path.name}:\n{describe(text, findings)}"


@pytest.mark.parametrize("path", _cases(CLEAN))
def test_clean_file_with_windows_line_endings(path: Path, real_catalog: Catalog) -> None:
    """SSMS saves CRLF: the same file with \\r\\n must stay clean."""
    text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
    findings = analyze(text, real_catalog)
    assert not findings, f"{path.name} (CRLF):\n{describe(text, findings)}"


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.stem)
def test_clean_file_in_sample_catalog_never_raises(path: Path, sample_catalog: Catalog) -> None:
    """Against the small sample catalog many objects are missing: findings, never exceptions."""
    text = path.read_text(encoding="utf-8")
    for finding in analyze(text, sample_catalog):
        assert 0 <= finding.start <= finding.end <= len(text)


def test_leading_byte_order_mark_is_ignored(real_catalog: Catalog) -> None:
    """A file saved with a UTF-8 BOM and decoded without stripping it still analyzes cleanly."""
    text = (CORPUS / "clean" / "em_revenue_cost.sql").read_text(encoding="utf-8")
    with_bom = "\ufeff" + text
    findings = analyze(with_bom, real_catalog)
    assert not findings, describe(with_bom, findings)


# -- dirty corpus: each file names the findings it must produce ---------------------------------

def _expected(text: str) -> list[str]:
    """``-- expect: VG004 VG005`` lines at the top of a dirty file."""
    codes: list[str] = []
    for line in text.splitlines():
        if line.startswith("-- expect:"):
            codes += line.split(":", 1)[1].split()
    return sorted(codes)


@pytest.mark.parametrize("path", DIRTY, ids=lambda p: p.stem)
def test_dirty_file_has_exactly_the_expected_findings(path: Path,
                                                       real_catalog: Catalog) -> None:
    text = path.read_text(encoding="utf-8")
    expected = _expected(text)
    assert expected, f"{path.name} has no '-- expect:' line"
    findings = analyze(text, real_catalog)
    assert sorted(f.code for f in findings) == expected, describe(text, findings)
