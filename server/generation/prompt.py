"""The versioned prompt: one system prompt and one user-prompt format, kept as data.

The text lives in ``prompts/v1.toml``; its ``version`` travels in every
result. :func:`build_messages` is the one function that turns a question and a
schema context into chat messages: the engine calls it, and the training
dataset must call it too, so that a fine-tuned model sees exactly the prompts
it will be given. :func:`build_prompt` adds the budget: it sizes the schema
context and the few-shot examples to what the model's context leaves after the
reply (``num_ctx - max_tokens``).
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Protocol

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.generation.backends.base import ChatMessage, GenerationOptions
from vgpt2.server.generation.context import (
    SchemaContext,
    TokenCounter,
    build_context,
    estimate_tokens,
)
from vgpt2.server.generation.jointree import JoinTree
from vgpt2.server.generation.result import LeftOut

DEFAULT_VERSION = "v1"
MESSAGE_OVERHEAD = 4
"""Tokens a chat template adds around each message (role markers, separators)."""
EXAMPLE_SHARE = 0.25
"""Few-shot examples may take at most this share of the budget."""
SAFETY_MARGIN = 16


class PromptError(Exception):
    """The prompt data file is missing or malformed (a packaging error, named with its file)."""


class ExampleLike(Protocol):
    @property
    def question(self) -> str: ...

    @property
    def sql(self) -> str: ...


@dataclass(frozen=True, slots=True)
class PromptTemplate:
    version: str
    system: str
    user: str
    joins: str
    surrounding: str
    example_user: str
    example_assistant: str


_FIELDS = ("version", "system", "user", "joins", "surrounding", "example_user",
           "example_assistant")


@functools.cache
def load_template(version: str = DEFAULT_VERSION) -> PromptTemplate:
    name = f"{version}.toml"
    try:
        data = tomllib.loads(resources.files("vgpt2.server.generation.prompts")
                             .joinpath(name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PromptError(f"prompts/{name}: no such prompt version") from None
    except tomllib.TOMLDecodeError as error:
        raise PromptError(f"prompts/{name}: {error}") from None
    missing = [f for f in _FIELDS if not isinstance(data.get(f), str)]
    if missing:
        raise PromptError(f"prompts/{name}: missing text field(s) {', '.join(missing)}")
    if data["version"] != version:
        raise PromptError(f"prompts/{name}: says version {data['version']!r}")
    return PromptTemplate(**{f: data[f].strip("\n") if f != "version" else data[f]
                             for f in _FIELDS})


def build_messages(question: str, schema: str, *, joins: str = "", conventions: str = "",
                   surrounding_sql: str = "", examples: Sequence[ExampleLike] = (),
                   version: str = DEFAULT_VERSION) -> list[ChatMessage]:
    """System prompt, then each example as a user/assistant pair, then the request."""
    template = load_template(version)
    messages = [ChatMessage("system", template.system.format(
        conventions=conventions or "- (none)").strip())]
    for example in examples:
        messages.append(ChatMessage("user", template.example_user.format(
            question=example.question.strip()).strip()))
        messages.append(ChatMessage("assistant", template.example_assistant.format(
            sql=example.sql.strip()).strip()))
    joins_text = template.joins.format(joins=joins) if joins else ""
    surrounding = (template.surrounding.format(sql=surrounding_sql.strip())
                   if surrounding_sql.strip() else "")
    user = template.user.format(schema=schema or "(no matching objects)", joins=joins_text,
                                surrounding=surrounding, question=question.strip())
    messages.append(ChatMessage("user", re.sub(r"\n{3,}", "\n\n", user).strip()))
    return messages


def count_messages(messages: Sequence[ChatMessage], count: TokenCounter) -> int:
    return sum(count(m.content) + MESSAGE_OVERHEAD for m in messages)


REPAIR_RESERVE = 768
"""Tokens the schema context leaves free for a repair round's two extra messages (the
model's last reply, clipped, and the analyzer's problems), so a repair does not overflow
``num_ctx``; Ollama would cut the start of the conversation (the system prompt) silently."""


def prompt_budget(options: GenerationOptions) -> int:
    """Tokens the prompt may use: the context window less the reply's room."""
    return max(0, options.num_ctx - options.max_tokens)


@dataclass(slots=True)
class Prompt:
    messages: list[ChatMessage]
    version: str
    tokens: int
    budget: int
    context: SchemaContext
    left_out: list[LeftOut] = field(default_factory=list)
    examples: list[ExampleLike] = field(default_factory=list)

    @property
    def fits(self) -> bool:
        return self.tokens <= self.budget


def build_prompt(catalog: Catalog, question: str, objects: Sequence[str], tree: JoinTree,
                 options: GenerationOptions, *, surrounding_sql: str = "",
                 examples: Sequence[ExampleLike] = (), count: TokenCounter | None = None,
                 version: str = DEFAULT_VERSION, reserve: int = 0) -> Prompt:
    counter = count or estimate_tokens
    window = prompt_budget(options)
    budget = max(0, window - reserve)  # what the schema and examples are fitted to
    left_out: list[LeftOut] = []
    fixed = count_messages(build_messages(question, "", surrounding_sql=surrounding_sql,
                                          version=version), counter)
    if fixed > budget and surrounding_sql:
        left_out.append(LeftOut("", "surrounding SQL",
                                f"{len(surrounding_sql)} characters did not fit"))
        surrounding_sql = ""
        fixed = count_messages(build_messages(question, "", version=version), counter)
    chosen: list[ExampleLike] = []
    example_cost = 0
    for example in examples:
        pair = build_messages("", "", examples=[example], version=version)[1:3]
        cost = count_messages(pair, counter)
        if fixed + example_cost + cost > budget * EXAMPLE_SHARE + fixed:
            left_out.append(LeftOut("", "example", example.question[:80]))
            continue
        chosen.append(example)
        example_cost += cost
    room = budget - fixed - example_cost - SAFETY_MARGIN
    context = build_context(catalog, question, objects, tree, max(0, room), counter)
    messages: list[ChatMessage] = []
    tokens = 0
    for _ in range(3):  # a real tokenizer is not quite additive: shrink until it fits
        messages = build_messages(question, context.schema, joins=context.joins,
                                  conventions=context.conventions,
                                  surrounding_sql=surrounding_sql, examples=chosen,
                                  version=version)
        tokens = count_messages(messages, counter)
        if tokens <= budget or room <= 0:
            break
        room -= tokens - budget + SAFETY_MARGIN
        context = build_context(catalog, question, objects, tree, max(0, room), counter)
    return Prompt(messages, version, tokens, window, context, left_out + context.left_out,
                  chosen)
