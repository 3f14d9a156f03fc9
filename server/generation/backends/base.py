"""The one interface every model backend implements, and the types that cross it.

The engine never talks HTTP: it hands a backend chat messages and options and
gets text back, or a :class:`BackendError` whose ``hint`` says what the user
must start or configure. Keeping this small is what lets the same engine run on
Ollama on a workstation, vLLM for a team, or a test server on loopback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class GenerationOptions:
    """Per-request options; ``num_ctx`` goes on every Ollama call (a change reloads the model)."""

    num_ctx: int = 8192
    temperature: float = 0.0
    max_tokens: int = 1024
    stop: tuple[str, ...] = ()
    seed: int | None = None
    timeout: float = 60.0
    """Bounds one request: connect plus the whole streamed reply, in seconds."""


@dataclass(frozen=True, slots=True)
class ModelReply:
    text: str
    model: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    elapsed_ms: float = 0.0


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What ``vgpt2 doctor`` reports about the configured model."""

    backend: str
    url: str
    model: str | None
    reachable: bool
    present: bool
    context_length: int | None = None
    fill_in_middle: bool | None = None
    server_version: str | None = None
    available: tuple[str, ...] = field(default_factory=tuple)


class BackendErrorKind(StrEnum):
    UNREACHABLE = "unreachable"
    UNKNOWN_MODEL = "unknown-model"
    TIMEOUT = "timeout"
    SERVER = "server"
    PROTOCOL = "protocol"
    AUTH = "auth"


class BackendError(Exception):
    """A model request that failed; ``hint`` is the one line telling the user what to do.

    Messages never contain an API key or a traceback.
    """

    def __init__(self, kind: BackendErrorKind, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


@runtime_checkable
class ModelBackend(Protocol):
    """A chat model. Implementations stream internally so that cancelling the awaiting
    task (``asyncio.Task.cancel``) closes the connection and stops generation."""

    @property
    def name(self) -> str:
        """``ollama`` or ``openai``."""
        ...

    @property
    def model(self) -> str | None:
        ...

    async def chat(self, messages: Sequence[ChatMessage],
                   options: GenerationOptions) -> ModelReply:
        """One chat round. Raises :class:`BackendError` (after one retry on a 5xx or a
        dropped connection); never returns partial text from a cut stream as complete."""
        ...

    async def info(self) -> ModelInfo:
        """Reachability, presence of the model, context length, fill-in-the-middle support."""
        ...

    async def aclose(self) -> None:
        ...
