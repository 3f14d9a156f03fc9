"""The dataset files the trainers read, checked and rendered to prompt/completion text.

``vgpt2-train dataset`` writes TRL's formats: ``sft.jsonl`` (``messages``),
``fim.jsonl`` (``prompt``/``completion`` with Qwen's FIM tokens), ``dpo.jsonl``
(``prompt``/``chosen``/``rejected``) and ``kto.jsonl``
(``prompt``/``completion``/``label``). Prompts may be message lists or text.

Why render here: chat records and FIM records must train in one SFT run, and
TRL cannot mix conversational and plain rows in one dataset. Rendering every
chat prompt through the model's chat template (with the generation prompt)
gives plain prompt/completion pairs whose loss covers only the completion, which
is the assistant-only loss on the model's own chat format. A bad record is an
error naming the file and line: a KTO label that is the string "true" was once
silently ignored.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Renderer = Callable[[list[dict[str, str]]], str]
"""Messages (ending with a user turn) → the prompt text, generation prompt included."""


class DatasetError(Exception):
    """A dataset file that cannot be trained on; names the file and the line."""


@dataclass(slots=True)
class Example:
    prompt: str
    completion: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Preference:
    prompt: str
    chosen: str
    rejected: str
    kind: str = ""


@dataclass(slots=True)
class Labelled:
    prompt: str
    completion: str
    label: bool


def dataset_file(folder: Path, kind: str, split: str = "train") -> Path:
    """``KIND.train.jsonl`` (or ``KIND.eval.jsonl``) as ``vgpt2-train dataset`` writes them;
    a plain ``KIND.jsonl`` is the training file of a dataset made by hand."""
    split_file = folder / f"{kind}.{split}.jsonl"
    if split_file.is_file() or split != "train":
        return split_file
    plain = folder / f"{kind}.jsonl"
    return plain if plain.is_file() else split_file


def read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) per non-blank line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file (run `vgpt2-train dataset` first)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DatasetError(f"{path}: cannot read: {error}") from None
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(f"{path}:{number}: not JSON: {error.msg}") from None
        if not isinstance(value, dict):
            raise DatasetError(f"{path}:{number}: expected a JSON object")
        records.append((number, value))
    return records


def _messages(value: Any, where: str, key: str) -> list[dict[str, str]]:
    if not isinstance(value, list) or not value:
        raise DatasetError(f"{where}: {key!r} must be a non-empty list of messages")
    messages = []
    for message in value:
        if (not isinstance(message, dict) or not isinstance(message.get("role"), str)
                or not isinstance(message.get("content"), str)):
            raise DatasetError(f"{where}: {key!r}: each message needs string role and content")
        messages.append({"role": message["role"], "content": message["content"]})
    return messages


def _prompt(value: Any, where: str, render: Renderer) -> str:
    if isinstance(value, str):
        return value
    messages = _messages(value, where, "prompt")
    if messages[-1]["role"] != "user":
        raise DatasetError(f"{where}: the prompt must end with a user message")
    return render(messages)


def _answer(value: Any, where: str, key: str, eos: str) -> str:
    if isinstance(value, str):
        text = value
    else:
        messages = _messages(value, where, key)
        if messages[-1]["role"] != "assistant":
            raise DatasetError(f"{where}: {key!r} must end with an assistant message")
        text = messages[-1]["content"]
    if not text.strip():
        raise DatasetError(f"{where}: {key!r} is empty")
    # TRL appends the end token itself when a completion lacks it; adding it here keeps
    # FIM, chat and preference records alike.
    return text if text.endswith(eos) else text + eos


def load_sft(path: Path, render: Renderer, eos: str) -> list[Example]:
    """``messages`` records: the last assistant turn is the completion."""
    examples = []
    for number, record in read_jsonl(path):
        where = f"{path}:{number}"
        messages = _messages(record.get("messages"), where, "messages")
        if messages[-1]["role"] != "assistant" or len(messages) < 2:
            raise DatasetError(f"{where}: 'messages' must end with an assistant message")
        examples.append(Example(_prompt(messages[:-1], where, render),
                                _answer(messages[-1]["content"], where, "messages", eos),
                                meta=record.get("meta") or {}))
    if not examples:
        raise DatasetError(f"{path}: no records")
    return examples


def load_fim(path: Path, eos: str) -> list[Example]:
    """Plain prompt/completion records (the FIM prompt is already in the model's tokens)."""
    examples = []
    for number, record in read_jsonl(path):
        where = f"{path}:{number}"
        prompt, completion = record.get("prompt"), record.get("completion")
        if not isinstance(prompt, str) or not isinstance(completion, str):
            raise DatasetError(f"{where}: 'prompt' and 'completion' must be strings")
        examples.append(Example(prompt, completion + eos))
    return examples


def load_dpo(path: Path, render: Renderer, eos: str) -> list[Preference]:
    pairs = []
    for number, record in read_jsonl(path):
        where = f"{path}:{number}"
        prompt = _prompt(record.get("prompt"), where, render)
        chosen = _answer(record.get("chosen"), where, "chosen", eos)
        rejected = _answer(record.get("rejected"), where, "rejected", eos)
        if chosen == rejected:
            raise DatasetError(f"{where}: chosen and rejected are the same")
        meta = record.get("meta")
        meta = meta if isinstance(meta, dict) else {}
        kind = str(record.get("kind") or meta.get("mistake") or meta.get("kind") or "")
        pairs.append(Preference(prompt, chosen, rejected, kind))
    if not pairs:
        raise DatasetError(f"{path}: no records")
    return pairs


def load_kto(path: Path, render: Renderer, eos: str) -> list[Labelled]:
    """Labels must be JSON booleans, and both must occur (KTO learns nothing from one)."""
    rows = []
    for number, record in read_jsonl(path):
        where = f"{path}:{number}"
        label = record.get("label")
        if not isinstance(label, bool):
            raise DatasetError(f"{where}: 'label' must be true or false (a JSON boolean), "
                               f"got {json.dumps(label)}")
        rows.append(Labelled(_prompt(record.get("prompt"), where, render),
                             _answer(record.get("completion"), where, "completion", eos),
                             label))
    counts = Counter(row.label for row in rows)
    if len(counts) < 2:
        only = "desirable (true)" if counts.get(True) else "undesirable (false)"
        raise DatasetError(f"{path}: every label is {only}: KTO needs both desirable and "
                           f"undesirable examples ({len(rows)} records)")
    return rows


def kto_weights(rows: Sequence[Labelled]) -> tuple[float, float]:
    """(desirable, undesirable) weights that balance the label ratio.

    TRL recommends desirable_weight x desirable / (undesirable_weight x undesirable) in
    [1, 4/3]; the rarer side is weighted up to the ratio 1.
    """
    desirable = sum(row.label for row in rows)
    undesirable = len(rows) - desirable
    if desirable >= undesirable:
        return 1.0, round(desirable / undesirable, 4)
    return round(undesirable / desirable, 4), 1.0


def split_held_out(items: list[Any], fraction: float, seed: int) -> tuple[list[Any], list[Any]]:
    """(train, held out): a seeded shuffle; at least one held out when fraction > 0."""
    if fraction <= 0 or len(items) < 2:
        return items, []
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    count = max(1, math.floor(len(items) * fraction))
    held = set(order[:count])
    return ([x for i, x in enumerate(items) if i not in held],
            [x for i, x in enumerate(items) if i in held])


def mix_fim(sft: list[Example], fim: list[Example], fraction: float,
            seed: int) -> list[Example]:
    """SFT records plus ``fraction`` x len(sft) FIM records, shuffled together."""
    take = min(len(fim), round(len(sft) * fraction))
    rng = random.Random(seed)
    mixed = sft + rng.sample(fim, take)
    rng.shuffle(mixed)
    return mixed


def pair_mix(pairs: Sequence[Preference]) -> str:
    """'missing-nolock 40, invented-column 12, ...' for the separable-pairs warning."""
    counts = Counter(pair.kind or "(unlabelled)" for pair in pairs)
    return ", ".join(f"{kind} {count}" for kind, count in counts.most_common())
