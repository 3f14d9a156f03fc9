"""The ``vgpt2-train dataset`` command (registered in :mod:`vgpt2.training.cli`)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer


def dataset(
    out: Annotated[Path, typer.Option("--out", help="Folder for the dataset files.")],
    catalog: Annotated[list[Path] | None, typer.Option(
        "--catalog", help="A compiled catalog or catalog sources (default: the bundled sample).")
    ] = None,
    sources: Annotated[list[Path] | None, typer.Option(
        "--sources", help="A folder of the shop's SQL (SQL Source Control, SSMS, report SQL); "
        "repeatable.")] = None,
    examples: Annotated[Path | None, typer.Option(
        "--examples", help="The user's own question/SQL pairs (JSONL: question, sql).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    limit: Annotated[int | None, typer.Option(
        "--limit", min=1, help="Cap the generated SFT records (small runs).")] = None,
    sample: Annotated[Path | None, typer.Option(
        "--sampledb", help="Use the databases built there by `sampledb` (else built now).")
    ] = None,
    eval_questions: Annotated[Path | None, typer.Option(
        "--eval-questions", help="The evaluation set to keep out (default: the shipped one).")
    ] = None,
    workers: Annotated[int, typer.Option(
        "--workers", min=0, max=64, help="Checking processes (0, the default: one per CPU).")
    ] = 0,
    num_ctx: Annotated[int, typer.Option(
        "--num-ctx", min=256, help="The server's num_ctx: the prompts are the ones it sends "
        "with this context (the schema context is fitted to it).")] = 8192,
    max_tokens: Annotated[int, typer.Option(
        "--max-tokens", min=16, help="The server's max_tokens (the reply's room).")] = 1024,
    repair_rounds: Annotated[int, typer.Option(
        "--repair-rounds", min=0, max=5, help="The server's repair_rounds (above 0 the "
        "prompt leaves room for a repair round).")] = 2,
) -> None:
    """Build checked SFT, FIM, DPO and KTO data with its card and manifest."""
    from vgpt2.training.cli import _Bar, _err, _fail, _open_catalog
    from vgpt2.training.dataset.build import BuildOptions, DatasetError, build
    from vgpt2.training.dataset.check import PromptSettings
    from vgpt2.training.dataset.sources import SourceError
    from vgpt2.training.eval.questions import FormatError, load_questions, shipped_questions_path
    from vgpt2.training.eval.sampledb import SampleDBError, database_paths
    from vgpt2.training.eval.sampledb import build as build_samples

    questions_path = eval_questions or shipped_questions_path()
    try:
        questions = load_questions(questions_path) if questions_path.is_file() else []
    except FormatError as error:
        _fail(str(error))
    if not questions:
        _err.print(f"warning: no evaluation questions at {questions_path}; nothing is held out "
                   "against them", highlight=False)
    opened = _open_catalog(catalog)
    count = workers or max(1, len(os.sched_getaffinity(0)))
    with _Bar(_err.is_terminal) as bar, tempfile.TemporaryDirectory(prefix="vgpt2-ds-") as tmp:
        try:
            paths = (database_paths(sample) if sample is not None
                     else build_samples(opened, Path(tmp) / "db", progress=bar).databases)
            manifest = build(opened, paths, BuildOptions(
                out=out, seed=seed, limit=limit, sources=list(sources or []),
                examples=examples, eval_questions=questions, eval_file=str(questions_path),
                workers=count, progress=bar,
                prompt=PromptSettings(num_ctx, max_tokens, repair_rounds)))
        except (DatasetError, SourceError, SampleDBError) as error:
            _fail(str(error))
    counts = manifest["counts"]
    typer.echo(f"wrote {out}: SFT {counts['sft.train.jsonl'] + counts['sft.eval.jsonl']:,}, "
               f"FIM {counts['fim.train.jsonl'] + counts['fim.eval.jsonl']:,}, "
               f"DPO {counts['dpo.train.jsonl'] + counts['dpo.eval.jsonl']:,}, "
               f"KTO {counts['kto.train.jsonl'] + counts['kto.eval.jsonl']:,} "
               f"({manifest['seconds']} s); see card.md", err=True)
