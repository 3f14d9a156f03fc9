"""Evaluation benchmarks: building the sample databases, scoring the shipped set, baselines.

Run:  .venv/bin/python benchmarks/eval_bench.py [--schema ../shared/vista-schema]
      [--catalog compiled.vgpt2db] [--databases 3] [--rows 40] [--skip-real]

- Time to build K sample databases from the bundled sample catalog and from the real
  catalog (the default ``--rows``), wall clock and this process's CPU.
- Time to score the shipped question set (gold queries as predictions: every gold query
  and every prediction runs on every database), and its result (must be 100%).
- The ``catalog`` backend's score on the shipped set (the baseline every model must
  beat), with the time the engine took per question.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from pathlib import Path

from vgpt2.catalog.build import build_catalog, open_sample_catalog
from vgpt2.catalog.catalog import Catalog
from vgpt2.training.eval.questions import Prediction, load_questions, shipped_questions_path
from vgpt2.training.eval.runner import evaluate, predict
from vgpt2.training.eval.sampledb import build

REPO = Path(__file__).resolve().parents[1]


def pct(value: object) -> str:
    return "-" if value is None else f"{float(value):.1%}"  # type: ignore[arg-type]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_build(catalog: Catalog, out: Path, databases: int, rows: int) -> tuple[float, float]:
    """Wall clock, and CPU seconds of this process plus its worker processes."""
    wall, cpu, workers = time.perf_counter(), time.process_time(), children_cpu()
    summary = build(catalog, out, databases=databases, seed=0, rows=rows)
    print(f"    {summary.tables:,} tables, {summary.views:,} views, "
          f"{summary.view_tables:,} views as tables, {summary.rows:,} rows per database")
    return (time.perf_counter() - wall,
            time.process_time() - cpu + children_cpu() - workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", type=Path, default=REPO.parent / "shared" / "vista-schema")
    parser.add_argument("--catalog", type=Path, help="a compiled real catalog (skips compiling)")
    parser.add_argument("--databases", type=int, default=3)
    parser.add_argument("--rows", type=int, default=40)
    parser.add_argument("--skip-real", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="vgpt2-eval-bench-") as scratch:
        root = Path(scratch)
        sample = open_sample_catalog(root / "cache")
        if not len(sample):
            raise SystemExit("the bundled sample catalog came out empty")
        print(f"sample catalog: build {args.databases} databases")
        wall, cpu = timed_build(sample, root / "sample", args.databases, args.rows)
        print(f"    {wall:.1f} s wall, {cpu:.1f} s CPU")

        questions = load_questions(shipped_questions_path())
        databases = sorted((root / "sample").glob("sample-*.duckdb"))
        gold = {q.id: Prediction(q.id, q.sql, refused=q.refuse, suggestions=q.nearest)
                for q in questions}
        started = time.perf_counter()
        run = evaluate(questions, gold, sample, databases)
        seconds = time.perf_counter() - started
        print(f"score the shipped set ({len(questions)} questions, gold as predictions): "
              f"{seconds:.1f} s, execution accuracy {pct(run.summary['execution_accuracy'])}")

        started = time.perf_counter()
        predictions = asyncio.run(predict(questions, sample, None))
        engine = time.perf_counter() - started
        run = evaluate(questions, predictions, sample, databases)
        s = run.summary
        print(f"catalog backend: execution accuracy {pct(s['execution_accuracy'])} "
              f"({s['correct']}/{s['answerable']}), not executable {s['not_executable']}, "
              f"refusal precision {pct(s['refusal_precision'])}, "
              f"recall {pct(s['refusal_recall'])}, probes right {pct(s['refusal_accuracy'])}, "
              f"NOLOCK {pct(s['nolock_compliance'])}, "
              f"unknown names {pct(s['unknown_name_rate'])}; engine {engine:.1f} s "
              f"(p50 {s['latency_ms_p50']} ms, p95 {s['latency_ms_p95']} ms), "
              f"scoring {s['scoring_seconds']:.1f} s")

        if args.skip_real:
            return
        if args.catalog is not None:
            real = Catalog.open(args.catalog)
        elif (args.schema / "columns.json").is_file():
            output = root / "vista.vgpt2db"
            build_catalog([args.schema], output)
            real = Catalog.open(output)
        else:
            print(f"real catalog: skipped ({args.schema} not present)")
            return
        print(f"real catalog: build {args.databases} databases, --rows {args.rows}")
        wall, cpu = timed_build(real, root / "real", args.databases, args.rows)
        print(f"    {wall:.1f} s wall, {cpu:.1f} s CPU (workers included)")


if __name__ == "__main__":
    main()
