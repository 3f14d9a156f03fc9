"""Generation engine benchmarks on the real catalog: overhead without a model, linking recall,
prompt size.

Run:  .venv/bin/python benchmarks/generation_bench.py [--schema ../shared/vista-schema]
      [--catalog compiled.vgpt2db] [--runs 3] [--misses]

- Engine overhead: ``generate()`` with the catalog backend runs every stage but the model
  (link, join tree, prompt, check, fixes); a second measure runs an instant in-process model
  whose reply needs the deterministic fixes (NOLOCK, base table, case), so check and fix work
  on model-shaped SQL. p50/p99 over every question, first pass (cold caches) and warm passes.
- Schema-linking recall@10 on benchmarks/data/questions.toml (gold objects per question):
  the share of gold objects among the first ten linked objects, per question, averaged.
- Prompt tokens per request (the conservative estimate) against the default budget.

Wall-clock percentiles move 2-3x with the load of a shared machine; the CPU time of the
measuring thread (``time.thread_time``) is printed beside them as a load-robust figure.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vgpt2.catalog.build import build_catalog
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.generation.backends.base import (
    ChatMessage,
    GenerationOptions,
    ModelInfo,
    ModelReply,
)
from vgpt2.server.generation.engine import GenerationRequest, generate
from vgpt2.server.generation.link import link

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = REPO / "benchmarks" / "data" / "questions.toml"


@dataclass
class InstantModel:
    """Answers at once with a query that needs the deterministic fixes."""

    reply: str

    @property
    def name(self) -> str:
        return "instant"

    @property
    def model(self) -> str | None:
        return "instant"

    async def chat(self, messages: Sequence[ChatMessage],
                   options: GenerationOptions) -> ModelReply:
        return ModelReply(self.reply, "instant")

    async def info(self) -> ModelInfo:
        return ModelInfo("instant", "", "instant", True, True)

    async def aclose(self) -> None:
        return None


MODEL_REPLY = ("Here is the query:\n```sql\nSELECT h.APRef, h.invdate, l.GrossAmt\n"
               "FROM bAPTH h\nJOIN APTL l ON l.APCo = h.APCo AND l.Mth = h.Mth "
               "AND l.APTrans = h.APTrans\nWHERE h.APCo = @APCo\n```\n")


def load_questions() -> list[dict[str, object]]:
    with QUESTIONS.open("rb") as handle:
        questions: list[dict[str, object]] = tomllib.load(handle)["question"]
    return questions


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def overhead(catalog: Catalog, questions: list[dict[str, object]], runs: int,
             backend: InstantModel | None, outcomes: dict[str, int] | None = None,
             stages: dict[str, list[float]] | None = None,
             cpu: list[float] | None = None,
             ) -> tuple[list[float], list[float], list[int]]:
    cpu = cpu if cpu is not None else []
    cold: list[float] = []
    warm: list[float] = []
    tokens: list[int] = []
    outcomes = outcomes if outcomes is not None else {}
    stages = stages if stages is not None else {}
    for run in range(runs):
        for item in questions:
            started = time.perf_counter()
            cpu_started = time.thread_time()
            result = asyncio.run(generate(GenerationRequest(str(item["text"])), catalog,
                                          backend))
            elapsed = (time.perf_counter() - started) * 1000
            (cold if run == 0 else warm).append(elapsed)
            if run > 0:
                cpu.append((time.thread_time() - cpu_started) * 1000)
            if run > 0:
                for stage, spent in result.timings_ms.items():
                    stages.setdefault(stage, []).append(spent)
            if run == 0:
                tokens.append(result.prompt_tokens)
                kind = ("refused" if result.refused else
                        "with findings" if result.findings else "clean")
                outcomes[kind] = outcomes.get(kind, 0) + 1
                gold = {catalog.preferred_name(str(g)) for g in item["gold"]}  # type: ignore[attr-defined]
                read = set(result.objects)
                outcomes["some gold"] = outcomes.get("some gold", 0) + bool(gold & read)
                outcomes["all gold"] = outcomes.get("all gold", 0) + (gold <= read)
    return cold, warm, tokens


def recall(catalog: Catalog, questions: list[dict[str, object]], misses: bool) -> tuple[float,
                                                                                       float]:
    per_question = []
    found_total = gold_total = 0
    for item in questions:
        gold = [str(g) for g in item["gold"]]  # type: ignore[attr-defined]
        top = link(catalog, str(item["text"])).names[:10]
        found = [g for g in gold if catalog.preferred_name(g) in top]
        per_question.append(len(found) / len(gold))
        found_total += len(found)
        gold_total += len(gold)
        if misses and len(found) < len(gold):
            print(f"miss: {item['text']!r}: gold {gold}, linked {top}", file=sys.stderr)
    return statistics.fmean(per_question), found_total / gold_total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", type=Path, default=REPO.parent / "shared" / "vista-schema")
    parser.add_argument("--catalog", type=Path, help="an already compiled catalog")
    parser.add_argument("--runs", type=int, default=3, help="passes over the questions")
    parser.add_argument("--misses", action="store_true", help="list linking misses on stderr")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.catalog
        if path is None:
            path = Path(folder) / "vista.vgpt2db"
            build_catalog([args.schema], path)
        catalog = Catalog.open(path)
        questions = load_questions()
        modules = {str(q["module"]) for q in questions}
        mean_recall, pooled_recall = recall(catalog, questions, args.misses)
        outcomes: dict[str, int] = {}
        cpu: list[float] = []
        cold, warm, tokens = overhead(catalog, questions, max(2, args.runs), None, outcomes,
                                      cpu=cpu)
        stages: dict[str, list[float]] = {}
        model_cpu: list[float] = []
        model_cold, model_warm, _ = overhead(catalog, questions, max(2, args.runs),
                                             InstantModel(MODEL_REPLY), stages=stages,
                                             cpu=model_cpu)
        budget = GenerationOptions().num_ctx - GenerationOptions().max_tokens
        print(f"{len(questions)} questions, {len(modules)} modules, {catalog.stats()['views']} "
              f"views in the catalog\n")
        print("| measure | value | target |")
        print("|---|---|---|")
        print(f"| schema-linking recall@10 (mean per question) | {mean_recall:.3f} | >= 0.95 |")
        print(f"| schema-linking recall@10 (pooled gold objects) | {pooled_recall:.3f} | - |")
        for label, first, later, spent in (("catalog backend", cold, warm, cpu),
                                           ("instant model + fixes", model_cold, model_warm,
                                            model_cpu)):
            print(f"| overhead, {label}, warm p50 | {percentile(later, 0.5):.1f} ms | - |")
            print(f"| overhead, {label}, warm p99 | {percentile(later, 0.99):.1f} ms "
                  "| < 50 ms |")
            print(f"| CPU time (this thread), {label}, warm p50 / p99 | "
                  f"{percentile(spent, 0.5):.1f} / {percentile(spent, 0.99):.1f} ms | - |")
            print(f"| overhead, {label}, first pass p50 / p99 | "
                  f"{percentile(first, 0.5):.1f} / {percentile(first, 0.99):.1f} ms | - |")
        print(f"| catalog backend skeletons: clean / with findings / refused | "
              f"{outcomes.get('clean', 0)} / {outcomes.get('with findings', 0)} / "
              f"{outcomes.get('refused', 0)} | all clean |")
        print(f"| catalog backend skeletons reading a gold object / all gold objects | "
              f"{outcomes.get('some gold', 0)} / {outcomes.get('all gold', 0)} of "
              f"{len(questions)} | - |")
        print(f"| prompt tokens (estimate), median / max | {statistics.median(tokens):.0f} / "
              f"{max(tokens)} | budget {budget} |")
        print("\nwarm stage times with the instant model, p50 / p99 (ms): " + ", ".join(
            f"{stage} {percentile(spent, 0.5):.1f} / {percentile(spent, 0.99):.1f}"
            for stage, spent in stages.items() if stage != "repair"))
        catalog.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
