"""Does a small model trained by the pipeline's SFT stage answer held-out questions?

The CI learning test (tests/training/test_pipeline_train.py) trains 250 steps of a
hidden-64 model and checks the answer format; this runs DESIGN.md's recipe (hidden 128,
4 layers, lr 3e-3, ~1,000 steps) on the same templated question -> SQL pairs over the
sample catalog and scores trained and untrained models by executing their SQL on sample
databases. Prints one JSON line.

    .venv/bin/python benchmarks/train_learning_bench.py [--steps 1000] [--hidden 128]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--pairs", type=int, default=2700)
    parser.add_argument("--held", type=int, default=48)
    args = parser.parse_args()

    import torch

    torch.set_num_threads(1)
    from transformers import AutoTokenizer
    from vgpt2.catalog.build import open_sample_catalog
    from vgpt2.server.generation.extract import extract_sql
    from vgpt2.training.eval.questions import Prediction, Question
    from vgpt2.training.eval.runner import evaluate
    from vgpt2.training.eval.sampledb import build
    from vgpt2.training.pipeline.stages import run_stage
    from vgpt2.training.pipeline.stages.common import tiny_base

    from tests.training.test_pipeline_train import (
        _answers,
        chat,
        new_run,
        sql_pairs,
        tiny_config,
        write_jsonl,
    )

    with tempfile.TemporaryDirectory(prefix="vgpt2-learn-") as scratch:
        tmp = Path(scratch)
        catalog = open_sample_catalog(tmp / "cache")
        databases = build(catalog, tmp / "db", databases=3, seed=0).databases
        pairs = sql_pairs(args.pairs, seed=1)
        seen = {q for q, _ in pairs}
        held = [(q, a) for q, a in dict(sql_pairs(args.held * 10, seed=2)).items()
                if q not in seen][:args.held]
        folder = tmp / "data"
        folder.mkdir()
        write_jsonl(folder / "sft.jsonl", [
            {"messages": [*chat(q), {"role": "assistant", "content": a}]} for q, a in pairs])
        model = (f"[model]\n[model.tiny]\nhidden_size = {args.hidden}\nlayers = {args.layers}\n"
                 f"heads = 4\nkv_heads = 2\nintermediate_size = {args.hidden * 2}\n"
                 "vocab_size = 1024\n")
        sft = (f"[sft]\nlearning_rate = 3e-3\nmax_steps = {args.steps}\nbatch_size = 16\n"
               "gradient_accumulation = 1\nmax_length = 160\nlogging_steps = 50\n"
               "save_steps = 100000\nscheduler = \"constant\"\nwarmup_ratio = 0.0\n"
               "fim_fraction = 0\n")
        config = tiny_config(tmp, folder, model=model, sft=sft, dpo="[dpo]\nenabled = false\n",
                             kto="[kto]\nenabled = false\n")
        run = new_run(config)
        started = time.perf_counter()
        outcome = run_stage(run, "sft")
        train_s = time.perf_counter() - started
        base = tiny_base(run, run.config())
        tokenizer = AutoTokenizer.from_pretrained(str(base))
        prompts = [tokenizer.apply_chat_template(chat(q), tokenize=False,
                                                 add_generation_prompt=True) for q, _ in held]
        questions = [Question(f"h{i}", q, a.removeprefix("```sql\n").removesuffix("\n```"))
                     for i, (q, a) in enumerate(held)]

        def score(replies: list[str]) -> dict[str, float]:
            extracted = [extract_sql(r).sql for r in replies]
            golds = [q.sql for q in questions]
            predictions = {f"h{i}": Prediction(f"h{i}", s, False) for i, s in enumerate(extracted)}
            summary = evaluate(questions, predictions, catalog, databases).summary
            return {"sql_share": round(sum(s is not None for s in extracted) / len(replies), 3),
                    "exact": round(sum((s or "").strip() == (g or "").strip()
                                       for s, g in zip(extracted, golds, strict=True))
                                   / len(replies), 3),
                    "execution_accuracy": summary["execution_accuracy"]}

        result = {"steps": outcome.steps, "hidden": args.hidden, "layers": args.layers,
                  "pairs": len(pairs), "held_out": len(held), "train_s": round(train_s, 1),
                  "loss": [outcome.first_loss, outcome.last_loss],
                  "trained": score(_answers(base, outcome.adapter, prompts)),
                  "untrained": score(_answers(base, None, prompts))}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
