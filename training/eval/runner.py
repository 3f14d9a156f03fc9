"""One evaluation run: predictions (from a file or a live backend) scored into cases and a summary.

A live backend answers through the generation engine, exactly as ``vgpt2 ask``
would; the model's first reply is recorded next to what the engine delivered,
so the summary can say how often the raw model named unknown objects and how
often the engine's checks and repairs saved it.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.generation.backends.base import (
    ChatMessage,
    GenerationOptions,
    ModelBackend,
    ModelInfo,
    ModelReply,
)
from vgpt2.training.eval.questions import Prediction, Question
from vgpt2.training.eval.score import Case, Databases, Outcome, Scorer
from vgpt2.training.eval.transpile import DEFAULT_TIMEOUT

Progress = Callable[[str, int, int], None]


class _Recorder:
    """A backend that passes every call through and keeps the replies (the raw model output)."""

    def __init__(self, inner: ModelBackend) -> None:
        self.inner = inner
        self.replies: list[str] = []

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def model(self) -> str | None:
        return self.inner.model

    async def chat(self, messages: Sequence[ChatMessage],
                   options: GenerationOptions) -> ModelReply:
        reply = await self.inner.chat(messages, options)
        self.replies.append(reply.text)
        return reply

    async def info(self) -> ModelInfo:
        return await self.inner.info()

    async def aclose(self) -> None:
        await self.inner.aclose()


async def predict(questions: Sequence[Question], catalog: Catalog,
                  backend: ModelBackend | None, *,
                  options: GenerationOptions | None = None, repair_rounds: int = 2,
                  progress: Progress | None = None) -> dict[str, Prediction]:
    """Each question through the generation engine (``backend=None``: the catalog backend)."""
    from vgpt2.server.generation.engine import GenerationRequest, generate
    from vgpt2.server.generation.extract import extract_sql

    predictions: dict[str, Prediction] = {}
    for number, question in enumerate(questions, 1):
        recorder = _Recorder(backend) if backend is not None else None
        request = GenerationRequest(question.question, options=options or GenerationOptions(),
                                    repair_rounds=repair_rounds)
        started = time.perf_counter()
        result = await generate(request, catalog, recorder)
        elapsed = (time.perf_counter() - started) * 1000
        raw: str | None
        if recorder is not None and recorder.replies:
            raw = extract_sql(recorder.replies[0]).sql
        else:
            raw = result.sql
        predictions[question.id] = Prediction(
            id=question.id, sql=result.sql, refused=result.refused, message=result.message,
            suggestions=tuple(result.suggestions), latency_ms=elapsed, raw_sql=raw,
            raw_reply=recorder.replies[0] if recorder is not None and recorder.replies else None,
            repairs=result.repairs, extra={"backend": result.backend, "model": result.model})
        if progress is not None:
            progress("questions", number, len(questions))
    return predictions


@dataclass(slots=True)
class RunResult:
    summary: dict[str, Any]
    cases: list[Case] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"summary": self.summary, "cases": [c.as_json() for c in self.cases]}


def evaluate(questions: Sequence[Question], predictions: dict[str, Prediction],
             catalog: Catalog, databases: Sequence[Path], *,
             timeout: float = DEFAULT_TIMEOUT, progress: Progress | None = None,
             meta: dict[str, Any] | None = None) -> RunResult:
    """Score every question; the summary carries the metrics the report shows."""
    started = time.perf_counter()
    cases = []
    with Databases(databases) as opened:
        scorer = Scorer(catalog, opened, timeout)
        for number, question in enumerate(questions, 1):
            cases.append(scorer.score(question, predictions.get(question.id)))
            if progress is not None:
                progress("scoring", number, len(questions))
    unknown_ids = sorted(set(predictions) - {q.id for q in questions})
    summary = summarize(cases)
    summary["databases"] = len(databases)
    summary["scoring_seconds"] = round(time.perf_counter() - started, 3)
    summary["predictions_without_question"] = unknown_ids
    summary.update(meta or {})
    return RunResult(summary, cases)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return round(cuts[min(98, max(0, int(fraction * 100) - 1))], 1)


def summarize(cases: Sequence[Case]) -> dict[str, Any]:
    answerable = [c for c in cases if c.kind == "answerable"]
    probes = [c for c in cases if c.kind == "refusal"]
    by_module: dict[str, list[Case]] = defaultdict(list)
    by_tag: dict[str, list[Case]] = defaultdict(list)
    for case in answerable:
        by_module[case.module or "(none)"].append(case)
        for tag in case.tags:
            by_tag[tag].append(case)
    with_sql = [c for c in cases if c.predicted_sql]
    with_raw = [c for c in cases if c.unknown_names_raw is not None]
    executed = [c for c in cases if c.nolock is not None]
    refused = [c for c in cases if c.refused]
    refused_probes = [c for c in probes if c.refused]
    latencies = [c.latency_ms for c in cases if c.latency_ms is not None]
    correct = sum(c.correct for c in answerable)

    def accuracy(group: list[Case]) -> dict[str, Any]:
        right = sum(c.correct for c in group)
        return {"accuracy": _rate(right, len(group)), "correct": right, "total": len(group)}

    return {
        "execution_accuracy": _rate(correct, len(answerable)) or 0.0,
        "correct": correct,
        "answerable": len(answerable),
        "refusal_probes": len(probes),
        "overall_accuracy": _rate(sum(c.correct for c in cases), len(cases)),
        "per_module": {m: accuracy(g) for m, g in sorted(by_module.items())},
        "per_tag": {t: accuracy(g) for t, g in sorted(by_tag.items())},
        "outcomes": {o.value: sum(c.outcome is o for c in cases) for o in Outcome},
        "not_executable": sum(c.outcome is Outcome.NOT_EXECUTABLE for c in cases),
        "gold_errors": sum(c.outcome is Outcome.GOLD_ERROR for c in cases),
        "parse_validity": _rate(sum(bool(c.parses) for c in with_sql), len(with_sql)),
        "unknown_name_rate": _rate(sum(bool(c.unknown_names) for c in with_sql), len(with_sql)),
        "unknown_name_rate_raw": _rate(sum(bool(c.unknown_names_raw) for c in with_raw),
                                       len(with_raw)),
        "nolock_compliance": _rate(sum(bool(c.nolock) for c in executed), len(executed)),
        "refusal_precision": _rate(len(refused_probes), len(refused)),
        "refusal_recall": _rate(len(refused_probes), len(probes)),
        "refusal_accuracy": _rate(sum(c.correct for c in probes), len(probes)),
        "repairs_used": sum(c.repairs for c in cases),
        "questions_repaired": sum(c.repairs > 0 for c in cases),
        "latency_ms_p50": _percentile(latencies, 0.50),
        "latency_ms_p95": _percentile(latencies, 0.95),
    }
