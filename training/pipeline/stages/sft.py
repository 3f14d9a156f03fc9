"""The SFT stage: chat records (assistant-only loss) with fill-in-the-middle records mixed in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vgpt2.training.pipeline.config import TrainConfig
from vgpt2.training.pipeline.data import (
    Example,
    dataset_file,
    load_fim,
    load_sft,
    mix_fim,
    split_held_out,
)


@dataclass(slots=True)
class SftData:
    train: list[Example]
    held_out: list[Example]
    fim: int


def load(config: TrainConfig, folder: Path, render: Any, eos: str) -> SftData:
    records = load_sft(dataset_file(folder, "sft"), render, eos)
    if config.sft.max_records is not None:
        records = records[:config.sft.max_records]
    held_file = dataset_file(folder, "sft", "eval")
    if held_file.is_file():
        train, held = records, load_sft(held_file, render, eos)
    else:
        train, held = split_held_out(records, config.dataset.eval_fraction, config.train.seed)
    fim_records: list[Example] = []
    if config.sft.fim_fraction > 0 and dataset_file(folder, "fim").is_file():
        fim_records = load_fim(dataset_file(folder, "fim"), eos)
    mixed = mix_fim(train, fim_records, config.sft.fim_fraction, config.train.seed)
    return SftData(mixed, held, len(mixed) - len(train))


def trainer(config: TrainConfig, model: Any, tokenizer: Any, data: SftData,
            args: dict[str, Any], callbacks: list[Any], peft_config: Any) -> Any:
    """TRL's SFTTrainer on prompt/completion text: the loss covers the completion only."""
    from datasets import Dataset  # type: ignore[import-untyped]
    from trl import SFTConfig, SFTTrainer  # type: ignore[attr-defined]

    dataset = Dataset.from_list([{"prompt": e.prompt, "completion": e.completion}
                                 for e in data.train])
    sft_args = SFTConfig(**args, completion_only_loss=config.sft.assistant_only_loss,
                         packing=False)
    return SFTTrainer(model=model, args=sft_args, train_dataset=dataset,
                      processing_class=tokenizer, callbacks=callbacks, peft_config=peft_config)
