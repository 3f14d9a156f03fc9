"""The one reference reader (refs.py) and statement bounds (bounds.py) that completion,
hover, go-to-definition, signature help and symbols all read."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st
from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.sql.tokens import tokenize
from vgpt2.server.analysis.bounds import StatementTokens, context_at, statement_bounds
from vgpt2.server.analysis.completion import complete
from vgpt2.server.analysis.context import ContextKind, read_context
from vgpt2.server.analysis.hover import hover
from vgpt2.server.analysis.refs import (
    OUTSIDE,
    RefKind,
    SourceRef,
    read_refs,
    select_items,
    source_refs,
)
from vgpt2.server.analysis.target import target_at


def read(text: str) -> list[SourceRef]:
    return source_refs(tokenize(text))


def shapes(text: str) -> list[tuple[str, str | None, RefKind, str]]:
    return [(r.name, r.alias, r.kind, r.clause) for r in read(text)]


# -- one CTE with an alias, read once for completion and hover -----------------------------

CTE_THROUGH_ALIAS = ("WITH w AS (SELECT j.JCCo, j.Job AS JobNo, COUNT(*) AS Phases "
                     "FROM JCJM j WITH (NOLOCK) GROUP BY j.JCCo, j.Job)\n"
                     "SELECT x.JobNo, x.JCCo FROM w AS x")


def test_a_cte_used_through_an_alias_is_one_reference_with_the_cte_columns() -> None:
    definition, inner, use = read(CTE_THROUGH_ALIAS)
    assert (definition.name, definition.kind, definition.defines) == ("w", RefKind.CTE, True)
    assert definition.columns == ("JCCo", "JobNo", "Phases")
    assert (inner.name, inner.alias, inner.hinted) == ("JCJM", "j", True)
    assert inner.scope == definition.body  # visible only inside the CTE body
    assert (use.name, use.alias, use.kind, use.defines) == ("w", "x", RefKind.CTE, False)
    assert use.columns == definition.columns and use.body == definition.body
    assert use.scope == OUTSIDE and use.binding == "x"


def test_completion_and_hover_see_the_same_cte_columns(sample_catalog: Catalog) -> None:
    text = CTE_THROUGH_ALIAS
    dot = text.index("x.JobNo") + 2
    context = read_context(text, dot)
    assert context.kind is ContextKind.COLUMN_OF and context.qualifier == "x"
    ref = context.resolve("x")
    assert ref is not None and ref.kind is RefKind.CTE and ref.columns == (
        "JCCo", "JobNo", "Phases")
    labels = [c.label for c in complete(text[:dot] + text[dot + 5:], dot, sample_catalog)]
    assert labels[:3] == ["JCCo", "JobNo", "Phases"]
    target = target_at(text, dot + 1, sample_catalog)
    assert target is not None and (target.objects, target.column) == (("JCJM",), "Job")
    assert (target.alias, target.via) == ("x", "cte")
    shown = hover(text, text.index("x.JCCo") + 3, sample_catalog)
    assert shown is not None and "Read through CTE `x`" in shown.markdown
    assert shown.markdown.startswith("**JCJM.JCCo**")


# -- shapes --------------------------------------------------------------------------------


def test_sources_of_a_from_list_joins_and_applies() -> None:
    text = ("SELECT * FROM dbo.APTH AS h WITH (NOLOCK), APTL l (NOLOCK) "
            "JOIN APVM v ON v.Vendor = h.Vendor "
            "CROSS APPLY dbo.vfSplit(h.Notes) s, @t tv, #tmp")
    assert shapes(text) == [
        ("APTH", "h", RefKind.OBJECT, "FROM"), ("APTL", "l", RefKind.OBJECT, "FROM"),
        ("APVM", "v", RefKind.OBJECT, "JOIN"), ("vfSplit", "s", RefKind.FUNCTION, "APPLY"),
        ("@t", "tv", RefKind.VARIABLE, "FROM"), ("#tmp", None, RefKind.TEMP, "FROM")]
    first = read(text)[0]
    assert first.schema == "dbo" and first.hinted
    assert text[first.start:first.end] == "dbo.APTH AS h"
    assert [text[s:e] for s, e in first.part_spans] == ["dbo", "APTH"]


def test_targets_of_writes() -> None:
    assert [(r.name, r.clause, r.target) for r in read(
        "INSERT INTO #t (Job) SELECT Job FROM JCJM; SELECT Job INTO #u FROM JCJM; "
        "UPDATE h SET Notes = '' FROM APTH h; DELETE APTL WHERE 1 = 0; TRUNCATE TABLE #v"
    )] == [("#t", "INTO", True), ("JCJM", "FROM", False), ("#u", "INTO", True),
           ("JCJM", "FROM", False), ("h", "UPDATE", True), ("APTH", "FROM", False),
           ("APTL", "DELETE", True), ("#v", "TABLE", True)]
    merge = read("MERGE INTO JCCM AS t USING #new s ON t.Contract = s.Contract "
                 "WHEN NOT MATCHED THEN INSERT (Contract) VALUES (s.Contract);")
    assert [(r.name, r.alias, r.clause, r.target) for r in merge] == [
        ("JCCM", "t", "MERGE", True), ("#new", "s", "USING", False)]


def test_exec_names_its_routine() -> None:
    (ref,) = read("EXEC @rc = dbo.bspJCJobVal @jcco = 1")
    assert (ref.parts, ref.kind, ref.clause) == (("dbo", "bspJCJobVal"), RefKind.ROUTINE, "EXEC")


def test_derived_tables_yield_their_columns_and_star_sources() -> None:
    derived, inner = read("SELECT d.M FROM (SELECT APCo, Mth AS M, SUM(Amt) Total FROM APTL) d")
    assert (derived.name, derived.kind, derived.columns) == ("d", RefKind.DERIVED,
                                                             ("APCo", "M", "Total"))
    assert inner.scope == derived.body and derived.span == derived.body
    star, _ = read("SELECT * FROM (SELECT h.* FROM APTH h) x")
    assert star.star == ("APTH",) and star.columns == ()
    values = read("SELECT * FROM (VALUES (1, 'a')) AS v (Code, Name)")[0]
    assert values.columns == ("Code", "Name")


def test_a_subquery_reference_is_visible_only_inside_its_parentheses() -> None:
    text = "SELECT * FROM JCJM j WHERE EXISTS (SELECT 1 FROM JCCP p WHERE p.Job = j.Job)"
    outer, inner = read(text)
    assert outer.scope == OUTSIDE
    opening, closing = text.index("(SELECT"), text.rindex(")")
    assert inner.scope == (opening, closing + 1)
    assert inner.visible_from(text.index("p.Job")) and not inner.visible_from(0)
    unclosed = read("SELECT * FROM JCJM j WHERE EXISTS (SELECT 1 FROM JCCP p")
    assert unclosed[1].scope[1] == sys.maxsize


def test_the_token_being_typed_is_not_a_reference_or_an_alias() -> None:
    text = "SELECT * FROM APTH h JOIN AP"
    tokens = tokenize(text)
    statement = StatementTokens(tokens, 0, len(tokens))
    typed = read_refs(statement, typing=len(tokens) - 1).refs
    assert [r.name for r in typed] == ["APTH"]
    assert [r.name for r in read_refs(statement).refs] == ["APTH", "AP"]
    aliased = tokenize("SELECT * FROM APTH h")
    alias_typed = read_refs(StatementTokens(aliased, 0, len(aliased)), typing=len(aliased) - 1)
    assert [(r.name, r.alias) for r in alias_typed.refs] == [("APTH", None)]
    assert read("SELECT * FROM dbo.") == []
    (omitted,) = read("SELECT * FROM Archive..APTH a")
    assert (omitted.parts, omitted.alias) == (("Archive", "APTH"), "a")


def test_select_items_name_each_item_and_keep_its_expression() -> None:
    text = "SELECT h.APCo, Mth AS M, Total = SUM(Amt), 'x' AS 'Label', t.*, * FROM APTH h"
    tokens = tokenize(text)
    items = select_items(StatementTokens(tokens, 0, len(tokens)), 0, len(tokens))
    assert [i.name for i in items] == ["APCo", "M", "Total", "Label", None, None]
    assert [i.star for i in items] == [None, None, None, None, "t", ""]
    expression = items[2]
    assert " ".join(t.text for t in tokens[expression.expression_first:expression.expression_end]
                    ) == "SUM ( Amt )"


# -- statement bounds ----------------------------------------------------------------------


def bounds_at(text: str, needle: str) -> str:
    tokens = tokenize(text)
    position = next(i for i, t in enumerate(tokens) if t.start >= text.index(needle))
    start, end, _ = statement_bounds(tokens, position)
    return text[tokens[start].start:tokens[end - 1].end]


def test_statement_bounds_without_semicolons() -> None:
    text = ("DECLARE @co int = 1\n"
            "INSERT INTO #t (Job) SELECT Job FROM JCJM WHERE JCCo = @co\n"
            "UPDATE #t SET Job = RTRIM(Job)\n"
            "SELECT CASE WHEN Job IS NULL THEN 0 ELSE 1 END AS HasJob FROM #t")
    assert bounds_at(text, "SELECT Job") == (
        "INSERT INTO #t (Job) SELECT Job FROM JCJM WHERE JCCo = @co")
    assert bounds_at(text, "SET Job") == "UPDATE #t SET Job = RTRIM(Job)"
    assert bounds_at(text, "ELSE").startswith("SELECT CASE") and bounds_at(
        text, "ELSE").endswith("FROM #t")
    cte = "WITH c AS (SELECT 1 AS n) SELECT n FROM c; SELECT 2"
    assert bounds_at(cte, "SELECT n") == "WITH c AS (SELECT 1 AS n) SELECT n FROM c"
    assert bounds_at(cte, "SELECT 2") == "SELECT 2"


def test_statement_bounds_report_a_window_that_began_inside_parentheses() -> None:
    tokens = tokenize("1 FROM JCJM) AS d")
    assert statement_bounds(tokens, 0)[2] is True
    tokens = tokenize("SELECT (1)")
    assert statement_bounds(tokens, 0)[2] is False


def test_context_at_gives_the_statement_around_the_cursor() -> None:
    text = "SELECT 1\nGO\nSELECT Job FROM JCJM\nUPDATE JCJM SET Job = ''"
    context = context_at(text, text.index("Job FROM"))
    assert context is not None
    statement = context.tokens[context.low:context.high]
    assert context.text[statement[0].start:statement[-1].end] == "SELECT Job FROM JCJM"
    assert context.base + statement[0].start == text.index("SELECT Job")


def test_a_statement_the_analyzer_skips_does_not_see_the_sources_before_it(
        sample_catalog: Catalog) -> None:
    text = ("SELECT j.JCCo, j.Job INTO #JobCost FROM JCJM j WITH (NOLOCK);\n"
            "CREATE NONCLUSTERED INDEX ix_JobCost ON #JobCost (JCCo, Job);\n")
    # JCCo here is a column of #JobCost, not of JCJM read by the statement before.
    assert target_at(text, text.index("(JCCo") + 2, sample_catalog) is None
    assert target_at(text, text.index("j.JCCo") + 3, sample_catalog) is not None


def test_update_is_a_target_where_a_statement_begins_not_after_then_or_for() -> None:
    assert [(r.name, r.target) for r in read("UPDATE h SET Notes = '' FROM APTH h")] == [
        ("h", True), ("APTH", False)]
    merge = read("MERGE JCCM t USING #n s ON t.Contract = s.Contract "
                 "WHEN MATCHED THEN UPDATE SET t.Description = s.Description;")
    assert [r.clause for r in merge] == ["MERGE", "USING"]
    cursor = read("DECLARE c CURSOR FOR SELECT Job FROM JCJM FOR UPDATE OF Job")
    assert [r.name for r in cursor] == ["JCJM"]


# -- any text ------------------------------------------------------------------------------

_WORDS = ["SELECT", "FROM", "JOIN", "APPLY", "CROSS", "ON", "WHERE", "AS", "WITH", "(", ")",
          ",", ".", "..", ";", "*", "=", "(NOLOCK)", "NOLOCK", "INSERT", "INTO", "UPDATE", "SET",
          "DELETE", "MERGE", "USING", "EXEC", "TOP", "(10)", "VALUES", "UNION", "CREATE",
          "TABLE", "#t", "@t", "dbo", "APTH", "h", "[APTL]", "l", "c", "Job", "j.Job", "'x'",
          "1", "-- c\n", "\n", "OPENQUERY", "CASE", "END"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=40))
def test_any_text_gives_references_that_point_into_it(words: list[str]) -> None:
    text = " ".join(words)
    tokens = tokenize(text)
    by_start = {t.start: t for t in tokens}
    for ref in source_refs(tokens):
        assert ref.scope[0] <= ref.start < ref.scope[1]
        assert 0 <= ref.start <= ref.end <= len(text)
        assert ref.defines <= (ref.kind is RefKind.CTE)
        for part, (start, end) in zip(ref.parts, ref.part_spans, strict=True):
            assert by_start[start].end == end and by_start[start].value == part
        if ref.kind is RefKind.DERIVED:
            assert ref.body is not None and text[ref.body[0]] == "(" and ref.parts == ()
    for offset in range(0, len(text) + 1, 7):
        context = read_context(text, offset)
        for ref in context.refs:
            assert 0 <= ref.start <= ref.end <= len(text)
