"""Which compiled catalogs already passed SQLite's quick check, kept in the user cache.

Every open verifies a catalog, so that a damaged one is refused loudly; the quick
check is the one slow part (about 35 ms on the real catalog, a third of the
language server's catalog load). A file that passed it is recorded here by what
changes whenever its bytes can have changed: device, inode, size, mtime and ctime
(nanoseconds). A write in place changes mtime and ctime; a copy or rename over it
changes the inode; putting the mtime back (``touch -r``) still changes the ctime,
which programs cannot set back. Any difference means the record does not count, and the
file is checked again. A record is a small JSON file per catalog path, written
temp-then-rename; an unreadable or unwritable cache only means checking every time.

What this gives up: bit rot under an unchanged inode (no write, no ctime change)
is not caught at open; SQLite still reports it when the damaged page is read, and
the catalog then raises instead of answering (``Catalog.read_error``).
"""

from __future__ import annotations

import contextlib
import json
import os
import zlib
from pathlib import Path

__all__ = ["file_identity", "record_identity", "recorded_identity"]

FOLDER = "verified-catalogs"
"""The folder of records inside the cache directory."""

Identity = tuple[int, int, int, int, int]


def file_identity(path: Path) -> Identity | None:
    """(device, inode, size, mtime ns, ctime ns) of ``path``; None when it cannot be read."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _record_path(cache_dir: Path, path: Path) -> Path:
    # zlib, not hashlib (2.5 ms to import, on a path timed to the millisecond); two paths
    # sharing a name only overwrite each other's record: the record holds its path.
    name = str(path.resolve()).encode()
    return cache_dir / FOLDER / f"{zlib.crc32(name):08x}{zlib.adler32(name):08x}.json"


def recorded_identity(cache_dir: Path, path: Path) -> Identity | None:
    """The identity ``path`` had when it last passed the quick check; None if unknown."""
    record = _record_path(cache_dir, path)
    if record.parent.is_symlink() or record.is_symlink():
        return None  # never read through a link we did not make
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("path") != str(path.resolve()):
        return None
    identity = data.get("identity")
    if not (isinstance(identity, list) and len(identity) == 5
            and all(isinstance(n, int) for n in identity)):
        return None
    return (identity[0], identity[1], identity[2], identity[3], identity[4])


def record_identity(cache_dir: Path, path: Path, identity: Identity) -> None:
    """Remember that ``path`` passed the quick check with ``identity``; best effort."""
    record = _record_path(cache_dir, path)
    folder = record.parent
    with contextlib.suppress(OSError):
        if folder.is_symlink() or record.is_symlink():
            return
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{record.name}.{os.urandom(6).hex()}.tmp"
        try:
            temporary.write_text(json.dumps({"path": str(path.resolve()),
                                             "identity": list(identity)}), encoding="utf-8")
            os.replace(temporary, record)
        finally:
            temporary.unlink(missing_ok=True)
