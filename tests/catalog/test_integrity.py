"""Opening a compiled catalog verifies it, and a damaged one is a loud error, never "no findings".

Each case damages a copy of a good catalog the way a user's disk, copy or editor
does, and checks that vgpt2 names the file, says what is wrong and how to fix it.
"""

from __future__ import annotations

import os
import random
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from vgpt2.catalog import catalog as catalog_module
from vgpt2.catalog.build import build_catalog, open_catalog
from vgpt2.catalog.catalog import Catalog, CatalogError
from vgpt2.server.analysis.analyzer import RuleSettings, analyze

from .test_build import APTL_DDL
from .test_metadata_import import ap_export

REBUILD = "vgpt2 catalog build"


@pytest.fixture()
def good(tmp_path: Path) -> Path:
    script = tmp_path / "aptl.sql"
    script.write_text(APTL_DDL, encoding="utf-8")
    output = tmp_path / "good.vgpt2db"
    build_catalog([ap_export(tmp_path / "export"), script], output)
    return output


def _sql(statement: str) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        connection = sqlite3.connect(path)
        try:
            connection.execute(statement)
            connection.commit()
        finally:
            connection.close()
    return damage


def _random_bytes(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 2000] = random.Random(8).randbytes(2000)
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 3])


def _other_database(path: Path) -> None:
    path.unlink()
    _sql("CREATE TABLE t (x)")(path)


DAMAGE: dict[str, tuple[Callable[[Path], object], str]] = {
    "columns table dropped": (_sql("DROP TABLE columns"), "table columns missing"),
    "a column dropped": (_sql("ALTER TABLE objects DROP COLUMN family"),
                         "table objects lacks column family"),
    "random bytes in the second half": (_random_bytes, "damaged"),
    "truncated to a third": (_truncate, "damaged"),
    "zero bytes": (lambda p: p.write_bytes(b""), "empty (0 bytes)"),
    "not a database": (lambda p: p.write_bytes(b"PK\x03\x04" + bytes(500)), "not an SQLite"),
    "another SQLite database": (_other_database, "no meta table"),
    "unknown object type": (_sql("UPDATE objects SET type = 'sequence' WHERE name = 'APTH'"),
                            "unknown type 'sequence'"),
}


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_a_damaged_catalog_fails_to_open_naming_the_file_and_the_fix(
        good: Path, tmp_path: Path, case: str) -> None:
    damage, expected = DAMAGE[case]
    copy = tmp_path / "copy.vgpt2db"
    copy.write_bytes(good.read_bytes())
    damage(copy)
    with pytest.raises(CatalogError) as raised:
        Catalog.open(copy)
    message = str(raised.value)
    assert str(copy) in message
    assert expected in message
    assert REBUILD in message or "rebuild it" in message


def test_a_good_catalog_passes_the_checks(good: Path) -> None:
    catalog = Catalog.open(good)
    assert catalog.stats()["tables"] == 2
    assert catalog.read_error is None


def test_a_read_failing_after_open_is_an_error_not_an_empty_answer(good: Path) -> None:
    catalog = Catalog.open(good)
    _sql("DROP TABLE columns")(good)  # another program damages the file while it is open
    with pytest.raises(CatalogError, match="no such table: columns"):
        catalog.columns("APTH")
    assert catalog.read_error is not None and "rebuild" in catalog.read_error
    with pytest.raises(CatalogError):
        analyze("SELECT h.Vendor FROM APTH h WITH (NOLOCK)\n", catalog, RuleSettings())


@pytest.fixture()
def quick_checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files SQLite's quick check ran on, in order."""
    calls: list[Path] = []
    real = catalog_module.quick_check

    def spy(connection: sqlite3.Connection, path: Path) -> None:
        calls.append(path)
        real(connection, path)

    monkeypatch.setattr(catalog_module, "quick_check", spy)
    return calls


def test_a_verified_catalog_is_quick_checked_again_only_when_the_file_changed(
        good: Path, tmp_path: Path, quick_checks: list[Path]) -> None:
    cache = tmp_path / "cache"
    for _ in range(3):
        Catalog.open(good, verified_in=cache, copy=True).close()
    assert quick_checks == [good]
    stat = good.stat()
    os.utime(good, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # touched
    Catalog.open(good, verified_in=cache).close()
    Catalog.open(good, verified_in=cache).close()
    assert quick_checks == [good, good]
    replaced = tmp_path / "new.vgpt2db"
    replaced.write_bytes(good.read_bytes())
    os.replace(replaced, good)  # another inode under the same name
    Catalog.open(good, verified_in=cache).close()
    assert quick_checks == [good, good, good]


def test_a_verified_catalog_damaged_in_place_is_refused_even_with_its_mtime_put_back(
        good: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    Catalog.open(good, verified_in=cache).close()
    verified = good.stat()
    with good.open("r+b") as stream:  # same size, same inode
        stream.seek(verified.st_size // 2)
        stream.write(random.Random(8).randbytes(2000))
    for _ in range(1000):  # put the mtime back until the ctime has moved on (coarse clocks)
        os.utime(good, ns=(verified.st_atime_ns, verified.st_mtime_ns))
        if good.stat().st_ctime_ns != verified.st_ctime_ns:
            break
        time.sleep(0.001)
    assert good.stat().st_mtime_ns == verified.st_mtime_ns
    with pytest.raises(CatalogError, match="damaged") as raised:
        Catalog.open(good, verified_in=cache)
    assert str(good) in str(raised.value)


def test_an_unwritable_cache_means_checking_every_time(
        good: Path, tmp_path: Path, quick_checks: list[Path]) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be", encoding="utf-8")
    Catalog.open(good, verified_in=not_a_folder).close()
    Catalog.open(good, verified_in=not_a_folder).close()
    assert quick_checks == [good, good]


def test_a_copy_stays_intact_when_the_file_is_overwritten_in_place(good: Path) -> None:
    kept = Catalog.open(good, copy=True)
    with good.open("r+b") as stream:  # in place, as `cp` or an editor's save does
        stream.write(random.Random(3).randbytes(good.stat().st_size))
    with pytest.raises(CatalogError):
        Catalog.open(good)
    assert [c.name for c in kept.columns("APTH")] == ["APCo", "Mth", "APTrans", "Vendor"]
    assert kept.join_path("APTL", "APTH") is not None


def test_a_catalog_is_recognised_by_its_content_whatever_its_name(
        good: Path, tmp_path: Path) -> None:
    other = tmp_path / "vista.db"
    other.write_bytes(good.read_bytes())
    catalog = open_catalog([other], tmp_path / "cache")
    assert "APTH" in catalog
    assert any(".vgpt2db" in notice for notice in catalog.notices)
    assert not list((tmp_path / "cache").glob("*.vgpt2db")), "opened as it is, not compiled"
    assert open_catalog([good], None).notices == []


def test_a_damaged_catalog_with_another_name_is_reported_as_a_catalog(
        good: Path, tmp_path: Path) -> None:
    other = tmp_path / "vista.db"
    other.write_bytes(good.read_bytes()[:4096])
    with pytest.raises(CatalogError, match="damaged or truncated"):
        open_catalog([other], tmp_path / "cache")


@pytest.fixture()
def umask() -> Iterator[Callable[[int], int]]:
    previous = os.umask(0o022)
    try:
        yield os.umask
    finally:
        os.umask(previous)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_a_compiled_catalog_honours_the_umask(tmp_path: Path, umask: Callable[[int], int],
                                               mask: int, mode: int) -> None:
    umask(mask)
    output = tmp_path / "team.vgpt2db"
    build_catalog([ap_export(tmp_path / "export")], output)
    assert stat.S_IMODE(output.stat().st_mode) == mode


def test_the_build_records_its_import_problems(tmp_path: Path) -> None:
    export = ap_export(tmp_path / "export")
    objects = (export / "objects.json").read_text(encoding="utf-8")
    (export / "objects.json").write_text(objects.replace('"bspAPVal"', '"bspAPVal "'),
                                         encoding="utf-8")
    output = tmp_path / "c.vgpt2db"
    build_catalog([export], output)
    issues, counts = Catalog.open(output).import_problems()
    assert counts == {"error": 0, "warning": 1}
    (issue,) = issues
    assert issue.path == export / "objects.json" and issue.line is not None
    assert "surrounding spaces" in issue.message
