"""The catalog backend, no model: a skeleton on the right views, whole keys, no findings."""

from __future__ import annotations

import asyncio

import pytest
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.analyzer import analyze
from vgpt2.server.generation.engine import GenerationRequest, generate
from vgpt2.server.generation.jointree import join_tree
from vgpt2.server.generation.skeleton import LABEL, alias_for, render_skeleton

QUESTIONS: list[tuple[str, set[str]]] = [
    ("unpaid AP invoices by vendor", {"APTD", "APTH", "APVM"}),
    ("AP invoice lines charged to a job", {"APTL", "APTH"}),
    ("vendors and their AP payments", {"APPH", "APVM"}),
    ("customers with open AR invoices", {"ARTH", "ARCM"}),
    ("AR invoice lines for a contract", {"ARTL", "ARTH"}),
    ("jobs for a contract", {"JCCM", "JCJM"}),
    ("job cost detail by phase and cost type", {"JCCD", "JCJP"}),
    ("contract items billed", {"JCCI", "JCCM"}),
    ("employee timecards for a pay period", {"PRTH", "PRPC", "PREH"}),
    ("payroll deductions and liabilities", {"PRDL"}),
    ("earnings codes", {"PREC"}),
    ("GL account balances by month", {"GLBL", "GLAC"}),
    ("GL journal entries detail", {"GLDT"}),
    ("purchase order items received", {"POIT", "POHD"}),
    ("subcontract items by vendor", {"SLHD", "SLIT", "APVM"}),
    ("equipment revenue by month", {"EMRD", "EMEM"}),
    ("equipment cost detail", {"EMCD", "EMEM"}),
    ("inventory on hand by location", {"INMT"}),
    ("materials", {"HQMT"}),
    ("cash management bank accounts", {"CMAC"}),
    ("tax codes and rates", {"HQTX"}),
    ("work orders for a service site", {"SMWorkOrder"}),
    ("HQ companies", {"HQCO"}),
    ("project subcontracts in PM", {"PMSL"}),
]



@pytest.mark.parametrize(("question", "expected"), QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_skeleton_reads_the_right_views_and_passes_the_analyzer(
        sample_catalog: Catalog, question: str, expected: set[str]) -> None:
    result = asyncio.run(generate(GenerationRequest(question), sample_catalog, None))
    assert not result.refused, result.message
    assert result.sql is not None
    assert result.backend == "catalog" and result.model is None
    assert result.sql.startswith(LABEL)
    assert expected <= set(result.objects), (result.objects, result.sql)
    # Views, never base tables; NOLOCK on every reference; whole keys (no VG006): no findings.
    assert all(sample_catalog.view_for(o) is None for o in result.objects)
    assert analyze(result.sql, sample_catalog) == []
    assert result.findings == []
    assert "WITH (NOLOCK)" in result.sql
    assert result.sql.count("WITH (NOLOCK)") == len(result.objects)


def test_skeleton_joins_on_the_whole_composite_key(sample_catalog: Catalog) -> None:
    sql = render_skeleton(sample_catalog, join_tree(sample_catalog, ["APTH", "APTL"]),
                          "invoice lines")
    assert sql is not None
    assert "JOIN APTL AS tl WITH (NOLOCK)" in sql
    for column in ("APCo", "Mth", "APTrans"):
        assert f"tl.{column} = th.{column}" in sql
    assert "WHERE th.APCo = @APCo" in sql


def test_skeleton_filters_a_group_keyed_master_on_its_group(sample_catalog: Catalog) -> None:
    sql = render_skeleton(sample_catalog, join_tree(sample_catalog, ["APVM"]), "vendors")
    assert sql is not None
    assert "WHERE vm.VendorGroup = @VendorGroup" in sql
    assert analyze(sql, sample_catalog) == []


def test_skeleton_names_a_repeated_column_after_its_object(sample_catalog: Catalog) -> None:
    sql = render_skeleton(sample_catalog, join_tree(sample_catalog, ["JCJP", "JCJM"]),
                          "phases of a job")
    assert sql is not None
    assert "jm.Description AS JCJMDescription" in sql


def test_aliases_are_short_unique_and_not_keywords() -> None:
    assert alias_for("APTH", []) == "th"
    assert alias_for("SMWorkOrder", []) == "swo"
    assert alias_for("PRTH", ["th"]) == "prth"
    assert alias_for("GLOR", []) != "or"


def test_catalog_backend_refuses_an_object_vista_does_not_have(sample_catalog: Catalog) -> None:
    result = asyncio.run(generate(GenerationRequest("select everything from the Customers table"),
                                  sample_catalog, None))
    assert result.refused and result.sql is None
    assert "Customers" in result.message
    assert "ARCM" in result.suggestions
    assert result.as_json()["refused"] is True


def test_catalog_backend_on_the_real_catalog(real_catalog: Catalog) -> None:
    for question, expected in [("unpaid AP invoices by vendor", {"APTH"}),
                               ("job cost detail by phase", {"JCCD"}),
                               ("employee timecards", {"PRTH"})]:
        result = asyncio.run(generate(GenerationRequest(question), real_catalog, None))
        assert result.sql is not None, result.message
        assert expected <= set(result.objects), (question, result.objects)
        assert analyze(result.sql, real_catalog) == []


def test_catalog_backend_on_every_benchmark_question(real_catalog: Catalog) -> None:
    """The 167 gold questions: every skeleton is clean; nearly all read a gold object."""
    import tomllib
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "questions.toml"
    questions = tomllib.loads(path.read_text(encoding="utf-8"))["question"]
    with_gold = 0
    for item in questions:
        result = asyncio.run(generate(GenerationRequest(item["text"]), real_catalog, None))
        assert result.sql is not None, (item["text"], result.message)
        assert analyze(result.sql, real_catalog) == [], (item["text"], result.sql)
        assert all(real_catalog.view_for(o) is None for o in result.objects)
        gold = {real_catalog.preferred_name(g) for g in item["gold"]}
        with_gold += bool(gold & set(result.objects))
    assert with_gold >= 0.9 * len(questions), with_gold


def test_weak_match_is_said_and_no_match_is_refused(sample_catalog: Catalog) -> None:
    strong = asyncio.run(generate(GenerationRequest("customers"), sample_catalog, None))
    assert "weakly" not in strong.message
    weak = asyncio.run(generate(GenerationRequest("retainage"), sample_catalog, None))
    assert weak.sql is not None and "synonym" not in weak.linked[0]["why"]
    assert "only weakly" in weak.message
    nothing = asyncio.run(generate(GenerationRequest("xyzzy plugh"), sample_catalog, None))
    assert nothing.refused and nothing.sql is None
    assert "no catalog object matches" in nothing.message


def test_skeleton_warns_where_rows_multiply(sample_catalog: Catalog) -> None:
    sql = render_skeleton(sample_catalog, join_tree(sample_catalog, ["PREH", "PREA", "PRSQ"]),
                          "employee accumulations and pay sequences")
    assert sql is not None
    assert "-- PREA and PRSQ are both many rows per row" in sql
    assert analyze(sql, sample_catalog) == []


@pytest.mark.parametrize("objects", [["JCJM", "JCJP", "JCCP"], ["JCJM", "JCCP", "JCJP"]])
def test_job_cost_by_phase_joins_costs_on_the_phase_key(sample_catalog: Catalog,
                                                         objects: list[str]) -> None:
    sql = render_skeleton(sample_catalog, join_tree(sample_catalog, objects),
                          "job cost by phase for each job")
    assert sql is not None
    assert ("JOIN JCCP AS cp WITH (NOLOCK)\n  ON cp.JCCo = jp.JCCo\n AND cp.Job = jp.Job\n"
            " AND cp.PhaseGroup = jp.PhaseGroup\n AND cp.Phase = jp.Phase") in sql, sql
    assert analyze(sql, sample_catalog) == []
