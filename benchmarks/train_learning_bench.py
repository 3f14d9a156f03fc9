"""Does a small model trained by `vgpt2-train run` answer held-out questions through the engine?

Runs the whole pipeline with a config (default: examples/train/tiny-cpu.toml, the bundled
sample catalog): the dataset stage builds the engine's own prompts, the tiny Qwen2 trains
SFT -> DPO -> KTO, is merged, served by `transformers serve` and asked the dataset's
held-out questions through the engine, trained and untrained alike. Prints one JSON line:
execution accuracy of both, the question count, each stage's training time, the wall and
CPU time (user + sys, every child process included) and the load average, because the
development machine is shared.

    .venv/bin/python benchmarks/train_learning_bench.py [--config FILE] [--out DIR]
        [--sft-steps N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def stage_seconds(run: Path) -> dict[str, float]:
    """Each trained stage's train_runtime (the Trainer's own clock) from metrics.jsonl."""
    seconds: dict[str, float] = {}
    metrics = run / "metrics.jsonl"
    if metrics.is_file():
        for line in metrics.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if "train_runtime" in row:
                seconds[row["stage"]] = round(float(row["train_runtime"]), 1)
    return seconds


def with_sft_steps(config: Path, steps: int, folder: Path) -> Path:
    """A copy of ``config`` (in ``folder``) whose [sft] max_steps is ``steps``; the config's
    relative paths must not matter (the example's only one, [output] root, is overridden
    by --out)."""
    text = config.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\n[sft]\n")
    if not sep:
        raise SystemExit(f"{config}: no [sft] section")
    section, nxt, tail = rest.partition("\n[")
    section, count = re.subn(r"(?m)^max_steps = .*$", f"max_steps = {steps}", section)
    if not count:
        section += f"\nmax_steps = {steps}"
    copy = folder / config.name
    copy.write_text(head + sep + section + nxt + tail, encoding="utf-8")
    return copy


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path, default=ROOT / "examples/train/tiny-cpu.toml")
    parser.add_argument("--out", type=Path, default=None,
                        help="Keep the run directory here (default: a temporary folder).")
    parser.add_argument("--sft-steps", type=int, default=None,
                        help="Override the config's [sft] max_steps (a longer measurement).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vgpt2-learn-") as scratch:
        out = args.out or Path(scratch) / "runs"
        out.mkdir(parents=True, exist_ok=True)
        if args.sft_steps is not None:
            args.config = with_sft_steps(args.config, args.sft_steps, Path(scratch))
        load_before = os.getloadavg()
        started = time.perf_counter()
        command = [sys.executable, "-m", "vgpt2.training.cli", "run", str(args.config),
                   "--out", str(out)]
        code = subprocess.call(command, env={**os.environ, "TOKENIZERS_PARALLELISM": "false"})
        wall = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        runs = sorted(p for p in out.iterdir() if (p / "state.json").is_file())
        result: dict[str, Any] = {"config": str(args.config), "exit": code,
                                  "wall_s": round(wall, 1),
                                  "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
                                  "load_before": [round(x, 1) for x in load_before],
                                  "load_after": [round(x, 1) for x in os.getloadavg()]}
        if runs:
            run = runs[-1]
            result["run"] = str(run)
            result["train_s"] = stage_seconds(run)
            summary_file = run / "eval" / "summary.json"
            if summary_file.is_file():
                summary = json.loads(summary_file.read_text(encoding="utf-8"))
                result.update({key: summary.get(key) for key in (
                    "question_set", "questions", "execution_accuracy",
                    "untrained_execution_accuracy", "catalog_execution_accuracy",
                    "parse_validity", "unknown_name_rate")})
            state = json.loads((run / "state.json").read_text(encoding="utf-8"))
            result["stages"] = state.get("stages")
    print(json.dumps(result))
    return code


if __name__ == "__main__":
    sys.exit(main())
