"""Rule levels from the user's config, and the rule documentation the findings link to."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis import RULES, Severity, analyze
from vgpt2.server.config import ConfigError, Settings, load_settings

REPO = Path(__file__).resolve().parents[2]


def test_rules_accept_any_case_and_every_level() -> None:
    settings = Settings.model_validate({"rules": {
        "vg004": "Error", "VG005": "warning", "VG006": "info", "VG002": "HINT", "VG007": "off"}})
    assert settings.rules == {"VG004": "error", "VG005": "warning", "VG006": "info",
                              "VG002": "hint", "VG007": "off"}


def test_rule_settings_carry_severities_off_select_and_ignore() -> None:
    settings = Settings.model_validate({"rules": {"VG004": "error", "VG007": "off"}})
    rules = settings.rule_settings()
    assert rules.severity == {"VG004": Severity.ERROR}
    assert rules.disabled == {"VG007"}
    assert rules.select is None and rules.ignore == set()
    assert not rules.enabled("VG007") and rules.enabled("VG001")
    assert rules.severity_of("VG004") is Severity.ERROR
    assert rules.severity_of("VG005") is Severity.WARNING
    narrowed = settings.rule_settings(select={"VG004", "VG005"}, ignore={"VG005"})
    assert [c for c in RULES if narrowed.enabled(c)] == ["VG004"]
    assert Settings().rule_settings().enabled("VG000")


@pytest.mark.parametrize(("rules", "problem"), [
    ({"VG999": "error"}, "unknown rule code 'VG999'"),
    ({"NOLOCK": "off"}, "unknown rule code 'NOLOCK'"),
    ({"VG004": "loud"}, "'error', 'warning', 'info', 'hint' or 'off'"),
    ({"VG004": True}, "'error', 'warning', 'info', 'hint' or 'off'"),
    ("VG004", "dictionary"),
])
def test_bad_rules_are_rejected(rules: object, problem: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(problem)):
        Settings.model_validate({"rules": rules})


def test_rules_table_in_vgpt2_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "vgpt2.toml").write_text('catalog = []\n[rules]\nVG004 = "error"\nVG007 = "off"\n',
                                         encoding="utf-8")
    assert load_settings().rules == {"VG004": "error", "VG007": "off"}


def test_rules_table_in_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.vgpt2]\ncatalog = []\n\n[tool.vgpt2.rules]\nVG008 = "warning"\n', encoding="utf-8")
    sub = tmp_path / "sql"
    sub.mkdir()
    monkeypatch.chdir(sub)
    settings = load_settings()
    assert settings.rules == {"VG008": "warning"}
    assert settings.origin == tmp_path / "pyproject.toml"


def test_a_bad_rule_in_the_config_names_the_file(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "vgpt2.toml").write_text('[rules]\nVG04 = "error"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"vgpt2\.toml:2: rules\.VG04: unknown rule code 'VG04'"):
        load_settings()


def test_configured_levels_reach_the_findings(sample_catalog: Catalog) -> None:
    sql = "SELECT APRef FROM bAPTH WHERE Mth = '2024-03-15'"
    defaults = {f.code: f.severity for f in analyze(sql, sample_catalog)}
    assert defaults == {"VG004": Severity.WARNING, "VG005": Severity.WARNING,
                        "VG007": Severity.WARNING}
    settings = Settings.model_validate({"rules": {"VG004": "error", "VG005": "hint",
                                                  "VG007": "off"}})
    configured = {f.code: f.severity
                  for f in analyze(sql, sample_catalog, settings.rule_settings())}
    assert configured == {"VG004": Severity.ERROR, "VG005": Severity.HINT}


# --- docs/rules.md ------------------------------------------------------------------------------


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def rule_sections() -> dict[str, str]:
    text = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    return {github_slug(part.split("\n", 1)[0]): part
            for part in re.split(r"^## ", text, flags=re.M)[1:]}


def examples(section: str) -> dict[str, str]:
    return dict(re.findall(r"^(Wrong|Right):\n\n```sql\n(.*?)```", section, flags=re.M | re.S))


@pytest.mark.parametrize("code", list(RULES))
def test_every_rule_has_a_section_at_its_docs_url(code: str, sample_catalog: Catalog) -> None:
    rule = RULES[code]
    anchor = rule.docs_url.split("#", 1)[1]
    assert rule.docs_url.split("#")[0].endswith("docs/rules.md")
    sections = rule_sections()
    assert anchor in sections, f"docs/rules.md has no '## {code} {rule.name}' section"
    section = sections[anchor]
    for part in ("**What it finds.**", "**Why it matters in Vista.**", "**Fix.**"):
        assert part in section
    shown = examples(section)
    assert set(shown) == {"Wrong", "Right"}
    assert code in {f.code for f in analyze(shown["Wrong"], sample_catalog)}
    assert analyze(shown["Right"], sample_catalog) == []


def test_the_rules_table_links_every_rule() -> None:
    text = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"[{rule.code}](#{rule.docs_url.split('#')[1]})" in text


# --- pre-commit ---------------------------------------------------------------------------------


def test_pre_commit_hooks_are_defined() -> None:
    text = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    hooks = {}
    for block in re.split(r"^- ", text, flags=re.M)[1:]:
        fields = dict(re.findall(r"^\s*(\w+): (.+)$", block, flags=re.M))
        hooks[fields["id"]] = fields
    assert hooks["vgpt2-check"]["entry"] == "vgpt2 check"
    assert hooks["vgpt2-fix"]["entry"] == "vgpt2 fix"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types"] == "[sql]"
