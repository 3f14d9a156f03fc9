"""Check, fix and judge a candidate query; repair messages and refusals."""

from __future__ import annotations

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.generation.repair import (
    check_candidate,
    closest_objects,
    missing_named_objects,
    objects_read,
    repair_request,
)


def test_deterministic_fixes_make_a_query_deliverable(sample_catalog: Catalog) -> None:
    outcome = check_candidate(sample_catalog, "SELECT j.job FROM bjcjm j WHERE j.JCCo = 1")
    assert outcome.deliverable, outcome.blocking
    assert outcome.sql == "SELECT j.Job FROM JCJM j WITH (NOLOCK) WHERE j.JCCo = 1"
    assert outcome.fixes_applied >= 3
    assert outcome.objects == ["JCJM"] and outcome.findings == []


def test_unknown_names_block_with_did_you_mean(sample_catalog: Catalog) -> None:
    outcome = check_candidate(sample_catalog, "SELECT Name FROM Customers WITH (NOLOCK)")
    assert not outcome.deliverable
    problem = outcome.blocking[0]
    assert problem.code == "VG001" and "ARCM" in problem.related
    assert problem.line == 1 and problem.column == 18


def test_warnings_without_fix_do_not_block(sample_catalog: Catalog) -> None:
    outcome = check_candidate(sample_catalog, "SELECT j.Job FROM JCCD j WITH (NOLOCK) "
                                              "WHERE j.Mth = '2024-03-15'")
    assert outcome.deliverable
    assert [f.code for f in outcome.findings] == ["VG007"]


def test_gates_beyond_the_analyzer(sample_catalog: Catalog) -> None:
    for sql in ("SELECT a FROM #missing", "SELECT h.APRef FROM Other.dbo.APTH h WITH (NOLOCK)",
                "SELECT j.Job FROM JCJM j WITH (NOLOCK) WHERE COUNT(*) > 1",
                "SELECT j.Job FROM JCJM j WITH (NOLOCK) WHERE * = 1",
                "DECLARE @x int = 1",
                "SELECT a.x FROM OPENROWSET('SQLNCLI', 'Server=elsewhere;', 'SELECT 1') AS a",
                "SELECT * FROM OPENQUERY(srv, 'SELECT 1')",
                "SELECT j.Job INTO dbo.JobCopy FROM JCJM j WITH (NOLOCK)",
                "WITH x AS (SELECT j.Job FROM JCJM j WITH (NOLOCK)) DELETE FROM JCJM"):
        assert not check_candidate(sample_catalog, sql).deliverable, sql
    created = "SELECT j.Job INTO #t FROM JCJM j WITH (NOLOCK);\nSELECT Job FROM #t;"
    assert check_candidate(sample_catalog, created).deliverable


def test_repair_request_names_the_problems_and_the_query(sample_catalog: Catalog) -> None:
    outcome = check_candidate(sample_catalog, "SELECT v.VendorName FROM APVM v WITH (NOLOCK)")
    text = repair_request(outcome.blocking, outcome.sql, "")
    assert "VG002" in text and "VendorName" in text and "```sql" in text
    assert "could not be used" in repair_request([], None, "the reply was empty")


def test_closest_objects_for_customers(sample_catalog: Catalog) -> None:
    assert closest_objects(sample_catalog, "Customers")[0] == "ARCM"
    assert "JCJM" in closest_objects(sample_catalog, "JCJN")


def test_missing_named_objects(sample_catalog: Catalog) -> None:
    assert missing_named_objects(sample_catalog, "rows of the Customers table") == ["Customers"]
    assert missing_named_objects(sample_catalog, "columns of [Invoices]") == ["Invoices"]
    assert missing_named_objects(sample_catalog, "what is in `JCJM`") == []
    assert missing_named_objects(sample_catalog, "show the job cost table") == []
    assert missing_named_objects(sample_catalog, "The APTH table") == []


def test_objects_read_in_order(sample_catalog: Catalog) -> None:
    sql = "SELECT 1 FROM APTL l JOIN bAPTH h ON 1 = 1 JOIN apvm v ON 1 = 1"
    assert objects_read(sample_catalog, sql) == ["APTL", "bAPTH", "APVM"]


def test_independent_name_check_agrees_with_the_catalog(sample_catalog: Catalog) -> None:
    import sqlglot
    from vgpt2.server.generation.repair import _names_outside_the_catalog

    def problems(sql: str) -> list[str]:
        return [p.code for p in _names_outside_the_catalog(
            sample_catalog, sqlglot.parse_one(sql, read="tsql"))]

    assert problems("SELECT h.APRef, l.GrossAmt FROM APTH h JOIN APTL l ON l.APCo = h.APCo") == []
    assert problems("WITH x AS (SELECT Job FROM JCJM) SELECT x.Job FROM x JOIN #t t ON 1 = 1 "
                    "JOIN @v v ON 1 = 1") == []
    assert problems("SELECT c.Name FROM Customers c") == ["VG001"]
    assert problems("SELECT h.Nope FROM APTH h") == ["VG002"]
    # The same alias for two objects in two scopes: no verdict rather than a wrong one.
    assert problems("SELECT a.APRef FROM APTH a WHERE EXISTS (SELECT 1 FROM APTL a "
                    "WHERE a.GrossAmt > 0)") == []


def test_missing_names_of_any_case(sample_catalog: Catalog) -> None:
    assert missing_named_objects(sample_catalog, "what does the vAPTHX view hold") == ["vAPTHX"]
    assert missing_named_objects(sample_catalog, "show me the vSMFoo table") == ["vSMFoo"]
    assert missing_named_objects(sample_catalog, "rows in the udJob_2 table") == ["udJob_2"]
    # Real objects in any case, and plain lower-case words, are not missing.
    assert missing_named_objects(sample_catalog, "show me the bAPTH table") == []
    assert missing_named_objects(sample_catalog, "rows of the apth table") == []
    assert missing_named_objects(sample_catalog, "the vendor view and the job cost table") == []


def test_real_base_tables_named_in_lower_case_are_not_missing(real_catalog: Catalog) -> None:
    assert missing_named_objects(real_catalog, "rows of the vSMWorkOrder table") == []
    assert missing_named_objects(real_catalog, "rows of the vSMWorkOrderX table") == [
        "vSMWorkOrderX"]


def test_closest_objects_read_what_the_name_says(sample_catalog: Catalog) -> None:
    # Spelling finds nothing like INBarcodeScan; its module and words find inventory.
    barcode = closest_objects(sample_catalog, "INBarcodeScan")
    assert barcode and all(name.startswith("IN") for name in barcode), barcode
    assert "EMEM" in closest_objects(sample_catalog, "EMEquipment")


def test_real_closest_objects_name_the_equipment_master(real_catalog: Catalog) -> None:
    assert "EMEM" in closest_objects(real_catalog, "EMEquipment")
    assert "INMT" in closest_objects(real_catalog, "INBarcodeScan")
    assert closest_objects(real_catalog, "Customers")[0] == "ARCM"
