"""The Ollama and OpenAI-compatible backends against the scripted server, both APIs.

What a user would notice: the whole reply arrives; a flaky server is retried
once; a cut, a timeout, a refused connection or an unknown model is one clear
error saying what to do; a cancel stops the server's work; the API key never
shows up anywhere.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from vgpt2.server.generation.backends.base import (
    BackendError,
    BackendErrorKind,
    ChatMessage,
    GenerationOptions,
    ModelBackend,
)
from vgpt2.server.generation.backends.factory import make_backend
from vgpt2.server.generation.backends.ollama import OllamaBackend
from vgpt2.server.generation.backends.openai_compat import OpenAICompatBackend
from vgpt2.server.generation.backends.retry import cut_at_stop, plain_http_warning
from vgpt2.server.generation.settings import ModelSettings

from tests.generation.model_server import CONTEXT_LENGTH, MODEL, ModelServer, Reply, free_port

EVENT_CEILING_S = 60.0
"""How long a test waits for the server to notice something; events usually fire at once."""

SQL = "SELECT h.APCo, h.Vendor FROM APTH h WITH (NOLOCK) WHERE h.APCo = @APCo"
QUESTION = [ChatMessage("system", "You write T-SQL."), ChatMessage("user", "AP invoices")]


def backend_for(api: str, url: str, model: str | None = MODEL, **kwargs: object
                ) -> ModelBackend:
    settings = ModelSettings.model_validate(
        {"backend": api, "url": url, "name": model, "num_ctx": 4096, **kwargs})
    backend = make_backend(settings)
    assert backend is not None
    return backend


async def ask(backend: ModelBackend, options: GenerationOptions | None = None) -> str:
    try:
        reply = await backend.chat(QUESTION, options or GenerationOptions(num_ctx=4096))
        return reply.text
    finally:
        await backend.aclose()


async def error_of(backend: ModelBackend, options: GenerationOptions | None = None
                   ) -> BackendError:
    with pytest.raises(BackendError) as caught:
        await ask(backend, options)
    return caught.value


@pytest.mark.asyncio
async def test_a_streamed_reply_arrives_whole(model_server: ModelServer, api: str) -> None:
    model_server.script(Reply(SQL))
    backend = backend_for(api, model_server.url(api))

    assert await ask(backend) == SQL
    assert isinstance(backend, OllamaBackend if api == "ollama" else OpenAICompatBackend)
    (request,) = model_server.chat_requests()
    assert request.body["stream"] is True
    assert request.body["messages"][-1] == {"role": "user", "content": "AP invoices"}


@pytest.mark.asyncio
async def test_ollama_sends_the_same_num_ctx_and_keep_alive_on_every_call(
        model_server: ModelServer) -> None:
    model_server.script(default=Reply(SQL))
    backend = backend_for("ollama", model_server.ollama_url, keep_alive="1h")
    options = GenerationOptions(num_ctx=4096, temperature=0.0, max_tokens=300)
    try:
        for _ in range(3):
            await backend.chat(QUESTION, options)
    finally:
        await backend.aclose()

    sent = [r.body for r in model_server.chat_requests()]
    assert len(sent) == 3
    assert {b["options"]["num_ctx"] for b in sent} == {4096}
    assert {b["keep_alive"] for b in sent} == {"1h"}
    assert all(b["options"]["temperature"] == 0.0 and b["options"]["num_predict"] == 300
               for b in sent)


@pytest.mark.asyncio
async def test_one_http_500_is_retried(model_server: ModelServer, api: str) -> None:
    model_server.script(Reply(kind="error500"), Reply(SQL))

    assert await ask(backend_for(api, model_server.url(api))) == SQL
    assert len(model_server.chat_requests()) == 2


@pytest.mark.asyncio
async def test_two_http_500s_are_a_server_error(model_server: ModelServer, api: str) -> None:
    model_server.script(default=Reply(kind="error500"))

    error = await error_of(backend_for(api, model_server.url(api)))
    assert error.kind is BackendErrorKind.SERVER
    assert "HTTP 500" in error.message
    assert len(model_server.chat_requests()) == 2


@pytest.mark.asyncio
async def test_a_stream_cut_once_is_retried_and_never_returned_half(
        model_server: ModelServer, api: str) -> None:
    model_server.script(Reply(SQL, kind="cut"), Reply(SQL))

    assert await ask(backend_for(api, model_server.url(api))) == SQL
    assert len(model_server.chat_requests()) == 2


@pytest.mark.parametrize("kind", ["cut", "cut_clean"])
@pytest.mark.asyncio
async def test_a_stream_always_cut_is_an_error_not_an_answer(
        model_server: ModelServer, api: str, kind: str) -> None:
    """``cut``: the socket drops; ``cut_clean``: the body ends well but the reply never did."""
    model_server.script(default=Reply(SQL, kind=kind))  # type: ignore[arg-type]

    error = await error_of(backend_for(api, model_server.url(api)))
    assert error.kind is BackendErrorKind.PROTOCOL
    assert "cut off" in error.message
    assert len(model_server.chat_requests()) == 2


@pytest.mark.asyncio
async def test_a_reply_slower_than_the_timeout_is_a_timeout_and_frees_the_server(
        model_server: ModelServer, api: str) -> None:
    """The server keeps sending empty pieces, so only the overall deadline can end this."""
    model_server.script(default=Reply("SELECT", kind="slow"))

    error = await error_of(backend_for(api, model_server.url(api)),
                           GenerationOptions(num_ctx=4096, timeout=1.0))
    assert error.kind is BackendErrorKind.TIMEOUT
    assert "within 1 s" in error.message
    assert "timeout" in error.hint
    assert await asyncio.to_thread(model_server.disconnected.wait, EVENT_CEILING_S)


@pytest.mark.asyncio
async def test_cancelling_the_task_closes_the_stream(model_server: ModelServer,
                                                     api: str) -> None:
    model_server.script(default=Reply("SELECT", kind="slow"))
    backend = backend_for(api, model_server.url(api))
    task = asyncio.create_task(backend.chat(QUESTION, GenerationOptions(timeout=600.0)))
    try:
        assert await asyncio.to_thread(model_server.slow_started.wait, EVENT_CEILING_S)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await asyncio.to_thread(model_server.disconnected.wait, EVENT_CEILING_S)
    finally:
        await backend.aclose()


@pytest.mark.asyncio
async def test_connection_refused_says_what_to_start(api: str) -> None:
    url = f"http://127.0.0.1:{free_port()}" + ("/v1" if api == "openai" else "")

    error = await error_of(backend_for(api, url))
    assert error.kind is BackendErrorKind.UNREACHABLE
    assert url in error.message
    assert ("ollama serve" if api == "ollama" else "vllm serve") in error.hint


@pytest.mark.asyncio
async def test_an_unknown_model_says_how_to_get_it(model_server: ModelServer,
                                                   api: str) -> None:
    error = await error_of(backend_for(api, model_server.url(api), model="qwen9:99b"))
    assert error.kind is BackendErrorKind.UNKNOWN_MODEL
    assert "qwen9:99b" in error.message
    if api == "ollama":
        assert "`ollama pull qwen9:99b`" in error.hint
    else:
        assert MODEL in error.hint  # the models it does serve
    assert len(model_server.chat_requests()) == 1  # a 404 is not retried


@pytest.mark.asyncio
async def test_a_stop_string_left_in_the_output_is_cut(model_server: ModelServer,
                                                       api: str) -> None:
    model_server.script(Reply(SQL + "\n</sql>\nI hope this helps"))

    text = await ask(backend_for(api, model_server.url(api)),
                     GenerationOptions(stop=("</sql>",)))
    assert text == SQL + "\n"


def test_cut_at_stop_takes_the_earliest_marker() -> None:
    assert cut_at_stop("a;b|c", ["|", ";"]) == "a"
    assert cut_at_stop("abc", []) == "abc"
    assert cut_at_stop("abc", [""]) == "abc"


@pytest.mark.asyncio
async def test_ollama_info_reports_context_length_and_fill_in_the_middle(
        model_server: ModelServer) -> None:
    backend = backend_for("ollama", model_server.ollama_url, model=MODEL)
    try:
        info = await backend.info()
    finally:
        await backend.aclose()

    assert info.reachable and info.present
    assert info.context_length == CONTEXT_LENGTH
    assert info.fill_in_middle is True
    assert info.server_version == "0.12.6"
    assert f"{MODEL}:latest" in info.available


@pytest.mark.asyncio
async def test_ollama_info_without_suffix_in_the_template_means_no_fim() -> None:
    with ModelServer(template="{{ .Prompt }}") as server:
        backend = backend_for("ollama", server.ollama_url, model=f"{MODEL}:latest")
        try:
            info = await backend.info()
        finally:
            await backend.aclose()
    assert info.present and info.fill_in_middle is False


@pytest.mark.asyncio
async def test_info_for_a_missing_model_lists_what_is_there(model_server: ModelServer,
                                                            api: str) -> None:
    backend = backend_for(api, model_server.url(api), model="nope")
    try:
        info = await backend.info()
    finally:
        await backend.aclose()
    assert info.reachable and not info.present
    assert info.context_length is None
    assert any(name.startswith(MODEL) for name in info.available)


@pytest.mark.asyncio
async def test_info_for_an_unreachable_server_is_a_report_not_an_error(api: str) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    backend = backend_for(api, url)
    try:
        info = await backend.info()
    finally:
        await backend.aclose()
    assert not info.reachable and not info.present


@pytest.mark.asyncio
async def test_openai_info_reads_the_context_length_from_v1_models(
        model_server: ModelServer) -> None:
    backend = backend_for("openai", model_server.openai_url)
    try:
        info = await backend.info()
    finally:
        await backend.aclose()
    assert info.present and info.context_length == CONTEXT_LENGTH
    assert info.fill_in_middle is None


@pytest.mark.asyncio
async def test_openai_without_a_model_name_uses_the_one_served(
        model_server: ModelServer) -> None:
    model_server.script(Reply(SQL))
    backend = backend_for("openai", model_server.openai_url, model=None)

    assert await ask(backend) == SQL
    assert model_server.chat_requests()[0].body["model"] == MODEL


@pytest.mark.asyncio
async def test_the_api_key_is_sent_but_never_logged_or_shown(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    key = "sk-test-4f9a1c0e7d"
    monkeypatch.setenv("VGPT2_TEST_KEY", key)
    caplog.set_level(logging.DEBUG)
    with ModelServer(api_key=key) as server:
        server.script(Reply(SQL))
        assert await ask(backend_for("openai", server.openai_url,
                                     api_key_env="VGPT2_TEST_KEY")) == SQL
        assert server.chat_requests()[0].authorization == f"Bearer {key}"

        monkeypatch.setenv("VGPT2_TEST_KEY", key + "-wrong")
        error = await error_of(backend_for("openai", server.openai_url,
                                           api_key_env="VGPT2_TEST_KEY"))
    assert error.kind is BackendErrorKind.AUTH
    assert "VGPT2_TEST_KEY" in error.hint
    assert key not in str(error) and key not in caplog.text


def test_an_unset_api_key_variable_is_an_auth_error_naming_the_variable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VGPT2_ABSENT_KEY", raising=False)
    settings = ModelSettings(backend="openai", url="http://127.0.0.1:9/v1", name=MODEL,
                             api_key_env="VGPT2_ABSENT_KEY")
    with pytest.raises(BackendError) as caught:
        make_backend(settings)
    assert caught.value.kind is BackendErrorKind.AUTH
    assert "VGPT2_ABSENT_KEY" in caught.value.message


def test_a_pasted_key_in_api_key_env_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError) as caught:
        ModelSettings(backend="openai", api_key_env="sk-live-abc123 ")
    assert "sk-live-abc123" not in str(caught.value)


def test_no_model_configured_means_the_catalog_backend() -> None:
    assert make_backend(ModelSettings()) is None
    assert make_backend(ModelSettings(backend="catalog", name="x")) is None
    assert make_backend(ModelSettings(backend="ollama", name="qwen2.5-coder:7b")) is not None
    assert make_backend(ModelSettings(backend="openai", url="http://127.0.0.1:8000/v1")) \
        is not None


@pytest.mark.parametrize(("url", "warned"), [
    ("http://127.0.0.1:11434", False), ("http://localhost:8000/v1", False),
    ("http://[::1]:8000/v1", False), ("https://gpu01:8000/v1", False),
    ("http://gpu01:8000/v1", True), ("http://10.0.0.5:11434", True)])
def test_plain_http_to_another_machine_is_warned_about(url: str, warned: bool) -> None:
    assert (plain_http_warning(url) is not None) is warned


def test_api_key_env_must_name_a_vgpt2_variable() -> None:
    """A cloned repository's settings must not be able to send AWS_SECRET_ACCESS_KEY away."""
    with pytest.raises(ValueError, match="VGPT2_"):
        ModelSettings(backend="openai", api_key_env="AWS_SECRET_ACCESS_KEY")
    assert ModelSettings(api_key_env="VGPT2_API_KEY").api_key_env == "VGPT2_API_KEY"


@pytest.mark.parametrize("stream", [True, False])
@pytest.mark.asyncio
async def test_the_fixture_speaks_both_apis_generate_and_completions(
        model_server: ModelServer, stream: bool) -> None:
    """/api/generate, /v1/completions and single-JSON chat, through the official clients."""
    import ollama
    import openai

    model_server.script(default=Reply(SQL))
    client = ollama.AsyncClient(host=model_server.ollama_url)
    remote = openai.AsyncOpenAI(base_url=model_server.openai_url, api_key="EMPTY",
                                max_retries=0)
    try:
        if stream:
            generated = "".join([part.response or "" async for part in
                                 await client.generate(MODEL, "q", stream=True)])
            completed = "".join([c.choices[0].text async for c in
                                 await remote.completions.create(model=MODEL, prompt="q",
                                                                 stream=True)])
        else:
            generated = (await client.generate(MODEL, "q")).response
            completed = (await remote.completions.create(model=MODEL, prompt="q")
                         ).choices[0].text
            chatted = (await remote.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": "q"}])
                       ).choices[0].message.content
            assert chatted == SQL
            assert (await client.chat(MODEL, [{"role": "user", "content": "q"}])
                    ).message.content == SQL
    finally:
        await client.close()  # type: ignore[no-untyped-call]
        await remote.close()
    assert generated == SQL and completed == SQL


@pytest.mark.parametrize(("host", "url"), [
    ("gpu01", "http://gpu01:11434"), ("0.0.0.0:11434", "http://127.0.0.1:11434"),
    ("http://10.0.0.5:8080", "http://10.0.0.5:8080"), ("https://o.example.com",
                                                      "https://o.example.com:443"),
    ("[::1]:1234", "http://[::1]:1234"), ("::", "http://127.0.0.1:11434")])
def test_ollama_without_a_url_follows_ollama_host(monkeypatch: pytest.MonkeyPatch, host: str,
                                                  url: str) -> None:
    """Where the user's own `ollama` CLI would go, unless [model] names a url."""
    monkeypatch.setenv("OLLAMA_HOST", host)
    assert ModelSettings(name=MODEL).resolved_url() == url
    assert ModelSettings(name=MODEL, url="http://127.0.0.1:1").resolved_url() == \
        "http://127.0.0.1:1"
    assert ModelSettings(backend="openai").resolved_url() == "http://127.0.0.1:8000/v1"
