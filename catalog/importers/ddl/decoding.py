"""Reading script files: their encoding, whether they are text at all, and which files.

SQL Source Control writes UTF-8, SSMS's "Unicode" is UTF-16 (with or without a
BOM), and old scripts are Windows-1252; a catalog build given a folder must also
skip a stray binary file with a clear issue instead of importing noise.
"""

from __future__ import annotations

from pathlib import Path

from vgpt2.catalog.model import ImportResult


def decode_sql_bytes(data: bytes) -> str:
    """Text of a script file: UTF-8 (BOM or not), UTF-16 (SSMS's "Unicode"), else cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if len(data) >= 2 and len(data) % 2 == 0 and data.count(0) * 3 >= len(data):
        encoding = "utf-16-le" if data[1::2].count(0) >= data[0::2].count(0) else "utf-16-be"
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode("cp1252", errors="replace")


_CONTROL = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\r\f\v") | {"\ufffd"}


def looks_binary(text: str, sample: int = 65536) -> bool:
    """Whether decoded "text" is really binary data: a NUL, or many control characters.

    A script never holds a NUL once decoded (UTF-16 is decoded first); random bytes
    decoded as Windows-1252 are one part in eight controls or replacement marks.
    """
    head = text[:sample]
    if "\x00" in head:
        return True
    return bool(head) and sum(c in _CONTROL for c in head) * 20 > len(head)


def sql_files(path: Path, result: ImportResult) -> list[Path]:
    """The ``*.sql`` files under ``path`` (or ``path`` itself), in a stable order; problems
    listing them become issues."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        result.warn(path, None, "no such file or folder")
        return []
    try:
        files = [p for p in path.rglob("*") if p.suffix.lower() == ".sql" and p.is_file()]
    except OSError as error:
        result.warn(path, None, f"cannot list: {error}")
        return []
    return sorted(files, key=lambda p: (p.relative_to(path).as_posix().lower(), p.as_posix()))
