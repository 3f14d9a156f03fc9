"""Whatever text the model returns, the engine never delivers SQL with an unknown name or a
syntax error."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.analyzer import analyze
from vgpt2.server.generation.engine import GenerationRequest, generate

from tests.generation.fakes import ScriptedBackend

NAMES = ["APTH", "APTL", "aptl", "bAPTH", "JCJM", "JCCD", "Customers", "Vendors", "APVM",
         "OtherDb.dbo.APTH", "#t", "@t", "[JCJM]", "dbo.JCJM"]
COLUMNS = ["APCo", "Mth", "APTrans", "Job", "job", "JCCo", "Name", "VendorName", "Amount",
           "InvTotal", "*", "1", "'x'", "@JCCo", "NULL", "COUNT(*)"]
WORDS = ["SELECT", "FROM", "WHERE", "JOIN", "ON", "AND", "OR", "WITH (NOLOCK)", "AS", "GROUP BY",
         "ORDER BY", "=", ",", "(", ")", ";", "\n", "```sql\n", "\n```", "Here is the query:",
         "This lists them.", "--", "/*", "*/", "'", "[", "]", "UNION", "UPDATE", "SET",
         "DECLARE", "GO", "!!!!", "h.", "l.", "h", "l", "TOP 10", "DISTINCT", "IN", "EXISTS"]

fragments = st.lists(st.sampled_from(NAMES + COLUMNS + WORDS), min_size=0, max_size=40)
replies = st.one_of(
    fragments.map(" ".join),
    st.text(max_size=200),
    st.tuples(st.sampled_from(COLUMNS), st.sampled_from(NAMES), st.sampled_from(COLUMNS)).map(
        lambda t: f"```sql\nSELECT {t[0]} FROM {t[1]} WHERE {t[2]} = 1\n```"),
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(first=replies, second=replies)
def test_delivered_sql_never_has_syntax_or_unknown_name_errors(
        sample_catalog: Catalog, first: str, second: str) -> None:
    backend = ScriptedBackend([first, second])
    result = asyncio.run(generate(GenerationRequest("AP invoices", repair_rounds=1),
                                  sample_catalog, backend))
    if result.sql is None:
        assert result.refused and result.message.startswith("No SQL")
        return
    assert not result.refused
    codes = {f.code for f in analyze(result.sql, sample_catalog)}
    assert not codes & {"VG000", "VG001", "VG002"}, (result.sql, codes)
    assert all(f.severity != "error" for f in result.findings)
    assert all(o in sample_catalog for o in result.objects)


QUESTION_WORDS = ["vendors", "invoices", "unpaid", "AP", "AR", "jobs", "phases", "cost", "types",
                  "contracts", "items", "employees", "timecards", "equipment", "revenue", "GL",
                  "accounts", "balances", "purchase", "orders", "subcontracts", "customers",
                  "work", "orders", "materials", "tax", "codes", "by", "month", "for", "a",
                  "the", "table", "APTH", "JCJM", "bAPTL", "Customers", "[Clients]", "`JCCD`",
                  "payroll", "billing", "inventory", "locations", "projects", "change"]


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(words=st.lists(st.sampled_from(QUESTION_WORDS), min_size=0, max_size=8),
       noise=st.text(max_size=30))
def test_catalog_backend_answers_any_question_with_clean_sql_or_a_refusal(
        sample_catalog: Catalog, words: list[str], noise: str) -> None:
    question = " ".join(words) + " " + noise
    result = asyncio.run(generate(GenerationRequest(question), sample_catalog, None))
    if result.sql is None:
        assert result.refused and result.message.startswith("No SQL")
        return
    assert analyze(result.sql, sample_catalog) == [], (question, result.sql)
    assert all(sample_catalog.view_for(o) is None for o in result.objects)
