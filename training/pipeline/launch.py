"""The entry point ``accelerate launch`` runs in each process: one stage of an existing run.

``vgpt2-train sft --accelerate-config FILE`` creates the run directory first, then
launches ``python -m vgpt2.training.pipeline.launch STAGE RUN [--resume]`` through
``accelerate launch``; rank 0 alone writes the run's state, metrics and adapter.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vgpt2.training.pipeline.launch")
    parser.add_argument("stage", choices=("sft", "dpo", "kto"))
    parser.add_argument("run", type=Path)
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args(argv)
    from vgpt2.training.pipeline.data import DatasetError
    from vgpt2.training.pipeline.guards import GuardError
    from vgpt2.training.pipeline.run_dir import RunDir
    from vgpt2.training.pipeline.stages import run_stage
    from vgpt2.training.pipeline.stages.common import StageError

    try:
        run_stage(RunDir.open(args.run), args.stage, resume=args.resume)
    except (GuardError, DatasetError, StageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 3 if isinstance(error, GuardError) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
