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


# --- line endings, binary files, configuration errors ------------------------------------------


def test_a_cr_only_file_gets_the_findings_of_its_lf_twin(work: Path) -> None:
    text = "-- AP invoices\n" + DIRTY
    (work / "lf.sql").write_text(text, encoding="utf-8", newline="")
    (work / "cr.sql").write_text(text.replace("\n", "\r"), encoding="utf-8", newline="")
    _, findings = check_json("lf.sql", "cr.sql")
    where = {name: [(f["code"], f["line"], f["column"], f["end_line"], f["end_column"])
                    for f in findings if f["path"] == name] for name in ("lf.sql", "cr.sql")}
    assert len(where["lf.sql"]) == 5
    assert where["cr.sql"] == where["lf.sql"]


def test_a_binary_file_is_said_to_be_skipped_not_passed(work: Path) -> None:
    (work / "dump.sql").write_bytes(b"TAPE\x00\x01\x02" * 50)
    code, stdout, stderr = run("check", "dump.sql")
    assert code == 2
    assert "dump.sql: binary file, skipped" in stderr
    assert "All checks passed" not in stdout
    assert stdout.strip() == (
        "No findings in 0 files; 1 file could not be checked (1 binary, skipped).")


def test_every_configuration_error_is_reported_with_its_line(work: Path) -> None:
    (work / "x.sql").write_text(CLEAN, encoding="utf-8")
    (work / "vgpt2.toml").write_text(
        'catalogs = ["typo"]\n\n[rules]\nVG999 = "error"\nVG004 = "loud"\nVG005 = "off"\n',
        encoding="utf-8")
    for command in ("check", "fix"):
        code, _, stderr = run(command, "x.sql")
        assert code == 2
        lines = stderr.splitlines()
        assert [line.split(": ", 2)[1] for line in lines] == [
            f"{work / 'vgpt2.toml'}:1", f"{work / 'vgpt2.toml'}:4", f"{work / 'vgpt2.toml'}:5"]
        assert "catalogs: Extra inputs are not permitted" in lines[0]
        assert "rules.VG999: unknown rule code 'VG999'" in lines[1]
        assert "rules.VG004: 'loud' is not a rule level" in lines[2]


def test_a_toml_syntax_error_names_its_line(work: Path) -> None:
    (work / "x.sql").write_text(CLEAN, encoding="utf-8")
    (work / "vgpt2.toml").write_text('[rules]\nVG004 = "error"\n[broken\n', encoding="utf-8")
    code, _, stderr = run("check", "x.sql")
    assert code == 2
    assert f"error: {work / 'vgpt2.toml'}:3: " in stderr


# --- diffs that git apply and patch -p1 accept ---------------------------------------------------


def _git(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          check=False)


@pytest.mark.skipif(not (shutil.which("git") and shutil.which("patch")),
                    reason="needs git and patch")
def test_fix_diff_applies_with_git_and_patch_outside_a_repository(work: Path) -> None:
    (work / "reports").mkdir()
    (work / "reports" / "ap.sql").write_text(DIRTY, encoding="utf-8")
    code, diff, _ = run("fix", "--diff", "reports/ap.sql")
    assert code == 1
    assert diff.startswith("--- a/reports/ap.sql\n+++ b/reports/ap.sql\n")
    applied = subprocess.run(["git", "apply", "--check"], input=diff, cwd=work,
                             capture_output=True, text=True, timeout=120, check=False)
    assert applied.returncode == 0, applied.stderr
    dry = subprocess.run(["patch", "-p1", "--dry-run"], input=diff, cwd=work,
                         capture_output=True, text=True, timeout=120, check=False)
    assert dry.returncode == 0, dry.stdout + dry.stderr


@pytest.mark.skipif(not (shutil.which("git") and shutil.which("patch")),
                    reason="needs git and patch")
def test_fix_diff_headers_are_relative_to_the_git_root(work: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from a subfolder of a repository, naming a file elsewhere in it (``../``): the
    names are relative to the top of the work tree, never ``a/../``."""
    assert _git("init", "-q", cwd=work).returncode == 0
    (work / "sql" / "ap").mkdir(parents=True)
    (work / "sql" / "ap" / "x.sql").write_text(DIRTY, encoding="utf-8")
    (work / "tools").mkdir()
    monkeypatch.chdir(work / "tools")
    code, diff, stderr = run("fix", "--diff", "../sql/ap/x.sql")
    assert code == 1
    assert diff.startswith("--- a/sql/ap/x.sql\n+++ b/sql/ap/x.sql\n")
    assert f"relative to {work}; apply it there" in stderr
    applied = subprocess.run(["git", "apply", "--check"], input=diff, cwd=work,
                             capture_output=True, text=True, timeout=120, check=False)
    assert applied.returncode == 0, applied.stderr
    dry = subprocess.run(["patch", "-p1", "--dry-run"], input=diff, cwd=work,
                         capture_output=True, text=True, timeout=120, check=False)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    # from the subfolder holding the file: names relative to it, for both tools there
    monkeypatch.chdir(work / "sql")
    _, inner, _ = run("fix", "--diff", "ap/x.sql")
    assert inner.startswith("--- a/ap/x.sql\n+++ b/ap/x.sql\n")
    for command in (["git", "apply", "--check"], ["patch", "-p1", "--dry-run"]):
        result = subprocess.run(command, input=inner, cwd=work / "sql", capture_output=True,
                                text=True, timeout=120, check=False)
        assert result.returncode == 0, (command, result.stdout + result.stderr)
    subprocess.run(["git", "apply"], input=diff, cwd=work, check=True, timeout=120, text=True)
    monkeypatch.chdir(work)
    assert run("check", "sql/ap/x.sql")[0] == 0


def test_fix_diff_warns_about_a_file_outside_the_working_folder(
        work: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.sql"
    outside.write_text(DIRTY, encoding="utf-8")
    code, diff, stderr = run("fix", "--diff", str(outside))
    assert code == 1
    assert f"{outside} is outside {work}" in stderr
    assert "a/../" not in diff


def test_fix_diff_keeps_form_feeds_inside_their_line(work: Path) -> None:
    """patch and git split lines at \\n only; str.splitlines would split at \\f too."""
    (work / "ff.sql").write_text("-- page\f break\nSELECT * FROM APTH\n", encoding="utf-8")
    _, diff, _ = run("fix", "--diff", "ff.sql")
    assert "\\ No newline at end of file" not in diff
    assert " -- page\f break\n" in diff
    if shutil.which("patch"):
        dry = subprocess.run(["patch", "-p1", "--dry-run"], input=diff, cwd=work,
                             capture_output=True, text=True, timeout=120, check=False)
        assert dry.returncode == 0, dry.stdout + dry.stderr


def test_sarif_locations_resolve_against_the_working_folder(work: Path) -> None:
    (work / "ap.sql").write_text(DIRTY, encoding="utf-8")
    _, stdout, _ = run("check", "--format", "sarif", "ap.sql")
    (sarif_run,) = json.loads(stdout)["runs"]
    base = sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == work.as_uri() + "/"
    for result in sarif_run["results"]:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location == {"uri": "ap.sql", "uriBaseId": "%SRCROOT%"}


def test_large_counts_have_thousands_separators(work: Path) -> None:
    (work / "many.sql").write_text("SELECT * FROM APTH\n" * 1_200, encoding="utf-8")
    code, stdout, _ = run("check", "many.sql")
    assert code == 1
    assert stdout.splitlines()[-1].startswith(
        "Found 1,200 findings (1,200 warnings) in 1 of 1 file; 1,200 fixable")
    code, stdout, _ = run("fix", "many.sql")
    assert code == 0
    assert "many.sql: applied 1,200 fixes" in stdout
    assert "Applied 1,200 fixes in 1 file." in stdout


# --- long runs -----------------------------------------------------------------------------------


def test_progress_on_request_and_a_warning_for_huge_files(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vgpt2.server.cli import progress

    (work / "a.sql").write_text(CLEAN, encoding="utf-8")
    (work / "b.sql").write_text("SELECT * FROM APTH\n" * 20, encoding="utf-8")
    code, _, stderr = run("check", "--progress", "a.sql", "b.sql")
    assert code == 1
    assert "[1/2] checking a.sql (" in stderr and "[2/2] checking b.sql (380 bytes)" in stderr
    code, _, stderr = run("check", "a.sql", "b.sql")
    assert "checking" not in stderr  # not a terminal, not asked: quiet
    monkeypatch.setattr(progress, "LARGE_FILE_BYTES", 100)
    code, _, stderr = run("fix", "--progress", "b.sql")
    assert code == 0
    assert "warning: b.sql is 380 bytes; files this large take minutes" in stderr
    assert "analysis round 1" in stderr


def test_each_file_is_reported_before_the_next_is_analyzed(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Text results stream: a run over many files holds one file's text at a time."""
    (work / "a.sql").write_text("SELECT * FROM APTH\n", encoding="utf-8")
    (work / "b.sql").write_text("SELECT * FROM APTL\n", encoding="utf-8")
    real = check_commands.analyze
    seen: list[str] = []

    def analyze(text: str, *args: Any, **kwargs: Any) -> Any:
        sys.stdout.flush()
        seen.append(sys.stdout.buffer.getvalue().decode())  # type: ignore[attr-defined]
        return real(text, *args, **kwargs)

    monkeypatch.setattr(check_commands, "analyze", analyze)
    assert run("check", "a.sql", "b.sql")[0] == 1
    assert seen[0] == "" and seen[1].startswith("a.sql:1:15: VG004 ")


# --- start-up ------------------------------------------------------------------------------------


def test_version(work: Path) -> None:
    from importlib import metadata

    code, stdout, _ = run("--version")
    assert (code, stdout) == (0, f"vgpt2 {metadata.version('vgpt2')}\n")
    script = subprocess.run([sys.executable, "-m", "vgpt2.server.cli.main", "--version"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert (script.returncode, script.stdout) == (0, stdout)


HEAVY = ("sqlglot", "pydantic", "rich", "vgpt2.catalog", "vgpt2.server.analysis",
         "vgpt2.server.config")


@pytest.mark.parametrize("args", [["--help"], ["--version"], []])
def test_help_and_version_import_nothing_heavy(args: list[str]) -> None:
    probe = ("import sys\n"
             f"sys.argv = ['vgpt2', *{args!r}]\n"
             "from vgpt2.server.cli.main import run\n"
             "try:\n    run()\nexcept SystemExit:\n    pass\n"
             f"heavy = sorted(m for m in sys.modules if m.startswith({HEAVY!r}))\n"
             "print('HEAVY', heavy)\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=120, check=False)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr
    if args == ["--help"]:
        for command in ("catalog", "check", "fix", "lsp", "doctor"):
            assert f"  {command} " in result.stdout


def test_the_command_list_matches_each_commands_own_help() -> None:
    from vgpt2.server.cli.main import COMMANDS, load_command

    for name, entry in COMMANDS.items():
        command = load_command(name)
        assert command.name == name
        first = " ".join((command.help or "").split("\n\n")[0].split())
        assert first == entry.summary, name


def test_the_progress_bar_leaves_piped_output_on_stdout(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """stderr a terminal (the bar shows), stdout piped into a file: the diff stays there."""
    from rich.console import Console

    monkeypatch.setattr(Console, "is_terminal", property(lambda self: True))
    (work / "ap.sql").write_text(DIRTY, encoding="utf-8")
    code, stdout, _ = run("fix", "--diff", "--progress", "ap.sql")
    assert code == 1
    assert stdout.startswith("--- a/ap.sql\n+++ b/ap.sql\n")
    code, stdout, _ = run("check", "--progress", "ap.sql")
    assert stdout.startswith("ap.sql:2:6: VG004 ")


def test_fix_keeps_cr_only_line_endings_and_its_diff_applies(work: Path) -> None:
    path = work / "cr.sql"
    path.write_bytes(b"-- old Mac file\rSELECT * FROM APTH\rGO\rSELECT * FROM APTL\r")
    result = runner.invoke(app, ["fix", "--diff", "cr.sql"])
    assert result.exit_code == 1
    diff = result.stdout_bytes  # .stdout turns the \r\n a CR-only line's end makes into \n
    if shutil.which("git"):
        applied = subprocess.run(["git", "apply", "--check"], input=diff, cwd=work,
                                 capture_output=True, timeout=120, check=False)
        assert applied.returncode == 0, applied.stderr
    assert run("fix", "cr.sql")[0] == 0
    assert path.read_bytes() == (b"-- old Mac file\rSELECT * FROM APTH WITH (NOLOCK)\rGO\r"
                                 b"SELECT * FROM APTL WITH (NOLOCK)\r")
