"""The examples a newcomer runs first behave as their comments promise."""

from __future__ import annotations

from pathlib import Path

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.importers.knowledge import load_knowledge
from vgpt2.server.analysis import analyze
from vgpt2.server.analysis.fixing import apply_fixes
from vgpt2.server.config import load_settings

from .conftest import REPO

EXAMPLES = REPO / "examples"


def test_clean_reports_have_no_findings_against_the_bundled_sample(
    sample_catalog: Catalog,
) -> None:
    for name in ("job_cost_by_phase.sql", "ap_open_by_vendor.sql"):
        text = (EXAMPLES / "reports" / name).read_text(encoding="utf-8")
        assert analyze(text, sample_catalog) == [], name


def test_first_draft_shows_each_kind_of_mistake_and_fix_leaves_only_the_judgement_call(
    sample_catalog: Catalog,
) -> None:
    text = (EXAMPLES / "reports" / "first_draft.sql").read_text(encoding="utf-8")
    assert [f.code for f in analyze(text, sample_catalog)] == [
        "VG003", "VG004", "VG005", "VG004", "VG006", "VG007"]
    fixed, applied = apply_fixes(text, sample_catalog)
    assert applied >= 5
    assert "FROM APTH h WITH (NOLOCK)" in fixed
    assert "l.APTrans = h.APTrans AND l.APCo = h.APCo AND l.Mth = h.Mth" in fixed
    assert [f.code for f in analyze(fixed, sample_catalog)] == ["VG007"]


def test_example_config_and_knowledge_load_cleanly(tmp_path: Path) -> None:
    settings = load_settings(EXAMPLES)
    assert settings.origin == EXAMPLES / "vgpt2.toml"
    assert settings.rules == {"VG004": "error", "VG007": "warning"}
    result = load_knowledge(EXAMPLES / "knowledge" / "our-shop.toml")
    assert result.issues == []
    assert result.knowledge is not None
    assert "wip" in result.knowledge.synonyms["JCCP"]
