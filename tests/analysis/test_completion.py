"""Completion as a Vista report writer sees it: views first, NOLOCK, typed columns, joins."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import ObjectType
from vgpt2.catalog.ranking import Tier
from vgpt2.server.analysis.completion import (
    Completion,
    CompletionOptions,
    complete,
    complete_list,
    prepare,
)

CLEAN = sorted((Path(__file__).parent / "corpus" / "clean").glob("*.sql"))
CORPUS = {path.name: path.read_text(encoding="utf-8") for path in CLEAN}

APTL_JOIN = ("APTL l WITH (NOLOCK) ON l.APCo = h.APCo AND l.Mth = h.Mth "
             "AND l.APTrans = h.APTrans")


def items_at(marked: str, catalog: Catalog, **options: object) -> list[Completion]:
    offset = marked.index("|")
    text = marked[:offset] + marked[offset + 1:]
    return complete(text, offset, catalog, CompletionOptions(**options))  # type: ignore[arg-type]


def by_label(items: list[Completion]) -> dict[str, Completion]:
    return {item.label: item for item in items}


def labels(items: list[Completion]) -> list[str]:
    return [item.label for item in items]


# -- objects ----------------------------------------------------------------------------------


def test_views_first_then_tables_then_functions(real_catalog: Catalog) -> None:
    items = items_at("SELECT * FROM |", real_catalog, limit=10_000)
    kinds = [item.kind for item in items]
    first_table, first_function = kinds.index("table"), kinds.index("function")
    assert set(kinds[:first_table]) == {"view"}
    assert set(kinds[first_table:first_function]) == {"table"}
    assert set(kinds[first_function:]) == {"function"}
    # Tables offered are those without a view: no base table behind a view.
    tables = {item.label for item in items if item.kind == "table"}
    assert "bAPTH" not in tables and "bJCCM" not in tables
    assert all(real_catalog.view_for(name) is None for name in tables)
    assert "JCChangeOrders" in tables  # a table with no view is offered
    assert [item.sort_text for item in items] == sorted(item.sort_text for item in items)


def test_view_detail_carries_module_and_description(sample_catalog: Catalog) -> None:
    item = by_label(items_at("SELECT * FROM APT|", sample_catalog))["APTH"]
    assert item.kind == "view"
    assert item.detail == "view · AP — AP transaction header"
    assert "one row per posted AP invoice" in item.documentation
    assert "Accounts Payable" in item.documentation
    assert "`bAPTH`" in item.documentation


def test_prefix_match_any_case_then_core_then_described(real_catalog: Catalog) -> None:
    items = items_at("SELECT * FROM jc|", real_catalog)
    assert items, "a lower-case prefix still finds JC views"
    starts = [i for i in items if i.label.lower().startswith("jc")]
    assert items[:len(starts)] == starts  # prefix matches come first
    views = [i.label for i in starts if i.kind == "view"]
    ranks = [real_catalog.object_rank(v) for v in views]
    tiers = [r.tier if r else Tier.ORDINARY for r in ranks]
    # The knowledge pack's core views first, batch and reporting views last.
    assert tiers == sorted(tiers)
    assert "JCJM" in views[:5] and views.index("JCJM") < views.index("JCCB")
    for tier in set(tiers):  # within a tier, described views first
        headers = [real_catalog.header(v) for v, t in zip(views, tiers, strict=True) if t == tier]
        described = [bool(h and h.description) for h in headers]
        assert described == sorted(described, reverse=True)
    cut = complete_list("SELECT * FROM JC", 16, real_catalog, CompletionOptions(limit=5))
    assert len(cut.items) == 5 and cut.is_incomplete


def test_nolock_on_reads_only(sample_catalog: Catalog) -> None:
    read = by_label(items_at("SELECT * FROM APT|", sample_catalog))["APTH"]
    assert read.insert_text == "APTH ${1:h} WITH (NOLOCK)"
    assert read.is_snippet
    assert (read.replace_start, read.replace_end) == (14, 17)
    for marked in ("INSERT INTO APT|", "UPDATE APT|", "DELETE FROM APT|",
                   "UPDATE h SET Notes = '' FROM APT|", "MERGE INTO APT|"):
        item = by_label(items_at(marked, sample_catalog))["APTH"]
        assert item.insert_text == "APTH" and not item.is_snippet, marked
    off = by_label(items_at("SELECT * FROM APT|", sample_catalog, nolock=False))["APTH"]
    assert off.insert_text == "APTH"


def test_no_alias_or_hint_added_when_one_follows(sample_catalog: Catalog) -> None:
    item = by_label(items_at("SELECT * FROM APT| h WHERE h.APCo = 1", sample_catalog))["APTH"]
    assert item.insert_text == "APTH"
    assert (item.replace_start, item.replace_end) == (14, 17)


def test_generated_alias_is_unique_and_reuses_an_unbound_qualifier(
    sample_catalog: Catalog,
) -> None:
    taken = by_label(items_at("SELECT * FROM APTD h, APT|", sample_catalog))["APTH"]
    assert taken.insert_text == "APTH ${1:th} WITH (NOLOCK)"
    unbound = by_label(items_at("SELECT v.Name FROM AP|", sample_catalog))["APVM"]
    assert unbound.insert_text == "APVM ${1:v} WITH (NOLOCK)"


def test_base_table_only_when_typed_and_last(sample_catalog: Catalog) -> None:
    assert "bAPTH" not in labels(items_at("SELECT * FROM |", sample_catalog, limit=10_000))
    items = items_at("SELECT * FROM bAPT|", sample_catalog)
    base = by_label(items)["bAPTH"]
    assert base.detail == "base table — use VIEW APTH"
    assert items[-1].detail.startswith("base table")


def test_schema_qualified_and_bracketed(sample_catalog: Catalog) -> None:
    dotted = by_label(items_at("SELECT * FROM dbo.APT|", sample_catalog))["APTH"]
    assert (dotted.replace_start, dotted.replace_end) == (18, 21)
    assert items_at("SELECT * FROM sys.APT|", sample_catalog) == []
    bracket = by_label(items_at("SELECT * FROM [APT|", sample_catalog))["APTH"]
    assert bracket.insert_text == "[APTH] ${1:h} WITH (NOLOCK)"
    assert bracket.filter_text == "[APTH"
    assert bracket.replace_start == 14


def test_ctes_offered_first_without_hint(sample_catalog: Catalog) -> None:
    items = items_at("WITH OpenAP AS (SELECT APCo FROM APTH) SELECT * FROM |", sample_catalog)
    assert items[0].label == "OpenAP" and items[0].detail == "CTE"
    assert items[0].insert_text == "OpenAP"


def test_functions_with_parameter_snippet(sample_catalog: Catalog) -> None:
    item = by_label(items_at("SELECT * FROM APTH h CROSS APPLY vfHQ|", sample_catalog))
    assert item["vfHQTaxRate"].insert_text == (
        "vfHQTaxRate(${1:@taxgroup}, ${2:@taxcode}, ${3:@compdate})")


# -- columns ----------------------------------------------------------------------------------


def test_columns_of_an_alias_with_types_in_ordinal_order(sample_catalog: Catalog) -> None:
    items = items_at("SELECT h.| FROM APTH h WITH (NOLOCK)", sample_catalog)
    apth = sample_catalog.get("APTH")
    assert apth is not None
    assert labels(items) == [c.name for c in apth.columns]
    mth = by_label(items)["Mth"]
    assert mth.kind == "column"
    assert mth.detail == "bMonth (smalldatetime)"
    assert "first day of the month" in mth.documentation
    assert (mth.replace_start, mth.replace_end) == (9, 9)


def test_alias_resolution_is_case_insensitive_and_names_work(sample_catalog: Catalog) -> None:
    upper = labels(items_at("SELECT H.| FROM APTH h", sample_catalog))
    named = labels(items_at("SELECT APTH.| FROM APTH", sample_catalog))
    before_from = labels(items_at("SELECT APTL.|", sample_catalog))
    assert upper[:3] == named[:3] == ["APCo", "Mth", "APTrans"]
    assert before_from[:4] == ["APCo", "Mth", "APTrans", "APLine"]
    prefixed = items_at("SELECT h.Inv| FROM APTH h", sample_catalog)
    assert prefixed[0].label.startswith("Inv")
    assert (prefixed[0].replace_start, prefixed[0].replace_end) == (9, 12)


def test_columns_of_ctes_and_derived_tables(sample_catalog: Catalog) -> None:
    cte = items_at("WITH c AS (SELECT JCCo, Job, SUM(x) AS Cost FROM JCCP GROUP BY JCCo, Job) "
                   "SELECT c.| FROM c", sample_catalog)
    assert labels(cte) == ["JCCo", "Job", "Cost"]
    assert cte[0].detail == "CTE column"
    star = labels(items_at("SELECT x.| FROM (SELECT * FROM APTH a) x", sample_catalog))
    assert star[:3] == ["APCo", "Mth", "APTrans"]


def test_expression_columns_qualified_only_when_ambiguous(sample_catalog: Catalog) -> None:
    items = items_at("SELECT | FROM APTH h JOIN APTL l ON l.APCo = h.APCo", sample_catalog)
    found = by_label(items)
    assert found["h.APCo"].insert_text == "h.APCo"
    assert found["l.APCo"].insert_text == "l.APCo"
    assert "APCo" not in found
    assert found["APRef"].insert_text == "APRef"  # only APTH has it
    assert found["APLine"].insert_text == "APLine"  # only APTL has it
    assert found["APRef"].detail == "bAPReference (varchar(15)) · h (APTH)"
    kinds = [item.kind for item in items]
    assert kinds.index("keyword") > max(i for i, k in enumerate(kinds) if k == "column")
    assert "SUM" in found and found["SUM"].kind == "function"


def test_update_set_offers_the_target_columns(sample_catalog: Catalog) -> None:
    found = by_label(items_at("UPDATE APTH SET | WHERE APCo = 1", sample_catalog))
    assert "PayMethod" in found or "InvTotal" in found


# -- joins ------------------------------------------------------------------------------------


def test_join_offers_related_objects_as_whole_joins_first(sample_catalog: Catalog) -> None:
    items = items_at("SELECT * FROM APTH h WITH (NOLOCK) JOIN |", sample_catalog)
    snippets = [item for item in items if item.kind == "snippet"]
    assert snippets and items[:len(snippets)] == snippets
    aptl = next(item for item in snippets if item.filter_text == "APTL")
    assert aptl.insert_text == APTL_JOIN
    assert "APVM m WITH (NOLOCK) ON m.VendorGroup = h.VendorGroup AND m.Vendor = h.Vendor" in {
        item.insert_text for item in snippets}
    assert all(not item.filter_text.startswith("b") for item in snippets)  # views, not bases
    assert any(item.kind == "view" for item in items[len(snippets):])  # then the plain list


def test_join_snippet_filtered_by_prefix_and_alias_unique(sample_catalog: Catalog) -> None:
    items = items_at("SELECT * FROM APTH l JOIN APT|", sample_catalog)
    aptl = next(item for item in items if item.kind == "snippet" and item.filter_text == "APTL")
    assert aptl.insert_text == ("APTL tl WITH (NOLOCK) ON tl.APCo = l.APCo AND tl.Mth = l.Mth "
                                "AND tl.APTrans = l.APTrans")
    assert aptl.replace_start == 26
    assert all(item.filter_text.upper().startswith("APT") for item in items
               if item.kind == "snippet")


def test_join_uses_the_widest_key(real_catalog: Catalog) -> None:
    items = items_at("SELECT * FROM JCCH h WITH (NOLOCK) JOIN JCC|", real_catalog)
    jccp = next(item for item in items if item.kind == "snippet" and item.filter_text == "JCCP")
    assert jccp.insert_text == (
        "JCCP p WITH (NOLOCK) ON p.JCCo = h.JCCo AND p.Job = h.Job AND "
        "p.PhaseGroup = h.PhaseGroup AND p.Phase = h.Phase AND p.CostType = h.CostType")


def test_on_offers_the_composite_key_condition(sample_catalog: Catalog) -> None:
    items = items_at("SELECT * FROM APTH h WITH (NOLOCK) JOIN APTL l WITH (NOLOCK) ON |",
                     sample_catalog)
    assert items[0].kind == "join"
    assert items[0].insert_text == "l.APCo = h.APCo AND l.Mth = h.Mth AND l.APTrans = h.APTrans"
    assert any(item.kind == "column" for item in items[1:])


def test_on_pairs_the_last_join_with_each_earlier_reference(sample_catalog: Catalog) -> None:
    items = items_at("SELECT * FROM APTH h JOIN APTL l ON l.APCo = h.APCo AND l.Mth = h.Mth "
                     "AND l.APTrans = h.APTrans JOIN JCJM j ON |", sample_catalog)
    conditions = [item.insert_text for item in items if item.kind == "join"]
    assert conditions[0] == "j.JCCo = l.JCCo AND j.Job = l.Job"


def test_on_with_a_cte_matches_the_key_by_name(sample_catalog: Catalog) -> None:
    items = items_at("WITH c AS (SELECT JCCo, Job, SUM(x) AS Cost FROM JCCP GROUP BY JCCo, Job) "
                     "SELECT * FROM c JOIN JCJM j ON |", sample_catalog)
    assert items[0].insert_text == "j.JCCo = c.JCCo AND j.Job = c.Job"


# -- procedures and keywords -----------------------------------------------------------------


def test_exec_offers_procedures_with_a_parameter_snippet(sample_catalog: Catalog) -> None:
    items = items_at("EXEC brptJCOpen|", sample_catalog)
    (item,) = items
    assert item.kind == "procedure"
    assert item.insert_text == ("brptJCOpenPayable @JCCo = ${1:JCCo}, @Contract = ${2:Contract}, "
                                "@ThroughMth = ${3:ThroughMth}")
    assert item.is_snippet
    assert item.detail == "(@JCCo bCompany, @Contract bContract, @ThroughMth bDate)"
    everything = items_at("EXECUTE |", sample_catalog)
    assert {i.kind for i in everything} == {"procedure"}
    procedures = {h.name for h in sample_catalog.headers() if h.type is ObjectType.PROCEDURE}
    assert set(labels(everything)) == procedures


def test_keywords_at_statement_start(sample_catalog: Catalog) -> None:
    items = items_at("|", sample_catalog)
    assert items[0].label == "SELECT"
    assert {"WITH", "INSERT INTO", "DECLARE", "EXEC"} <= set(labels(items))
    typed = items_at("SEL|", sample_catalog)
    assert typed[0].label == "SELECT" and (typed[0].replace_start, typed[0].replace_end) == (0, 3)


def test_keywords_after_a_table_reference(sample_catalog: Catalog) -> None:
    items = items_at("SELECT * FROM APTH h |", sample_catalog)
    assert items[0].label == "WITH (NOLOCK)"
    assert {"JOIN", "LEFT JOIN", "WHERE", "ORDER BY"} <= set(labels(items))
    hinted = labels(items_at("SELECT * FROM APTH h WITH (NOLOCK) |", sample_catalog))
    assert "WITH (NOLOCK)" not in hinted[:1]
    joined = labels(items_at("SELECT * FROM APTH h JOIN APTL l WITH (NOLOCK) |", sample_catalog))
    assert joined[0] == "ON"
    assert labels(items_at("SELECT * FROM APTH h LEFT |", sample_catalog))[:2] == [
        "JOIN", "OUTER JOIN"]


def test_keywords_after_expressions(sample_catalog: Catalog) -> None:
    assert labels(items_at("SELECT h.APCo | FROM APTH h", sample_catalog))[:2] == ["FROM", "AS"]
    assert labels(items_at("SELECT * FROM APTH h WHERE EXISTS (|", sample_catalog))[0] == (
        "SELECT")
    where = labels(items_at("SELECT * FROM APTH h WHERE h.APCo = 1 |", sample_catalog))
    assert where[:2] == ["AND", "OR"]


def test_prefix_matches_rank_first_across_columns_functions_keywords(
    sample_catalog: Catalog,
) -> None:
    items = items_at("SELECT SU| FROM APTH h", sample_catalog)
    assert items[0].label == "SUM" and items[0].insert_text == "SUM(${1:expression})"
    nulls = items_at("SELECT IS| FROM APTH h", sample_catalog)
    assert [i.label for i in nulls[:3]] == ["ISNULL", "IS NULL", "IS NOT NULL"]


@pytest.mark.parametrize("marked", [
    "SELECT 'APT|' FROM APTH",
    "-- SELECT * FROM APT|",
    "SELECT 1 /* FROM | */",
    "SELECT * FROM APTH AS |",
])
def test_nothing_inside_strings_comments_and_new_names(marked: str,
                                                       sample_catalog: Catalog) -> None:
    assert items_at(marked, sample_catalog) == []


def test_limit_zero_and_unknown_names(sample_catalog: Catalog) -> None:
    assert items_at("SELECT * FROM |", sample_catalog, limit=0) == []
    assert items_at("SELECT x.| FROM Nowhere x", sample_catalog) == []


def test_real_catalog_contexts(real_catalog: Catalog) -> None:
    assert items_at("SELECT * FROM |", real_catalog)[0].kind == "view"
    columns = items_at("SELECT j.| FROM JCJM j", real_catalog)
    assert labels(columns)[:2] == ["JCCo", "Job"]
    aptl = next(item for item in items_at("SELECT * FROM APTH h WITH (NOLOCK) JOIN APTL|",
                                          real_catalog) if item.kind == "snippet")
    assert aptl.insert_text == APTL_JOIN
    procedure = items_at("EXEC brptAPWorkFile|", real_catalog)[0]
    assert procedure.insert_text.count("@Co =") == 1  # repeated export parameters collapse


# -- totality ---------------------------------------------------------------------------------


def check(text: str, offset: int, items: list[Completion]) -> None:
    offset = max(0, min(offset, len(text)))
    assert isinstance(items, list)
    for item in items:
        assert item.label and item.insert_text
        assert 0 <= item.replace_start <= offset <= item.replace_end <= len(text), item
        assert "\n" not in text[item.replace_start:item.replace_end]
    assert len({(i.label, i.kind) for i in items}) == len(items)


def test_every_offset_of_a_corpus_file(real_catalog: Catalog,
                                       caplog: pytest.LogCaptureFixture) -> None:
    text = CORPUS["ap_open_invoices_apply.sql"]
    with caplog.at_level(logging.ERROR):
        for offset in range(0, len(text) + 1, 3):
            check(text, offset, complete(text, offset, real_catalog))
    assert not caplog.records


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_offsets_and_cuts_never_fail(data: st.DataObject, real_catalog: Catalog,
                                            caplog: pytest.LogCaptureFixture) -> None:
    """Any corpus file, cut anywhere (half-typed), completed at any offset: a list, no error."""
    name = data.draw(st.sampled_from(sorted(CORPUS)))
    text = CORPUS[name]
    cut = data.draw(st.integers(0, len(text)))
    keep = data.draw(st.integers(0, 40))
    text = text[:cut] + text[cut + keep:] if data.draw(st.booleans()) else text
    offset = data.draw(st.integers(-2, len(text) + 2))
    with caplog.at_level(logging.ERROR):
        items = complete(text, offset, real_catalog, CompletionOptions(limit=50))
    check(text, offset, items)
    assert not [r for r in caplog.records if r.name.startswith("vgpt2")]


def test_prepare_builds_the_catalog_lists_once(sample_catalog: Catalog) -> None:
    from vgpt2.server.analysis.completion_index import index_of

    prepare(sample_catalog)
    index = index_of(sample_catalog)
    prepare(sample_catalog)
    assert index_of(sample_catalog) is index
