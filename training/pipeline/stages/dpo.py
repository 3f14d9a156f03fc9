"""The DPO stage: chosen/rejected pairs; the reference is the adapter-disabled model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vgpt2.training.pipeline.config import TrainConfig
from vgpt2.training.pipeline.data import (
    Preference,
    dataset_file,
    load_dpo,
    pair_mix,
    split_held_out,
)


@dataclass(slots=True)
class DpoData:
    train: list[Preference]
    held_out: list[Preference]

    @property
    def mix(self) -> str:
        return pair_mix(self.train)


def load(config: TrainConfig, folder: Path, render: Any, eos: str) -> DpoData:
    pairs = load_dpo(dataset_file(folder, "dpo"), render, eos)
    if config.dpo.max_records is not None:
        pairs = pairs[:config.dpo.max_records]
    train, held = split_held_out(pairs, config.dataset.eval_fraction, config.train.seed)
    return DpoData(train, held)


def trainer(config: TrainConfig, model: Any, tokenizer: Any, data: DpoData,
            args: dict[str, Any], callbacks: list[Any], peft_config: Any) -> Any:
    from datasets import Dataset  # type: ignore[import-untyped]
    from trl import DPOConfig, DPOTrainer  # type: ignore[attr-defined]

    dataset = Dataset.from_list([{"prompt": p.prompt, "chosen": p.chosen, "rejected": p.rejected}
                                 for p in data.train])
    dpo_args = DPOConfig(**args, beta=config.dpo.beta)
    return DPOTrainer(model=model, ref_model=None, args=dpo_args, train_dataset=dataset,
                      processing_class=tokenizer, callbacks=callbacks, peft_config=peft_config)
