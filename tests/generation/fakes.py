"""An in-process model backend with scripted replies, for engine tests without any server."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from vgpt2.server.generation.backends.base import (
    BackendError,
    ChatMessage,
    GenerationOptions,
    ModelInfo,
    ModelReply,
)

Reply = str | BackendError | Callable[[Sequence[ChatMessage]], str]


@dataclass
class ScriptedBackend:
    """Answers each chat with the next scripted reply; the last one repeats when the script ends.

    Records every request so tests can read what the engine sent (repair messages,
    the prompt). A :class:`BackendError` in the script is raised instead of answered.
    """

    replies: list[Reply]
    model_name: str = "scripted-model"
    requests: list[list[ChatMessage]] = field(default_factory=list)
    options: list[GenerationOptions] = field(default_factory=list)
    closed: bool = False

    @property
    def name(self) -> str:
        return "scripted"

    @property
    def model(self) -> str | None:
        return self.model_name

    async def chat(self, messages: Sequence[ChatMessage],
                   options: GenerationOptions) -> ModelReply:
        self.requests.append(list(messages))
        self.options.append(options)
        index = min(len(self.requests) - 1, len(self.replies) - 1)
        reply = self.replies[index]
        if isinstance(reply, BackendError):
            raise reply
        text = reply(messages) if callable(reply) else reply
        return ModelReply(text=text, model=self.model_name, prompt_tokens=None,
                          completion_tokens=None, elapsed_ms=0.0)

    async def info(self) -> ModelInfo:
        return ModelInfo(backend="scripted", url="in-process", model=self.model_name,
                         reachable=True, present=True, context_length=8192)

    async def aclose(self) -> None:
        self.closed = True
