"""``vgpt2 catalog ...`` as a user runs it: exit codes, JSON shapes, configuration."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp
from typer.testing import CliRunner
from vgpt2.catalog.export_query import EXPORT_QUERIES
from vgpt2.server.cli.main import app

from ..catalog.test_build import APTL_DDL
from ..catalog.test_metadata_import import ap_export

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def compiled(tmp_path: Path) -> Path:
    script = tmp_path / "aptl.sql"
    script.write_text(APTL_DDL, encoding="utf-8")
    output = tmp_path / "vista.vgpt2db"
    code, _, _ = run("catalog", "build", str(ap_export(tmp_path / "export")), str(script),
                     "--output", str(output))
    assert code == 0
    return output


def test_build_then_up_to_date(tmp_path: Path, compiled: Path) -> None:
    code, stdout, _ = run("catalog", "build", str(tmp_path / "export"), str(tmp_path / "aptl.sql"),
                          "--output", str(compiled), "--format", "json")
    assert code == 0
    report = json.loads(stdout)
    assert report["rebuilt"] is False
    assert report["stats"]["tables"] == 2


def test_build_of_garbage_exits_non_zero_naming_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "columns.json").write_text("[{oops", encoding="utf-8")
    code, _, stderr = run("catalog", "build", str(folder), "--output", str(tmp_path / "x.vgpt2db"))
    assert code == 1
    assert "columns.json:1" in stderr.replace("\n", "")
    assert not (tmp_path / "x.vgpt2db").exists()


def test_stats_json_has_the_documented_keys(compiled: Path) -> None:
    code, stdout, _ = run("catalog", "stats", "--catalog", str(compiled), "--format", "json")
    assert code == 0
    assert json.loads(stdout) == {"tables": 2, "views": 2, "procedures": 1, "functions": 0,
                                  "columns": 18, "relationships": 3}


def test_show_gives_columns_key_view_and_join_condition(compiled: Path) -> None:
    code, stdout, _ = run("catalog", "show", "aptl", "--catalog", str(compiled), "--format", "json")
    assert code == 0
    shown = json.loads(stdout)
    assert shown["name"] == "APTL"
    assert shown["key"] == ["APCo", "Mth", "APTrans", "APLine"]
    assert shown["base_tables"] == ["bAPTL"]
    assert {"kind": "shared_key", "object": "APTH", "name": "biAPTH",
            "join": "APTL.APCo = APTH.APCo AND APTL.Mth = APTH.Mth AND "
                    "APTL.APTrans = APTH.APTrans"} in shown["relationships"]
    gross = next(c for c in shown["columns"] if c["name"] == "GrossAmt")
    assert gross["display_type"] == "numeric(12,2)"


def test_show_of_a_base_table_points_to_its_view(compiled: Path) -> None:
    code, stdout, _ = run("catalog", "show", "bAPTL", "--catalog", str(compiled))
    assert code == 0
    assert "query the view APTL instead" in stdout


def test_show_unknown_name_suggests_and_fails(compiled: Path) -> None:
    code, _, stderr = run("catalog", "show", "NoSuchThing", "--catalog", str(compiled))
    assert code == 1
    assert "no object named 'NoSuchThing'" in stderr


def test_search_json_is_a_ranked_list(compiled: Path) -> None:
    code, stdout, _ = run("catalog", "search", "APTL lines", "--catalog", str(compiled),
                          "--format", "json")
    assert code == 0
    hits = json.loads(stdout)
    assert hits[0]["name"] == "APTL"
    assert set(hits[0]) == {"name", "type", "score", "why"}
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_missing_catalog_is_a_usage_error(tmp_path: Path) -> None:
    code, _, stderr = run("catalog", "stats", "--catalog", str(tmp_path / "nope.vgpt2db"))
    assert code == 2
    assert "nope.vgpt2db" in stderr


def test_configured_catalog_is_used_without_flags(
    compiled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "vgpt2.toml").write_text(f'catalog = "{compiled.as_posix()}"\n')
    monkeypatch.chdir(project)
    code, stdout, _ = run("catalog", "stats", "--format", "json")
    assert code == 0
    assert json.loads(stdout)["tables"] == 2


def test_bad_config_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.vgpt2]\ncatalogue = 'x'\n")
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run("catalog", "stats")
    assert code == 2
    assert "pyproject.toml" in stderr and "catalogue" in stderr


def test_default_is_the_bundled_sample() -> None:
    code, stdout, _ = run("catalog", "stats", "--format", "json")
    assert code == 0
    stats = json.loads(stdout)
    assert stats["tables"] >= 70 and stats["views"] >= 70


def test_export_queries_are_read_only_and_parse_as_tsql() -> None:
    code, stdout, _ = run("catalog", "export-query")
    assert code == 0
    for name, query in EXPORT_QUERIES.items():
        assert f"-- {name}" in stdout
        tree = sqlglot.parse_one(query, read="tsql")
        assert isinstance(tree, exp.Select)
        assert not list(tree.find_all(exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Drop))
        tables = {t.name.lower() for t in tree.find_all(exp.Table)}
        assert tables <= {"objects", "schemas", "columns", "types", "extended_properties",
                          "sql_expression_dependencies", "parameters", "indexes",
                          "index_columns", "foreign_keys", "foreign_key_columns"}, tables


def test_bcp_lines_have_no_inner_double_quotes() -> None:
    code, stdout, _ = run("catalog", "export-query", "--bcp", "--server", "SQL01")
    assert code == 0
    lines = stdout.strip().splitlines()
    assert len(lines) == 5
    for line in lines:
        assert line.startswith('bcp "') and line.count('"') == 2 and "-S SQL01" in line


def test_console_script_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "vgpt2.server.cli.main", "--help"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "catalog" in result.stdout
