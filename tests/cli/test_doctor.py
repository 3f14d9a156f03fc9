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


def _drop_brace(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    cut = text.index("}", len(text) // 3)
    path.write_text(text[:cut] + text[cut + 1:], encoding="utf-8")


def _checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str
            ) -> tuple[int, dict[str, dict[str, str]]]:
    (tmp_path / "vgpt2.toml").write_text(config)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["doctor", "--format", "json"])
    return result.exit_code, {c["name"]: c for c in json.loads(result.stdout)["checks"]}


def test_doctor_reports_import_errors_recorded_in_the_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ..catalog.test_metadata_import import ap_export

    export = ap_export(tmp_path / "export")
    _drop_brace(export / "objects.json")
    output = tmp_path / "partial.vgpt2db"
    assert runner.invoke(app, ["catalog", "build", str(export), "--output", str(output),
                               "--allow-partial"]).exit_code == 0
    _, checks = _checks(tmp_path, monkeypatch, 'catalog = "partial.vgpt2db"\n')
    problem = checks["catalog import"]
    assert problem["status"] == "warning"
    assert "1 import error" in problem["detail"] and "--allow-partial" in problem["detail"]
    assert f"{export / 'objects.json'}:" in problem["detail"]
    assert "the rest of this file was not read" in problem["detail"]


def test_doctor_reports_a_damaged_catalog_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ..catalog.test_metadata_import import ap_export

    output = tmp_path / "vista.vgpt2db"
    runner.invoke(app, ["catalog", "build", str(ap_export(tmp_path / "export")),
                        "--output", str(output)])
    output.write_bytes(output.read_bytes()[:8192])
    code, checks = _checks(tmp_path, monkeypatch, 'catalog = "vista.vgpt2db"\n')
    assert code == 1
    assert checks["catalog"]["status"] == "error"
    assert "damaged or truncated" in checks["catalog"]["detail"]
    assert "vgpt2 catalog build" in checks["catalog"]["detail"]


def test_doctor_runs_the_quick_check_on_a_catalog_the_cache_records_as_verified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bit rot leaves a file's identity as it was, so a record of an earlier pass still
    matches; an ordinary open then skips the quick check, but the diagnosis must not."""
    import os

    from vgpt2.catalog.catalog import Catalog
    from vgpt2.catalog.verified import file_identity, record_identity

    from ..catalog.test_metadata_import import ap_export

    output = tmp_path / "vista.vgpt2db"
    built = runner.invoke(app, ["catalog", "build", str(ap_export(tmp_path / "export")),
                                "--output", str(output)])
    assert built.exit_code == 0, built.stdout
    data = bytearray(output.read_bytes())
    page = 4096
    last = len(data) // page - 1  # the last page: row data, not the schema or the meta table
    data[last * page:last * page + 100] = bytes(range(100))
    output.write_bytes(bytes(data))
    cache = Path(os.environ["VGPT2_CACHE_DIR"])
    identity = file_identity(output)
    assert identity is not None
    record_identity(cache, output, identity)  # as if it had passed before the rot
    Catalog.open(output, verified_in=cache).close()  # the record is honoured: no check

    code, checks = _checks(tmp_path, monkeypatch, 'catalog = "vista.vgpt2db"\n')
    assert code == 1
    assert checks["catalog"]["status"] == "error"
    assert "damaged" in checks["catalog"]["detail"]
    assert "vgpt2 catalog build" in checks["catalog"]["detail"]


def test_doctor_says_a_broken_rebuild_fell_back_to_the_last_good_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ..catalog.test_metadata_import import ap_export

    export = ap_export(tmp_path / "export")
    code, checks = _checks(tmp_path, monkeypatch, 'catalog = "export"\n')
    assert code == 0 and checks["catalog"]["status"] == "ok"
    _drop_brace(export / "objects.json")
    code, checks = _checks(tmp_path, monkeypatch, 'catalog = "export"\n')
    notice = checks["catalog notice"]
    assert notice["status"] == "warning"
    assert "last good build" in notice["detail"] and "objects.json" in notice["detail"]


def test_doctor_says_the_server_falls_back_to_the_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, checks = _checks(tmp_path, monkeypatch, 'catalog = "no-such-export"\n')
    assert code == 1
    assert "bundled sample" in checks["catalog"]["detail"]


def test_doctor_needs_attention_for_import_errors_nobody_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ..catalog.test_metadata_import import ap_export

    export = ap_export(tmp_path / "export")
    _drop_brace(export / "objects.json")
    output = tmp_path / "first.vgpt2db"
    assert runner.invoke(app, ["catalog", "build", str(export), "--output",
                               str(output)]).exit_code == 1
    code, checks = _checks(tmp_path, monkeypatch, 'catalog = "first.vgpt2db"\n')
    assert code == 1, "not 'vgpt2 is ready' on a catalog that lost part of its sources"
    assert checks["catalog import"]["status"] == "error"
