"""The eval gate: the trained model, served, answers the evaluation set through the engine.

The model is served by ``transformers serve`` and asked through the openai
backend, so the questions go through the same engine the editor uses (schema
context, validation, repair); a model that cannot be served fails the gate
instead of quietly scoring the base model. The score is compared with the
``catalog`` baseline (no model), with the previous run when configured, and
with the untrained base when asked (the tiny CPU example); below the floor the
run is marked failed and not exported.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vgpt2.training.pipeline.config import GateSection
from vgpt2.training.pipeline.run_dir import RunDir, write_atomic


class GateError(Exception):
    """The gate could not score the model (it did not serve, or the eval set is bad)."""


@dataclass(slots=True)
class GateResult:
    summary: dict[str, Any]

    @property
    def passed(self) -> bool:
        return bool(self.summary["passed"])


def held_out_questions(folder: Path) -> list[Any]:
    """The dataset's held-out split as evaluation questions: each ``sft.eval.jsonl`` record
    whose answer is a query (the question is the prompt's last line, the gold its SQL).

    The dataset holds out whole objects and templates for this split, so no training
    record shares an object or a template with these questions.
    """
    from vgpt2.server.generation.prompt import load_template
    from vgpt2.training.eval.questions import Question
    from vgpt2.training.pipeline.data import DatasetError, dataset_file, read_jsonl

    path = dataset_file(folder, "sft", "eval")
    template = load_template()
    asked = template.user.rsplit("{question}", 1)[0].rsplit("\n", 1)[-1]  # "Question: "
    opening, closing = template.example_assistant.split("{sql}")
    questions = []
    for number, record in read_jsonl(path):
        messages = record.get("messages")
        meta = record.get("meta")
        module = str(meta.get("module") or "") if isinstance(meta, dict) else ""
        if not isinstance(messages, list) or len(messages) < 2:
            raise DatasetError(f"{path}:{number}: 'messages' must end with a user message "
                               "and the answer")
        user, answer = messages[-2].get("content", ""), messages[-1].get("content", "")
        if not (isinstance(user, str) and isinstance(answer, str) and asked in user):
            raise DatasetError(f"{path}:{number}: not a prompt of version {template.version}")
        if not (answer.startswith(opening) and answer.endswith(closing)):
            continue  # a refusal: the engine refuses those before any model is asked
        sql = answer[len(opening):len(answer) - len(closing)]
        questions.append(Question(f"held-out-{number}", user.rsplit(asked, 1)[1].strip(),
                                  sql, module=module))
    if not questions:
        raise DatasetError(f"{path}: no held-out question with a query answer")
    return questions


def _spread(items: list[Any], count: int | None) -> list[Any]:
    """``count`` items evenly spaced over ``items`` (every module and template, not the
    first file's)."""
    if not count or count >= len(items):
        return items
    return [items[i * len(items) // count] for i in range(count)]


def _questions(gate: GateSection, dataset: Path) -> list[Any]:
    from vgpt2.training.eval.questions import FormatError, load_questions, shipped_questions_path
    from vgpt2.training.pipeline.data import DatasetError

    try:
        questions = (held_out_questions(dataset) if gate.held_out
                     else load_questions(gate.questions or shipped_questions_path()))
    except (FormatError, DatasetError) as error:
        raise GateError(str(error)) from None
    return _spread(questions, gate.max_questions)


def _score(questions: list[Any], catalog: Any, databases: list[Path], gate: GateSection,
           url: str | None, label: str, out: Path) -> dict[str, Any]:
    """Predict through the engine (``url`` None: the catalog backend) and score."""
    from vgpt2.server.generation.backends.base import BackendError, GenerationOptions
    from vgpt2.server.generation.backends.openai_compat import OpenAICompatBackend
    from vgpt2.training.eval.report import write_run
    from vgpt2.training.eval.runner import evaluate, predict

    options = GenerationOptions(num_ctx=gate.num_ctx, temperature=0.0,
                                max_tokens=gate.max_tokens, timeout=600.0)
    backend = OpenAICompatBackend(url, None, timeout=600.0) if url else None

    async def answer() -> dict[str, Any]:
        try:
            return await predict(questions, catalog, backend, options=options,
                                 repair_rounds=gate.repair_rounds)
        finally:
            if backend is not None:
                await backend.aclose()

    try:
        predictions = asyncio.run(answer())
    except BackendError as error:
        raise GateError(f"{label}: the served model failed: {error}") from None
    result = evaluate(questions, predictions, catalog, databases,
                      meta={"backend": "openai" if url else "catalog", "model": label})
    run = result.as_json()
    write_run(out / label, run, f"vgpt2 evaluation: {label}")
    summary: dict[str, Any] = run["summary"]
    return summary


def _open_catalog(gate: GateSection) -> Any:
    import os

    from vgpt2.catalog.build import open_catalog

    cache = Path(os.environ.get("VGPT2_CACHE_DIR") or _default_cache())
    return open_catalog(list(gate.catalog), cache)


def _default_cache() -> str:
    import platformdirs

    return platformdirs.user_cache_dir("vgpt2", appauthor=False)


def _previous_accuracy(previous: Path | None) -> float | None:
    if previous is None:
        return None
    summary = previous / "eval" / "summary.json"
    try:
        data = json.loads(summary.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise GateError(f"{summary}: the previous run has no readable eval summary") from None
    value = data.get("execution_accuracy")
    return float(value) if isinstance(value, int | float) else None


def run_gate(run: RunDir, model_dir: Path, *, device: str = "cpu",
             untrained: Path | None = None) -> GateResult:
    """Score ``model_dir`` (and the comparisons); writes ``RUN/eval/summary.json``."""
    from vgpt2.training.eval.sampledb import SampleDBError, build
    from vgpt2.training.pipeline.serve import ServeError, served

    gate = run.config().gate
    out = run.path / "eval"
    out.mkdir(parents=True, exist_ok=True)
    questions = _questions(gate, run.dataset_dir(run.config()))
    catalog = _open_catalog(gate)
    try:
        databases = build(catalog, out / "db", databases=gate.databases, seed=0).databases
    except SampleDBError as error:
        raise GateError(str(error)) from None
    scores: dict[str, dict[str, Any]] = {}
    try:
        with served(model_dir, out / "serve-trained.log", device=device) as server:
            scores["trained"] = _score(questions, catalog, databases, gate, server.url,
                                       "trained", out)
        if untrained is not None:
            with served(untrained, out / "serve-untrained.log", device=device) as server:
                scores["untrained"] = _score(questions, catalog, databases, gate, server.url,
                                             "untrained", out)
    except ServeError as error:
        raise GateError(f"the model could not be served for the evaluation: {error}") from None
    scores["catalog"] = _score(questions, catalog, databases, gate, None, "catalog", out)
    accuracy = float(scores["trained"]["execution_accuracy"])
    previous = _previous_accuracy(gate.previous)
    summary: dict[str, Any] = {
        "execution_accuracy": accuracy,
        "questions": len(questions),
        "question_set": ("the dataset's held-out split (sft.eval.jsonl)" if gate.held_out
                         else str(gate.questions or "the shipped evaluation set")),
        "floor": gate.floor,
        "passed": accuracy >= gate.floor,
        "catalog_execution_accuracy": scores["catalog"]["execution_accuracy"],
        "previous_execution_accuracy": previous,
        "untrained_execution_accuracy": (scores["untrained"]["execution_accuracy"]
                                         if "untrained" in scores else None),
        "outcomes": scores["trained"].get("outcomes"),
        "untrained_outcomes": (scores["untrained"].get("outcomes")
                               if "untrained" in scores else None),
        "parse_validity": scores["trained"].get("parse_validity"),
        "unknown_name_rate": scores["trained"].get("unknown_name_rate"),
        "model": str(model_dir),
    }
    write_atomic(out / "summary.json", json.dumps(summary, indent=2) + "\n")
    return GateResult(summary)
