"""The engine against a scripted model: every reply ends in checked SQL or a clear refusal."""

from __future__ import annotations

import asyncio

import pytest
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.analyzer import analyze
from vgpt2.server.generation.backends.base import (
    BackendError,
    BackendErrorKind,
    GenerationOptions,
)
from vgpt2.server.generation.engine import GenerationRequest, generate
from vgpt2.server.generation.result import STAGES, GenerationResult

from tests.generation.fakes import ScriptedBackend

VALID = ("SELECT h.APRef, h.InvDate, h.InvTotal\nFROM APTH h WITH (NOLOCK)\n"
         "WHERE h.APCo = @APCo;")


def ask(catalog: Catalog, backend: ScriptedBackend, question: str = "AP invoices",
        **kwargs: object) -> GenerationResult:
    request = GenerationRequest(question, **kwargs)  # type: ignore[arg-type]
    return asyncio.run(generate(request, catalog, backend))


def assert_clean(result: GenerationResult, catalog: Catalog) -> str:
    """Delivered SQL carries no error finding of any kind."""
    assert not result.refused, result.message
    assert result.sql is not None
    errors = [f for f in analyze(result.sql, catalog) if f.severity.value == "error"]
    assert errors == []
    return result.sql


def test_the_fake_implements_the_backend_protocol() -> None:
    from vgpt2.server.generation.backends.base import ModelBackend

    assert isinstance(ScriptedBackend(["x"]), ModelBackend)


def test_valid_sql_is_delivered_as_is(sample_catalog: Catalog) -> None:
    backend = ScriptedBackend([f"```sql\n{VALID}\n```"])
    result = ask(sample_catalog, backend)
    sql = assert_clean(result, sample_catalog)
    assert sql == VALID + "\n"
    assert result.objects == ["APTH"]
    assert result.repairs == 0 and result.findings == []
    assert result.backend == "scripted" and result.model == "scripted-model"
    assert len(backend.requests) == 1


def test_invented_table_is_refused_naming_the_real_one(sample_catalog: Catalog) -> None:
    backend = ScriptedBackend(["SELECT Name FROM Customers WITH (NOLOCK);"])
    result = ask(sample_catalog, backend, "customer names")
    assert result.refused and result.sql is None
    assert result.repairs == 2 and len(backend.requests) == 3
    assert "ARCM" in result.suggestions and "ARCM" in result.message
    # Each repair round sent the analyzer's message with its did-you-mean.
    repair_text = backend.requests[1][-1].content
    assert "VG001" in repair_text and "ARCM" in repair_text
    assert all(r.outcome == "errors" for r in result.repair_rounds)


def test_repair_shows_the_schema_of_a_suggested_object_the_prompt_lacked(
        sample_catalog: Catalog) -> None:
    backend = ScriptedBackend(["SELECT c.Name FROM Clients c WITH (NOLOCK);",
                               "SELECT c.Name FROM ARCM c WITH (NOLOCK) "
                               "WHERE c.CustGroup = @CustGroup;"])
    result = ask(sample_catalog, backend, "AP invoices")  # ARCM is not in this prompt
    assert_clean(result, sample_catalog)
    first_prompt = backend.requests[0][-1].content
    repair = backend.requests[1][-1].content
    assert "## ARCM" not in first_prompt
    assert "did you mean ARCM?" in repair
    assert "Schema of the suggested objects:\n## ARCM" in repair
    assert "- Name varchar(60)" in repair


def test_invented_column_fixed_on_repair(sample_catalog: Catalog) -> None:
    backend = ScriptedBackend([
        "SELECT v.VendorName FROM APVM v WITH (NOLOCK) WHERE v.VendorGroup = @VendorGroup;",
        "SELECT v.Name FROM APVM v WITH (NOLOCK) WHERE v.VendorGroup = @VendorGroup;",
    ])
    result = ask(sample_catalog, backend, "vendor names")
    sql = assert_clean(result, sample_catalog)
    assert "v.Name" in sql
    assert result.repairs == 1
    assert result.repair_rounds[0].outcome == "ok"
    assert any("VendorName" in p for p in result.repair_rounds[0].problems)
    assert "VG002" in backend.requests[1][-1].content


def test_missing_nolock_is_added_without_asking_the_model(sample_catalog: Catalog) -> None:
    backend = ScriptedBackend(["SELECT j.Job, j.Description FROM JCJM j WHERE j.JCCo = @JCCo"])
    result = ask(sample_catalog, backend, "jobs")
    sql = assert_clean(result, sample_catalog)
    assert "JCJM j WITH (NOLOCK)" in sql
    assert result.repairs == 0 and result.fixes_applied >= 1
    assert len(backend.requests) == 1


def test_base_table_becomes_its_view(sample_catalog: Catalog) -> None:
    backend = ScriptedBackend(["SELECT j.Job FROM bJCJM j WITH (NOLOCK) WHERE j.JCCo = @JCCo"])
    result = ask(sample_catalog, backend, "jobs")
    sql = assert_clean(result, sample_catalog)
    assert "FROM JCJM j" in sql and "bJCJM" not in sql
    assert result.objects == ["JCJM"]


def test_wrong_case_is_corrected(sample_catalog: Catalog) -> None:
    backend = ScriptedBackend(["SELECT j.job, j.description FROM jcjm j WITH (NOLOCK) "
                               "WHERE j.jcco = @JCCo"])
    result = ask(sample_catalog, backend, "jobs")
    sql = assert_clean(result, sample_catalog)
    assert "j.Job" in sql and "FROM JCJM" in sql and "j.JCCo" in sql


def test_partial_key_join_is_completed(sample_catalog: Catalog) -> None:
    backend = ScriptedBackend([
        "SELECT h.APRef, l.GrossAmt FROM APTH h WITH (NOLOCK) "
        "JOIN APTL l WITH (NOLOCK) ON l.APCo = h.APCo WHERE h.APCo = @APCo"])
    result = ask(sample_catalog, backend, "AP invoice lines")
    sql = assert_clean(result, sample_catalog)
    assert "l.Mth" in sql and "l.APTrans" in sql
    assert not [f for f in result.findings if f.code == "VG006"]


def test_prose_around_fences_is_dropped(sample_catalog: Catalog) -> None:
    reply = (f"Sure! Here is a query for that:\n\n```sql\n{VALID}\n```\n\n"
             "This lists every invoice. Let me know if you need more.")
    result = ask(sample_catalog, ScriptedBackend([reply]))
    assert assert_clean(result, sample_catalog) == VALID + "\n"


def test_prose_without_fences_is_dropped(sample_catalog: Catalog) -> None:
    reply = f"Here is the query: {VALID}\nThis query lists the invoices of one company."
    result = ask(sample_catalog, ScriptedBackend([reply]))
    sql = assert_clean(result, sample_catalog)
    assert "This query" not in sql


def test_several_statements_keep_only_the_first_query(sample_catalog: Catalog) -> None:
    reply = (f"{VALID}\nSELECT j.Job FROM JCJM j WITH (NOLOCK);\n"
             "UPDATE APTH SET Description = 'x';\nDROP TABLE bAPTH;")
    result = ask(sample_catalog, ScriptedBackend([reply]))
    sql = assert_clean(result, sample_catalog)
    assert sql == VALID + "\n"
    assert "UPDATE" not in sql and "DROP" not in sql


def test_declare_lines_travel_with_the_query(sample_catalog: Catalog) -> None:
    reply = "DECLARE @APCo bCompany = 1;\n" + VALID
    result = ask(sample_catalog, ScriptedBackend([reply]))
    sql = assert_clean(result, sample_catalog)
    assert sql.startswith("DECLARE @APCo bCompany = 1;\n")


@pytest.mark.parametrize("reply", ["!!!!", "!!!!!!!!!!!!!!!!!!!!!!!!", "", "   \n",
                                   "SELECT SELECT SELECT SELECT SELECT",
                                   "I am not sure what you mean."])
def test_degenerate_or_empty_output_is_a_failed_round(sample_catalog: Catalog,
                                                      reply: str) -> None:
    backend = ScriptedBackend([reply])
    result = ask(sample_catalog, backend, "AP invoices")
    assert result.refused and result.sql is None
    assert result.repairs == 2 and len(backend.requests) == 3
    assert all(r.outcome in ("degenerate", "empty", "no-sql") for r in result.repair_rounds)
    assert "No SQL" in result.message


def test_degenerate_then_valid_is_delivered_after_one_round(sample_catalog: Catalog) -> None:
    backend = ScriptedBackend(["!!!!", f"```sql\n{VALID}\n```"])
    result = ask(sample_catalog, backend)
    assert assert_clean(result, sample_catalog) == VALID + "\n"
    assert result.repairs == 1 and result.repair_rounds[0].outcome == "ok"
    assert "could not be used" in backend.requests[1][-1].content


def test_syntax_error_is_repaired(sample_catalog: Catalog) -> None:
    backend = ScriptedBackend(["SELECT h.APRef FROM APTH h WITH (NOLOCK) WHERE h.APCo = = 1",
                               VALID])
    result = ask(sample_catalog, backend)
    assert_clean(result, sample_catalog)
    assert result.repairs == 1
    assert "VG000" in result.repair_rounds[0].problems[0]


def test_another_database_is_never_delivered(sample_catalog: Catalog) -> None:
    backend = ScriptedBackend(["SELECT h.APRef FROM OtherDb.dbo.APTH h WITH (NOLOCK)"])
    result = ask(sample_catalog, backend, repair_rounds=0)
    assert result.refused and result.sql is None


def test_no_repair_rounds_means_refusal_at_once(sample_catalog: Catalog) -> None:
    backend = ScriptedBackend(["SELECT Name FROM Customers WITH (NOLOCK);"])
    result = ask(sample_catalog, backend, "customers", repair_rounds=0)
    assert result.refused and result.repairs == 0 and len(backend.requests) == 1


def test_model_that_declines_is_not_pestered(sample_catalog: Catalog) -> None:
    backend = ScriptedBackend(["-- cannot answer: the schema has no weather data"])
    result = ask(sample_catalog, backend, "weather at the job site")
    assert result.refused and len(backend.requests) == 1
    assert "weather" in result.message


def test_question_naming_a_missing_table_is_refused_before_the_model(
        sample_catalog: Catalog) -> None:
    backend = ScriptedBackend([VALID])
    result = ask(sample_catalog, backend, "all rows of the Customers table")
    assert result.refused and backend.requests == []
    assert "ARCM" in result.suggestions


@pytest.mark.parametrize(("question", "missing", "suggested"), [
    ("show me the vSMFoo table", "vSMFoo", None),
    ("what is in the vAPTHX view", "vAPTHX", None),
    ("all rows of the EMEquipment table", "EMEquipment", "EMEM"),
    ("all rows of the INBarcodeScan table", "INBarcodeScan", "INMT"),
])
def test_missing_names_of_any_case_are_refused_with_real_neighbours(
        sample_catalog: Catalog, question: str, missing: str, suggested: str | None) -> None:
    backend = ScriptedBackend([VALID])
    result = ask(sample_catalog, backend, question)
    assert result.refused and backend.requests == [], result.message
    assert missing in result.message
    assert result.suggestions, result.message
    if suggested:
        assert suggested in result.suggestions, result.suggestions


def test_backend_error_propagates(sample_catalog: Catalog) -> None:
    error = BackendError(BackendErrorKind.UNREACHABLE, "cannot reach 127.0.0.1:11434",
                         "start it with `ollama serve`")
    with pytest.raises(BackendError) as raised:
        ask(sample_catalog, ScriptedBackend([error]))
    assert raised.value.hint == "start it with `ollama serve`"


def test_json_contract(sample_catalog: Catalog) -> None:
    result = ask(sample_catalog, ScriptedBackend(["SELECT j.Job FROM JCJM j WHERE j.JCCo = 1"]),
                 "jobs")
    data = result.as_json()
    assert set(data) == {"sql", "refused", "message", "objects", "findings", "repairs",
                         "backend", "model", "prompt_version", "timings_ms", "explain"}
    assert isinstance(data["sql"], str) and data["refused"] is False
    assert data["objects"] == ["JCJM"] and data["repairs"] == 0
    assert data["prompt_version"] == "v1"
    assert set(data["timings_ms"]) == set(STAGES)
    assert data["explain"]["prompt_tokens"] <= data["explain"]["prompt_budget"]
    assert data["explain"]["linked"][0]["name"]


def test_prompt_carries_the_schema_and_the_same_options_every_round(
        sample_catalog: Catalog) -> None:
    options = GenerationOptions(num_ctx=4096, max_tokens=512)
    backend = ScriptedBackend(["!!!!"])
    ask(sample_catalog, backend, "unpaid AP invoices by vendor", options=options)
    system, user = backend.requests[0][0], backend.requests[0][-1]
    assert system.role == "system" and "WITH (NOLOCK)" in system.content
    assert "## APTD" in user.content and "## APVM" in user.content
    assert "Join conditions:" in user.content
    assert user.content.rstrip().endswith("Question: unpaid AP invoices by vendor")
    assert {o.num_ctx for o in backend.options} == {4096}


def test_surrounding_sql_objects_are_linked(sample_catalog: Catalog) -> None:
    backend = ScriptedBackend([VALID])
    result = ask(sample_catalog, backend, "add the vendor name",
                 surrounding_sql="SELECT h.APRef FROM bAPTH h WITH (NOLOCK) WHERE h.")
    first = result.linked[0]
    assert first["name"] == "APTH" and first["origin"] == "surrounding" and first["primary"]
    assert "The query being edited:" in backend.requests[0][-1].content


def test_tokenizer_counter_is_used_when_given(sample_catalog: Catalog) -> None:
    calls: list[str] = []

    def count(text: str) -> int:
        calls.append(text)
        return len(text.split())

    result = ask(sample_catalog, ScriptedBackend([VALID]), count_tokens=count)
    assert calls and result.token_counter == "tokenizer"


def test_prompt_too_large_for_the_context_is_refused_with_the_reason(
        sample_catalog: Catalog) -> None:
    backend = ScriptedBackend([VALID])
    result = ask(sample_catalog, backend, "AP invoices " * 400,
                 options=GenerationOptions(num_ctx=600, max_tokens=512))
    assert result.refused and backend.requests == []
    assert "num_ctx" in result.message


def test_empty_question_is_refused(sample_catalog: Catalog) -> None:
    result = ask(sample_catalog, ScriptedBackend([VALID]), "   ")
    assert result.refused and "empty" in result.message


def test_repair_rounds_stay_inside_the_context_window(sample_catalog: Catalog) -> None:
    from vgpt2.server.generation.context import estimate_tokens
    from vgpt2.server.generation.prompt import REPAIR_RESERVE, count_messages

    options = GenerationOptions(num_ctx=4096, max_tokens=512)
    backend = ScriptedBackend(["SELECT Name FROM Customers WITH (NOLOCK); " + "x" * 9000])
    result = ask(sample_catalog, backend, "unpaid AP invoices by vendor", options=options)
    assert result.refused and len(backend.requests) == 3
    assert result.prompt_budget == 4096 - 512
    assert result.prompt_tokens <= 4096 - 512 - REPAIR_RESERVE
    first, second, third = backend.requests
    # The conversation does not grow: the original prompt, the last reply, the problems.
    assert len(second) == len(third) == len(first) + 2
    assert second[: len(first)] == first
    for request in (second, third):
        assert count_messages(request, estimate_tokens) <= 4096 - 512
        assert len(request[-2].content) < 2100


def test_real_catalog_repair_and_fixes(real_catalog: Catalog) -> None:
    backend = ScriptedBackend([
        "```sql\nSELECT c.Name FROM Customers c\n```",
        "```sql\nSELECT c.name FROM bARCM c WHERE c.CustGroup = @CustGroup\n```",
    ])
    result = ask(real_catalog, backend, "customer names")
    sql = assert_clean(result, real_catalog)
    assert sql == "SELECT c.Name FROM ARCM c WITH (NOLOCK) WHERE c.CustGroup = @CustGroup;\n"
    assert result.repairs == 1 and "ARCM" in backend.requests[1][-1].content
    assert result.prompt_tokens <= result.prompt_budget
