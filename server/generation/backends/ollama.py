"""Ollama through its own Python client: ``/api/chat``, always streamed.

Streaming is not for display: closing a streamed request is what makes Ollama
stop generating (a non-streamed one keeps going after the client gives up), so
a cancelled editor request frees the model for the next one. The same
``num_ctx`` goes on every call because a different one reloads the model.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncGenerator, Mapping, Sequence
from contextlib import aclosing
from typing import Any, cast

import httpx
import ollama
import pydantic
from vgpt2.server.generation.backends.base import (
    BackendError,
    BackendErrorKind,
    ChatMessage,
    GenerationOptions,
    ModelInfo,
    ModelReply,
)
from vgpt2.server.generation.backends.retry import (
    TransientError,
    cut_at_stop,
    one_line,
    request_with_retry,
    timeout_error,
)

CONNECT_TIMEOUT_S = 10.0


class OllamaBackend:
    """A model served by Ollama (``ollama serve``) at ``url``."""

    def __init__(self, url: str, model: str, *, keep_alive: str | float = "30m",
                 timeout: float = 60.0) -> None:
        self._url = url.rstrip("/")
        self._model = model
        self._keep_alive = keep_alive
        self._timeout = timeout
        http_timeout = httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT_S, timeout))
        self._client = ollama.AsyncClient(host=self._url, timeout=http_timeout)
        self._http = httpx.AsyncClient(base_url=self._url, timeout=http_timeout)

    @property
    def name(self) -> str:
        return "ollama"

    @property
    def model(self) -> str | None:
        return self._model

    @property
    def url(self) -> str:
        return self._url

    async def chat(self, messages: Sequence[ChatMessage],
                   options: GenerationOptions) -> ModelReply:
        payload = [{"role": m.role, "content": m.content} for m in messages]
        request_options: dict[str, Any] = {
            "num_ctx": options.num_ctx,
            "temperature": options.temperature,
            "num_predict": options.max_tokens,
        }
        if options.stop:
            request_options["stop"] = list(options.stop)
        if options.seed is not None:
            request_options["seed"] = options.seed
        started = time.perf_counter()

        async def attempt() -> ModelReply:
            return await self._stream_chat(payload, request_options, options.stop, started)

        return await request_with_retry(
            attempt, timeout=options.timeout,
            on_timeout=lambda: timeout_error(f"Ollama model {self._model}", self._url,
                                             options.timeout))

    async def _stream_chat(self, payload: list[dict[str, str]], request_options: dict[str, Any],
                           stop: Sequence[str], started: float) -> ModelReply:
        pieces: list[str] = []
        final: ollama.ChatResponse | None = None
        try:
            stream = await self._client.chat(
                model=self._model, messages=payload, stream=True,
                options=request_options, keep_alive=self._keep_alive)
            async with aclosing(cast("AsyncGenerator[ollama.ChatResponse, None]",
                                     stream)) as parts:
                async for part in parts:
                    if part.message.content:
                        pieces.append(part.message.content)
                    if part.done:
                        final = part
                        break
        except ollama.ResponseError as error:
            raise self._response_error(error) from None
        except (ConnectionError, httpx.ConnectError):
            raise self._unreachable() from None
        except httpx.ConnectTimeout:
            raise self._unreachable(f"did not accept a connection within "
                                    f"{CONNECT_TIMEOUT_S:g} s") from None
        except httpx.TimeoutException:
            raise timeout_error(f"Ollama model {self._model}", self._url,
                                self._timeout) from None
        except (httpx.TransportError, json.JSONDecodeError, pydantic.ValidationError):
            raise TransientError(self._cut()) from None
        if final is None:
            raise TransientError(self._cut())
        return ModelReply(
            text=cut_at_stop("".join(pieces), stop),
            model=final.model or self._model,
            prompt_tokens=final.prompt_eval_count,
            completion_tokens=final.eval_count,
            elapsed_ms=(time.perf_counter() - started) * 1000.0,
        )

    async def fill_in_middle(self, prompt: str, suffix: str,
                             options: GenerationOptions) -> ModelReply:
        """``/api/generate`` with ``suffix`` (fill-in-the-middle; the model's template must
        use ``.Suffix``, see :meth:`info`), streamed so that a cancel stops the model.

        No retry: an inline suggestion that failed once is already too late.
        """
        request_options: dict[str, Any] = {"num_ctx": options.num_ctx,
                                           "temperature": options.temperature,
                                           "num_predict": options.max_tokens}
        if options.stop:
            request_options["stop"] = list(options.stop)
        started = time.perf_counter()
        pieces: list[str] = []
        final: ollama.GenerateResponse | None = None
        try:
            stream = await self._client.generate(
                model=self._model, prompt=prompt, suffix=suffix, stream=True,
                options=request_options, keep_alive=self._keep_alive)
            async with aclosing(cast("AsyncGenerator[ollama.GenerateResponse, None]",
                                     stream)) as parts:
                async for part in parts:
                    if part.response:
                        pieces.append(part.response)
                    if part.done:
                        final = part
                        break
        except ollama.ResponseError as error:
            failure = self._response_error(error)
            raise (failure.error if isinstance(failure, TransientError) else failure) from None
        except (ConnectionError, httpx.ConnectError, httpx.ConnectTimeout):
            raise self._unreachable() from None
        except httpx.TimeoutException:
            raise timeout_error(f"Ollama model {self._model}", self._url,
                                self._timeout) from None
        except (httpx.TransportError, json.JSONDecodeError, pydantic.ValidationError):
            raise self._cut() from None
        if final is None:
            raise self._cut()
        return ModelReply(text=cut_at_stop("".join(pieces), options.stop),
                          model=final.model or self._model,
                          prompt_tokens=final.prompt_eval_count,
                          completion_tokens=final.eval_count,
                          elapsed_ms=(time.perf_counter() - started) * 1000.0)

    async def info(self) -> ModelInfo:
        """Server version, the pulled models, and for ours its context length and FIM support.

        An unreachable server is a report (``reachable=False``), not an error: that is
        exactly what ``vgpt2 doctor`` is asked about.
        """
        try:
            async def gather() -> ModelInfo:
                return await self._info()

            return await request_with_retry(
                gather, timeout=self._timeout,
                on_timeout=lambda: timeout_error("Ollama", self._url, self._timeout))
        except BackendError as error:
            if error.kind is BackendErrorKind.UNREACHABLE:
                return ModelInfo(backend=self.name, url=self._url, model=self._model,
                                 reachable=False, present=False)
            raise

    async def _info(self) -> ModelInfo:
        try:
            response = await self._http.get("/api/version")
            response.raise_for_status()
            version = response.json().get("version")
            tags = await self._client.list()
            available = tuple(m.model for m in tags.models if m.model)
            present = _tagged(self._model) in {_tagged(m) for m in available}
            context_length: int | None = None
            fill_in_middle: bool | None = None
            if present:
                shown = await self._client.show(self._model)
                context_length = _context_length(shown.modelinfo or {})
                fill_in_middle = ("insert" in (shown.capabilities or ())
                                  or ".Suffix" in (shown.template or ""))
        except ollama.ResponseError as error:
            raise self._response_error(error) from None
        except httpx.HTTPStatusError as error:
            if error.response.status_code >= 500:
                raise TransientError(self._server_error(error.response.status_code,
                                                        error.response.text)) from None
            raise self._server_error(error.response.status_code, error.response.text) from None
        except (ConnectionError, httpx.ConnectError, httpx.ConnectTimeout):
            raise self._unreachable() from None
        except httpx.TimeoutException:
            raise timeout_error("Ollama", self._url, self._timeout) from None
        except (httpx.TransportError, json.JSONDecodeError, pydantic.ValidationError,
                AttributeError):
            raise TransientError(BackendError(
                BackendErrorKind.PROTOCOL, f"{self._url} did not answer like an Ollama server",
                "check `url` in [model]: Ollama listens on http://127.0.0.1:11434 "
                "(an OpenAI-compatible server needs backend = \"openai\")")) from None
        return ModelInfo(backend=self.name, url=self._url, model=self._model, reachable=True,
                         present=present, context_length=context_length,
                         fill_in_middle=fill_in_middle,
                         server_version=version if isinstance(version, str) else None,
                         available=available)

    async def aclose(self) -> None:
        await self._client.close()  # type: ignore[no-untyped-call]  # untyped in ollama 0.6
        await self._http.aclose()

    def _unreachable(self, detail: str = "refused the connection") -> BackendError:
        return BackendError(
            BackendErrorKind.UNREACHABLE, f"cannot reach Ollama at {self._url}: {detail}",
            "start it with `ollama serve`, or set `url` in [model] of vgpt2.toml (--url)")

    def _cut(self) -> BackendError:
        return BackendError(
            BackendErrorKind.PROTOCOL,
            f"the reply from {self._model} at {self._url} was cut off before it was complete",
            "check the Ollama server's log (`journalctl -u ollama`); a crash or a restart "
            "mid-reply does this")

    def _response_error(self, error: ollama.ResponseError) -> BackendError | TransientError:
        """The error to raise; a 5xx (or an error mid-stream) is worth the one retry."""
        text = str(error.error)
        status = error.status_code
        if status == 404 or "not found" in text.lower():
            return BackendError(
                BackendErrorKind.UNKNOWN_MODEL,
                f"Ollama at {self._url} has no model {self._model}",
                f"`ollama pull {self._model}`, or set `name` in [model] to one that "
                "`ollama list` shows")
        if status in (401, 403):
            return BackendError(BackendErrorKind.AUTH,
                                f"Ollama at {self._url} refused the request: {one_line(text)}",
                                "set OLLAMA_API_KEY, or check the proxy in front of Ollama")
        if status >= 500 or status == -1:
            return TransientError(self._server_error(status, text))
        return self._server_error(status, text)

    def _server_error(self, status: int, text: str) -> BackendError:
        code = f"HTTP {status}" if status > 0 else "an error"
        return BackendError(BackendErrorKind.SERVER,
                            f"Ollama at {self._url} answered {code}: {one_line(text)}",
                            "check the Ollama server's log; `ollama ps` shows what is loaded")


def _tagged(model: str) -> str:
    """``qwen2.5-coder`` and ``qwen2.5-coder:latest`` are the same model to Ollama."""
    return model if ":" in model.rsplit("/", 1)[-1] else f"{model}:latest"


def _context_length(model_info: Mapping[str, Any]) -> int | None:
    """``<architecture>.context_length`` from ``/api/show``'s ``model_info``."""
    architecture = model_info.get("general.architecture")
    keys = [f"{architecture}.context_length"] if isinstance(architecture, str) else []
    keys += [k for k in model_info if k.endswith(".context_length")]
    for key in keys:
        value = model_info.get(key)
        if isinstance(value, int) and value > 0:
            return value
    return None
