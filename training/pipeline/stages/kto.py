"""The KTO stage: desirable/undesirable completions weighted by the dataset's label ratio."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vgpt2.training.pipeline.config import TrainConfig
from vgpt2.training.pipeline.data import (
    Labelled,
    dataset_file,
    kto_weights,
    load_kto,
    split_held_out,
)


@dataclass(slots=True)
class KtoData:
    train: list[Labelled]
    held_out: list[Labelled]

    @property
    def weights(self) -> tuple[float, float]:
        return kto_weights(self.train)


def load(config: TrainConfig, folder: Path, render: Any, eos: str) -> KtoData:
    """Both labels must be present in what is trained on, after the held-out split too."""
    from vgpt2.training.pipeline.data import DatasetError

    path = dataset_file(folder, "kto")
    rows = load_kto(path, render, eos)
    if config.kto.max_records is not None:
        rows = rows[:config.kto.max_records]
    train, held = split_held_out(rows, config.dataset.eval_fraction, config.train.seed)
    if len({row.label for row in train}) < 2:
        raise DatasetError(f"{path}: the records trained on have "
                           "one label only: KTO needs both desirable and undesirable examples")
    return KtoData(train, held)


def trainer(config: TrainConfig, model: Any, tokenizer: Any, data: KtoData,
            args: dict[str, Any], callbacks: list[Any], peft_config: Any) -> Any:
    from datasets import Dataset  # type: ignore[import-untyped]
    from trl import KTOConfig, KTOTrainer  # type: ignore[attr-defined]

    desirable, undesirable = data.weights
    dataset = Dataset.from_list([{"prompt": r.prompt, "completion": r.completion,
                                  "label": r.label} for r in data.train])
    kto_args = KTOConfig(**args, beta=config.kto.beta, desirable_weight=desirable,
                         undesirable_weight=undesirable)
    return KTOTrainer(model=model, ref_model=None, args=kto_args, train_dataset=dataset,
                      processing_class=tokenizer, callbacks=callbacks, peft_config=peft_config)
