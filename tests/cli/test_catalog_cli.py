"""``vgpt2 catalog ...`` as a user runs it: exit codes, JSON shapes, configuration."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from sqlglot import exp
from typer.testing import CliRunner
from vgpt2.catalog.export_query import EXPORT_QUERIES
from vgpt2.server.cli.catalog_commands import load_catalog
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
    assert set(hits[0]) == {"name", "type", "module", "score", "description", "why"}
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


# -- catalog safety: what a user sees ------------------------------------------------------


def _drop_brace(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    cut = text.index("}", len(text) // 3)
    path.write_text(text[:cut] + text[cut + 1:], encoding="utf-8")


def test_a_build_from_a_broken_source_keeps_the_catalog_and_fails(
        tmp_path: Path, compiled: Path) -> None:
    good = compiled.read_bytes()
    _drop_brace(tmp_path / "export" / "objects.json")
    sources = [str(tmp_path / "export"), str(tmp_path / "aptl.sql")]
    code, _, stderr = run("catalog", "build", *sources, "--output", str(compiled))
    assert code == 1
    assert "objects.json:" in stderr and "kept the existing" in stderr
    assert "--allow-partial" in stderr
    assert compiled.read_bytes() == good
    code, _, stderr = run("catalog", "build", *sources, "--output", str(compiled),
                          "--allow-partial")
    assert code == 0, stderr
    assert compiled.read_bytes() != good
    code, _, stderr = run("catalog", "stats", "--catalog", str(compiled))
    assert code == 0
    assert "1 import error" in stderr


def test_a_first_build_with_import_errors_exits_non_zero(tmp_path: Path) -> None:
    export = ap_export(tmp_path / "export")
    _drop_brace(export / "objects.json")
    output = tmp_path / "first.vgpt2db"
    code, _, stderr = run("catalog", "build", str(export), "--output", str(output))
    assert code == 1
    assert "1 import error" in stderr and "records them" in stderr
    code, _, _ = run("catalog", "build", str(export), "--output", str(output))
    assert code == 1, "an unchanged partial build is still reported"


def test_a_folder_as_output_is_refused_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    code, stdout, stderr = run("catalog", "build", str(ap_export(tmp_path / "export")),
                               "--output", str(folder))
    assert code == 2
    assert "is a folder" in stderr and "Errno" not in stderr
    assert stdout == "" and list(folder.iterdir()) == []


@pytest.mark.parametrize("damage, expected", [
    (lambda p: p.write_bytes(b""), "empty (0 bytes)"),
    (lambda p: p.write_bytes(p.read_bytes()[:8192]), "damaged or truncated"),
    (lambda p: p.write_bytes(b"\x00\x01binary" * 300), "not an SQLite database"),
])
def test_a_damaged_catalog_is_a_clear_error_with_a_hint_to_rebuild(
        compiled: Path, tmp_path: Path, damage: Any, expected: str) -> None:
    damage(compiled)
    query = tmp_path / "q.sql"
    query.write_text("SELECT h.Vendor FROM APTH h\n", encoding="utf-8")
    for command in (["catalog", "stats"], ["check", str(query)]):
        code, stdout, stderr = run(*command, "--catalog", str(compiled))
        assert code == 2, (command, stdout, stderr)
        assert expected in stderr and "vgpt2 catalog build" in stderr
        assert "All checks passed" not in stdout
        assert "Traceback" not in stderr


def test_dropped_columns_table_is_never_all_checks_passed(compiled: Path, tmp_path: Path) -> None:
    connection = sqlite3.connect(compiled)
    connection.execute("DROP TABLE columns")
    connection.commit()
    connection.close()
    query = tmp_path / "q.sql"
    query.write_text("SELECT h.Vendr FROM APTH h\n", encoding="utf-8")
    code, stdout, stderr = run("check", str(query), "--catalog", str(compiled))
    assert code == 2
    assert "table columns missing" in stderr
    assert "All checks passed" not in stdout


def test_an_unknown_object_type_is_a_message_not_a_traceback(compiled: Path) -> None:
    connection = sqlite3.connect(compiled)
    connection.execute("UPDATE objects SET type = 'synonym' WHERE name = 'APTH'")
    connection.commit()
    connection.close()
    result = runner.invoke(app, ["catalog", "show", "APTH", "--catalog", str(compiled)])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "unknown type 'synonym'" in result.stderr


def test_a_catalog_named_otherwise_is_read_by_its_content(tmp_path: Path) -> None:
    output = tmp_path / "vista.db"
    code, _, stderr = run("catalog", "build", str(ap_export(tmp_path / "export")),
                          "--output", str(output))
    assert code == 0
    assert "*.vgpt2db" in stderr
    code, stdout, stderr = run("catalog", "stats", "--catalog", str(output), "--format", "json")
    assert code == 0, stderr
    assert json.loads(stdout)["tables"] == 1
    assert "vista.db" in stderr and ".vgpt2db" in stderr


def test_a_binary_file_given_to_build_is_named(tmp_path: Path) -> None:
    binary = tmp_path / "schema.sql"
    binary.write_bytes(bytes(range(256)) * 20)
    code, _, stderr = run("catalog", "build", str(binary), "--output", str(tmp_path / "x.vgpt2db"))
    assert code == 1
    assert "schema.sql" in stderr and "binary file" in stderr


def test_large_counts_have_thousands_separators(tmp_path: Path) -> None:
    from ..catalog.test_metadata_import import column, write_export

    rows = [column("bJCJM", f"Col{n}", "int", n) for n in range(1, 1301)]
    for row in rows:
        row["ObjectName"] = " bJCJM"  # one warning per column: names with spaces
    export = write_export(tmp_path / "export", columns=rows)
    output = tmp_path / "wide.vgpt2db"
    code, stdout, stderr = run("catalog", "build", str(export), "--output", str(output))
    assert code == 0, stderr
    assert "1,300 columns" in stdout
    assert "and 1,250 more warnings" in stderr.replace("\n", " ")
    code, stdout, stderr = run("catalog", "stats", "--catalog", str(output))
    assert "1,300" in stdout
    assert "1,300 import warnings" in stderr.replace("\n", " ")


def test_an_unreadable_object_is_a_message_not_a_traceback(compiled: Path) -> None:
    connection = sqlite3.connect(compiled)  # content damage SQLite's quick check cannot see
    connection.execute("UPDATE objects SET keys = '{not json' WHERE name = 'APTH'")
    connection.commit()
    connection.close()
    result = runner.invoke(app, ["catalog", "show", "APTH", "--catalog", str(compiled)])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "cannot be read" in result.stderr and "vgpt2 catalog build" in result.stderr


def test_a_catalog_damaged_while_checking_is_exit_2_not_all_checks_passed(
        compiled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vgpt2.catalog.catalog import Catalog
    from vgpt2.server.cli import check_commands

    def load_then_damage(path: Path | None) -> Catalog:
        opened = load_catalog(path)
        connection = sqlite3.connect(compiled)  # another program, after the open checks
        connection.execute("DROP TABLE columns")
        connection.commit()
        connection.close()
        return opened

    monkeypatch.setattr(check_commands, "load_catalog", load_then_damage)
    query = tmp_path / "q.sql"
    query.write_text("SELECT h.Vendr FROM APTH h WITH (NOLOCK)\n", encoding="utf-8")
    code, stdout, stderr = run("check", str(query), "--catalog", str(compiled))
    assert code == 2
    assert "no such table: columns" in stderr and "vgpt2 catalog build" in stderr
    assert "All checks passed" not in stdout
