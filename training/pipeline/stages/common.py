"""What every training stage shares: its base, its arguments, its callbacks, its smoke test.

Stages chain through merged models: SFT trains a LoRA adapter on the base;
when a later stage follows, the adapter is merged (into the base reloaded in
full precision, also for QLoRA) and that merged model is the next stage's base.
With ``ref_model=None`` and a PEFT adapter, TRL's DPO and KTO take the
adapter-disabled model as the reference: exactly the previous stage's merged
model, at no extra memory.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from vgpt2.training.pipeline.config import StageSection, TrainConfig
from vgpt2.training.pipeline.data import DatasetError, dataset_file, read_jsonl
from vgpt2.training.pipeline.guards import (
    GuardError,
    GuardState,
    check_smoke,
    judge_replies,
)
from vgpt2.training.pipeline.modeling import Hardware, build_tiny, hardware, load_tokenizer
from vgpt2.training.pipeline.run_dir import RunDir, make_readable

TRAINED = ("sft", "dpo", "kto")


class StageError(Exception):
    """A stage that cannot start or did not finish; the message says why."""


@dataclass(slots=True)
class StageOutcome:
    stage: str
    adapter: Path
    steps: int
    first_loss: float | None
    last_loss: float | None
    smoke: dict[str, Any]


def base_for(run: RunDir, stage: str, config: TrainConfig) -> str:
    """The model a stage trains on: the previous trained stage's merged model, else the base."""
    earlier = [s for s in TRAINED[:TRAINED.index(stage)] if getattr(config, s).enabled]
    for previous in reversed(earlier):
        merged = run.stage_merged_dir(previous)
        if run.status(previous) == "done" and (merged / "config.json").is_file():
            return str(merged)
        if run.status(previous) != "skipped":
            raise StageError(f"{stage}: the {previous} stage has not finished in {run.path} "
                             f"(run it first: vgpt2-train {previous} --config ...)")
    if config.model.tiny is not None:
        return str(tiny_base(run, config))
    assert config.model.base is not None
    return config.model.base


def tiny_base(run: RunDir, config: TrainConfig) -> Path:
    """The run's tiny base model, built once from its config with a tokenizer trained on the
    dataset's text (no download)."""
    folder = run.path / "base"
    if (folder / "config.json").is_file():
        return folder
    assert config.model.tiny is not None
    building = run.path / ".base-building"
    build_tiny(config.model.tiny, corpus(run.dataset_dir(config)), building)
    building.replace(folder)
    return folder


def corpus(folder: Path) -> list[str]:
    """Every string in the dataset files, for training the tiny model's tokenizer."""
    texts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key != "meta":
                    walk(item)

    for kind in ("sft", "fim", "dpo", "kto"):
        if dataset_file(folder, kind).is_file():
            for _, record in read_jsonl(dataset_file(folder, kind)):
                walk(record)
    if not texts:
        raise DatasetError(f"{folder}: no dataset text (sft.jsonl is missing or empty)")
    return texts


def common_args(config: TrainConfig, section: StageSection, hw: Hardware,
                out: Path) -> dict[str, Any]:
    """TrainingArguments shared by SFTConfig, DPOConfig and KTOConfig."""
    return {
        "output_dir": str(out),
        "learning_rate": section.learning_rate,
        "num_train_epochs": section.epochs,
        "max_steps": section.max_steps,
        "per_device_train_batch_size": section.batch_size,
        "gradient_accumulation_steps": section.gradient_accumulation,
        "warmup_steps": section.warmup_ratio,  # a float below 1 is a share of the steps
        "lr_scheduler_type": section.scheduler,
        "weight_decay": section.weight_decay,
        "logging_steps": section.logging_steps,
        "save_steps": section.save_steps,
        "save_total_limit": section.save_total_limit,
        "save_strategy": "steps",
        "gradient_checkpointing": section.gradient_checkpointing and not hw.cpu,
        "bf16": hw.bf16,
        "fp16": hw.fp16,
        "use_cpu": hw.cpu,
        "seed": config.train.seed,
        "data_seed": config.train.seed,
        "report_to": [],
        "disable_tqdm": True,
        "logging_nan_inf_filter": False,  # an inf loss must reach the guard, not be averaged away
        "dataloader_num_workers": 0,
        "dataset_num_proc": None,
        "max_length": section.max_length,
    }


def metrics_callback(run: RunDir, stage: str) -> Any:
    from transformers import TrainerCallback

    class Metrics(TrainerCallback):
        def on_log(self, args: Any, state: Any, control: Any,
                   logs: dict[str, Any] | None = None, **kwargs: Any) -> None:
            if logs:
                run.append_metrics(stage, state.global_step,
                                   {k: v for k, v in logs.items() if isinstance(v, int | float)})

    return Metrics()


def progress_callback(stage: str, console: Console) -> Any:
    """A rich bar: step, loss, learning rate, tokens/s and the time left."""
    from transformers import TrainerCallback

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("loss {task.fields[loss]}  lr {task.fields[lr]}  "
                                   "{task.fields[tps]} tok/s"),
                        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                        console=console, disable=not console.is_terminal, transient=False)

    class Bar(TrainerCallback):
        task: Any = None
        started = 0.0
        tokens0: float | None = None

        def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            progress.start()
            self.started = time.monotonic()
            self.task = progress.add_task(stage, total=state.max_steps or None,
                                          completed=state.global_step, loss="-", lr="-",
                                          tps="-")

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            progress.update(self.task, completed=state.global_step)

        def on_log(self, args: Any, state: Any, control: Any,
                   logs: dict[str, Any] | None = None, **kwargs: Any) -> None:
            logs = logs or {}
            fields: dict[str, Any] = {}
            if "loss" in logs:
                fields["loss"] = f"{float(logs['loss']):.4f}"
            if "learning_rate" in logs:
                fields["lr"] = f"{float(logs['learning_rate']):.2e}"
            tokens = logs.get("num_tokens")
            if isinstance(tokens, int | float):
                if self.tokens0 is None:
                    self.tokens0 = float(tokens)
                    self.started = time.monotonic()
                else:
                    spent = time.monotonic() - self.started
                    fields["tps"] = f"{(float(tokens) - self.tokens0) / max(spent, 1e-6):,.0f}"
            progress.update(self.task, **fields)

        def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            progress.stop()

    return Bar()


def train(run: RunDir, stage: str, trainer: Any, *, resume: bool) -> int:
    """Train (from the last checkpoint when resuming); guard failures become GuardError."""
    checkpoint = run.last_checkpoint(stage) if resume else None
    if checkpoint is not None:
        run.log(f"{stage}: resuming from {checkpoint.name}")
    trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
    steps: int = trainer.state.global_step
    return steps


def save_adapter(run: RunDir, stage: str, trainer: Any, tokenizer: Any) -> Path:
    folder = run.adapter_dir(stage)
    temp = folder.with_name("adapter.partial")
    trainer.model.save_pretrained(str(temp))
    tokenizer.save_pretrained(str(temp))
    if folder.exists():
        import shutil

        shutil.rmtree(folder)
    temp.replace(folder)
    make_readable(folder)
    return folder


def generate(model: Any, tokenizer: Any, prompts: Sequence[str], max_new_tokens: int,
             batch: int = 8) -> list[str]:
    """Greedy replies to rendered prompts (left padding), special tokens dropped."""
    import torch

    replies: list[str] = []
    model.eval()
    side = tokenizer.padding_side
    tokenizer.padding_side = "left"
    try:
        for start in range(0, len(prompts), batch):
            chunk = list(prompts[start:start + batch])
            encoded = tokenizer(chunk, return_tensors="pt", padding=True,
                                add_special_tokens=False).to(model.device)
            with torch.no_grad():
                output = model.generate(**encoded, max_new_tokens=max_new_tokens,
                                        do_sample=False, pad_token_id=tokenizer.pad_token_id,
                                        eos_token_id=tokenizer.eos_token_id)
            for row in output:
                replies.append(tokenizer.decode(row[encoded["input_ids"].shape[1]:],
                                                skip_special_tokens=True))
    finally:
        tokenizer.padding_side = side
    return replies


def smoke(run: RunDir, stage: str, config: TrainConfig, model: Any, tokenizer: Any,
          prompts: Sequence[str], unknown: Callable[[str], int] | None) -> dict[str, Any]:
    """Generate on held-out prompts; fail the stage when the replies are degenerate."""
    chosen = list(prompts[:config.guards.smoke_prompts])
    if not chosen:
        return {"replies": 0}
    replies = generate(model, tokenizer, chosen, config.guards.smoke_max_tokens)
    result = judge_replies(replies, unknown)
    previous = run.state().get("smoke", {})
    earlier = [previous[s]["unknown_rate"] for s in TRAINED[:TRAINED.index(stage)]
               if s in previous and previous[s].get("unknown_rate") is not None]
    summary = result.as_json()
    smoke_state = dict(previous)
    smoke_state[stage] = summary
    run.record("smoke", smoke_state)
    check_smoke(stage, result, config.guards, earlier[-1] if earlier else None)
    return summary


def guard_state(stage: str, config: TrainConfig, console: Console, run: RunDir,
                pair_mix: str = "") -> GuardState:
    def warn(message: str) -> None:
        console.print(f"[yellow]warning:[/yellow] {message}", highlight=False)
        run.log(f"warning: {message}")

    return GuardState(stage, config.guards, warn, pair_mix)


def losses(run: RunDir, stage: str) -> tuple[float | None, float | None]:
    values = [float(m["loss"]) for m in run.metrics(stage) if "loss" in m
              and math.isfinite(float(m["loss"]))]
    return (values[0], values[-1]) if values else (None, None)


__all__ = ["TRAINED", "GuardError", "Hardware", "StageError", "StageOutcome", "base_for",
           "common_args", "generate", "guard_state", "hardware", "load_tokenizer", "losses",
           "metrics_callback", "progress_callback", "save_adapter", "smoke", "train"]
