"""Any OpenAI-compatible server: vLLM, llama.cpp's server, Ollama's ``/v1``, ``transformers serve``.

This is the path for a team that serves one model to many users. The API key,
if the server wants one, is read from the environment variable the
configuration names; it is never logged, written, or echoed in an error. The
``openai`` client's own retries are off: the one retry (5xx, dropped
connection) happens here, inside the request's deadline.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from typing import Any

import openai
from openai.types.chat import ChatCompletionMessageParam
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
NO_KEY = "EMPTY"
"""Sent when no key is configured, so the client never falls back to OPENAI_API_KEY
(which would hand a user's OpenAI key to whatever server ``url`` names)."""

_CONTEXT_KEYS = ("max_model_len", "context_length", "context_window", "n_ctx", "n_ctx_train",
                 "max_context_length")
"""Where servers put a model's context length in ``/v1/models`` (vLLM: max_model_len;
llama.cpp: meta.n_ctx_train)."""


class OpenAICompatBackend:
    """A chat model behind ``/v1/chat/completions`` at ``url`` (the base URL, ending in /v1)."""

    def __init__(self, url: str, model: str | None, *, api_key_env: str | None = None,
                 timeout: float = 60.0) -> None:
        self._url = url.rstrip("/")
        self._model = model
        self._timeout = timeout
        self._api_key_env = api_key_env
        self._api_key: str | None = None
        if api_key_env:
            self._api_key = os.environ.get(api_key_env) or None
            if self._api_key is None:
                raise BackendError(
                    BackendErrorKind.AUTH,
                    f"the environment variable {api_key_env} (api_key_env) is not set",
                    f"export {api_key_env}=<the server's API key>, or remove api_key_env "
                    "from [model] if the server needs no key")
        self._client = openai.AsyncOpenAI(
            base_url=self._url, api_key=self._api_key or NO_KEY,
            timeout=openai.Timeout(timeout, connect=min(CONNECT_TIMEOUT_S, timeout)),
            max_retries=0)

    @property
    def name(self) -> str:
        return "openai"

    @property
    def model(self) -> str | None:
        return self._model

    @property
    def url(self) -> str:
        return self._url

    async def chat(self, messages: Sequence[ChatMessage],
                   options: GenerationOptions) -> ModelReply:
        payload: list[ChatCompletionMessageParam] = [
            _message(m) for m in messages]
        started = time.perf_counter()

        async def attempt() -> ModelReply:
            model = self._model or await self._only_model()
            return await self._stream_chat(model, payload, options, started)

        return await request_with_retry(
            attempt, timeout=options.timeout,
            on_timeout=lambda: timeout_error(f"model {self._model or ''}".strip(), self._url,
                                             options.timeout))

    async def _stream_chat(self, model: str, payload: list[ChatCompletionMessageParam],
                           options: GenerationOptions, started: float) -> ModelReply:
        pieces: list[str] = []
        finish: str | None = None
        served = model
        try:
            stream = await self._client.chat.completions.create(
                model=model, messages=payload, stream=True,
                temperature=options.temperature, max_tokens=options.max_tokens,
                stop=list(options.stop) if options.stop else openai.omit,
                seed=options.seed if options.seed is not None else openai.omit)
        except openai.APIStatusError as error:
            raise await self._status_error(error, model) from None
        except openai.APITimeoutError:
            raise timeout_error(f"model {model}", self._url, self._timeout) from None
        except openai.APIConnectionError as error:
            if _refused(error):
                raise self._unreachable() from None
            raise TransientError(self._cut(model)) from None
        try:
            async with stream:
                async for chunk in stream:
                    served = chunk.model or served
                    for choice in chunk.choices[:1]:
                        if choice.delta is not None and choice.delta.content:
                            pieces.append(choice.delta.content)
                        if choice.finish_reason:
                            finish = choice.finish_reason
        except openai.APIStatusError as error:
            raise await self._status_error(error, model) from None
        except openai.APITimeoutError:
            raise timeout_error(f"model {model}", self._url, self._timeout) from None
        except (openai.APIError, ValueError):
            # APIConnectionError mid-reply, an error event, or a line that is not JSON.
            raise TransientError(self._cut(model)) from None
        if finish is None:
            raise TransientError(self._cut(model))
        return ModelReply(text=cut_at_stop("".join(pieces), options.stop), model=served,
                          elapsed_ms=(time.perf_counter() - started) * 1000.0)

    async def complete_raw(self, prompt: str, options: GenerationOptions) -> ModelReply:
        """``/v1/completions`` with a raw prompt (fill-in-the-middle written in the model's
        own marker tokens: vLLM rejects ``suffix``), streamed so that a cancel stops it.

        No retry: an inline suggestion that failed once is already too late.
        """
        started = time.perf_counter()
        pieces: list[str] = []
        finish: str | None = None
        model = self._model or await self._only_model()
        try:
            stream = await self._client.completions.create(
                model=model, prompt=prompt, stream=True, temperature=options.temperature,
                max_tokens=options.max_tokens,
                stop=list(options.stop)[:4] if options.stop else openai.omit)
            async with stream:
                async for chunk in stream:
                    for choice in chunk.choices[:1]:
                        if choice.text:
                            pieces.append(choice.text)
                        if choice.finish_reason:
                            finish = choice.finish_reason
        except openai.APIStatusError as error:
            failure = await self._status_error(error, model)
            raise (failure.error if isinstance(failure, TransientError) else failure) from None
        except openai.APITimeoutError:
            raise timeout_error(f"model {model}", self._url, self._timeout) from None
        except openai.APIConnectionError as error:
            raise (self._unreachable() if _refused(error) else self._cut(model)) from None
        except (openai.APIError, ValueError):
            raise self._cut(model) from None
        if finish is None:
            raise self._cut(model)
        return ModelReply(text=cut_at_stop("".join(pieces), options.stop), model=model,
                          elapsed_ms=(time.perf_counter() - started) * 1000.0)

    async def info(self) -> ModelInfo:
        """``/v1/models``: whether our model is served, and its context length if the server says.

        Fill-in-the-middle is unknown here (None): these servers expose no template.
        """
        async def gather() -> ModelInfo:
            entries = await self._models()
            available = tuple(entries)
            if self._model is None and len(available) == 1:
                self._model = available[0]  # a pinned server: its one model is ours
            model = self._model
            present = model is not None and model in entries
            context = _context_length(entries[model]) if present and model else None
            return ModelInfo(backend=self.name, url=self._url, model=model, reachable=True,
                             present=present, context_length=context, available=available)

        try:
            return await request_with_retry(
                gather, timeout=self._timeout,
                on_timeout=lambda: timeout_error("the model server", self._url, self._timeout))
        except BackendError as error:
            if error.kind is BackendErrorKind.UNREACHABLE:
                return ModelInfo(backend=self.name, url=self._url, model=self._model,
                                 reachable=False, present=False)
            raise

    async def aclose(self) -> None:
        await self._client.close()

    async def _models(self) -> dict[str, dict[str, Any]]:
        try:
            page = await self._client.models.list()
        except openai.APIStatusError as error:
            raise await self._status_error(error, self._model or "", list_models=False) from None
        except openai.APITimeoutError:
            raise timeout_error("the model server", self._url, self._timeout) from None
        except openai.APIConnectionError as error:
            if _refused(error):
                raise self._unreachable() from None
            raise TransientError(self._cut(self._model or "")) from None
        except (openai.APIError, ValueError):
            raise BackendError(
                BackendErrorKind.PROTOCOL,
                f"{self._url}/models did not answer like an OpenAI-compatible server",
                "check `url` in [model]: the base URL usually ends in /v1 "
                "(Ollama's own API needs backend = \"ollama\")") from None
        return {entry.id: entry.model_dump() for entry in page.data}

    async def _only_model(self) -> str:
        """With no ``name`` configured: the server's model, if it serves exactly one."""
        entries = list(await self._models())
        if len(entries) == 1:
            self._model = entries[0]
            return entries[0]
        served = ", ".join(entries[:10]) or "none"
        raise BackendError(BackendErrorKind.UNKNOWN_MODEL,
                           f"{self._url} serves {len(entries)} models ({served})",
                           "set `name` in [model] of vgpt2.toml (or pass --model)")

    async def _status_error(self, error: openai.APIStatusError, model: str,
                            list_models: bool = True) -> BackendError | TransientError:
        status = error.status_code
        text = one_line(_error_text(error), self._api_key)
        if status in (401, 403):
            variable = self._api_key_env
            hint = (f"check the key in {variable}" if variable and self._api_key else
                    "set api_key_env in [model] to the name of an environment variable "
                    "holding the server's key")
            return BackendError(BackendErrorKind.AUTH,
                                f"{self._url} refused the request (HTTP {status}): {text}", hint)
        if status == 404:
            served = ""
            if list_models:
                try:
                    served = ", ".join(list(await self._models())[:10])
                except (BackendError, TransientError):
                    served = ""
            return BackendError(
                BackendErrorKind.UNKNOWN_MODEL, f"{self._url} does not serve model {model}",
                f"set `name` in [model] to one it serves ({served})" if served
                else "set `name` in [model] to a model the server serves (GET /v1/models)")
        server = BackendError(BackendErrorKind.SERVER,
                              f"{self._url} answered HTTP {status}: {text}",
                              "check the model server's log")
        return TransientError(server) if status >= 500 else server

    def _unreachable(self) -> BackendError:
        return BackendError(
            BackendErrorKind.UNREACHABLE, f"cannot reach the model server at {self._url}",
            "start it (e.g. `vllm serve MODEL`, `transformers serve DIR`), or set `url` in "
            "[model] of vgpt2.toml (--url)")

    def _cut(self, model: str) -> BackendError:
        return BackendError(
            BackendErrorKind.PROTOCOL,
            f"the reply from {model or 'the model'} at {self._url} was cut off before it "
            "was complete", "check the model server's log: a crash or restart mid-reply does this")


def _message(message: ChatMessage) -> ChatCompletionMessageParam:
    if message.role == "system":
        return {"role": "system", "content": message.content}
    if message.role == "assistant":
        return {"role": "assistant", "content": message.content}
    return {"role": "user", "content": message.content}


def _refused(error: openai.APIConnectionError) -> bool:
    """Whether the connection was never made (refused, no route, unknown host).

    Looked up by class name along the cause chain, because the client's transport
    library (httpx or its fork) is the client's own business.
    """
    cause: BaseException | None = error.__cause__
    for _ in range(8):
        if cause is None:
            return False
        if type(cause).__name__ in ("ConnectError", "ConnectTimeout", "ConnectionRefusedError"):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _error_text(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, Mapping):
        inner = body.get("error", body)
        if isinstance(inner, Mapping):
            inner = inner.get("message", inner)
        return str(inner)
    if isinstance(body, str):
        return body
    return error.message


def _context_length(entry: Mapping[str, Any]) -> int | None:
    for scope in (entry, entry.get("meta") or {}):
        if not isinstance(scope, Mapping):
            continue
        for key in _CONTEXT_KEYS:
            value = scope.get(key)
            if isinstance(value, int) and value > 0:
                return value
    return None
