"""Each rule: true positives (code, exact span, message, fix round trip) and true negatives.

Small inline SQL against the real Vista catalog (and a few against the bundled
sample). A fix is checked by applying its edits from the end backwards and
re-analyzing: the finding it fixes is gone and no finding of a new kind appears.
"""

from __future__ import annotations

from collections import Counter

import pytest
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis import RULES, Edit, Finding, RuleSettings, Severity, analyze

# -- helpers -------------------------------------------------------------------------------------


def apply_edits(text: str, edits: tuple[Edit, ...] | list[Edit]) -> str:
    """Apply edits from the end of the text backwards so earlier offsets stay valid."""
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        assert 0 <= edit.start <= edit.end <= len(text)
        text = text[:edit.start] + edit.new_text + text[edit.end:]
    return text


def codes(text: str, catalog: Catalog) -> list[str]:
    return [f.code for f in analyze(text, catalog)]


def only(text: str, catalog: Catalog, code: str) -> Finding:
    """The one finding with ``code``; fails listing everything when there is not exactly one."""
    findings = analyze(text, catalog)
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, [(f.code, text[f.start:f.end], f.message) for f in findings]
    return matching[0]


def of(text: str, catalog: Catalog, code: str) -> list[Finding]:
    return [f for f in analyze(text, catalog) if f.code == code]


def round_trip(text: str, finding: Finding, catalog: Catalog, fix: int = 0) -> str:
    """Apply ``finding.fixes[fix]``: one fewer ``finding.code`` and no new code afterwards."""
    assert finding.fixes, f"{finding.code} offers no fix"
    fixed = apply_edits(text, finding.fixes[fix].edits)
    before = Counter(codes(text, catalog))
    before[finding.code] -= 1
    after = Counter(codes(fixed, catalog))
    grown = {code: n for code, n in after.items() if n > before[code]}
    assert not grown, (fixed, [(f.code, fixed[f.start:f.end], f.message)
                               for f in analyze(fixed, catalog)])
    return fixed


def span(text: str, finding: Finding) -> str:
    return text[finding.start:finding.end]


# -- the rule table ------------------------------------------------------------------------------


def test_rule_codes_are_the_public_contract() -> None:
    assert list(RULES) == [f"VG00{n}" for n in range(9)]
    assert RULES["VG004"].name == "missing-nolock"
    assert RULES["VG006"].name == "partial-key-join"


def test_findings_carry_their_rule_severity(real_catalog: Catalog) -> None:
    text = "SELECT j.Jobb FROM JCJM j"
    by_code = {f.code: f for f in analyze(text, real_catalog)}
    assert by_code["VG002"].severity is Severity.ERROR
    assert by_code["VG004"].severity is Severity.WARNING
    assert by_code["VG004"].name == "missing-nolock"


# -- VG000 syntax-error --------------------------------------------------------------------------


def test_vg000_half_typed_where(real_catalog: Catalog) -> None:
    text = "SELECT j.Job FROM JCJM j WITH (NOLOCK) WHERE j.JCCo ="
    finding = only(text, real_catalog, "VG000")
    assert span(text, finding) == "="
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith("syntax error")


def test_vg000_message_has_no_python_internals(real_catalog: Catalog) -> None:
    text = "SELECT j.Job FROM JCJM j WITH (NOLOCK) WHERE j.JCCo ="
    assert "<class" not in only(text, real_catalog, "VG000").message


@pytest.mark.parametrize(("text", "what", "at"), [
    ("SELECT 'abc FROM JCJM", "string", "'"),
    ("SELECT [Job FROM JCJM", "quoted name", "["),
])
def test_vg000_unterminated(text: str, what: str, at: str, real_catalog: Catalog) -> None:
    finding = only(text, real_catalog, "VG000")
    assert finding.message == f"unterminated {what}"
    assert span(text, finding) == at
    assert finding.start == text.index(at)


def test_vg000_unterminated_block_comment(real_catalog: Catalog) -> None:
    text = "/* never closed\nSELECT j.Job FROM JCJM j"
    finding = only(text, real_catalog, "VG000")
    assert "comment" in finding.message
    assert finding.start == 0


@pytest.mark.parametrize("text", [
    "SELECT h.Enable FROM HQDX h WITH (NOLOCK) WHERE h.Enable = 'Y'",
    "SELECT Enable, Co FROM HQDX WITH (NOLOCK)",
    "SELECT x.Enable FROM (SELECT Enable FROM HQDX WITH (NOLOCK)) x",
    "IF EXISTS (SELECT 1 FROM HQDX WITH (NOLOCK) WHERE Enable = 'Y') PRINT 'on'",
])
def test_a_column_named_enable_is_a_column_not_a_statement(text: str,
                                                           real_catalog: Catalog) -> None:
    """HQDX.Enable: ENABLE starts a statement only as ENABLE TRIGGER."""
    assert codes(text, real_catalog) == []
    assert codes(text.replace("Enable", "Enabel", 1), real_catalog) == ["VG002"]  # checked


def test_enable_trigger_is_still_a_statement_of_its_own(real_catalog: Catalog) -> None:
    text = "ENABLE TRIGGER dbo.btHQDXi ON dbo.bHQDX\nSELECT Bogus FROM HQDX WITH (NOLOCK)"
    assert codes(text, real_catalog) == ["VG002"]


def test_vg000_nesting_too_deep_is_reported_not_raised(real_catalog: Catalog) -> None:
    text = "SELECT " + "(" * 300 + "1" + ")" * 300
    finding = only(text, real_catalog, "VG000")
    assert "nested" in finding.message
    assert span(text, finding) == "("


def test_vg000_stray_closing_parenthesis(real_catalog: Catalog) -> None:
    text = "SELECT j.Job FROM JCJM j WITH (NOLOCK))"
    finding = only(text, real_catalog, "VG000")
    assert finding.start == len(text) - 1


def test_vg000_not_for_valid_sql(real_catalog: Catalog) -> None:
    assert codes("SELECT j.Job FROM JCJM j WITH (NOLOCK) WHERE j.JCCo = 1", real_catalog) == []


def test_vg000_one_bad_statement_does_not_hide_the_next(real_catalog: Catalog) -> None:
    text = "SELECT FROM WHERE\nGO\nSELECT j.Job FROM JCJM j"
    assert sorted(codes(text, real_catalog)) == ["VG000", "VG004"]


# -- VG001 unknown-object ------------------------------------------------------------------------


def test_vg001_customers_suggests_arcm(real_catalog: Catalog) -> None:
    text = "SELECT c.Name FROM Customers c WITH (NOLOCK)"
    finding = only(text, real_catalog, "VG001")
    assert span(text, finding) == "Customers"
    assert finding.message.startswith("'Customers' is not in the catalog; did you mean ARCM")
    assert finding.related[0] == "ARCM"
    assert finding.fixes[0].title == "Replace with ARCM"
    assert not finding.fixes[0].safe  # a guess: offered, never applied blindly
    fixed = round_trip(text, finding, real_catalog)
    assert fixed == "SELECT c.Name FROM ARCM c WITH (NOLOCK)"
    assert codes(fixed, real_catalog) == []


def test_vg001_customers_in_sample_catalog(sample_catalog: Catalog) -> None:
    text = "SELECT c.Name FROM Customers c WITH (NOLOCK)"
    finding = only(text, sample_catalog, "VG001")
    assert "ARCM" in finding.related
    assert round_trip(text, finding, sample_catalog) == "SELECT c.Name FROM ARCM c WITH (NOLOCK)"


def test_vg001_fix_keeps_brackets(real_catalog: Catalog) -> None:
    text = "SELECT * FROM [Customers] WITH (NOLOCK)"
    finding = only(text, real_catalog, "VG001")
    assert span(text, finding) == "[Customers]"
    assert round_trip(text, finding, real_catalog) == "SELECT * FROM [ARCM] WITH (NOLOCK)"


def test_vg001_misspelling_suggests_the_real_view(real_catalog: Catalog) -> None:
    text = "SELECT j.Job FROM JCJN j WITH (NOLOCK)"
    finding = only(text, real_catalog, "VG001")
    assert span(text, finding) == "JCJN"
    assert "JCJM" in finding.related
    index = finding.related.index("JCJM")
    assert round_trip(text, finding, real_catalog, fix=index) == (
        "SELECT j.Job FROM JCJM j WITH (NOLOCK)")


def test_vg001_unknown_procedure(real_catalog: Catalog) -> None:
    text = "EXEC dbo.mckNoSuchProc 1"
    finding = only(text, real_catalog, "VG001")
    assert span(text, finding) == "mckNoSuchProc"
    assert "'mckNoSuchProc' is not in the catalog" in finding.message


@pytest.mark.parametrize("text", [
    "WITH x AS (SELECT j.Job FROM JCJM j WITH (NOLOCK)) SELECT x.Job FROM x",
    "CREATE TABLE #t (Job varchar(10)); SELECT t.Job FROM #t t",
    "DECLARE @t TABLE (Job varchar(10)); SELECT t.Job FROM @t t",
    "SELECT x.Anything FROM OtherDb.dbo.NotVista x",
    "SELECT o.name FROM sys.objects o",
    "SELECT c.COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS c",
    "SELECT t.name FROM sys.tables AS t JOIN sys.columns AS c ON c.object_id = t.object_id",
    "EXEC dbo.brptARAge 1",
    "EXEC sp_who2",
    "SELECT dbo.vfDateOnly() AS Today",
    "SELECT f.* FROM dbo.vfCoTableFromArray('1,2') f",
    "SELECT s.value FROM JCJM j WITH (NOLOCK) CROSS APPLY STRING_SPLIT(j.Notes, ',') s",
])
def test_vg001_not_for_known_or_local_objects(text: str, real_catalog: Catalog) -> None:
    assert codes(text, real_catalog) == []


# -- VG002 unknown-column ------------------------------------------------------------------------


def test_vg002_qualified_unknown_column(real_catalog: Catalog) -> None:
    text = "SELECT j.JobName FROM JCJM j WITH (NOLOCK)"
    finding = only(text, real_catalog, "VG002")
    assert span(text, finding) == "JobName"
    assert finding.message.startswith("column 'JobName' is not in JCJM j; closest: ")
    assert "Job" in finding.message.split("closest:")[1].replace(",", " ").split()
    assert finding.related == ("JCJM j",)
    assert all(not fix.safe for fix in finding.fixes)
    index = [fix.title for fix in finding.fixes].index("Replace with Job")
    assert round_trip(text, finding, real_catalog, fix=index) == (
        "SELECT j.Job FROM JCJM j WITH (NOLOCK)")


def test_vg002_unqualified_lists_every_object_searched(real_catalog: Catalog) -> None:
    text = ("SELECT Jobb FROM JCJM j WITH (NOLOCK) "
            "JOIN JCCM c WITH (NOLOCK) ON c.JCCo = j.JCCo AND c.Contract = j.Contract")
    finding = only(text, real_catalog, "VG002")
    assert span(text, finding) == "Jobb"
    assert "is not in JCJM j, JCCM c" in finding.message
    assert "closest: Job" in finding.message
    assert set(finding.related) == {"JCJM j", "JCCM c"}
    round_trip(text, finding, real_catalog)


def test_vg002_unaliased_view(real_catalog: Catalog) -> None:
    text = "SELECT Type, Name FROM APVM WITH (NOLOCK) WHERE Status = 1"
    finding = only(text, real_catalog, "VG002")
    assert span(text, finding) == "Status"
    assert finding.message.startswith("column 'Status' is not in APVM")


def test_vg002_in_sample_catalog(sample_catalog: Catalog) -> None:
    text = "SELECT j.Job, j.Descr FROM JCJM j WITH (NOLOCK)"
    finding = only(text, sample_catalog, "VG002")
    assert span(text, finding) == "Descr"
    assert "closest: Description" in finding.message
    assert round_trip(text, finding, sample_catalog) == (
        "SELECT j.Job, j.Description FROM JCJM j WITH (NOLOCK)")


def test_vg002_in_where_of_correlated_subquery(real_catalog: Catalog) -> None:
    text = ("SELECT j.Job FROM JCJM j WITH (NOLOCK) WHERE EXISTS (SELECT 1 FROM JCCP p "
            "WITH (NOLOCK) WHERE p.JCCo = j.JCCo AND p.Job = j.Job AND p.Cost > 0)")
    finding = only(text, real_catalog, "VG002")
    assert span(text, finding) == "Cost"
    assert "JCCP p" in finding.message


@pytest.mark.parametrize("text", [
    # ORDER BY a select alias
    "SELECT j.Job AS JobNumber FROM JCJM j WITH (NOLOCK) ORDER BY JobNumber",
    # CTE columns, declared and projected
    "WITH c (Co, J) AS (SELECT JCCo, Job FROM JCJM WITH (NOLOCK)) SELECT c.Co, c.J FROM c",
    "WITH c AS (SELECT JCCo AS Co FROM JCJM WITH (NOLOCK)) SELECT Co FROM c",
    # derived-table columns
    "SELECT d.Total FROM (SELECT SUM(p.ActualCost) AS Total FROM JCCP p WITH (NOLOCK)) d",
    # a temp table whose columns are unknown (created by a caller): unchecked, not unknown
    "SELECT t.Whatever FROM #FromCaller t",
    # correlated reference to the outer query
    "SELECT j.Job FROM JCJM j WITH (NOLOCK) WHERE EXISTS (SELECT 1 FROM JCCP p WITH (NOLOCK) "
    "WHERE Job = j.Job AND JCCo = j.JCCo)",
    # variables, system functions, pseudo columns
    "DECLARE @n int; SELECT @n = COUNT(*) FROM JCJM WITH (NOLOCK); SELECT @n, @@ROWCOUNT",
    "SELECT SYSTEM_USER, CURRENT_TIMESTAMP, j.Job FROM JCJM j WITH (NOLOCK)",
    # a column whose name needs brackets or has a '#'
    "SELECT l.Receiver#, l.[APLine] FROM APTL l WITH (NOLOCK)",
    # a table variable's declared columns
    "DECLARE @t TABLE (Job varchar(10)); INSERT @t (Job) SELECT j.Job FROM JCJM j WITH (NOLOCK); "
    "SELECT t.Job FROM @t t",
    # SELECT INTO defines the temp table's columns for later statements
    "SELECT j.Job, j.Description AS JobDesc INTO #j FROM JCJM j WITH (NOLOCK); "
    "SELECT x.Job, x.JobDesc FROM #j x",
])
def test_vg002_not_for_known_columns(text: str, real_catalog: Catalog) -> None:
    findings = analyze(text, real_catalog)
    assert findings == [], [(f.code, text[f.start:f.end], f.message) for f in findings]


def test_vg002_temp_table_columns_are_checked(real_catalog: Catalog) -> None:
    text = "CREATE TABLE #t (Job varchar(10)); SELECT t.Jbo FROM #t t"
    finding = only(text, real_catalog, "VG002")
    assert span(text, finding) == "Jbo"
    assert "#t" in finding.message
    assert "closest: Job" in finding.message


def test_vg002_in_update_followed_by_set(real_catalog: Catalog) -> None:
    """A SET statement after an UPDATE is its own statement; the UPDATE's SET list is checked."""
    text = "UPDATE bJCJM SET Notse = NULL WHERE JCCo = 1\nSET @rcode = 0\nSET NOCOUNT OFF"
    finding = only(text, real_catalog, "VG002")
    assert span(text, finding) == "Notse"
    assert "closest: Notes" in finding.message
    assert codes(text, real_catalog) == ["VG002"]


# -- VG003 wrong-case ----------------------------------------------------------------------------


def test_vg003_column(real_catalog: Catalog) -> None:
    text = "SELECT j.job FROM JCJM j WITH (NOLOCK)"
    finding = only(text, real_catalog, "VG003")
    assert span(text, finding) == "job"
    assert finding.message == "column 'job' should be written 'Job' (names are case-sensitive)"
    assert finding.fixes[0].safe
    assert round_trip(text, finding, real_catalog) == "SELECT j.Job FROM JCJM j WITH (NOLOCK)"


def test_vg003_object(real_catalog: Catalog) -> None:
    text = "SELECT j.Job FROM jcjm j WITH (NOLOCK)"
    finding = only(text, real_catalog, "VG003")
    assert span(text, finding) == "jcjm"
    assert finding.message == "'jcjm' should be written 'JCJM' (names are case-sensitive)"
    assert finding.related == ("JCJM",)
    assert round_trip(text, finding, real_catalog) == "SELECT j.Job FROM JCJM j WITH (NOLOCK)"


def test_vg003_bracketed_schema_qualified_object(real_catalog: Catalog) -> None:
    text = "SELECT * FROM dbo.[jcjm] WITH (NOLOCK)"
    finding = only(text, real_catalog, "VG003")
    assert span(text, finding) == "[jcjm]"
    assert round_trip(text, finding, real_catalog) == "SELECT * FROM dbo.[JCJM] WITH (NOLOCK)"


def test_vg003_column_and_object_fixed_together(real_catalog: Catalog) -> None:
    text = "SELECT j.job, j.DESCRIPTION FROM jcjm j WITH (NOLOCK)"
    findings = of(text, real_catalog, "VG003")
    assert [span(text, f) for f in findings] == ["job", "DESCRIPTION", "jcjm"]
    edits = [edit for f in findings for edit in f.fixes[0].edits]
    fixed = apply_edits(text, edits)
    assert fixed == "SELECT j.Job, j.Description FROM JCJM j WITH (NOLOCK)"
    assert codes(fixed, real_catalog) == []


def test_vg003_procedure_and_function(real_catalog: Catalog) -> None:
    text = "EXEC dbo.BRPTARAGE 1"
    finding = only(text, real_catalog, "VG003")
    assert span(text, finding) == "BRPTARAGE"
    assert "'brptARAge'" in finding.message
    assert round_trip(text, finding, real_catalog) == "EXEC dbo.brptARAge 1"
    text = "SELECT dbo.VFDATEONLY() AS d"
    finding = only(text, real_catalog, "VG003")
    assert round_trip(text, finding, real_catalog) == "SELECT dbo.vfDateOnly() AS d"


def test_vg003_not_for_keywords_or_functions_in_any_case(real_catalog: Catalog) -> None:
    text = ("select top 5 j.Job, isnull(j.Description, '') as d, getdate() as n "
            "from JCJM j with (nolock) where j.JCCo = 1 order by j.Job")
    assert codes(text, real_catalog) == []


# -- VG004 missing-nolock ------------------------------------------------------------------------


def test_vg004_after_alias(real_catalog: Catalog) -> None:
    text = "SELECT h.APRef FROM APTH h WHERE h.APCo = 1"
    finding = only(text, real_catalog, "VG004")
    assert span(text, finding) == "APTH"
    assert finding.message == "'APTH' is read without WITH (NOLOCK)"
    assert finding.fixes[0].safe
    assert round_trip(text, finding, real_catalog) == (
        "SELECT h.APRef FROM APTH h WITH (NOLOCK) WHERE h.APCo = 1")


def test_vg004_after_as_alias_and_after_bare_name(real_catalog: Catalog) -> None:
    text = "SELECT APTH.APRef, l.APLine FROM dbo.APTH JOIN APTL AS l ON l.APCo = APTH.APCo " \
           "AND l.Mth = APTH.Mth AND l.APTrans = APTH.APTrans"
    findings = of(text, real_catalog, "VG004")
    assert [span(text, f) for f in findings] == ["APTH", "APTL"]
    fixed = apply_edits(text, [e for f in findings for e in f.fixes[0].edits])
    assert fixed == ("SELECT APTH.APRef, l.APLine FROM dbo.APTH WITH (NOLOCK) JOIN APTL AS l "
                     "WITH (NOLOCK) ON l.APCo = APTH.APCo AND l.Mth = APTH.Mth "
                     "AND l.APTrans = APTH.APTrans")
    assert codes(fixed, real_catalog) == []


def test_vg004_merged_into_existing_index_hint(real_catalog: Catalog) -> None:
    text = "SELECT x.Job FROM JCJM x WITH (INDEX(biJCJM)) WHERE x.JCCo = 1"
    finding = only(text, real_catalog, "VG004")
    assert finding.fixes[0].title == "Add NOLOCK to the table hint"
    fixed = round_trip(text, finding, real_catalog)
    assert fixed == "SELECT x.Job FROM JCJM x WITH (INDEX(biJCJM), NOLOCK) WHERE x.JCCo = 1"
    assert codes(fixed, real_catalog) == []


def test_vg004_in_subquery_cte_body_and_apply(real_catalog: Catalog) -> None:
    text = ("WITH c AS (SELECT p.Job FROM JCCP p) "
            "SELECT j.Job FROM JCJM j WITH (NOLOCK) "
            "CROSS APPLY (SELECT TOP 1 d.CostTrans FROM JCCD d WHERE d.JCCo = j.JCCo) x "
            "WHERE j.Job IN (SELECT c.Job FROM c) "
            "AND EXISTS (SELECT 1 FROM JCCH h WHERE h.JCCo = j.JCCo)")
    findings = of(text, real_catalog, "VG004")
    assert [span(text, f) for f in findings] == ["JCCP", "JCCD", "JCCH"]
    fixed = apply_edits(text, [e for f in findings for e in f.fixes[0].edits])
    assert codes(fixed, real_catalog) == []


def test_vg004_in_sample_catalog(sample_catalog: Catalog) -> None:
    text = "SELECT j.Job FROM JCJM j"
    finding = only(text, sample_catalog, "VG004")
    assert round_trip(text, finding, sample_catalog) == "SELECT j.Job FROM JCJM j WITH (NOLOCK)"


@pytest.mark.parametrize("text", [
    # old-style hint without WITH, any case; READUNCOMMITTED is the same lock level
    "SELECT h.APRef FROM APTH h (NOLOCK)",
    "SELECT h.APRef FROM APTH h (nolock)",
    "SELECT h.APRef FROM APTH h with (nolock)",
    "SELECT h.APRef FROM APTH h WITH (READUNCOMMITTED)",
    "SELECT h.APRef FROM APTH h WITH (NOLOCK, INDEX(biAPTH))",
    "SELECT h.APRef FROM APTH h WITH (INDEX(biAPTH), NOLOCK)",
    # CTEs, temp tables, table variables, system views need none
    "WITH c AS (SELECT h.APRef FROM APTH h WITH (NOLOCK)) SELECT c.APRef FROM c",
    "SELECT t.Job FROM #t t",
    "DECLARE @t TABLE (Job varchar(10)); SELECT t.Job FROM @t t",
    "SELECT o.name FROM sys.objects o",
    # write targets are not reads
    "INSERT INTO bJCJM (JCCo, Job) VALUES (1, 'x')",
    "UPDATE bJCJM SET Notes = NULL WHERE JCCo = 1",
    "UPDATE j SET j.Notes = NULL FROM bJCJM j WHERE j.JCCo = 1",
    "DELETE FROM bJCJM WHERE JCCo = 1",
    "INSERT INTO #t (Job) SELECT j.Job FROM JCJM j WITH (NOLOCK)",
    "MERGE bJCJM AS t USING (SELECT j.JCCo, j.Job FROM JCJM j WITH (NOLOCK)) AS s "
    "ON t.JCCo = s.JCCo AND t.Job = s.Job WHEN MATCHED THEN DELETE;",
    # another database
    "SELECT x.a FROM Other.dbo.APTH x",
])
def test_vg004_not_needed(text: str, real_catalog: Catalog) -> None:
    assert "VG004" not in codes(text, real_catalog)


def test_vg004_read_inside_insert_select_is_flagged(real_catalog: Catalog) -> None:
    text = "INSERT INTO #t (Job) SELECT j.Job FROM JCJM j"
    finding = only(text, real_catalog, "VG004")
    assert span(text, finding) == "JCJM"
    assert round_trip(text, finding, real_catalog) == (
        "INSERT INTO #t (Job) SELECT j.Job FROM JCJM j WITH (NOLOCK)")


# -- VG005 base-table ----------------------------------------------------------------------------


def test_vg005_base_table(real_catalog: Catalog) -> None:
    text = "SELECT cm.Contract FROM bJCCM cm WITH (NOLOCK)"
    finding = only(text, real_catalog, "VG005")
    assert span(text, finding) == "bJCCM"
    assert finding.message == "'bJCCM' is a base table; query its view 'JCCM' instead"
    assert finding.related == ("JCCM",)
    assert round_trip(text, finding, real_catalog) == (
        "SELECT cm.Contract FROM JCCM cm WITH (NOLOCK)")


def test_vg005_keeps_brackets_and_schema(real_catalog: Catalog) -> None:
    text = "SELECT [cm].[Contract] FROM [dbo].[bJCCM] AS [cm] WITH (NOLOCK)"
    finding = only(text, real_catalog, "VG005")
    assert span(text, finding) == "[bJCCM]"
    assert round_trip(text, finding, real_catalog) == (
        "SELECT [cm].[Contract] FROM [dbo].[JCCM] AS [cm] WITH (NOLOCK)")


def test_vg005_and_vg004_together(real_catalog: Catalog) -> None:
    text = "SELECT * FROM dbo.bJCCM c"
    findings = analyze(text, real_catalog)
    assert sorted(f.code for f in findings) == ["VG004", "VG005"]
    fixed = apply_edits(text, [e for f in findings for e in f.fixes[0].edits])
    assert fixed == "SELECT * FROM dbo.JCCM c WITH (NOLOCK)"
    assert codes(fixed, real_catalog) == []


def test_vg005_v_prefixed_table_in_sample_catalog(sample_catalog: Catalog) -> None:
    text = "SELECT w.WorkOrder FROM vSMWorkOrder w WITH (NOLOCK) WHERE w.SMCo = 1"
    finding = only(text, sample_catalog, "VG005")
    assert span(text, finding) == "vSMWorkOrder"
    assert "'SMWorkOrder'" in finding.message
    assert round_trip(text, finding, sample_catalog) == (
        "SELECT w.WorkOrder FROM SMWorkOrder w WITH (NOLOCK) WHERE w.SMCo = 1")


@pytest.mark.parametrize("text", [
    "SELECT cm.Contract FROM JCCM cm WITH (NOLOCK)",
    "UPDATE bJCCM SET Notes = NULL WHERE JCCo = 1",
    "INSERT INTO bJCCM (JCCo, Contract) VALUES (1, 'x')",
    "DELETE FROM bJCCM WHERE JCCo = 1",
])
def test_vg005_not_for_views_or_writes(text: str, real_catalog: Catalog) -> None:
    assert "VG005" not in codes(text, real_catalog)


# -- VG006 partial-key-join ----------------------------------------------------------------------


def test_vg006_apth_aptl_on_aptrans_only(real_catalog: Catalog) -> None:
    text = ("SELECT h.APRef, l.APLine FROM APTH h WITH (NOLOCK) "
            "JOIN APTL l WITH (NOLOCK) ON l.APTrans = h.APTrans WHERE h.APCo = 1")
    finding = only(text, real_catalog, "VG006")
    assert span(text, finding) == "l.APTrans = h.APTrans"
    assert "uses 1 of 3 key columns" in finding.message
    assert finding.message.endswith("missing APCo, Mth")
    assert set(finding.related) == {"APTH", "APTL"}
    fixed = round_trip(text, finding, real_catalog)
    assert fixed == ("SELECT h.APRef, l.APLine FROM APTH h WITH (NOLOCK) "
                     "JOIN APTL l WITH (NOLOCK) ON l.APTrans = h.APTrans "
                     "AND l.APCo = h.APCo AND l.Mth = h.Mth WHERE h.APCo = 1")
    assert codes(fixed, real_catalog) == []


def test_vg006_fix_uses_the_users_aliases_and_order(real_catalog: Catalog) -> None:
    text = ("SELECT hdr.APRef FROM APTH AS hdr WITH (NOLOCK) INNER JOIN APTL AS ln "
            "WITH (NOLOCK) ON hdr.APTrans = ln.APTrans AND hdr.APCo = ln.APCo")
    finding = only(text, real_catalog, "VG006")
    assert "uses 2 of 3" in finding.message and finding.message.endswith("missing Mth")
    fixed = round_trip(text, finding, real_catalog)
    assert fixed.endswith("ON hdr.APTrans = ln.APTrans AND hdr.APCo = ln.APCo "
                          "AND hdr.Mth = ln.Mth")


def test_vg006_fix_inside_parentheses_and_before_comment(real_catalog: Catalog) -> None:
    text = ("SELECT h.APRef FROM APTH h WITH (NOLOCK) JOIN APTL l WITH (NOLOCK) "
            "ON (l.APTrans = h.APTrans) -- header to lines\nWHERE h.APCo = 1")
    finding = only(text, real_catalog, "VG006")
    fixed = round_trip(text, finding, real_catalog)
    assert "ON (l.APTrans = h.APTrans AND l.APCo = h.APCo AND l.Mth = h.Mth) -- header" in fixed


def test_vg006_jccp_to_jcch(real_catalog: Catalog) -> None:
    text = ("SELECT p.Job FROM JCCP p WITH (NOLOCK) JOIN JCCH h WITH (NOLOCK) "
            "ON h.JCCo = p.JCCo AND h.Job = p.Job AND h.Phase = p.Phase")
    finding = only(text, real_catalog, "VG006")
    assert "uses 3 of 5" in finding.message
    assert "PhaseGroup" in finding.message and "CostType" in finding.message
    fixed = round_trip(text, finding, real_catalog)
    assert "h.PhaseGroup = p.PhaseGroup" in fixed and "h.CostType = p.CostType" in fixed


def test_vg006_employee_to_job_needs_the_company(real_catalog: Catalog) -> None:
    text = "SELECT 1 FROM JCJM j WITH (NOLOCK) JOIN PREH e WITH (NOLOCK) ON e.Job = j.Job"
    finding = only(text, real_catalog, "VG006")
    assert finding.message.endswith("missing JCCo")
    assert round_trip(text, finding, real_catalog).endswith("ON e.Job = j.Job AND e.JCCo = j.JCCo")


def test_vg006_not_for_group_joins_to_hqco(real_catalog: Catalog) -> None:
    text = ("SELECT v.Vendor, v.Name FROM HQCO hq WITH (NOLOCK) JOIN APVM v WITH (NOLOCK) "
            "ON v.VendorGroup = hq.VendorGroup WHERE hq.HQCo = 1")
    findings = analyze(text, real_catalog)
    assert not [f for f in findings if f.code == "VG006" and any(x.safe for x in f.fixes)]
    assert "VG006" not in [f.code for f in findings]


def test_vg006_in_sample_catalog(sample_catalog: Catalog) -> None:
    text = ("SELECT h.APRef FROM APTH h WITH (NOLOCK) "
            "JOIN APTL l WITH (NOLOCK) ON l.APTrans = h.APTrans")
    finding = only(text, sample_catalog, "VG006")
    assert span(text, finding) == "l.APTrans = h.APTrans"
    round_trip(text, finding, sample_catalog)


@pytest.mark.parametrize("text", [
    # the whole key, any order, with extra predicates
    "SELECT 1 FROM APTH h WITH (NOLOCK) JOIN APTL l WITH (NOLOCK) "
    "ON l.APCo = h.APCo AND l.Mth = h.Mth AND l.APTrans = h.APTrans",
    "SELECT 1 FROM APTH h WITH (NOLOCK) JOIN APTL l WITH (NOLOCK) "
    "ON h.APTrans = l.APTrans AND h.Mth = l.Mth AND l.APCo = h.APCo AND l.LineType = 1",
    # vendor master by group + vendor
    "SELECT 1 FROM APTH h WITH (NOLOCK) JOIN APVM v WITH (NOLOCK) "
    "ON v.VendorGroup = h.VendorGroup AND v.Vendor = h.Vendor",
    # a CTE or derived table on one side is not a catalog object
    "WITH x AS (SELECT h.APTrans FROM APTH h WITH (NOLOCK)) "
    "SELECT 1 FROM x JOIN APTL l WITH (NOLOCK) ON l.APTrans = x.APTrans",
    # joined on columns outside the key: a different relationship, not a partial key
    "SELECT 1 FROM JCJM j WITH (NOLOCK) JOIN JCCM c WITH (NOLOCK) ON c.Description = j.Description",
])
def test_vg006_not_for_whole_keys_or_other_joins(text: str, real_catalog: Catalog) -> None:
    assert "VG006" not in codes(text, real_catalog)


# -- VG007 month-not-first-day -------------------------------------------------------------------


def test_vg007_mid_month_literal(real_catalog: Catalog) -> None:
    text = "SELECT h.APRef FROM APTH h WITH (NOLOCK) WHERE h.Mth = '2024-01-15'"
    finding = only(text, real_catalog, "VG007")
    assert span(text, finding) == "'2024-01-15'"
    assert "'2024-01-15' compared with month column 'Mth'" in finding.message
    assert "first day of a month" in finding.message
    assert "did you mean '2024-01-01'?" in finding.message
    assert not finding.fixes[0].safe
    assert round_trip(text, finding, real_catalog) == (
        "SELECT h.APRef FROM APTH h WITH (NOLOCK) WHERE h.Mth = '2024-01-01'")


def test_vg007_year_month_only(real_catalog: Catalog) -> None:
    text = "SELECT Mth FROM APTH WITH (NOLOCK) WHERE Mth >= '2024-01'"
    finding = only(text, real_catalog, "VG007")
    assert span(text, finding) == "'2024-01'"
    assert "did you mean '2024-01-01'?" in finding.message
    assert round_trip(text, finding, real_catalog).endswith("Mth >= '2024-01-01'")


def test_vg007_literal_on_the_left_and_between(real_catalog: Catalog) -> None:
    text = ("SELECT 1 FROM JCCP p WITH (NOLOCK) WHERE '2024-03-15' = p.Mth "
            "OR p.Mth BETWEEN '2024-02-10' AND '2024-04-01'")
    findings = of(text, real_catalog, "VG007")
    assert [span(text, f) for f in findings] == ["'2024-03-15'", "'2024-02-10'"]


def test_vg007_other_bmonth_columns(real_catalog: Catalog) -> None:
    text = ("SELECT d.APTrans FROM APTD d WITH (NOLOCK) "
            "WHERE d.PaidMth = '2024-01-15' AND d.PaidDate = '2024-01-15'")
    finding = only(text, real_catalog, "VG007")
    assert span(text, finding) == "'2024-01-15'"
    assert finding.start == text.index("'2024-01-15'")  # the PaidMth one, not PaidDate
    assert "month column 'PaidMth'" in finding.message


def test_vg007_in_sample_catalog(sample_catalog: Catalog) -> None:
    text = "SELECT g.GLAcct FROM GLDT g WITH (NOLOCK) WHERE g.Mth = '2024-07-04'"
    finding = only(text, sample_catalog, "VG007")
    assert round_trip(text, finding, sample_catalog).endswith("g.Mth = '2024-07-01'")


@pytest.mark.parametrize("text", [
    "SELECT 1 FROM APTH h WITH (NOLOCK) WHERE h.Mth = '2024-01-01'",
    "SELECT 1 FROM APTH h WITH (NOLOCK) WHERE h.Mth = '20240101'",
    "SELECT 1 FROM APTH h WITH (NOLOCK) WHERE h.Mth = '2024-01-01 00:00:00'",
    "SELECT 1 FROM APTH h WITH (NOLOCK) WHERE h.Mth BETWEEN '2024-01-01' AND '2024-12-01'",
    # date columns that are not months
    "SELECT 1 FROM APTH h WITH (NOLOCK) WHERE h.InvDate = '2024-01-15'",
    "SELECT 1 FROM APTH h WITH (NOLOCK) WHERE h.DueDate < '2024-01-15'",
    "SELECT 1 FROM ARTH t WITH (NOLOCK) WHERE t.TransDate >= '2024-01'",
    # variables and expressions are not literals
    "DECLARE @m bMonth = '2024-01-01'; SELECT 1 FROM APTH h WITH (NOLOCK) WHERE h.Mth = @m",
    "SELECT 1 FROM APTH h WITH (NOLOCK) WHERE h.Mth = DATEADD(MONTH, -1, '2024-01-01')",
])
def test_vg007_not_for_first_of_month_or_date_columns(text: str, real_catalog: Catalog) -> None:
    assert "VG007" not in codes(text, real_catalog)


# -- VG008 ambiguous-column ----------------------------------------------------------------------


def test_vg008_unqualified_column_in_two_objects(real_catalog: Catalog) -> None:
    text = ("SELECT j.Job, Description FROM JCJM j WITH (NOLOCK) "
            "JOIN JCCM c WITH (NOLOCK) ON c.JCCo = j.JCCo AND c.Contract = j.Contract")
    finding = only(text, real_catalog, "VG008")
    assert span(text, finding) == "Description"
    assert finding.message == ("column 'Description' is in more than one object: "
                               "JCJM j, JCCM c")
    assert [fix.title for fix in finding.fixes] == ["Qualify as j.Description",
                                                    "Qualify as c.Description"]
    assert all(not fix.safe for fix in finding.fixes)
    for index in (0, 1):
        fixed = round_trip(text, finding, real_catalog, fix=index)
        assert codes(fixed, real_catalog) == []
    assert apply_edits(text, finding.fixes[1].edits).startswith("SELECT j.Job, c.Description")


def test_vg008_in_where_and_group_by(real_catalog: Catalog) -> None:
    text = ("SELECT h.Vendor FROM APTH h WITH (NOLOCK) JOIN APVM v WITH (NOLOCK) "
            "ON v.VendorGroup = h.VendorGroup AND v.Vendor = h.Vendor WHERE PayMethod = 'C'")
    finding = only(text, real_catalog, "VG008")
    assert span(text, finding) == "PayMethod"
    assert "APTH h" in finding.message and "APVM v" in finding.message


@pytest.mark.parametrize("text", [
    # in only one object
    "SELECT ContractStatus FROM JCJM j WITH (NOLOCK) "
    "JOIN JCCM c WITH (NOLOCK) ON c.JCCo = j.JCCo AND c.Contract = j.Contract",
    # qualified
    "SELECT c.Description FROM JCJM j WITH (NOLOCK) "
    "JOIN JCCM c WITH (NOLOCK) ON c.JCCo = j.JCCo AND c.Contract = j.Contract",
    # the inner query's own column shadows the outer one
    "SELECT j.Job FROM JCJM j WITH (NOLOCK) WHERE EXISTS "
    "(SELECT 1 FROM JCJP p WITH (NOLOCK) WHERE Description IS NULL AND p.Job = j.Job)",
    # UPDATE ... SET target column
    "UPDATE h SET Notes = 'x' FROM bAPTH h JOIN APVM v WITH (NOLOCK) "
    "ON v.VendorGroup = h.VendorGroup AND v.Vendor = h.Vendor",
])
def test_vg008_not_for_unambiguous_columns(text: str, real_catalog: Catalog) -> None:
    assert "VG008" not in codes(text, real_catalog)


def test_vg008_not_for_merge_insert_column_list(real_catalog: Catalog) -> None:
    text = ("MERGE bJCJM AS t USING (SELECT j.JCCo, j.Job FROM JCJM j WITH (NOLOCK)) AS s "
            "ON t.JCCo = s.JCCo AND t.Job = s.Job "
            "WHEN NOT MATCHED THEN INSERT (JCCo, Job) VALUES (s.JCCo, s.Job);")
    assert codes(text, real_catalog) == []


# -- suppression comments and settings -----------------------------------------------------------


def test_disable_on_the_same_line(real_catalog: Catalog) -> None:
    assert codes("SELECT j.Job FROM JCJM j -- vgpt2: disable=VG004", real_catalog) == []


def test_disable_is_per_code_and_per_line(real_catalog: Catalog) -> None:
    text = ("SELECT j.Job FROM JCJM j -- vgpt2: disable=VG005\n"
            "SELECT c.Contract FROM JCCM c -- vgpt2: disable=VG004\n"
            "SELECT h.APRef FROM APTH h\n")
    findings = analyze(text, real_catalog)
    assert [(f.code, span(text, f)) for f in findings] == [("VG004", "JCJM"), ("VG004", "APTH")]


def test_disable_on_the_line_before_does_not_apply(real_catalog: Catalog) -> None:
    """Documented behaviour: ``disable=`` silences its own line only."""
    text = "-- vgpt2: disable=VG004\nSELECT j.Job FROM JCJM j"
    assert codes(text, real_catalog) == ["VG004"]


def test_disable_several_codes_and_all(real_catalog: Catalog) -> None:
    assert codes("SELECT j.Job FROM bJCJM j -- vgpt2: disable=VG004, VG005", real_catalog) == []
    assert codes("SELECT j.Job FROM bJCJM j -- vgpt2: disable=VG004 VG005", real_catalog) == []
    assert codes("SELECT j.Job FROM bJCJM j -- vgpt2: disable=all", real_catalog) == []
    assert codes("SELECT j.Job FROM bJCJM j -- vgpt2: disable=VG004", real_catalog) == ["VG005"]


def test_disable_file_anywhere(real_catalog: Catalog) -> None:
    text = ("SELECT j.Job FROM bJCJM j\n"
            "SELECT c.Contract FROM JCCM c\n"
            "-- vgpt2: disable-file=VG004\n")
    assert codes(text, real_catalog) == ["VG005"]


def test_suppression_codes_are_case_insensitive(real_catalog: Catalog) -> None:
    assert codes("SELECT j.Job FROM JCJM j -- vgpt2: disable=vg004", real_catalog) == []


def test_suppression_marker_is_case_insensitive(real_catalog: Catalog) -> None:
    assert codes("SELECT j.Job FROM JCJM j -- VGPT2: disable=VG004", real_catalog) == []


def test_suppression_inside_a_string_is_not_a_comment(real_catalog: Catalog) -> None:
    text = "SELECT j.Job FROM JCJM j WHERE j.Notes = '-- vgpt2: disable=VG004'"
    assert codes(text, real_catalog) == ["VG004"]


def test_rule_settings_select_ignore_and_severity(real_catalog: Catalog) -> None:
    text = "SELECT j.job FROM bJCJM j"
    assert sorted(codes(text, real_catalog)) == ["VG003", "VG004", "VG005"]
    only_nolock = analyze(text, real_catalog, RuleSettings(select={"VG004"}))
    assert [f.code for f in only_nolock] == ["VG004"]
    ignored = analyze(text, real_catalog, RuleSettings(ignore={"VG004", "VG005"}))
    assert [f.code for f in ignored] == ["VG003"]
    louder = analyze(text, real_catalog, RuleSettings(severity={"VG004": Severity.ERROR}))
    assert next(f for f in louder if f.code == "VG004").severity is Severity.ERROR
