"""`vgpt2-train dataset` at real scale: SFT records built and checked per second, wall and CPU.

Run:  .venv/bin/python benchmarks/dataset_bench.py [--schema ../shared/vista-schema]
      [--sampledb DIR] [--limit 20000] [--workers 2] [--out DIR] [--json out.json]

Builds the catalog from the real export (or opens ``--catalog``), uses the sample
databases of ``--sampledb`` (else builds three first, as `vgpt2-train dataset` without
``--sampledb`` does, and reports that time and the sum), then runs the whole dataset
build exactly as the command does: every candidate linked and prompted by the engine,
analyzed, executed; DPO mistakes proven; files written.
Target (issue 14): at least 20,000 SFT records in under 5 minutes on 2 cores.

The machine this runs on is usually shared: the load average (before, after, and
sampled every 5 s during the build) and the CPU seconds of this process and of its
workers are printed with the wall time, so a slow run on a busy machine can be told
from a slow builder. Parallel efficiency = CPU seconds / (wall seconds x 2 cores):
near 100% means the two cores were kept busy; CPU seconds / 2 is then what the build
takes on two idle cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_RECORDS = 20_000
TARGET_SECONDS = 300.0


def _cpu() -> tuple[float, float]:
    """CPU seconds (user + sys) of this process, and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


class _LoadSampler:
    """The 1-minute load average every 5 s while the build runs (its mean and maximum)."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.done.wait(5.0):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self) -> _LoadSampler:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.done.set()
        self.thread.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", type=Path, default=REPO.parent / "shared" / "vista-schema")
    parser.add_argument("--catalog", type=Path, help="A compiled catalog instead of --schema.")
    parser.add_argument("--sampledb", type=Path, help="Sample databases built by `sampledb`.")
    parser.add_argument("--limit", type=int, default=TARGET_RECORDS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, help="Keep the dataset here (default: a temp dir).")
    parser.add_argument("--json", type=Path, help="Write the measures as JSON too.")
    args = parser.parse_args()

    from vgpt2.catalog.build import build_catalog
    from vgpt2.catalog.catalog import Catalog
    from vgpt2.training.dataset.build import BuildOptions, build
    from vgpt2.training.eval.questions import load_questions, shipped_questions_path
    from vgpt2.training.eval.sampledb import build as build_samples
    from vgpt2.training.eval.sampledb import database_paths

    with tempfile.TemporaryDirectory(prefix="vgpt2-dsbench-") as scratch:
        if args.catalog is not None:
            catalog = Catalog.open(args.catalog)
        else:
            if not (args.schema / "columns.json").is_file():
                print(f"no real export at {args.schema}", file=sys.stderr)
                return 1
            compiled = Path(scratch) / "vista.vgpt2db"
            build_catalog([args.schema], compiled)
            catalog = Catalog.open(compiled)
        sample_seconds = sample_cpu = None
        if args.sampledb is not None:
            databases = database_paths(args.sampledb)
        else:
            started, cpu_started = time.perf_counter(), sum(_cpu())
            databases = build_samples(catalog, Path(scratch) / "db").databases
            sample_seconds = time.perf_counter() - started
            sample_cpu = sum(_cpu()) - cpu_started
        shipped = shipped_questions_path()
        questions = load_questions(shipped) if shipped.is_file() else []
        out = args.out or Path(scratch) / "dataset"
        load_before = os.getloadavg()
        own_before, children_before = _cpu()
        started = time.perf_counter()
        with _LoadSampler() as load:
            manifest = build(catalog, databases, BuildOptions(
                out=out, seed=0, limit=args.limit, eval_questions=questions,
                workers=args.workers))
        wall = time.perf_counter() - started
        own_after, children_after = _cpu()
        load_after = os.getloadavg()
    own, workers = own_after - own_before, children_after - children_before
    cpu = own + workers
    cores = min(2, os.cpu_count() or 1)
    efficiency = cpu / (wall * cores)
    records = sum(v for k, v in manifest["sft"].items())
    samples = load.samples or [load_after[0]]
    result = {
        "sft_records": records, "generated": manifest["sft"]["generated"],
        "candidates_checked": manifest["candidates_checked"], "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1), "cpu_builder_s": round(own, 1),
        "cpu_workers_s": round(workers, 1),
        "cpu_s_per_record_ms": round(cpu / max(1, records) * 1000, 1),
        "parallel_efficiency": round(efficiency, 3),
        "records_per_s": round(records / wall, 1), "workers": args.workers,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "load_during_mean": round(sum(samples) / len(samples), 2),
        "load_during_max": round(max(samples), 2),
        "sampledb_s": round(sample_seconds, 1) if sample_seconds is not None else None,
        "sampledb_cpu_s": round(sample_cpu, 1) if sample_cpu is not None else None,
        "counts": manifest["counts"], "dpo_mix": manifest["dpo_mix"], "kto": manifest["kto"],
        "rejected": manifest["rejected"],
    }
    print("| measure | value | target |\n|---|---|---|")
    print(f"| SFT records (generated + refusals + exists) | {records:,} | >= {TARGET_RECORDS:,} |")
    print(f"| wall time, {args.workers} workers | {wall:.0f} s | < {TARGET_SECONDS:.0f} s |")
    if sample_seconds is not None and sample_cpu is not None:
        print(f"| sample databases (3) built first | {sample_seconds:.0f} s "
              f"({sample_cpu:.0f} s CPU) | - |")
        print(f"| sample databases + dataset | {sample_seconds + wall:.0f} s | "
              f"< {TARGET_SECONDS:.0f} s |")
    print(f"| CPU time, builder + workers | {cpu:.0f} s ({own:.0f} + {workers:.0f}); "
          f"{cpu / cores:.0f} s on {cores} idle cores | - |")
    print(f"| CPU per SFT record | {cpu / max(1, records) * 1000:.1f} ms | - |")
    print(f"| parallel efficiency (CPU / (wall x {cores})) | {efficiency:.0%} | - |")
    print(f"| records per second | {records / wall:.0f} | "
          f">= {TARGET_RECORDS / TARGET_SECONDS:.0f} |")
    print(f"| load average (1 min) before / during mean, max / after | {load_before[0]:.1f} / "
          f"{result['load_during_mean']:.1f}, {result['load_during_max']:.1f} / "
          f"{load_after[0]:.1f} | - |")
    print(json.dumps(result, indent=1), file=sys.stderr)
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
