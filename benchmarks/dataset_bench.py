"""`vgpt2-train dataset` at real scale: SFT records built and checked per second, wall and CPU.

Run:  .venv/bin/python benchmarks/dataset_bench.py [--schema ../shared/vista-schema]
      [--sampledb DIR] [--limit 20000] [--workers 2] [--out DIR] [--json out.json]

Builds the catalog from the real export (or opens ``--catalog``), uses the sample
databases of ``--sampledb`` (else builds three, timed separately), then runs the
whole dataset build exactly as the command does: every candidate linked and
prompted by the engine, analyzed, executed; DPO mistakes proven; files written.
Target (issue 14): at least 20,000 SFT records in under 5 minutes on 2 cores.

The machine this runs on is usually shared: the load average before and after and
the CPU seconds of this process and its workers are printed with the wall time, so
a slow run on a busy machine can be told from a slow builder. CPU seconds / 2
is what the build would take on two idle cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_RECORDS = 20_000
TARGET_SECONDS = 300.0


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


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
        sample_seconds = None
        if args.sampledb is not None:
            databases = database_paths(args.sampledb)
        else:
            started = time.perf_counter()
            databases = build_samples(catalog, Path(scratch) / "db").databases
            sample_seconds = time.perf_counter() - started
        shipped = shipped_questions_path()
        questions = load_questions(shipped) if shipped.is_file() else []
        out = args.out or Path(scratch) / "dataset"
        load_before = os.getloadavg()
        cpu_before = _cpu()
        started = time.perf_counter()
        manifest = build(catalog, databases, BuildOptions(
            out=out, seed=0, limit=args.limit, eval_questions=questions,
            workers=args.workers))
        wall = time.perf_counter() - started
        cpu = _cpu() - cpu_before
        load_after = os.getloadavg()
    records = sum(v for k, v in manifest["sft"].items())
    result = {
        "sft_records": records, "generated": manifest["sft"]["generated"],
        "candidates_checked": manifest["candidates_checked"], "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1), "cpu_s_per_record_ms": round(cpu / max(1, records) * 1000, 1),
        "records_per_s": round(records / wall, 1), "workers": args.workers,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "sampledb_s": round(sample_seconds, 1) if sample_seconds is not None else None,
        "counts": manifest["counts"], "dpo_mix": manifest["dpo_mix"], "kto": manifest["kto"],
        "rejected": manifest["rejected"],
    }
    print("| measure | value | target |\n|---|---|---|")
    print(f"| SFT records (generated + refusals + exists) | {records:,} | >= {TARGET_RECORDS:,} |")
    print(f"| wall time, {args.workers} workers | {wall:.0f} s | < {TARGET_SECONDS:.0f} s |")
    print(f"| CPU time, all processes | {cpu:.0f} s ({cpu / 2:.0f} s on 2 idle cores) | - |")
    print(f"| CPU per SFT record | {cpu / max(1, records) * 1000:.1f} ms | - |")
    print(f"| load average before / after (1 min) | {load_before[0]:.1f} / "
          f"{load_after[0]:.1f} | - |")
    if sample_seconds is not None:
        print(f"| sample databases (3) built first | {sample_seconds:.0f} s | - |")
    print(json.dumps(result, indent=1), file=sys.stderr)
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
