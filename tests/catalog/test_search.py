"""Schema linking: the questions report writers ask find the objects they mean."""

from __future__ import annotations

import pytest
from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.search import question_terms, search

# question -> objects that must all be in the top N (first one must be first)
QUESTIONS = [
    ("customers", ["ARCM"], 1),
    ("vendors", ["APVM"], 1),
    ("who are our suppliers", ["APVM"], 1),
    ("jobs", ["JCJM"], 1),
    ("employees", ["PREH"], 1),
    ("purchase orders", ["POHD"], 1),
    ("equipment", ["EMEM"], 1),
    ("work orders", ["SMWorkOrder"], 1),
    ("timecards", ["PRTH"], 1),
    ("AR invoices", ["ARTH"], 1),
    ("unpaid AP invoices by vendor", ["APTD", "APTH", "APVM"], 3),
    # JCCH and JCCP, keyed by phase and cost type, now rank above JCCT (6th).
    ("job cost by phase and cost type", ["JCJP", "JCCH", "JCCP", "JCCD", "JCCT"], 6),
    ("GL account balances", ["GLBL", "GLAC"], 2),
    ("subcontract items", ["SLIT", "SLHD"], 2),
    ("contract items billed", ["JCCI", "JCCM"], 3),
]


def names(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [h.name for h in hits]


@pytest.mark.parametrize(("question", "expected", "within"), QUESTIONS)
def test_sample_catalog_answers(sample_catalog: Catalog, question: str, expected: list[str],
                                within: int) -> None:
    found = names(search(sample_catalog, question, limit=10))
    assert found[0] == expected[0], found
    assert set(expected) <= set(found[:within]), found


@pytest.mark.parametrize(("question", "expected", "within"), QUESTIONS)
def test_real_catalog_answers(real_catalog: Catalog, question: str, expected: list[str],
                              within: int) -> None:
    found = names(search(real_catalog, question, limit=10))
    assert set(expected) <= set(found[:within]), found


def test_a_base_table_name_finds_its_view(sample_catalog: Catalog) -> None:
    (hit, *_) = search(sample_catalog, "bJCCM")
    assert hit.name == "JCCM"
    assert hit.type == "view"
    assert "named in the question" in hit.why


def test_views_and_base_tables_are_one_result(real_catalog: Catalog) -> None:
    found = names(search(real_catalog, "AP transaction header invoices", limit=20))
    assert "APTH" in found
    assert "bAPTH" not in found


def test_tables_and_views_come_before_procedures(real_catalog: Catalog) -> None:
    hits = search(real_catalog, "equipment", limit=10)
    assert all(h.type in ("table", "view") for h in hits[:5])


def test_why_names_the_evidence(sample_catalog: Catalog) -> None:
    (hit, *_) = search(sample_catalog, "customers")
    assert "synonym 'customers'" in hit.why


def test_scores_are_ordered_and_limit_is_respected(real_catalog: Catalog) -> None:
    hits = search(real_catalog, "job cost detail by month", limit=7)
    assert len(hits) == 7
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_questions_without_words_or_matches_return_nothing(sample_catalog: Catalog) -> None:
    assert search(sample_catalog, "") == []
    assert search(sample_catalog, "the of and") == []
    assert search(sample_catalog, "zzqxv") == []
    assert search(sample_catalog, '"; DROP TABLE x; -- *') == []


def test_question_terms_split_identifiers() -> None:
    assert question_terms("APTrans for the vendor") == ["aptrans", "ap", "trans", "vendor"]
