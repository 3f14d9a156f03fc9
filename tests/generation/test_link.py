"""Schema linking: the question's objects and the surrounding SQL's, views before base tables."""

from __future__ import annotations

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.generation.link import MAX_PRIMARY, link, surrounding_objects


def test_question_links_its_objects_best_first(sample_catalog: Catalog) -> None:
    result = link(sample_catalog, "unpaid AP invoices by vendor")
    assert {"APTH", "APVM"} <= set(result.primary)
    assert len(result.names) == len(set(result.names)) <= 10


def test_only_views_are_linked_never_their_base_tables(sample_catalog: Catalog) -> None:
    result = link(sample_catalog, "bJCJM jobs and bJCCM contracts")
    assert "JCJM" in result.names and "JCCM" in result.names
    assert not [n for n in result.names if sample_catalog.view_for(n)]


def test_generic_synonym_yields_to_the_specific_one(sample_catalog: Catalog) -> None:
    # "invoices" is also ARTH's synonym; "ap invoices" already claimed the words.
    result = link(sample_catalog, "unpaid AP invoices by vendor")
    assert "ARTH" not in result.primary


def test_surrounding_sql_objects_come_first_and_are_primary(sample_catalog: Catalog) -> None:
    sql = "SELECT h.APRef FROM bAPTH h WITH (NOLOCK) JOIN #work w ON w.x = h.APCo WHERE h."
    assert surrounding_objects(sample_catalog, sql) == ["APTH"]
    result = link(sample_catalog, "add the vendor name", sql)
    first = result.objects[0]
    assert (first.name, first.origin, first.primary) == ("APTH", "surrounding", True)


def test_surrounding_sql_skips_ctes_unknown_names_and_other_databases(
        sample_catalog: Catalog) -> None:
    sql = ("WITH x AS (SELECT Job FROM jcjm) SELECT * FROM x JOIN Nowhere n ON 1 = 1 "
           "JOIN OtherDb.dbo.APTH a ON 1 = 1")
    assert surrounding_objects(sample_catalog, sql) == ["JCJM"]
    assert surrounding_objects(sample_catalog, "") == []


def test_primary_objects_are_bounded(sample_catalog: Catalog) -> None:
    result = link(sample_catalog, "jobs contracts phases cost types vendors customers employees "
                                  "equipment purchase orders subcontracts")
    assert 1 <= len(result.primary) <= MAX_PRIMARY


def test_nothing_to_link(sample_catalog: Catalog) -> None:
    assert link(sample_catalog, "the of and").objects == ()


def test_real_catalog_links_core_views(real_catalog: Catalog) -> None:
    assert "PRTH" in link(real_catalog, "employee timecards").names
    assert "JCCD" in link(real_catalog, "job cost detail").names


def test_search_explanations_link_reads(sample_catalog: Catalog) -> None:
    """link() reads the synonym phrase and "named in the question" out of SearchHit.why."""
    from vgpt2.catalog.search import search

    assert "synonym 'customers'" in search(sample_catalog, "customers")[0].why
    assert "named in the question" in search(sample_catalog, "APTH rows")[0].why
