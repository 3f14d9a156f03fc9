"""``vgpt2 doctor``'s model checks against the scripted server: each problem with its fix."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from vgpt2.server.cli.main import build_app
from vgpt2.server.config import Settings
from vgpt2.server.doctor import DoctorReport, Status, diagnose
from vgpt2.server.generation.settings import ModelSettings

from tests.generation.model_server import CONTEXT_LENGTH, MODEL, ModelServer, Reply, free_port


def report_for(api: str, url: str, **model: Any) -> DoctorReport:
    settings = Settings(model=ModelSettings.model_validate(
        {"backend": api, "url": url, "name": MODEL, **model}))
    return diagnose(settings)


def checks_of(report: DoctorReport) -> dict[str, Any]:
    return {c.name: c for c in report.checks}


def test_a_working_model_is_reported_in_full(model_server: ModelServer, api: str) -> None:
    model_server.script(default=Reply("ok"))

    report = report_for(api, model_server.url(api), num_ctx=8192)

    checks = checks_of(report)
    assert report.ok, report.as_text()
    assert checks["model server"].status is Status.OK
    assert ("0.12.6" in checks["model server"].detail) is (api == "ollama")
    assert checks["model present"].status is Status.OK
    assert f"{CONTEXT_LENGTH:,}" in checks["model context"].detail
    assert checks["prompt budget"].status is Status.OK
    assert " of 7,168 tokens" in checks["prompt budget"].detail  # 8192 less the reply's 1024
    assert checks["model round trip"].status is Status.OK
    assert "ms" in checks["model round trip"].detail
    fim = checks["fill-in-the-middle"]
    assert fim.status is Status.OK
    assert ("supported" if api == "ollama" else "unknown") in fim.detail


def test_an_unreachable_server_says_what_to_start(api: str) -> None:
    url = f"http://127.0.0.1:{free_port()}" + ("/v1" if api == "openai" else "")

    report = report_for(api, url)

    check = checks_of(report)["model server"]
    assert not report.ok
    assert check.status is Status.ERROR and url in check.detail
    assert ("`ollama serve`" if api == "ollama" else "vllm serve") in check.advice
    assert "model round trip" not in checks_of(report)


def test_a_missing_model_says_how_to_get_it(model_server: ModelServer, api: str) -> None:
    report = report_for(api, model_server.url(api), name="qwen2.5-coder:7b")

    check = checks_of(report)["model present"]
    assert check.status is Status.ERROR and MODEL in check.detail  # what is there
    if api == "ollama":
        assert check.advice == "`ollama pull qwen2.5-coder:7b`"


def test_num_ctx_beyond_the_models_context_is_a_warning(model_server: ModelServer,
                                                        api: str) -> None:
    model_server.script(default=Reply("ok"))

    check = checks_of(report_for(api, model_server.url(api), num_ctx=65536))["model context"]

    assert check.status is Status.WARNING
    assert f"num_ctx = {CONTEXT_LENGTH}" in check.advice


def test_a_prompt_budget_too_small_for_the_schema_says_raise_num_ctx(
        model_server: ModelServer) -> None:
    model_server.script(default=Reply("ok"))

    check = checks_of(report_for("ollama", model_server.ollama_url,
                                 num_ctx=1200))["prompt budget"]

    assert check.status in (Status.WARNING, Status.ERROR)
    assert "raise num_ctx" in check.advice and f"{CONTEXT_LENGTH:,}" in check.advice


def test_a_template_without_suffix_means_no_fill_in_the_middle() -> None:
    with ModelServer(template="{{ .Prompt }}") as server:
        server.script(default=Reply("ok"))
        check = checks_of(report_for("ollama", server.ollama_url))["fill-in-the-middle"]
    assert check.status is Status.WARNING and "ollama pull" in check.advice


def test_a_model_too_slow_for_its_timeout_fails_the_round_trip(model_server: ModelServer,
                                                               api: str) -> None:
    model_server.script(default=Reply("ok", kind="slow"))

    report = report_for(api, model_server.url(api), timeout=1)

    check = checks_of(report)["model round trip"]
    assert check.status is Status.ERROR and "within 1 s" in check.detail
    assert "timeout" in check.advice


def test_the_checks_also_run_inside_an_event_loop(model_server: ModelServer) -> None:
    """The language server calls the doctor from its event loop."""
    model_server.script(default=Reply("ok"))

    async def from_a_loop() -> DoctorReport:
        return report_for("ollama", model_server.ollama_url)

    report = asyncio.run(from_a_loop())
    assert checks_of(report)["model round trip"].status is Status.OK


def test_vgpt2_doctor_prints_the_model_and_fails_when_unreachable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    (tmp_path / "vgpt2.toml").write_text(
        f'[model]\nurl = "http://127.0.0.1:{port}"\nname = "{MODEL}"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(build_app(), ["doctor"], catch_exceptions=False)

    assert result.exit_code == 1, result.output
    assert f"model: ollama model {MODEL} at http://127.0.0.1:{port}" in result.stdout
    assert "[  error] model server" in result.stdout and "`ollama serve`" in result.stdout
