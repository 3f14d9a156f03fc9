"""``vgpt2 doctor`` tells what vgpt2 would use and what to do about problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner
from vgpt2.server.cli.main import app

runner = CliRunner()


def test_doctor_on_defaults_reports_the_bundled_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["doctor", "--format", "json"])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["configuration"]["detail"] == "no config file (defaults)"
    assert checks["catalog"]["status"] == "warning"
    assert "bundled sample" in checks["catalog"]["advice"]


def test_doctor_names_a_missing_catalog_and_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "vgpt2.toml").write_text('catalog = "no-such-export"\n')
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert "no-such-export does not exist" in result.stdout
    assert "vgpt2 catalog export-query" in result.stdout


def test_doctor_reports_a_broken_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "vgpt2.toml").write_text("catalog = [\n")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert "vgpt2.toml" in result.stdout


def test_doctor_with_a_configured_export_is_ok(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ..catalog.test_metadata_import import ap_export

    ap_export(tmp_path / "export")
    (tmp_path / "vgpt2.toml").write_text('catalog = "export"\n[rules]\nVG004 = "error"\n')
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 0, result.stdout
    assert "[     ok] catalog:" in result.stdout
    assert "VG004=error" in result.stdout
    assert "up to date with its sources" in result.stdout
