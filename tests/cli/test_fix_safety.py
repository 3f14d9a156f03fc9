"""``vgpt2 fix`` never loses a write, never changes a file's mode or owner, never rewrites
a read-only file unasked, and never blocks on something that is not a regular file."""

from __future__ import annotations

import os
import stat
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner
from vgpt2.server.cli.main import app

runner = CliRunner()

DIRTY = "SELECT APRef FROM APTH\n"
FIXED = "SELECT APRef FROM APTH WITH (NOLOCK)\n"
APPENDED = "-- a line another program appended\n"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    return project


def test_a_write_after_the_first_check_is_not_lost(work: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program appends while fix writes its temporary file (after the first
    "unchanged" check): the check just before the rename sees it and fix refuses."""
    path = work / "ap.sql"
    path.write_text(DIRTY, encoding="utf-8")
    real_fsync = os.fsync
    appended = []

    def fsync_then_append(descriptor: int) -> None:
        real_fsync(descriptor)
        if not appended and os.fstat(descriptor).st_ino != path.stat().st_ino:
            with path.open("a", encoding="utf-8") as stream:  # the other program
                stream.write(APPENDED)
            appended.append(True)

    monkeypatch.setattr(os, "fsync", fsync_then_append)
    code, _, stderr = run("fix", "ap.sql")
    assert appended
    assert code == 1
    assert "ap.sql changed on disk while it was being fixed" in stderr
    assert path.read_text(encoding="utf-8") == DIRTY + APPENDED
    assert sorted(p.name for p in work.iterdir()) == ["ap.sql"]  # the temporary file is gone


def test_mode_is_kept(work: Path) -> None:
    path = work / "ap.sql"
    path.write_text(DIRTY, encoding="utf-8")
    path.chmod(0o604)
    assert run("fix", "ap.sql")[0] == 0
    assert path.read_text(encoding="utf-8") == FIXED
    assert stat.S_IMODE(path.stat().st_mode) == 0o604


def test_a_read_only_file_is_refused_unless_forced(work: Path) -> None:
    path = work / "ap.sql"
    path.write_text(DIRTY, encoding="utf-8")
    path.chmod(0o444)
    code, _, stderr = run("fix", "ap.sql")
    assert code == 1
    assert "ap.sql is read-only; not fixed (use --force" in stderr
    assert path.read_text(encoding="utf-8") == DIRTY
    code, stdout, _ = run("fix", "--force", "ap.sql")
    assert code == 0, stdout
    assert path.read_text(encoding="utf-8") == FIXED
    assert stat.S_IMODE(path.stat().st_mode) == 0o444  # still read-only


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="only root can give a file to another user")
def test_root_keeps_another_users_file_theirs(work: Path) -> None:
    path = work / "ap.sql"
    path.write_text(DIRTY, encoding="utf-8")
    os.chown(path, 65534, 65534)
    assert run("fix", "ap.sql")[0] == 0
    assert path.read_text(encoding="utf-8") == FIXED
    info = path.stat()
    assert (info.st_uid, info.st_gid) == (65534, 65534)


def test_a_file_a_rename_would_give_another_owner_is_refused(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not root, with a file another user owns but lets us write: a rename would make the
    file ours, so fix refuses unless forced. (Being another user is simulated: chown of the
    new file fails the way it does for anyone but root.)"""
    path = work / "ap.sql"
    path.write_text(DIRTY, encoding="utf-8")
    os.chown(path, os.getuid() + 1 if os.getuid() == 0 else os.getuid(), os.getgid())

    def refuse(descriptor: int, uid: int, gid: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "fchown", refuse)
    if path.stat().st_uid == os.getuid():
        pytest.skip("cannot make a file owned by another user here (not root)")
    code, _, stderr = run("fix", "ap.sql")
    assert code == 1
    assert "ap.sql belongs to another user" in stderr
    assert path.read_text(encoding="utf-8") == DIRTY
    assert sorted(p.name for p in work.iterdir()) == ["ap.sql"]
    assert run("fix", "--force", "ap.sql")[0] == 0
    assert path.read_text(encoding="utf-8") == FIXED


def test_a_fifo_on_the_command_line_is_skipped_not_waited_on(work: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    fifo = work / "pipe.sql"
    os.mkfifo(fifo)
    (work / "ap.sql").write_text(DIRTY, encoding="utf-8")
    outcome: dict[str, tuple[int, str, str]] = {}

    def fix_both() -> None:
        outcome["fix"] = run("fix", "pipe.sql", "ap.sql")
        outcome["check"] = run("check", "pipe.sql")

    worker = threading.Thread(target=fix_both, daemon=True)
    worker.start()
    worker.join(timeout=120)
    if worker.is_alive():  # it blocked on the FIFO: unblock it by writing, then fail
        with open(fifo, "w") as writer:
            writer.write("")
        worker.join(timeout=60)
        pytest.fail("vgpt2 blocked reading a FIFO")
    code, _, stderr = outcome["fix"]
    assert code == 2
    assert "pipe.sql: not a regular file; skipped" in stderr
    assert (work / "ap.sql").read_text(encoding="utf-8") == FIXED
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    code, stdout, _ = outcome["check"]
    assert code == 2
    assert "could not be checked (1 not a regular file, skipped)" in stdout
    assert "All checks passed" not in stdout


def test_the_window_is_documented_in_the_help() -> None:
    code, stdout, _ = run("fix", "--help")
    assert code == 0
    text = " ".join(stdout.replace("│", " ").split())
    assert "checked again just before the rename" in text
    assert "--force" in text


if sys.platform == "win32":  # pragma: no cover
    pytestmark = pytest.mark.skip("POSIX file modes and FIFOs")
