"""Each rule's fixture cases (``rule_fixtures/vgNNN_name.toml``) against the bundled sample.

A case is ``pass`` (SQL with no finding of the rule) or ``fail`` (SQL with exactly
the listed findings: the text each spans and its message), optionally with
``fixed``: the text after applying fix number ``fix`` (default 0) of every
finding, which must itself have no finding of the rule. Runs without the real
Vista export; the real-catalog cases in test_rules.py are extra.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis import Edit, analyze
from vgpt2.server.analysis.rules import RULES

FIXTURES = Path(__file__).parent / "rule_fixtures"
_KEYS = {"name", "pass", "fail", "findings", "fix", "fixed"}


@dataclass(frozen=True)
class Case:
    file: str
    code: str
    name: str
    sql: str
    failing: bool
    findings: tuple[tuple[str, str], ...]
    fix: int
    fixed: str | None


def _load(path: Path) -> list[Case]:
    """Parse one fixture file; a malformed one fails naming the file and the case."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path.name}: {error}") from error
    code = data.get("rule")
    if code not in RULES:
        raise ValueError(f"{path.name}: 'rule' must be a rule code, not {code!r}")
    expected_name = f"{code.lower()}_{RULES[code].name.replace('-', '_')}.toml"
    if path.name != expected_name:
        raise ValueError(f"{path.name}: the file for {code} is named {expected_name}")
    cases = []
    for number, raw in enumerate(data.get("cases", []), 1):
        where = f"{path.name}, case {number} ({raw.get('name', 'unnamed')})"
        unknown = set(raw) - _KEYS
        if unknown or "name" not in raw or ("pass" in raw) == ("fail" in raw):
            raise ValueError(f"{where}: needs a name and exactly one of pass/fail; "
                             f"unknown keys: {sorted(unknown)}")
        failing = "fail" in raw
        listed: list[dict[str, Any]] = raw.get("findings", [])
        if failing and not listed:
            raise ValueError(f"{where}: a fail case lists its findings")
        if not failing and ({"findings", "fixed", "fix"} & set(raw)):
            raise ValueError(f"{where}: a pass case has no findings or fix")
        cases.append(Case(path.name, code, raw["name"], raw["fail" if failing else "pass"],
                          failing, tuple((f["at"], f["message"]) for f in listed),
                          raw.get("fix", 0), raw.get("fixed")))
    return cases


def _all_cases() -> list[Case]:
    return [case for path in sorted(FIXTURES.glob("*.toml")) for case in _load(path)]


CASES = _all_cases()


def _apply(text: str, edits: list[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[:edit.start] + edit.new_text + text[edit.end:]
    return text


@pytest.mark.parametrize("case", CASES, ids=[f"{c.code}-{c.name}" for c in CASES])
def test_case(case: Case, sample_catalog: Catalog) -> None:
    found = [f for f in analyze(case.sql, sample_catalog) if f.code == case.code]
    seen = [(case.sql[f.start:f.end], f.message) for f in found]
    if not case.failing:
        assert seen == [], case.sql
        return
    assert sorted(seen) == sorted(case.findings), case.sql
    if case.fixed is None:
        return
    edits = [edit for f in found for edit in f.fixes[case.fix].edits]
    fixed = _apply(case.sql, edits)
    assert fixed == case.fixed
    again = analyze(fixed, sample_catalog)
    assert [f for f in again if f.code == case.code] == [], fixed


def test_every_rule_has_passing_and_failing_cases() -> None:
    for code in RULES:
        kinds = {c.failing for c in CASES if c.code == code}
        assert kinds == {True, False}, f"{code} needs at least one pass and one fail case"


def test_every_fixable_rule_has_a_fixed_case() -> None:
    for code, rule in RULES.items():
        if rule.fixable:
            assert any(c.fixed for c in CASES if c.code == code), code


def test_malformed_fixture_names_the_file_and_case(tmp_path: Path) -> None:
    path = tmp_path / "vg004_missing_nolock.toml"
    path.write_text('rule = "VG004"\n[[cases]]\nname = "both"\npass = "x"\nfail = "y"\n',
                    encoding="utf-8")
    with pytest.raises(ValueError, match=r"vg004_missing_nolock.toml, case 1 \(both\)"):
        _load(path)
    path.write_text('rule = "VG004"\n[[cases]\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"vg004_missing_nolock.toml: .*line 2"):
        _load(path)


def test_rule_actions_name_commands_the_language_server_registers() -> None:
    from vgpt2.server.lsp.server import RELOAD_COMMAND

    commands = {a.command for rule in RULES.values() for a in rule.actions}
    assert commands == {RELOAD_COMMAND}


def test_related_information_uses_each_rules_label(sample_catalog: Catalog) -> None:
    from vgpt2.server.lsp.documents import LineIndex
    from vgpt2.server.lsp.server import to_diagnostic

    text = "SELECT h.APRf FROM bAPTH h WITH (NOLOCK)"
    lines = {}
    for finding in analyze(text, sample_catalog):
        diagnostic = to_diagnostic(LineIndex(text), "file:///q.sql", finding)
        (info,) = diagnostic.related_information or []
        lines[finding.code] = info.message
    assert lines == {"VG002": "searched: bAPTH h", "VG005": "see: APTH"}


def test_fixable_means_every_fix_is_safe(sample_catalog: Catalog) -> None:
    """The rules table's "fixed by vgpt2 fix" column matches what `vgpt2 fix` applies."""
    for case in (c for c in CASES if c.failing):
        for finding in analyze(case.sql, sample_catalog):
            if finding.code == case.code:
                fixable = RULES[finding.code].fixable
                assert all(fix.safe == fixable for fix in finding.fixes), case.name
                assert not fixable or finding.fixes, case.name
