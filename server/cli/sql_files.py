"""Reading and rewriting the user's SQL files for ``vgpt2 check`` and ``vgpt2 fix``.

The rules, because these are the user's own files:

* only regular files are read: a FIFO, a device or a socket named on the command
  line is skipped, never opened for reading in a way that could block;
* a file is replaced temp-then-rename in its own folder, keeping its mode and
  owner, and only when it still holds exactly what was read;
* a read-only file, or one whose owner a rename could not keep, is left alone
  unless the user says ``--force``.

The "still holds what was read" check runs twice: before the new text is
written and again immediately before the rename. Between that last check and
the rename a few microseconds remain in which another program's write would be
lost: the same window every editor's save has. Nothing short of a lock every
writer honours closes it, and SQL files have none.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from vgpt2.server.analysis.fixing import BinaryFileError, SourceText, decode_source
from vgpt2.server.analysis.report import Problem, ProblemKind

SQL_SUFFIX = ".sql"


class UsageError(Exception):
    """A path on the command line that does not exist."""


def collect_files(paths: list[Path]) -> list[Path]:
    """Files named as given; folders searched recursively for *.sql, sorted, hidden ones skipped.

    Raises :class:`UsageError` naming every path that does not exist, before
    anything is checked. Inside folders only regular files are taken (a FIFO
    named ``x.sql`` there is not a SQL file); a path named on the command line is
    taken as it is, and :func:`read_sql` skips it if it is not a regular file.
    """
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        raise UsageError("no such file or folder: " + ", ".join(str(p) for p in missing))
    files: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        found = [path] if not path.is_dir() else sorted(
            f for f in path.rglob("*")
            if f.suffix.lower() == SQL_SUFFIX and f.is_file()
            and not any(part.startswith(".") for part in f.relative_to(path).parts))
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files


def display_path(path: Path) -> str:
    """Relative to the working folder when inside it (as ruff shows paths), else as given."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


@dataclass(frozen=True, slots=True)
class ReadFile:
    path: Path
    shown: str
    data: bytes
    source: SourceText
    info: os.stat_result


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns) == (
        b.st_dev, b.st_ino, b.st_size, b.st_mtime_ns)


def _read_regular(path: Path) -> tuple[bytes, os.stat_result] | None:
    """The bytes and status of a regular file; None when it is something else.

    Opened non-blocking, so a FIFO swapped in after the first look cannot hang
    the command, and checked again on the open descriptor.
    """
    if not stat.S_ISREG(path.stat().st_mode):
        return None
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None
        return stream.read(), info


def read_sql(path: Path) -> ReadFile | Problem:
    """Bytes -> text (UTF-8, UTF-16 with BOM, Windows-1252); a Problem instead of an exception."""
    shown = display_path(path)
    try:
        found = _read_regular(path)
    except OSError as error:
        return Problem(shown, f"{shown}: cannot read: {error.strerror or error}")
    if found is None:
        return Problem(shown, f"{shown}: not a regular file; skipped", ProblemKind.SKIPPED)
    data, info = found
    try:
        source = decode_source(data)
    except BinaryFileError as error:
        return Problem(shown, f"{shown}: binary file, skipped: {error}", ProblemKind.BINARY)
    return ReadFile(path, shown, data, source, info)


class WriteOutcome(Enum):
    WRITTEN = "written"
    CHANGED = "changed"
    """The file changed since it was read; nothing was written."""
    READ_ONLY = "read-only"
    """The file is read-only (or not writable by this user) and ``force`` was not given."""
    OWNER = "owner"
    """A rename would give the file another owner and ``force`` was not given."""
    NOT_REGULAR = "not-regular"


def _unchanged(target: Path, read: ReadFile) -> bool:
    """True when ``target`` still holds exactly the bytes of ``read``."""
    try:
        current = target.stat()
        if not _same_file(current, read.info):
            return False
        with open(target, "rb") as stream:
            return stream.read() == read.data
    except OSError:
        return False


def _read_only(info: os.stat_result, target: Path) -> bool:
    """No write bit at all (0444), or not writable by this user (root writes anything, so
    the mode bits decide for it)."""
    return not (info.st_mode & 0o222) or not os.access(target, os.W_OK)


def _keep_owner(descriptor: int, info: os.stat_result) -> bool:
    """Give the new file the original's owner and group; False when this user cannot."""
    chown = getattr(os, "fchown", None)
    if chown is None:  # pragma: no cover - Windows: a rename keeps no owner to lose
        return True
    if (info.st_uid, info.st_gid) == (os.fstat(descriptor).st_uid, os.fstat(descriptor).st_gid):
        return True
    try:
        chown(descriptor, info.st_uid, info.st_gid)
    except PermissionError:
        return False
    return True


def write_if_unchanged(read: ReadFile, data: bytes, *, force: bool = False) -> WriteOutcome:
    """Atomically replace the file with ``data`` unless it changed since ``read``.

    The new content goes to a fresh temporary file in the same folder (created
    exclusively, never through a link), gets the original's mode and owner, is
    flushed to disk, and then replaces the original (``os.replace``); a symbolic
    link keeps pointing at the file it named. See the module docstring for the
    window that remains.
    """
    target = read.path.resolve()
    try:
        current = target.stat()
    except FileNotFoundError:
        return WriteOutcome.CHANGED
    if not stat.S_ISREG(current.st_mode):
        return WriteOutcome.NOT_REGULAR
    if not _unchanged(target, read):
        return WriteOutcome.CHANGED
    if not force and _read_only(current, target):
        return WriteOutcome.READ_ONLY
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                         suffix=".vgpt2-tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            if not _keep_owner(stream.fileno(), current) and not force:
                Path(temporary).unlink()
                return WriteOutcome.OWNER
            stream.write(data)
            stream.flush()
            if hasattr(os, "fchmod"):
                os.fchmod(stream.fileno(), stat.S_IMODE(current.st_mode))
            else:  # pragma: no cover - Windows
                os.chmod(temporary, stat.S_IMODE(current.st_mode))
            os.fsync(stream.fileno())
        if not _unchanged(target, read):
            Path(temporary).unlink()
            return WriteOutcome.CHANGED
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return WriteOutcome.WRITTEN
