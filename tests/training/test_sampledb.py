"""Sample databases: Vista-shaped rows, deterministic per seed, different across databases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from vgpt2.catalog.catalog import Catalog
from vgpt2.training.eval import sampledb
from vgpt2.training.eval.sampledb import BuildSummary, SampleDBError, build, connect, table_rows


def test_view_and_base_table_return_the_same_rows(sample_dbs: BuildSummary) -> None:
    con = connect(sample_dbs.databases[0])
    try:
        for view, table in (("APTH", "bAPTH"), ("JCCM", "bJCCM"), ("PREH", "bPREH"),
                            ("SMWorkOrder", "vSMWorkOrder")):
            rows = sorted(con.execute(f"SELECT * FROM dbo.{view}").fetchall(), key=repr)
            base = sorted(con.execute(f"SELECT * FROM dbo.{table}").fetchall(), key=repr)
            assert rows and rows == base, view
    finally:
        con.close()


def test_children_reference_parents_through_the_whole_key(sample_dbs: BuildSummary) -> None:
    con = connect(sample_dbs.databases[1])
    try:
        orphans = con.execute(
            "SELECT count(*) FROM APTL l WHERE NOT EXISTS (SELECT 1 FROM APTH h WHERE "
            "h.APCo = l.APCo AND h.Mth = l.Mth AND h.APTrans = l.APTrans)").fetchone()
        lines = con.execute("SELECT count(*) FROM APTL").fetchone()
        assert orphans == (0,) and lines is not None and lines[0] > 0
        # JCCP carries the whole JCCH key: JCCo, Job, PhaseGroup, Phase, CostType.
        orphans = con.execute(
            "SELECT count(*) FROM JCCP p WHERE NOT EXISTS (SELECT 1 FROM JCCH h WHERE "
            "h.JCCo = p.JCCo AND h.Job = p.Job AND h.PhaseGroup = p.PhaseGroup "
            "AND h.Phase = p.Phase AND h.CostType = p.CostType)").fetchone()
        assert orphans == (0,)
        # Vendors on invoices exist in the vendor master of their group.
        orphans = con.execute(
            "SELECT count(*) FROM APTH h WHERE NOT EXISTS (SELECT 1 FROM APVM v WHERE "
            "v.VendorGroup = h.VendorGroup AND v.Vendor = h.Vendor)").fetchone()
        assert orphans == (0,)
        duplicates = con.execute(
            "SELECT count(*) FROM (SELECT APCo, Mth, APTrans FROM APTH "
            "GROUP BY ALL HAVING count(*) > 1)").fetchone()
        assert duplicates == (0,)
    finally:
        con.close()


def test_values_look_like_vista(sample_dbs: BuildSummary, sample_catalog: Catalog) -> None:
    con = connect(sample_dbs.databases[0])
    try:
        months = {r[0] for r in con.execute("SELECT DISTINCT Mth FROM APTH").fetchall()}
        assert months and all(m.day == 1 and m.time() == dt.time(0) for m in months)
        companies = {r[0] for r in con.execute("SELECT DISTINCT JCCo FROM JCJM").fetchall()}
        assert companies <= set(sampledb.COMPANIES) and len(companies) > 1
        flags = {r[0] for r in con.execute("SELECT DISTINCT OpenYN FROM APTH").fetchall()}
        assert flags <= {"Y", "N"}
        statuses = {r[0] for r in con.execute("SELECT DISTINCT JobStatus FROM JCJM").fetchall()}
        documented = {int(s.code) for s in sample_catalog.status_codes("JCJM", "JobStatus")}
        assert statuses and statuses <= documented
        # NULLs only where the column is nullable.
        obj = sample_catalog.get("bAPTH")
        assert obj is not None
        for column in obj.columns:
            (nulls,) = con.execute(
                f'SELECT count(*) FROM bAPTH WHERE "{column.name}" IS NULL').fetchone() or (0,)
            assert column.nullable or nulls == 0, column.name
    finally:
        con.close()


def test_same_seed_same_rows_other_database_other_rows(
        sample_catalog: Catalog, sample_dbs: BuildSummary, tmp_path: Path) -> None:
    again = build(sample_catalog, tmp_path / "again", databases=2, seed=0)
    names = ["APTH", "APTL", "JCJM", "PREH", "SMWorkOrder"]
    first = table_rows(sample_dbs.databases[0], names)
    assert table_rows(again.databases[0], names) == first
    assert table_rows(sample_dbs.databases[1], names) != first
    other_seed = build(sample_catalog, tmp_path / "seed7", databases=1, seed=7)
    assert table_rows(other_seed.databases[0], names) != first


def test_rows_bound_the_size(sample_catalog: Catalog, tmp_path: Path) -> None:
    small = build(sample_catalog, tmp_path / "small", databases=1, seed=0, rows=5)
    con = connect(small.databases[0])
    try:
        for name in ("APTH", "APTL", "JCCD", "GLDT"):
            (count,) = con.execute(f"SELECT count(*) FROM {name}").fetchone() or (0,)
            assert 1 <= count <= 5, name
    finally:
        con.close()


def test_a_failed_build_keeps_the_previous_one(sample_catalog: Catalog, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "db"
    good = build(sample_catalog, out, databases=1, seed=0, rows=5)
    before = table_rows(good.databases[0], ["APTH"])

    def broken(*args: object, **kwargs: object) -> tuple[int, int]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(sampledb, "_build_one", broken)
    with pytest.raises(RuntimeError):
        build(sample_catalog, out, databases=1, seed=3, rows=5)
    assert table_rows(out / "sample-1.duckdb", ["APTH"]) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db"]  # no temporary left behind


def test_refuses_a_folder_that_is_not_a_build(sample_catalog: Catalog, tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(SampleDBError, match="not empty"):
        build(sample_catalog, tmp_path / "mine", databases=1)
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep me"
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "mine")
    with pytest.raises(SampleDBError, match="symbolic link"):
        build(sample_catalog, link, databases=1)


def test_database_paths_need_a_manifest(tmp_path: Path) -> None:
    with pytest.raises(SampleDBError, match="not a sample database build"):
        sampledb.database_paths(tmp_path)


def test_real_catalog_builds(real_catalog: Catalog, tmp_path: Path) -> None:
    summary = build(real_catalog, tmp_path / "real", databases=1, seed=0, rows=3)
    assert summary.tables > 1000 and summary.views > 500
    con = connect(summary.databases[0])
    try:
        assert con.execute("SELECT count(*) FROM APTH").fetchone() == \
            con.execute("SELECT count(*) FROM bAPTH").fetchone()
        # A reporting view without a base table gets its columns' types from what it reads
        # (the export lists them as unknown): its amounts add up, its months are months.
        total, month = con.execute(
            "SELECT SUM(ContractAmt), MIN(Mth) FROM brvJCIDProjRev").fetchone() or (None, None)
        assert total is not None and month.day == 1
    finally:
        con.close()


def test_parallel_workers_build_the_same_databases(sample_catalog: Catalog,
                                                   tmp_path: Path) -> None:
    names = ["APTH", "APTL", "JCCP", "brvJCIDProjRev"]
    alone = build(sample_catalog, tmp_path / "alone", databases=2, seed=5, rows=8, workers=1)
    ticks: list[int] = []
    shared = build(sample_catalog, tmp_path / "shared", databases=2, seed=5, rows=8, workers=2,
                   progress=lambda what, done, total: ticks.append(done))
    for one, other in zip(alone.databases, shared.databases, strict=True):
        assert table_rows(one, names) == table_rows(other, names)
    assert ticks and ticks[-1] == 2 * (alone.tables + alone.views + alone.view_tables)
