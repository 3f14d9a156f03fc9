"""The JSONL formats of the evaluation: questions (gold SQL or refusal probes) and predictions.

Questions, one object a line::

    {"id": "ap-001", "question": "...", "sql": "SELECT ...", "module": "AP", "tags": ["join"]}
    {"id": "ref-001", "question": "...", "refuse": true, "nearest": ["APVM"]}

Predictions, one object a line (any system's output, scored the same way)::

    {"id": "ap-001", "sql": "SELECT ..." | null, "refused": false}

A prediction may also carry ``message`` and ``suggestions`` (the text of a
refusal, the objects it names), ``latency_ms`` and ``raw_sql`` (the model's SQL
before any checks or fixes, for the unknown-name rate of the raw output). Bad
lines are errors naming the file and line, never skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

TAGS = ("single table", "join", "multi-join", "aggregate", "date/Mth logic", "nested/EXISTS",
        "TOP/ORDER")


class FormatError(Exception):
    """A questions or predictions file that cannot be read; the message names file and line."""


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    sql: str | None = None
    refuse: bool = False
    nearest: tuple[str, ...] = ()
    module: str = ""
    tags: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        return not self.refuse


@dataclass(frozen=True, slots=True)
class Prediction:
    id: str
    sql: str | None
    refused: bool
    message: str = ""
    suggestions: tuple[str, ...] = ()
    latency_ms: float | None = None
    raw_sql: str | None = None
    """The model's own SQL before checks and fixes (live backends, or a file's ``raw_sql``)."""
    raw_reply: str | None = None
    """The model's first reply, whole (live backends only)."""
    repairs: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def shipped_questions_path() -> Path:
    """The question set that ships with vgpt2."""
    return Path(str(resources.files("vgpt2.training.data").joinpath("eval_questions.jsonl")))


def json_lines(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; anything else is a FormatError naming
    the file and line. Every JSONL input of vgpt2-train reads through this."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FormatError(f"{path}: cannot be read ({error})") from None
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as error:
            raise FormatError(f"{path}:{number}: not JSON ({error})") from None
        if not isinstance(record, dict):
            raise FormatError(f"{path}:{number}: expected a JSON object")
        records.append((number, record))
    return records


def _text(path: Path, number: int, record: dict[str, Any], key: str,
          required: bool = True) -> str:
    value = record.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise FormatError(f"{path}:{number}: \"{key}\" must be a non-empty string")
    return value


def _strings(path: Path, number: int, record: dict[str, Any], key: str) -> tuple[str, ...]:
    value = record.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FormatError(f"{path}:{number}: \"{key}\" must be a list of strings")
    return tuple(value)


def load_questions(path: Path) -> list[Question]:
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for number, record in json_lines(path):
        qid = _text(path, number, record, "id")
        if qid in seen:
            raise FormatError(f"{path}:{number}: id {qid!r} repeats line {seen[qid]}")
        seen[qid] = number
        question = _text(path, number, record, "question")
        refuse = record.get("refuse", False)
        if not isinstance(refuse, bool):
            raise FormatError(f"{path}:{number}: \"refuse\" must be true or false")
        sql = record.get("sql")
        if refuse and sql is not None:
            raise FormatError(f"{path}:{number}: a refusal probe has no \"sql\"")
        if not refuse:
            sql = _text(path, number, record, "sql")
        questions.append(Question(
            id=qid, question=question, sql=sql, refuse=refuse,
            nearest=_strings(path, number, record, "nearest"),
            module=_text(path, number, record, "module", required=False),
            tags=_strings(path, number, record, "tags")))
    if not questions:
        raise FormatError(f"{path}: no questions")
    return questions


def load_predictions(path: Path) -> dict[str, Prediction]:
    predictions: dict[str, Prediction] = {}
    for number, record in json_lines(path):
        qid = _text(path, number, record, "id")
        if qid in predictions:
            raise FormatError(f"{path}:{number}: a second prediction for {qid!r}")
        sql = record.get("sql")
        if sql is not None and not isinstance(sql, str):
            raise FormatError(f"{path}:{number}: \"sql\" must be a string or null")
        refused = record.get("refused", False)
        if not isinstance(refused, bool):
            raise FormatError(f"{path}:{number}: \"refused\" must be true or false")
        latency = record.get("latency_ms")
        if latency is not None and not isinstance(latency, int | float):
            raise FormatError(f"{path}:{number}: \"latency_ms\" must be a number")
        raw = record.get("raw_sql")
        if raw is not None and not isinstance(raw, str):
            raise FormatError(f"{path}:{number}: \"raw_sql\" must be a string or null")
        predictions[qid] = Prediction(
            id=qid, sql=sql, refused=refused,
            message=_text(path, number, record, "message", required=False),
            suggestions=_strings(path, number, record, "suggestions"),
            latency_ms=float(latency) if latency is not None else None, raw_sql=raw)
    return predictions


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    """Temp-then-rename, so a half-written file never replaces a good one."""
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    temp.replace(path)
