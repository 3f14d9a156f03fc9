"""The three training stages (SFT, DPO, KTO) and the one function that runs any of them."""

from __future__ import annotations

import os
from typing import Any

from rich.console import Console
from vgpt2.training.pipeline.config import TrainConfig
from vgpt2.training.pipeline.run_dir import RunDir
from vgpt2.training.pipeline.stages.common import (
    TRAINED,
    StageError,
    StageOutcome,
    base_for,
    common_args,
    guard_state,
    losses,
    metrics_callback,
    progress_callback,
    save_adapter,
    smoke,
    train,
)


def is_main_process() -> bool:
    """Rank 0 under ``accelerate launch`` (or the only process): it alone writes the run."""
    return int(os.environ.get("RANK", "0")) == 0


def later_stage_enabled(config: TrainConfig, stage: str) -> bool:
    return any(getattr(config, s).enabled for s in TRAINED[TRAINED.index(stage) + 1:])


def run_stage(run: RunDir, stage: str, *, resume: bool = False, console: Console | None = None,
              catalog: Any = None) -> StageOutcome:
    """Train one stage in ``run``; the adapter lands in ``run/STAGE/adapter``.

    Raises GuardError (a guard failed), DatasetError (bad data) or StageError.
    """
    from vgpt2.training.pipeline.guards import unknown_name_counter
    from vgpt2.training.pipeline.merge import merge_adapter
    from vgpt2.training.pipeline.modeling import (
        hardware,
        load_model,
        load_tokenizer,
        lora_config,
        renderer,
    )
    from vgpt2.training.pipeline.stages import dpo, kto, sft

    if stage not in TRAINED:
        raise StageError(f"unknown stage {stage!r}")
    console = console or Console(stderr=True)
    config = run.config()
    section = getattr(config, stage)
    hw = hardware(config)
    base = base_for(run, stage, config)
    tokenizer = load_tokenizer(base, config)
    render = renderer(tokenizer)
    eos = tokenizer.eos_token
    module: Any = {"sft": sft, "dpo": dpo, "kto": kto}[stage]
    data = module.load(config, run.dataset_dir(config), render, eos)
    main = is_main_process()
    if main:
        run.set_status(stage, "running")
        run.log(f"{stage}: base {base}, {len(data.train)} records, device {hw.device}")
    state = guard_state(stage, config, console, run, getattr(data, "mix", ""))
    from vgpt2.training.pipeline.guards import training_guard

    callbacks = [training_guard(state)]
    if main:
        callbacks += [metrics_callback(run, stage), progress_callback(stage, console)]
    model = load_model(base, config, hw)
    args = common_args(config, section, hw, run.stage_dir(stage))
    trainer = module.trainer(config, model, tokenizer, data, args, callbacks, lora_config(config))
    from transformers.trainer_callback import PrinterCallback

    trainer.remove_callback(PrinterCallback)  # with tqdm off it prints every log dict to stdout
    try:
        steps = train(run, stage, trainer, resume=resume)
        trainer.accelerator.wait_for_everyone()
        if not main:
            return StageOutcome(stage, run.adapter_dir(stage), steps, None, None, {})
        adapter = save_adapter(run, stage, trainer, tokenizer)
        held = [item.prompt for item in data.held_out]
        unknown = unknown_name_counter(catalog) if catalog is not None else None
        summary = smoke(run, stage, config, trainer.model, tokenizer, held, unknown)
        if later_stage_enabled(config, stage):
            merge_adapter(base, adapter, run.stage_merged_dir(stage),
                          "float32" if hw.cpu else config.merge.dtype)
    except BaseException as error:
        if main:
            run.set_status(stage, "failed", str(error) or type(error).__name__)
        raise
    first, last = losses(run, stage)
    run.set_status(stage, "done", f"{steps} steps, loss {first} → {last}")
    run.log(f"{stage}: done in {steps} steps, loss {first} → {last}")
    return StageOutcome(stage, adapter, steps, first, last, summary)
