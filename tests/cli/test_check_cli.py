"""``vgpt2 check`` and ``vgpt2 fix`` as a user, CI and pre-commit run them."""

from __future__ import annotations

import codecs
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from vgpt2.server.analysis.rules import RULES
from vgpt2.server.cli import check_commands, sql_files
from vgpt2.server.cli.main import app

runner = CliRunner()

DIRTY = ("SELECT h.APRef, l.GrossAmt\n"
         "FROM bAPTH h\n"
         "JOIN APTL l ON h.APCo = l.APCo\n"
         "WHERE h.mth = '2024-03-01'\n")
CLEAN = "SELECT Job, Description FROM JCJM WITH (NOLOCK) WHERE JCCo = 1\n"
FIXABLE = {"VG003", "VG004", "VG005", "VG006"}


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder as the working folder: no config of the developer's applies."""
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    return project


def check_json(*args: str) -> tuple[int, list[dict[str, Any]]]:
    code, stdout, _ = run("check", "--format", "json", *args)
    return code, json.loads(stdout)


def text_at(path: Path, line: int, column: int, end_line: int, end_column: int) -> str:
    """The text a 1-based, end-exclusive range covers (lines split on \\n only, like LineIndex)."""
    lines = path.read_bytes().decode("utf-8-sig").split("\n")
    if line == end_line:
        return lines[line - 1][column - 1:end_column - 1]
    middle = lines[line:end_line - 1]
    return "\n".join([lines[line - 1][column - 1:], *middle,
                      lines[end_line - 1][:end_column - 1]])


# --- check ---------------------------------------------------------------------------------------


def test_check_prints_ruff_style_lines_and_a_summary(work: Path) -> None:
    (work / "ap.sql").write_text(DIRTY, encoding="utf-8")
    code, stdout, _ = run("check", "ap.sql")
    assert code == 1
    lines = stdout.splitlines()
    assert "ap.sql:2:6: VG004 'bAPTH' is read without WITH (NOLOCK)" in lines
    assert "ap.sql:2:6: VG005 'bAPTH' is a base table; query its view 'APTH' instead" in lines
    assert any(line.startswith("ap.sql:4:9: VG003 ") for line in lines)
    assert lines[-1].startswith("Found 5 findings (1 error, 4 warnings) in 1 of 1 file")
    assert "fixable with `vgpt2 fix`" in lines[-1]


def test_check_of_a_clean_file_exits_zero(work: Path) -> None:
    (work / "jobs.sql").write_text(CLEAN, encoding="utf-8")
    code, stdout, _ = run("check", "jobs.sql")
    assert code == 0
    assert stdout.strip() == "All checks passed (1 file)."


def test_folders_recurse_into_sql_files_sorted_skipping_hidden_ones(work: Path) -> None:
    for name in ("b/two.sql", "a/one.SQL", "a/z/three.sql", ".hidden/x.sql", "a/notes.txt"):
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text("SELECT * FROM APTH\n", encoding="utf-8")
    code, findings = check_json(".")
    assert code == 1
    paths = [Path(f["path"]).as_posix() for f in findings]
    assert paths == ["a/one.SQL", "a/z/three.sql", "b/two.sql"]
    # a file named on the command line is checked whatever its name, once
    code, findings = check_json("a/notes.txt", "a/notes.txt", "a")
    assert [Path(f["path"]).as_posix() for f in findings] == [
        "a/notes.txt", "a/one.SQL", "a/z/three.sql"]


def test_json_findings_have_the_documented_shape_and_point_at_the_text(work: Path) -> None:
    path = work / "ap.sql"
    path.write_text(DIRTY, encoding="utf-8")
    code, findings = check_json("ap.sql")
    assert code == 1
    keys = {"path", "line", "column", "end_line", "end_column", "code", "name", "severity",
            "message", "fixes"}
    assert all(set(f) == keys for f in findings)
    by_code = {(f["code"], f["line"]): f for f in findings}
    nolock = by_code["VG004", 2]
    assert nolock["name"] == "missing-nolock" and nolock["severity"] == "warning"
    assert text_at(path, nolock["line"], nolock["column"], nolock["end_line"],
                   nolock["end_column"]) == "bAPTH"
    (fix,) = nolock["fixes"]
    assert set(fix) == {"title", "edits"}
    (edit,) = fix["edits"]
    assert set(edit) == {"line", "column", "end_line", "end_column", "new_text"}
    assert (edit["line"], edit["column"], edit["end_column"]) == (2, 13, 13)  # after "h"
    assert edit["new_text"] == " WITH (NOLOCK)"
    case = by_code["VG003", 4]
    assert text_at(path, case["line"], case["column"], case["end_line"],
                   case["end_column"]) == "mth"
    assert case["severity"] == "error"
    join = by_code["VG006", 3]
    assert text_at(path, join["line"], join["column"], join["end_line"],
                   join["end_column"]) == "h.APCo = l.APCo"


def test_positions_count_characters_after_a_bom_and_in_crlf_files(work: Path) -> None:
    path = work / "bom.sql"
    path.write_bytes(codecs.BOM_UTF8 + "-- café ünïcode\r\nSELECT 'é', * FROM APTH\r\n".encode())
    _, findings = check_json("bom.sql")
    (finding,) = findings
    assert (finding["line"], finding["column"], finding["end_column"]) == (2, 20, 24)
    assert text_at(path, 2, 20, 2, 24) == "APTH"


def test_sarif_is_a_valid_2_1_0_log_for_code_scanning(work: Path) -> None:
    (work / "reports").mkdir()
    (work / "reports" / "ap invoices.sql").write_text(DIRTY, encoding="utf-8")
    (work / "vgpt2.toml").write_text('[rules]\nVG006 = "info"\n', encoding="utf-8")
    code, stdout, _ = run("check", "--format", "sarif", "reports")
    assert code == 1
    log = json.loads(stdout)
    assert log["version"] == "2.1.0"
    assert "sarif-2.1.0" in log["$schema"]
    (sarif_run,) = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "vgpt2"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    for rule in rules:
        assert set(rule) >= {"id", "name", "shortDescription", "helpUri", "defaultConfiguration"}
        assert rule["helpUri"] == RULES[rule["id"]].docs_url
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    results = sarif_run["results"]
    assert {r["ruleId"] for r in results} == {"VG003", "VG004", "VG005", "VG006"}
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "reports/ap%20invoices.sql"
        region = physical["region"]
        assert set(region) == {"startLine", "startColumn", "endLine", "endColumn"}
        assert all(isinstance(v, int) and v >= 1 for v in region.values())
    join = next(r for r in results if r["ruleId"] == "VG006")
    assert join["level"] == "note"  # configured "info"
    (fix,) = join["fixes"]
    (change,) = fix["artifactChanges"]
    (replacement,) = change["replacements"]
    assert replacement["insertedContent"]["text"] == " AND h.Mth = l.Mth AND h.APTrans = l.APTrans"
    assert replacement["deletedRegion"]["startLine"] == 3
    assert sarif_run["invocations"] == [{"executionSuccessful": True}]


def test_select_and_ignore(work: Path) -> None:
    (work / "ap.sql").write_text(DIRTY, encoding="utf-8")
    _, findings = check_json("ap.sql", "--select", "vg004,VG005")
    assert {f["code"] for f in findings} == {"VG004", "VG005"}
    _, findings = check_json("ap.sql", "--ignore", "VG004", "--ignore", "VG003")
    assert {f["code"] for f in findings} == {"VG005", "VG006"}  # repeated options add up
    code, findings = check_json("ap.sql", "--select", "VG004", "--ignore", "VG004")
    assert (code, findings) == (0, [])


def test_config_severity_and_off_apply(work: Path) -> None:
    (work / "ap.sql").write_text(DIRTY, encoding="utf-8")
    (work / "vgpt2.toml").write_text('[rules]\nVG004 = "error"\nvg005 = "off"\n',
                                     encoding="utf-8")
    _, findings = check_json("ap.sql")
    assert {f["code"]: f["severity"] for f in findings} == {
        "VG004": "error", "VG006": "warning", "VG003": "error"}


def test_config_in_pyproject(work: Path) -> None:
    (work / "ap.sql").write_text(DIRTY, encoding="utf-8")
    (work / "pyproject.toml").write_text(
        '[project]\nname = "reports"\n\n[tool.vgpt2.rules]\nVG004 = "hint"\nVG006 = "off"\n',
        encoding="utf-8")
    _, findings = check_json("ap.sql")
    severities = {f["code"]: f["severity"] for f in findings}
    assert severities["VG004"] == "hint" and "VG006" not in severities


@pytest.mark.parametrize("args", [
    ("check", "--select", "VG999", "x.sql"),
    ("check", "--ignore", "VG004,NOPE", "x.sql"),
    ("check", "missing.sql"),
    ("check", "x.sql", "--catalog", "no-such-catalog.vgpt2db"),
    ("fix", "missing.sql"),
    ("fix", "--select", "VG42", "x.sql"),
    ("check", "--format", "xml", "x.sql"),
])
def test_usage_and_catalog_errors_exit_2(work: Path, args: tuple[str, ...]) -> None:
    (work / "x.sql").write_text(CLEAN, encoding="utf-8")
    code, stdout, stderr = run(*args)
    assert code == 2, stdout + stderr
    assert stderr.strip()


@pytest.mark.parametrize("config", [
    '[rules]\nVG999 = "error"\n', '[rules]\nVG004 = "loud"\n', "[rules\n",
])
def test_bad_config_exits_2_naming_the_file(work: Path, config: str) -> None:
    (work / "x.sql").write_text(CLEAN, encoding="utf-8")
    (work / "vgpt2.toml").write_text(config, encoding="utf-8")
    for command in ("check", "fix"):
        code, _, stderr = run(command, "x.sql")
        assert code == 2
        assert "vgpt2.toml" in stderr


def test_unreadable_and_binary_files_are_reported_and_the_rest_is_checked(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (work / "a.sql").write_bytes(b"\x00\x01\x02binary\x00garbage\xff" * 10)
    (work / "b.sql").write_text("SELECT * FROM APTH\n", encoding="utf-8")
    (work / "c.sql").write_text(CLEAN, encoding="utf-8")
    real = sql_files._read_regular

    def read_regular(path: Path) -> Any:
        if path.name == "c.sql":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(sql_files, "_read_regular", read_regular)
    code, stdout, stderr = run("check", ".")
    assert code == 2
    assert "warning: a.sql: binary file, skipped: not a text file" in stderr
    assert "error: c.sql: cannot read: Permission denied" in stderr
    assert stdout.startswith("b.sql:1:15: VG004 ")
    assert "2 files could not be checked (1 unreadable; 1 binary, skipped)" in stdout
    code, stdout, _ = run("check", "--format", "sarif", ".")
    invocation = json.loads(stdout)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert len(invocation["toolExecutionNotifications"]) == 2


def test_non_utf8_files_are_checked_not_crashed_on(work: Path) -> None:
    (work / "cp1252.sql").write_bytes("-- Montréal “jobs”\nSELECT * FROM JCJM\n"
                                      .encode("cp1252"))
    (work / "undefined.sql").write_bytes(b"-- \x81\x8d\x8f\x90\x9d\nSELECT * FROM JCJM\n")
    (work / "utf16.sql").write_bytes(codecs.BOM_UTF16_LE
                                     + "SELECT * FROM JCJM\r\n".encode("utf-16-le"))
    (work / "random.sql").write_bytes(bytes(range(1, 256)) * 4)
    code, findings = check_json(".")
    assert code == 1
    nolock = sorted(f["path"] for f in findings if f["code"] == "VG004")
    assert nolock == ["cp1252.sql", "undefined.sql", "utf16.sql"]
    assert {f["code"] for f in findings if f["path"] == "random.sql"} <= {"VG000"}


def test_an_empty_folder_passes_with_a_warning(work: Path) -> None:
    (work / "empty").mkdir()
    code, _, stderr = run("check", "empty")
    assert code == 0
    assert "no SQL files" in stderr


# --- fix -----------------------------------------------------------------------------------------


def test_fix_removes_the_fixable_findings_and_a_second_fix_changes_nothing(work: Path) -> None:
    path = work / "ap.sql"
    path.write_text(DIRTY, encoding="utf-8")
    path.chmod(0o640)
    code, stdout, _ = run("fix", ".")
    assert code == 0
    assert "ap.sql: applied 5 fixes" in stdout
    assert path.read_text(encoding="utf-8") == (
        "SELECT h.APRef, l.GrossAmt\n"
        "FROM APTH h WITH (NOLOCK)\n"
        "JOIN APTL l WITH (NOLOCK) ON h.APCo = l.APCo AND h.Mth = l.Mth AND h.APTrans = l.APTrans\n"
        "WHERE h.Mth = '2024-03-01'\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in work.iterdir()) == ["ap.sql"]  # no temporary files left
    code, findings = check_json("ap.sql")
    assert (code, findings) == (0, [])
    before = path.stat().st_mtime_ns
    code, stdout, _ = run("fix", "ap.sql")
    assert code == 0
    assert "Nothing to fix in 1 file" in stdout
    assert path.stat().st_mtime_ns == before


def test_fix_leaves_unsafe_findings_and_counts_them(work: Path) -> None:
    path = work / "month.sql"
    path.write_text("SELECT APRef FROM APTH WHERE Mth = '2024-03-15'\n", encoding="utf-8")
    code, stdout, _ = run("fix", "month.sql")
    assert code == 0
    assert "1 finding left for `vgpt2 check`" in stdout
    assert path.read_text(encoding="utf-8") == (
        "SELECT APRef FROM APTH WITH (NOLOCK) WHERE Mth = '2024-03-15'\n")


def test_fix_diff_prints_a_patch_and_writes_nothing(work: Path) -> None:
    path = work / "ap.sql"
    path.write_text(DIRTY, encoding="utf-8")
    before = path.read_bytes(), path.stat().st_mtime_ns
    code, stdout, stderr = run("fix", "--diff", "ap.sql")
    assert code == 1
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert stdout.startswith("--- a/ap.sql\n+++ b/ap.sql\n@@ ")
    assert "\n-FROM bAPTH h\n" in stdout and "\n+FROM APTH h WITH (NOLOCK)\n" in stdout
    assert "Would apply 5 fixes in 1 file" in stderr
    if shutil.which("patch"):
        subprocess.run(["patch", "-p1", "--quiet"], input=stdout.encode(), cwd=work, check=True)
        assert run("check", "ap.sql")[0] == 0
    path.write_text(CLEAN, encoding="utf-8")
    assert run("fix", "--diff", "ap.sql")[:2] == (0, "")


def test_fix_diff_marks_a_missing_final_newline(work: Path) -> None:
    (work / "x.sql").write_text("SELECT * FROM APTH", encoding="utf-8")
    _, stdout, _ = run("fix", "--diff", "x.sql")
    assert stdout.endswith("+SELECT * FROM APTH WITH (NOLOCK)\n\\ No newline at end of file\n")


def test_fix_select_limits_the_fixes(work: Path) -> None:
    path = work / "ap.sql"
    path.write_text("SELECT APRef FROM bAPTH\n", encoding="utf-8")
    assert run("fix", "--select", "VG004", "ap.sql")[0] == 0
    assert path.read_text(encoding="utf-8") == "SELECT APRef FROM bAPTH WITH (NOLOCK)\n"


def test_fix_keeps_crlf_bom_and_encoding(work: Path) -> None:
    crlf = work / "crlf.sql"
    crlf.write_bytes(codecs.BOM_UTF8 + DIRTY.replace("\n", "\r\n").encode())
    utf16 = work / "utf16.sql"
    utf16.write_bytes(codecs.BOM_UTF16_LE + "SELECT 'é' FROM APTH\r\n".encode("utf-16-le"))
    legacy = work / "legacy.sql"
    legacy.write_bytes("-- Montréal\nSELECT * FROM APTH\n".encode("cp1252"))
    assert run("fix", ".")[0] == 0
    data = crlf.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    text = data[3:].decode()
    assert text.count("\r\n") == 4 and "\n" not in text.replace("\r\n", "")
    assert "WITH (NOLOCK)" in text
    assert utf16.read_bytes() == codecs.BOM_UTF16_LE + (
        "SELECT 'é' FROM APTH WITH (NOLOCK)\r\n".encode("utf-16-le"))
    assert legacy.read_bytes() == "-- Montréal\nSELECT * FROM APTH WITH (NOLOCK)\n".encode(
        "cp1252")


def test_fix_does_not_overwrite_a_file_changed_meanwhile(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = work / "ap.sql"
    path.write_text(DIRTY, encoding="utf-8")
    other = work / "other.sql"
    other.write_text("SELECT * FROM APTH\n", encoding="utf-8")
    edited = "-- the user's own edit\n" + DIRTY
    real_fix_text = check_commands.fix_text

    def racing(text: str, *args: Any, **kwargs: Any) -> Any:
        if "GrossAmt" in text:
            path.write_text(edited, encoding="utf-8")  # an editor saves while we work
        return real_fix_text(text, *args, **kwargs)

    monkeypatch.setattr(check_commands, "fix_text", racing)
    code, _, stderr = run("fix", ".")
    assert code == 1
    assert "ap.sql changed on disk" in stderr
    assert path.read_text(encoding="utf-8") == edited
    assert other.read_text(encoding="utf-8") == "SELECT * FROM APTH WITH (NOLOCK)\n"
    assert sorted(p.name for p in work.iterdir()) == ["ap.sql", "other.sql"]


def test_fix_same_size_same_mtime_change_is_still_detected(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = work / "ap.sql"
    path.write_text(DIRTY, encoding="utf-8")
    times = path.stat()
    real_fix_text = check_commands.fix_text

    def racing(text: str, *args: Any, **kwargs: Any) -> Any:
        path.write_text(DIRTY.replace("bAPTH", "xAPTH"), encoding="utf-8")
        os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
        return real_fix_text(text, *args, **kwargs)

    monkeypatch.setattr(check_commands, "fix_text", racing)
    assert run("fix", "ap.sql")[0] == 1
    assert "xAPTH" in path.read_text(encoding="utf-8")


def test_fix_skips_binary_files_and_exits_2(work: Path) -> None:
    (work / "blob.sql").write_bytes(b"\x00\xff\x00garbage")
    (work / "ok.sql").write_text("SELECT * FROM APTH\n", encoding="utf-8")
    code, _, stderr = run("fix", ".")
    assert code == 2
    assert "blob.sql: binary file, skipped: not a text file" in stderr
    assert (work / "blob.sql").read_bytes() == b"\x00\xff\x00garbage"
    assert "WITH (NOLOCK)" in (work / "ok.sql").read_text(encoding="utf-8")


def test_fix_follows_a_symlink_to_its_file(work: Path) -> None:
    target = work / "real.sql"
    target.write_text("SELECT * FROM APTH\n", encoding="utf-8")
    link = work / "link.sql"
    try:
        link.symlink_to(target)
    except OSError:
        pytest.skip("no symbolic links here")
    assert run("fix", "link.sql")[0] == 0
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "SELECT * FROM APTH WITH (NOLOCK)\n"


# --- the installed command, for real -------------------------------------------------------------


def test_the_console_script_checks_and_fixes(work: Path) -> None:
    script = Path(sys.executable).with_name("vgpt2")
    command = [str(script)] if script.exists() else [sys.executable, "-m",
                                                      "vgpt2.server.cli.main"]
    (work / "ap.sql").write_text(DIRTY, encoding="utf-8")
    checked = subprocess.run([*command, "check", "--format", "json", "ap.sql"], cwd=work,
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 1, checked.stderr
    assert {f["code"] for f in json.loads(checked.stdout)} >= FIXABLE
    fixed = subprocess.run([*command, "fix", "ap.sql"], cwd=work, capture_output=True,
                           text=True, timeout=120)
    assert fixed.returncode == 0, fixed.stderr
    again = subprocess.run([*command, "check", "ap.sql"], cwd=work, capture_output=True,
                           text=True, timeout=120)
    assert (again.returncode, again.stdout) == (0, "All checks passed (1 file).\n")
