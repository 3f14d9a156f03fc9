"""``vgpt2 ask`` end to end against the scripted model server, on Ollama's API and OpenAI's.

Every scripted reply ends in one of three things a user can act on: valid SQL
(exit 0), a refusal naming real objects (exit 3), or one clear error line saying
what to start or configure (exit 2). Delivered SQL never carries a syntax error,
an unknown object or an unknown column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.analyzer import analyze
from vgpt2.server.cli.main import build_app

from tests.generation.model_server import MODEL, ModelServer, Reply, free_port

VALID = ("SELECT h.APCo, h.Vendor, h.APRef, h.InvTotal\nFROM APTH h WITH (NOLOCK)\n"
         "WHERE h.APCo = @APCo;")
QUESTION = "AP invoices by vendor"
BLOCKING = {"VG000", "VG001", "VG002"}


@dataclass(frozen=True)
class Scenario:
    name: str
    replies: tuple[Reply, ...]
    default: Reply
    exit_code: int
    question: str = QUESTION


SCENARIOS = [
    Scenario("valid SQL", (Reply(VALID),), Reply(VALID), 0),
    Scenario("invented table", (), Reply("SELECT c.Name FROM Customers c WITH (NOLOCK);"), 3,
             "customer names"),
    Scenario("invented column fixed on repair",
             (Reply("SELECT h.VendorName FROM APTH h WITH (NOLOCK);"),), Reply(VALID), 0),
    Scenario("no NOLOCK", (), Reply("SELECT h.APCo, h.Vendor FROM APTH h WHERE h.APCo = @APCo;"),
             0),
    Scenario("base table", (), Reply("SELECT h.APCo, h.Vendor FROM bAPTH h WITH (NOLOCK);"), 0),
    Scenario("wrong case", (), Reply("SELECT h.apco, h.VENDOR FROM apth h WITH (NOLOCK);"), 0),
    Scenario("prose around fences", (),
             Reply(f"Sure! Here is the query:\n\n```sql\n{VALID}\n```\n\nIt lists invoices."), 0),
    Scenario("several statements", (),
             Reply(f"{VALID}\nSELECT v.Name FROM APVM v WITH (NOLOCK);"), -1),
    Scenario("degenerate", (), Reply("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"), 3),
    Scenario("empty", (), Reply(""), 3),
    Scenario("HTTP 500 once", (Reply(kind="error500"),), Reply(VALID), 0),
    Scenario("stream cut once", (Reply(VALID, kind="cut"),), Reply(VALID), 0),
    Scenario("stream always cut", (), Reply(VALID, kind="cut"), 2),
]
"""``exit_code`` -1: either SQL or a refusal is right; only the invariants are checked."""


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)  # no vgpt2.toml above: the defaults, unless a test writes one
    return CliRunner()


def invoke(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(build_app(), ["ask", *args], catch_exceptions=False)


def model_flags(server: ModelServer, api: str, model: str = MODEL) -> list[str]:
    return ["--backend", api, "--url", server.url(api), "--model", model]


def assert_deliverable(sql: str, catalog: Catalog) -> None:
    blocking = [f for f in analyze(sql, catalog)
                if f.code in BLOCKING or f.severity.value == "error"]
    assert blocking == [], sql


def assert_one_clear_error(result: Any, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_every_reply_ends_in_sql_a_refusal_or_an_error(
        runner: CliRunner, model_server: ModelServer, api: str, scenario: Scenario,
        sample_catalog: Catalog) -> None:
    model_server.script(*scenario.replies, default=scenario.default)

    result = invoke(runner, scenario.question, *model_flags(model_server, api),
                    "--format", "json")

    if scenario.exit_code != -1:
        assert result.exit_code == scenario.exit_code, result.output
    assert result.exit_code in (0, 2, 3), result.output
    payload = json.loads(result.stdout)
    if result.exit_code == 2:
        assert "error" in payload
        return
    assert payload["backend"] == api and payload["model"] == MODEL
    assert payload["refused"] is (result.exit_code == 3)
    if result.exit_code == 0:
        assert_deliverable(payload["sql"], sample_catalog)
        assert "WITH (NOLOCK)" in payload["sql"]
        assert payload["objects"]
    else:
        assert payload["sql"] is None and payload["message"].startswith("No SQL")


def test_the_fixes_a_user_expects_are_made(runner: CliRunner, model_server: ModelServer,
                                           api: str) -> None:
    model_server.script(default=Reply("Here you go:\n```sql\nselect h.apco, h.vendor from "
                                      "bAPTH h where h.APCo = @APCo\n```"))

    result = invoke(runner, QUESTION, *model_flags(model_server, api), "--format", "json")

    assert result.exit_code == 0, result.output
    sql = json.loads(result.stdout)["sql"]
    assert "APTH h WITH (NOLOCK)" in sql and "bAPTH" not in sql
    assert "h.APCo" in sql and "h.Vendor" in sql and "Here you go" not in sql


def test_an_invented_column_goes_back_to_the_model_with_the_analyzers_words(
        runner: CliRunner, model_server: ModelServer, api: str) -> None:
    model_server.script(Reply("SELECT h.VendorName FROM APTH h WITH (NOLOCK);"),
                        default=Reply(VALID))

    result = invoke(runner, QUESTION, *model_flags(model_server, api), "--explain")

    assert result.exit_code == 0, result.output
    requests = model_server.chat_requests()
    assert len(requests) == 2
    repair = requests[1].body["messages"][-1]["content"]
    assert "VendorName" in repair and "VG002" in repair
    assert "repair rounds: 1" in result.stdout and "round 1: ok" in result.stdout


def test_an_invented_table_is_refused_naming_the_real_one(
        runner: CliRunner, model_server: ModelServer, api: str) -> None:
    model_server.script(default=Reply("SELECT c.Name FROM Customers c WITH (NOLOCK);"))

    result = invoke(runner, "customer names", *model_flags(model_server, api))

    assert result.exit_code == 3, result.output
    assert "No SQL" in result.stdout and "ARCM" in result.stdout
    assert len(model_server.chat_requests()) == 3  # the answer and two repair rounds


def test_text_output_shows_the_sql_then_the_objects(runner: CliRunner,
                                                    model_server: ModelServer,
                                                    api: str) -> None:
    model_server.script(default=Reply(VALID))

    result = invoke(runner, QUESTION, *model_flags(model_server, api))

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("FROM APTH h WITH (NOLOCK)") < out.index("objects: APTH")
    assert f"backend: {api} {MODEL}" in out


def test_explain_shows_linking_join_tree_budget_and_rounds(
        runner: CliRunner, model_server: ModelServer, api: str) -> None:
    model_server.script(default=Reply(VALID))

    result = invoke(runner, "unpaid AP invoices by vendor", *model_flags(model_server, api),
                    "--explain")

    assert result.exit_code == 0, result.output
    for heading in ("linked objects:", "join tree:", "prompt: ", "repair rounds: 0",
                    "timings: "):
        assert heading in result.stdout
    assert "APTH" in result.stdout.split("linked objects:")[1]
    assert " budget " in result.stdout


def test_a_slow_model_is_a_timeout_error_and_the_request_is_dropped(
        runner: CliRunner, model_server: ModelServer, api: str) -> None:
    model_server.script(default=Reply("SELECT", kind="slow"))

    result = invoke(runner, QUESTION, *model_flags(model_server, api), "--timeout", "1")

    assert_one_clear_error(result, "within 1 s", "timeout")
    assert model_server.disconnected.wait(60)
    assert len(model_server.chat_requests()) == 1


def test_connection_refused_names_what_to_start(runner: CliRunner, api: str) -> None:
    url = f"http://127.0.0.1:{free_port()}" + ("/v1" if api == "openai" else "")

    result = invoke(runner, QUESTION, "--backend", api, "--url", url, "--model", MODEL)

    assert_one_clear_error(result, url, "ollama serve" if api == "ollama" else "serve")


def test_an_unknown_model_says_how_to_get_it(runner: CliRunner, model_server: ModelServer,
                                             api: str) -> None:
    result = invoke(runner, QUESTION, *model_flags(model_server, api, model="qwen9:99b"),
                    "--format", "json")

    assert_one_clear_error(result, "qwen9:99b")
    if api == "ollama":
        assert "`ollama pull qwen9:99b`" in result.stderr
    assert json.loads(result.stdout)["error"]["kind"] == "unknown-model"


def test_with_no_model_configured_the_catalog_answers_and_says_so(
        runner: CliRunner, sample_catalog: Catalog) -> None:
    result = invoke(runner, "unpaid AP invoices by vendor", "--format", "json")

    assert result.exit_code == 0, result.output
    assert "no model configured" in result.stderr
    payload = json.loads(result.stdout)
    assert payload["backend"] == "catalog" and payload["model"] is None
    assert_deliverable(payload["sql"], sample_catalog)
    assert {"APTH", "APVM"} <= set(payload["objects"])


def test_backend_catalog_needs_no_server_and_prints_no_warning(runner: CliRunner) -> None:
    result = invoke(runner, "job cost by phase", "--backend", "catalog")

    assert result.exit_code == 0, result.output
    assert "WITH (NOLOCK)" in result.stdout and "backend: catalog" in result.stdout
    assert result.stderr == ""


def test_the_model_table_in_vgpt2_toml_is_used_without_flags(
        runner: CliRunner, model_server: ModelServer, api: str, tmp_path: Path) -> None:
    (tmp_path / "vgpt2.toml").write_text(
        f'[model]\nbackend = "{api}"\nurl = "{model_server.url(api)}"\nname = "{MODEL}"\n'
        "num_ctx = 6144\ntimeout = 30\nrepair_rounds = 1\n", encoding="utf-8")
    model_server.script(default=Reply("SELECT h.Nope FROM APTH h WITH (NOLOCK);"))

    result = invoke(runner, QUESTION, "--format", "json")

    assert result.exit_code == 3, result.output
    assert json.loads(result.stdout)["repairs"] == 1  # repair_rounds = 1
    assert len(model_server.chat_requests()) == 2
    if api == "ollama":
        assert model_server.chat_requests()[0].body["options"]["num_ctx"] == 6144


def test_examples_relative_to_the_config_file_reach_the_prompt(
        runner: CliRunner, model_server: ModelServer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "shop"
    (config / "sql").mkdir(parents=True)
    (config / "sql" / "pairs.jsonl").write_text(
        json.dumps({"question": "open AP invoices for a vendor", "sql": VALID}) + "\n"
        + json.dumps({"question": "broken", "sql": "SELECT x FROM Nowhere"}) + "\n",
        encoding="utf-8")
    (config / "vgpt2.toml").write_text(
        f'[model]\nurl = "{model_server.ollama_url}"\nname = "{MODEL}"\n'
        'examples = "sql/pairs.jsonl"\n', encoding="utf-8")
    work = config / "reports"
    work.mkdir()
    monkeypatch.chdir(work)
    model_server.script(default=Reply(VALID))

    result = invoke(runner, "AP invoices for vendor 12")

    assert result.exit_code == 0, result.output
    assert "pairs.jsonl:2" in result.stderr  # the bad example is reported, not used
    prompt = json.dumps(model_server.chat_requests()[0].body["messages"])
    assert "open AP invoices for a vendor" in prompt and "Nowhere" not in prompt


def test_a_broken_model_table_is_one_error_naming_the_file(runner: CliRunner,
                                                           tmp_path: Path) -> None:
    (tmp_path / "vgpt2.toml").write_text('[model]\nbackend = "llama"\nnum_ctx = 0\n',
                                         encoding="utf-8")

    result = invoke(runner, QUESTION)

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and "Traceback" not in result.output
    assert "vgpt2.toml:2: model.backend" in result.stderr
    assert "vgpt2.toml:3: model.num_ctx" in result.stderr


def test_plain_http_to_another_machine_is_warned_about(runner: CliRunner) -> None:
    url = f"http://0.0.0.0:{free_port()}"

    result = invoke(runner, QUESTION, "--backend", "ollama", "--url", url, "--model", MODEL)

    assert "warning: " in result.stderr and "unencrypted" in result.stderr
    assert result.exit_code == 2


def test_the_ollama_backend_without_a_model_is_a_usage_error(runner: CliRunner) -> None:
    result = invoke(runner, QUESTION, "--backend", "ollama")

    assert_one_clear_error(result, "--model")
