"""T-SQL run on DuckDB: the rewrites sqlglot does not do, and what is not executable."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from vgpt2.catalog.catalog import Catalog
from vgpt2.training.eval.sampledb import BuildSummary, connect
from vgpt2.training.eval.transpile import NotExecutable, run, transpile


@pytest.fixture
def con(sample_dbs: BuildSummary) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(sample_dbs.databases[0])
    yield connection
    connection.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str, catalog: Catalog) -> list[tuple[object, ...]]:
    return run(con, transpile(sql, catalog).sql).rows


def test_nolock_is_checked_before_the_hints_are_dropped(sample_catalog: Catalog) -> None:
    query = transpile("SELECT h.APCo FROM dbo.APTH h WITH (NOLOCK) "
                      "JOIN APTL l ON l.APCo = h.APCo AND l.Mth = h.Mth "
                      "AND l.APTrans = h.APTrans", sample_catalog)
    assert query.without_nolock == ["APTL"] and not query.nolock
    assert "NOLOCK" not in query.sql.upper()
    ctes = transpile("WITH x AS (SELECT APCo FROM APTH WITH (NOLOCK)) SELECT * FROM x",
                     sample_catalog)
    assert ctes.nolock and ctes.tables == ["APTH"]


def test_string_plus_becomes_concatenation(con: duckdb.DuckDBPyConnection,
                                           sample_catalog: Catalog) -> None:
    got = rows(con, "SELECT TOP 1 v.Name + ' (' + CAST(v.Vendor AS varchar(10)) + ')' "
                    "FROM APVM v WITH (NOLOCK) ORDER BY v.VendorGroup, v.Vendor", sample_catalog)
    (text,) = got[0]
    assert isinstance(text, str) and text.endswith(")") and " (" in text
    # Numbers still add.
    assert rows(con, "SELECT 1 + 2", sample_catalog) == [(3,)]


def test_integer_division_is_integer_division(con: duckdb.DuckDBPyConnection,
                                              sample_catalog: Catalog) -> None:
    assert rows(con, "SELECT 7 / 2, 7.0 / 2", sample_catalog) == [(3, 3.5)]


def test_bit_apply_and_case_insensitive_comparison(con: duckdb.DuckDBPyConnection,
                                                   sample_catalog: Catalog) -> None:
    assert rows(con, "SELECT CAST(1 AS bit)", sample_catalog) == [(1,)]
    applied = rows(con, "SELECT v.Vendor, t.Total FROM APVM v WITH (NOLOCK) OUTER APPLY "
                        "(SELECT SUM(h.InvTotal) AS Total FROM APTH h WITH (NOLOCK) WHERE "
                        "h.VendorGroup = v.VendorGroup AND h.Vendor = v.Vendor) t",
                   sample_catalog)
    (vendors,) = con.execute("SELECT count(*) FROM APVM").fetchone() or (0,)
    assert len(applied) == vendors
    crossed = rows(con, "SELECT v.Vendor, t.APTrans FROM APVM v WITH (NOLOCK) CROSS APPLY "
                        "(SELECT TOP 1 h.APTrans FROM APTH h WITH (NOLOCK) WHERE "
                        "h.VendorGroup = v.VendorGroup AND h.Vendor = v.Vendor "
                        "ORDER BY h.APTrans) t", sample_catalog)
    assert 0 < len(crossed) <= vendors
    assert rows(con, "SELECT count(*) FROM APTH WITH (NOLOCK) WHERE OpenYN = 'y'",
                sample_catalog) == rows(con, "SELECT count(*) FROM APTH WITH (NOLOCK) "
                                             "WHERE OpenYN = 'Y'", sample_catalog)


def test_declared_variables_are_bound(con: duckdb.DuckDBPyConnection,
                                      sample_catalog: Catalog) -> None:
    bound = rows(con, "DECLARE @Co tinyint = 1;\nDECLARE @Mth smalldatetime;\n"
                      "SET @Mth = '2024-07-01';\nSELECT count(*) FROM dbo.APTH h WITH (NOLOCK) "
                      "WHERE h.APCo = @Co AND h.Mth >= @Mth", sample_catalog)
    plain = rows(con, "SELECT count(*) FROM dbo.APTH h WITH (NOLOCK) WHERE h.APCo = 1 "
                      "AND h.Mth >= '2024-07-01'", sample_catalog)
    assert bound == plain


@pytest.mark.parametrize(("sql", "reason"), [
    ("SELECT h.APCo FROM APTH h WITH (NOLOCK) WHERE h.APCo = @APCo", "@APCo is not declared"),
    ("SELECT * INTO #t FROM APTH", "writes a table"),
    ("SELECT * FROM #open_invoices", "temporary table"),
    ("INSERT INTO APTH (APCo) VALUES (1)", "only a SELECT"),
    ("SELECT FROM WHERE ((", "does not parse"),
])
def test_what_cannot_run_says_why(sample_catalog: Catalog, sql: str, reason: str) -> None:
    with pytest.raises(NotExecutable, match=reason):
        transpile(sql, sample_catalog)


def test_a_runtime_failure_is_not_executable(con: duckdb.DuckDBPyConnection,
                                             sample_catalog: Catalog) -> None:
    with pytest.raises(NotExecutable, match="DuckDB"):
        rows(con, "SELECT h.NoSuchColumn FROM APTH h WITH (NOLOCK)", sample_catalog)


def test_a_query_that_runs_too_long_is_stopped(con: duckdb.DuckDBPyConnection) -> None:
    # Counting 10^13 rows would take hours; the timer interrupts it.
    with pytest.raises(NotExecutable, match="timed out"):
        run(con, "SELECT count(*) FROM range(10000000000000) a WHERE a.range % 7 = 3",
            timeout=1.0)
    assert con.execute("SELECT 1").fetchall() == [(1,)]  # the connection still works
