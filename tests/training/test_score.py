"""Execution scoring: right answers in any spelling are right, wrong ones are wrong."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from vgpt2.catalog.catalog import Catalog
from vgpt2.training.eval.questions import Prediction, Question
from vgpt2.training.eval.runner import evaluate
from vgpt2.training.eval.sampledb import BuildSummary
from vgpt2.training.eval.score import Databases, Outcome, Scorer, Table, compare, normalize

GOLD = Question(
    id="ap-vendor-total", module="AP", tags=("join", "aggregate"),
    question="Total invoiced amount per vendor in AP company 1.",
    sql="SELECT v.Vendor, v.Name, SUM(h.InvTotal) AS Total\n"
        "FROM dbo.APTH h WITH (NOLOCK)\n"
        "JOIN dbo.APVM v WITH (NOLOCK) ON v.VendorGroup = h.VendorGroup AND v.Vendor = h.Vendor\n"
        "WHERE h.APCo = 1\nGROUP BY v.Vendor, v.Name\n")
ORDERED = Question(
    id="ap-top", module="AP", tags=("TOP/ORDER",),
    question="AP invoices of company 1, largest first.",
    sql="SELECT h.Mth, h.APTrans, h.InvTotal FROM dbo.APTH h WITH (NOLOCK) WHERE h.APCo = 1 "
        "ORDER BY h.InvTotal DESC")
PROBE = Question(id="probe", question="Show the APVendorScorecard table.", refuse=True,
                 nearest=("APVM",))


@pytest.fixture
def scorer(sample_catalog: Catalog, sample_dbs: BuildSummary) -> Iterator[Scorer]:
    with Databases(sample_dbs.databases) as databases:
        yield Scorer(sample_catalog, databases)


def predicted(sql: str | None, refused: bool = False, **extra: object) -> Prediction:
    return Prediction(id="x", sql=sql, refused=refused, **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize("sql", [
    GOLD.sql,
    # other aliases, layout and keyword case
    "select vm.Vendor, vm.Name, sum(th.InvTotal) as Invoiced from APTH as th with (nolock) "
    "inner join APVM vm with (nolock) on th.VendorGroup = vm.VendorGroup and "
    "th.Vendor = vm.Vendor where th.APCo = 1 group by vm.Vendor, vm.Name",
    # other column order, and an ORDER BY the gold does not have
    "SELECT SUM(h.InvTotal), v.Name, v.Vendor FROM APVM v WITH (NOLOCK) JOIN APTH h WITH "
    "(NOLOCK) ON h.VendorGroup = v.VendorGroup AND h.Vendor = v.Vendor WHERE h.APCo = 1 "
    "GROUP BY v.Vendor, v.Name ORDER BY 1",
    # a CTE and a variable
    "DECLARE @co tinyint = 1;\nWITH t AS (SELECT h.VendorGroup, h.Vendor, h.InvTotal FROM APTH h "
    "WITH (NOLOCK) WHERE h.APCo = @co)\nSELECT v.Vendor, v.Name, SUM(t.InvTotal) FROM t "
    "JOIN APVM v WITH (NOLOCK) ON v.VendorGroup = t.VendorGroup AND v.Vendor = t.Vendor "
    "GROUP BY v.Vendor, v.Name",
])
def test_rewritten_gold_is_still_right(scorer: Scorer, sql: str) -> None:
    case = scorer.score(GOLD, predicted(sql))
    assert case.correct, case.reason
    assert case.outcome is Outcome.CORRECT


@pytest.mark.parametrize(("sql", "reason"), [
    # another company
    (GOLD.sql.replace("h.APCo = 1", "h.APCo = 2"), "differ|match no column|row"),  # type: ignore[union-attr]
    # a dropped column
    (GOLD.sql.replace("v.Vendor, v.Name, SUM", "v.Vendor, SUM"), "column"),  # type: ignore[union-attr]
    # MAX for SUM
    (GOLD.sql.replace("SUM(", "MAX("), "match no column|differ"),  # type: ignore[union-attr]
    # half a join: only the vendor number, not the group
    ("SELECT v.Vendor, v.Name, SUM(h.InvTotal) FROM APTH h WITH (NOLOCK) JOIN APVM v WITH "
     "(NOLOCK) ON v.Vendor = h.Vendor WHERE h.APCo = 1 GROUP BY v.Vendor, v.Name", ""),
])
def test_wrong_answers_are_wrong(scorer: Scorer, sql: str, reason: str) -> None:
    case = scorer.score(GOLD, predicted(sql))
    assert not case.correct
    assert case.outcome is Outcome.WRONG
    assert case.reason.startswith("database ")
    if reason:
        assert any(word in case.reason for word in reason.split("|")), case.reason


def test_a_transpile_problem_is_not_executable(scorer: Scorer) -> None:
    case = scorer.score(GOLD, predicted(
        "SELECT v.Vendor FROM APVM v WITH (NOLOCK) WHERE v.VendorGroup = @VendorGroup"))
    assert case.outcome is Outcome.NOT_EXECUTABLE and not case.correct
    assert "@VendorGroup" in case.reason
    unknown = scorer.score(GOLD, predicted("SELECT x.Vendor FROM VendorMaster x"))
    assert unknown.outcome is Outcome.NOT_EXECUTABLE and unknown.unknown_names


def test_order_matters_only_when_the_gold_orders(scorer: Scorer) -> None:
    assert ORDERED.sql is not None
    right = scorer.score(ORDERED, predicted(ORDERED.sql))
    assert right.correct, right.reason
    reversed_order = ORDERED.sql.replace("DESC", "ASC")
    wrong = scorer.score(ORDERED, predicted(reversed_order))
    assert not wrong.correct and "order" in wrong.reason
    assert ORDERED.sql is not None
    unordered_gold = Question(id="u", question="q", sql=ORDERED.sql.split(" ORDER BY")[0])
    assert scorer.score(unordered_gold, predicted(reversed_order)).correct


def test_refusals_are_scored(scorer: Scorer) -> None:
    good = scorer.score(PROBE, predicted(None, refused=True,
                                         message="No SQL: no such table. Closest: APVM."))
    assert good.correct and "APVM" in good.reason
    by_suggestion = scorer.score(PROBE, predicted(None, refused=True, suggestions=("APVM",)))
    assert by_suggestion.correct
    vague = scorer.score(PROBE, predicted(None, refused=True, message="Cannot answer."))
    assert not vague.correct and "nearest" in vague.reason
    answered = scorer.score(PROBE, predicted("SELECT 1"))
    assert answered.outcome is Outcome.ANSWERED and not answered.correct
    refused_answerable = scorer.score(GOLD, predicted(None, refused=True))
    assert refused_answerable.outcome is Outcome.REFUSED and not refused_answerable.correct


def test_the_summary_counts_refusal_precision_and_recall(
        sample_catalog: Catalog, sample_dbs: BuildSummary) -> None:
    questions = [GOLD, PROBE, Question(id="probe2", question="q", refuse=True)]
    predictions = {
        "ap-vendor-total": Prediction("ap-vendor-total", None, refused=True),
        "probe": Prediction("probe", None, refused=True, suggestions=("APVM",)),
        "probe2": Prediction("probe2", "SELECT 1", refused=False),
    }
    summary = evaluate(questions, predictions, sample_catalog, sample_dbs.databases).summary
    assert summary["execution_accuracy"] == 0.0
    assert summary["refusal_precision"] == 0.5  # one of the two refusals was a probe
    assert summary["refusal_recall"] == 0.5  # one of the two probes was refused
    assert summary["outcomes"]["refused"] == 1 and summary["outcomes"]["answered"] == 1


def test_values_compare_with_tolerance_nulls_and_padding() -> None:
    assert normalize(Decimal("10.00004")) == normalize(10.0)
    assert normalize(dt.date(2025, 1, 1)) == normalize(dt.datetime(2025, 1, 1))
    assert normalize("ABC  ") == normalize("ABC")
    gold = Table(["a", "b"], [(normalize(1), None), (normalize(2.5), normalize("x"))])
    same = Table(["b", "a"], [(None, normalize(Decimal("1.00001"))),
                              (normalize("x"), normalize(2.5))])
    assert compare(gold, same) is None
    other = Table(["a", "b"], [(normalize(1), normalize("")), (normalize(2.5), normalize("x"))])
    assert compare(gold, other) is not None
    assert compare(gold, Table(["a", "b"], [*gold.rows, *gold.rows])) is not None  # bags, not sets
