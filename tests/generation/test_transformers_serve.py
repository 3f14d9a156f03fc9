"""A real OpenAI-compatible server: ``transformers serve`` with a tiny Qwen2 built here.

The model is untrained, so its output is noise: what these tests show is that
the openai backend and ``vgpt2 ask`` work against a real server (its streaming,
its pinned-model naming, its stop-string quirk), that whatever it says ends in
valid SQL or a refusal, and that a timeout or a cancel really stops the
server's generation (it serves one request at a time, so a generation left
running would hold up the next request).

One server for the whole module (it takes 10-60 s to start on a busy machine),
so these tests run in one pytest process; torch and transformers come with the
``serve`` extra, which the ``test`` extra includes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.analyzer import analyze
from vgpt2.server.cli.main import build_app
from vgpt2.server.generation.backends.base import (
    BackendError,
    BackendErrorKind,
    ChatMessage,
    GenerationOptions,
)
from vgpt2.server.generation.backends.openai_compat import OpenAICompatBackend
from vgpt2.server.generation.engine import GenerationRequest, generate

from tests.generation.model_server import free_port

pytest.importorskip("torch", reason="torch comes with the serve extra (pip install -e .[serve])")
pytest.importorskip("transformers", reason="transformers[serving] comes with the serve extra")
pytest.importorskip("fastapi", reason="transformers[serving] comes with the serve extra")

pytestmark = pytest.mark.transformers_serve

READY_CEILING_S = 300.0
"""How long the server may take to come up; 12-24 s idle, much more on a busy machine."""
EVENT_CEILING_S = 120.0
ENDLESS = 60_000
"""max_tokens for a generation that would run for minutes: the untrained model never
emits its end token, and each token costs milliseconds."""

QWEN_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
              r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
"""Qwen2's pre-tokenizer split: AutoTokenizer rebuilds it for any qwen2 folder, so a
tokenizer trained with another split would change its ids after a reload."""
SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CHATML = (
    "{%- if messages[0]['role'] == 'system' %}"
    "{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}"
    "{%- else %}{{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}"
    "{%- endif %}"
    "{%- for message in messages %}{%- if not (message['role'] == 'system' and loop.first) %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{%- endif %}{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}")
"""Qwen2.5's message format (used when trl, which ships the exact template, is absent)."""


def qwen_chat_template() -> str:
    """trl's exact Qwen2.5 template when trl is installed (the training extra), else ChatML."""
    try:
        from importlib.resources import files

        template = files("trl") / "chat_templates" / "qwen2_5.jinja"
        return template.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return CHATML


def build_tiny_qwen(folder: Path) -> Path:
    """A Qwen2ForCausalLM (hidden 64, 2 layers) and a BPE tokenizer trained on the sample schema."""
    import torch
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers import trainers as tokenizer_trainers
    from transformers import (
        GenerationConfig,
        PreTrainedTokenizerFast,
        Qwen2Config,
        Qwen2ForCausalLM,
    )

    torch.manual_seed(0)
    tokenizer = Tokenizer(models.BPE())
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN_SPLIT), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tokenizer.decoder = decoders.ByteLevel()
    corpus = Path(__file__).resolve().parents[2] / "catalog" / "data" / "sample_vista.sql"
    tokenizer.train_from_iterator(
        corpus.read_text(encoding="utf-8").splitlines(),
        tokenizer_trainers.BpeTrainer(vocab_size=1024, special_tokens=SPECIAL_TOKENS,
                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                      show_progress=False))
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, eos_token="<|im_end|>",
                                   pad_token="<|endoftext|>")
    fast.chat_template = qwen_chat_template()
    fast.save_pretrained(folder)
    config = Qwen2Config(vocab_size=len(fast), hidden_size=64, intermediate_size=128,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=ENDLESS + 8192, tie_word_embeddings=True,
                         eos_token_id=fast.eos_token_id, pad_token_id=fast.pad_token_id)
    Qwen2ForCausalLM(config).save_pretrained(folder)
    GenerationConfig(eos_token_id=fast.eos_token_id, pad_token_id=fast.pad_token_id,
                     do_sample=False).save_pretrained(folder)
    return folder


@dataclass
class Served:
    url: str
    model: str
    log: Path
    process: subprocess.Popen[bytes]

    def requests_seen(self) -> int:
        """Chat requests the server has started answering (uvicorn logs each one)."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return text.count('"POST /v1/chat/completions')


def _wait_until_ready(served: Served) -> None:
    deadline = time.monotonic() + READY_CEILING_S
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            tail = served.log.read_text(encoding="utf-8", errors="replace")[-3000:]
            pytest.fail(f"transformers serve exited with {served.process.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(f"{served.url}/models", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"transformers serve was not ready within {READY_CEILING_S:g} s")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("transformers-serve")
    folder = build_tiny_qwen(root / "tiny-qwen2")
    port = free_port()
    log = root / "serve.log"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(root / "hf-home"),
           "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
    executable = Path(sys.executable).with_name("transformers")
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(executable), "serve", str(folder), "--host", "127.0.0.1", "--port", str(port),
             "--device", "cpu"], stdout=sink, stderr=subprocess.STDOUT, env=env)
    server = Served(f"http://127.0.0.1:{port}/v1", str(folder), log, process)
    try:
        _wait_until_ready(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=60)


def backend(served: Served) -> OpenAICompatBackend:
    """No model name: the pinned server's one model (its folder path) is found by itself."""
    return OpenAICompatBackend(served.url, None, timeout=EVENT_CEILING_S)


async def next_request_is_served(served: Served) -> str:
    """A short request succeeds: nothing is still generating ahead of it."""
    client = backend(served)
    try:
        reply = await client.chat([ChatMessage("user", "SELECT")],
                                  GenerationOptions(max_tokens=8, timeout=EVENT_CEILING_S))
    finally:
        await client.aclose()
    return reply.text


def assert_sql_or_refusal(sql: str | None, refused: bool, catalog: Catalog) -> None:
    if sql is None:
        assert refused
        return
    blocking = [f for f in analyze(sql, catalog)
                if f.code in ("VG000", "VG001", "VG002") or f.severity.value == "error"]
    assert blocking == [], sql


def test_the_pinned_model_is_found_without_a_name(served: Served) -> None:
    async def check() -> None:
        client = backend(served)
        try:
            info = await client.info()
        finally:
            await client.aclose()
        assert info.reachable and info.present and info.model == served.model

    asyncio.run(check())


@pytest.mark.parametrize("question", ["unpaid AP invoices by vendor", "job cost by phase",
                                      "customer names and their open receivables"])
def test_whatever_the_model_says_ends_in_sql_or_a_refusal(served: Served, question: str,
                                                          sample_catalog: Catalog) -> None:
    async def run() -> None:
        client = backend(served)
        try:
            await client.info()  # learns the pinned model's name, as `vgpt2 ask` does
            request = GenerationRequest(question, options=GenerationOptions(
                num_ctx=2048, max_tokens=48, timeout=EVENT_CEILING_S))
            result = await generate(request, sample_catalog, client)
        finally:
            await client.aclose()
        assert result.backend == "openai" and result.model == served.model
        assert_sql_or_refusal(result.sql, result.refused, sample_catalog)

    asyncio.run(run())


def test_vgpt2_ask_end_to_end(served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              sample_catalog: Catalog) -> None:
    (tmp_path / "vgpt2.toml").write_text(
        f'[model]\nbackend = "openai"\nurl = "{served.url}"\nnum_ctx = 2048\n'
        f"max_tokens = 48\ntimeout = {EVENT_CEILING_S:g}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(build_app(), ["ask", "AP invoices by vendor", "--format",
                                              "json"], catch_exceptions=False)

    assert result.exit_code in (0, 3), result.output
    payload = json.loads(result.stdout)
    assert payload["backend"] == "openai" and payload["model"] == served.model
    assert_sql_or_refusal(payload["sql"], payload["refused"], sample_catalog)
    assert (result.exit_code == 3) is payload["refused"]


def test_ask_timeout_ends_the_command_and_frees_the_server(
        served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "vgpt2.toml").write_text(
        f'[model]\nbackend = "openai"\nurl = "{served.url}"\nnum_ctx = {ENDLESS + 4096}\n'
        "max_tokens = 30000\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(build_app(), ["ask", "AP invoices", "--timeout", "3"],
                                catch_exceptions=False)

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and "within 3 s" in result.stderr
    assert "Traceback" not in result.output
    asyncio.run(next_request_is_served(served))  # raises if the generation still runs


def test_a_timeout_stops_the_generation(served: Served) -> None:
    async def run() -> None:
        client = backend(served)
        try:
            with pytest.raises(BackendError) as caught:
                await client.chat([ChatMessage("user", "SELECT")],
                                  GenerationOptions(max_tokens=ENDLESS, timeout=3))
        finally:
            await client.aclose()
        assert caught.value.kind is BackendErrorKind.TIMEOUT
        # Were the generation still running, this would queue behind minutes of it.
        await next_request_is_served(served)

    asyncio.run(run())


def test_cancelling_the_request_stops_the_generation(served: Served) -> None:
    async def run() -> None:
        client = backend(served)
        before = served.requests_seen()
        task = asyncio.create_task(client.chat(
            [ChatMessage("user", "SELECT")],
            GenerationOptions(max_tokens=ENDLESS, timeout=600)))
        try:
            deadline = time.monotonic() + EVENT_CEILING_S
            while served.requests_seen() == before and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            assert served.requests_seen() > before, "the server never received the request"
            assert not task.done()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            assert task.cancelled()
        finally:
            await client.aclose()
        await next_request_is_served(served)

    asyncio.run(run())


def test_a_stop_string_the_server_leaves_in_is_cut(served: Served) -> None:
    """The untrained model answers with newlines; "\\n\\n" as a stop string leaves nothing."""
    async def run() -> str:
        client = backend(served)
        try:
            reply = await client.chat([ChatMessage("user", "SELECT")],
                                      GenerationOptions(max_tokens=16, stop=("\n\n",),
                                                        timeout=EVENT_CEILING_S))
        finally:
            await client.aclose()
        return reply.text

    assert "\n\n" not in asyncio.run(run())
