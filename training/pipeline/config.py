"""The one training config: a TOML file validated by pydantic.

Why one file: runs were unrepeatable when paths were hard-coded and YAML was
edited by hand. Every key has a default sized for the user's case (a 7B model
with LoRA on one 48 GB RTX A6000); an unknown key or a bad value is an error
that names the key and the file. Relative paths are taken from the config
file's folder, so a config works the same from any working directory and on
Windows or Linux.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class ConfigError(Exception):
    """A config that cannot be used; the message names the file and the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class TinyModel(_Section):
    """A small Qwen2 built from a config with a tokenizer trained on the dataset: no download."""

    hidden_size: int = Field(default=128, ge=16, le=4096)
    layers: int = Field(default=4, ge=1, le=64)
    heads: int = Field(default=4, ge=1, le=64)
    kv_heads: int = Field(default=2, ge=1, le=64)
    intermediate_size: int = Field(default=256, ge=16)
    vocab_size: int = Field(default=2048, ge=300, le=200_000)
    max_positions: int = Field(default=4096, ge=128)
    seed: int = 0

    @model_validator(mode="after")
    def _heads_divide(self) -> TinyModel:
        if self.hidden_size % self.heads or self.heads % self.kv_heads:
            raise ValueError("hidden_size must be a multiple of heads, heads of kv_heads")
        return self


class ModelSection(_Section):
    base: str | None = Field(
        default=None, description="A local model folder or a hub name (Qwen/Qwen2.5-Coder-7B-"
        "Instruct); omit it and give [model.tiny] for a small model built from a config.")
    tiny: TinyModel | None = None
    chat_template: Literal["model", "qwen2.5"] = Field(
        default="model", description='"model": the base model\'s own template; "qwen2.5": '
        "trl's exact Qwen2.5 template.")
    fim: bool = Field(default=True, description="The base knows Qwen's <|fim_*|> tokens.")

    @model_validator(mode="after")
    def _one_source(self) -> ModelSection:
        if (self.base is None) == (self.tiny is None):
            raise ValueError("give exactly one of base (a model) or [model.tiny]")
        return self


class LoraSection(_Section):
    r: int = Field(default=16, ge=1, le=1024)
    alpha: int = Field(default=32, ge=1)
    dropout: float = Field(default=0.05, ge=0.0, lt=1.0)
    target_modules: str | list[str] = "all-linear"
    modules_to_save: list[str] = Field(
        default_factory=list, description='Trained in full beside the adapter: a tiny model '
        'built from scratch needs ["embed_tokens", "lm_head"] (its embeddings are random).')


class QuantizationSection(_Section):
    """QLoRA: the frozen base in 4-bit (bitsandbytes); the adapter trains in bf16/fp32."""

    load_in_4bit: bool = False
    quant_type: Literal["nf4", "fp4"] = "nf4"
    double_quant: bool = True
    compute_dtype: Literal["bfloat16", "float16", "float32"] = "bfloat16"
    quant_storage: Literal["bfloat16", "float16", "float32", "uint8"] | None = Field(
        default=None, description="bnb_4bit_quant_storage; FSDP-QLoRA needs it equal to "
        "the model dtype (bfloat16).")


class StageSection(_Section):
    """Hyperparameters shared by the three trainers."""

    enabled: bool = True
    learning_rate: float = Field(default=2e-4, gt=0.0, le=1.0)
    epochs: float = Field(default=1.0, gt=0.0)
    max_steps: int = Field(default=-1, ge=-1, description="Overrides epochs when positive.")
    batch_size: int = Field(default=2, ge=1)
    gradient_accumulation: int = Field(default=8, ge=1)
    max_length: int = Field(default=4096, ge=16)
    warmup_ratio: float = Field(default=0.03, ge=0.0, lt=1.0)
    scheduler: Literal["cosine", "linear", "constant", "constant_with_warmup"] = "cosine"
    weight_decay: float = Field(default=0.0, ge=0.0)
    logging_steps: int = Field(default=10, ge=1)
    save_steps: int = Field(default=200, ge=1)
    save_total_limit: int = Field(default=2, ge=1)
    gradient_checkpointing: bool = True
    max_records: int | None = Field(default=None, ge=1, description="Use only the first N.")


class SftSection(StageSection):
    learning_rate: float = Field(default=2e-4, gt=0.0, le=1.0)
    epochs: float = Field(default=5.0, gt=0.0)
    assistant_only_loss: bool = True
    fim_fraction: float = Field(
        default=0.2, ge=0.0, le=1.0, description="Share of fim.jsonl records mixed in "
        "(relative to the SFT records); 0 leaves inline completion untrained.")


class DpoSection(StageSection):
    learning_rate: float = Field(default=5e-6, gt=0.0, le=1.0)
    epochs: float = Field(default=1.0, gt=0.0)
    beta: float = Field(default=0.1, gt=0.0)
    gradient_accumulation: int = Field(default=8, ge=1)


class KtoSection(StageSection):
    learning_rate: float = Field(default=5e-6, gt=0.0, le=1.0)
    epochs: float = Field(default=1.0, gt=0.0)
    beta: float = Field(default=0.1, gt=0.0)
    batch_size: int = Field(default=4, ge=2, description="KTO needs at least 2.")


class GuardSection(_Section):
    loss_window: int = Field(
        default=50, ge=2, description="The loss must fall within the first N logged steps "
        "(mean of the last third below the mean of the first third).")
    separable_accuracy: float = Field(default=1.0, gt=0.0, le=1.0)
    separable_margin: float = Field(
        default=5.0, gt=0.0, description="DPO: reward accuracy at separable_accuracy with a "
        "margin above this within the first steps means trivially separable pairs.")
    separable_steps: int = Field(default=3, ge=1)
    separable_fail: bool = Field(default=False, description="Fail the stage instead of warning.")
    smoke_prompts: int = Field(default=8, ge=0, le=256)
    smoke_max_tokens: int = Field(default=128, ge=8, le=4096)
    degenerate_fraction: float = Field(
        default=0.5, gt=0.0, le=1.0, description="Fail when more than this share of the "
        "smoke replies are empty, one token repeated, or without SQL.")
    unknown_rate_factor: float = Field(
        default=2.0, ge=1.0, description="Fail when the unknown-name rate of the smoke "
        "replies exceeds the previous stage's times this (plus 0.1).")


class MergeSection(_Section):
    enabled: bool = True
    dtype: Literal["bfloat16", "float16", "float32"] = "bfloat16"


class ExportSection(_Section):
    enabled: bool = True
    ollama_name: str | None = Field(default=None, description="Omit: write the Modelfile "
                                    "only, with the command to run.")
    quantize: str | None = Field(default=None, description="q4_K_M, q8_0, ...")
    url: str | None = Field(default=None, description="Ollama's URL (default OLLAMA_HOST).")
    num_ctx: int = Field(default=8192, ge=256)


class GateSection(_Section):
    """The evaluation, through the engine the server uses. Its num_ctx, max_tokens and
    repair_rounds are the server settings the model is trained for: the dataset stage
    builds its prompts with them, so the model sees at training time the prompts it is
    asked with."""

    enabled: bool = True
    floor: float = Field(default=0.0, ge=0.0, le=1.0,
                         description="Execution accuracy below this fails the run.")
    questions: Path | None = Field(default=None,
                                   description="Default: the set that ships with vgpt2.")
    held_out: bool = Field(
        default=False, description="Ask the dataset's held-out split (sft.eval.jsonl: "
        "objects and templates no training record has) instead of an evaluation set.")
    max_questions: int | None = Field(default=None, ge=1, description="Ask this many, "
                                      "spread evenly over the set.")
    catalog: list[Path] = Field(default_factory=list,
                                description="Default: the bundled sample catalog.")
    databases: int = Field(default=3, ge=1, le=20)
    max_tokens: int = Field(default=512, ge=16)
    num_ctx: int = Field(default=8192, ge=256)
    repair_rounds: int = Field(default=2, ge=0, le=5)
    previous: Path | None = Field(default=None,
                                  description="A previous run directory to compare with.")
    compare_untrained: bool = Field(
        default=False, description="Also score the untrained base (the tiny CPU example).")

    @model_validator(mode="after")
    def _one_set(self) -> GateSection:
        if self.held_out and self.questions is not None:
            raise ValueError("give questions or held_out = true, not both")
        return self


class TrainSection(_Section):
    seed: int = 42
    device: Literal["auto", "cpu", "cuda"] = "auto"
    precision: Literal["auto", "bf16", "fp16", "fp32"] = Field(
        default="auto", description="auto: bf16 on a GPU that has it, fp32 on CPU "
        "(bf16 autocast is ~20x slower on CPU).")
    threads: int | None = Field(default=None, ge=1, description="torch threads on CPU.")


class DatasetBuild(_Section):
    """Options of the dataset stage (``vgpt2-train dataset``), run into RUN/dataset."""

    catalog: list[Path] = Field(default_factory=list,
                                description="Default: the bundled sample catalog.")
    limit: int | None = Field(default=None, ge=1, description="Cap the generated records.")
    seed: int = 0
    workers: int = Field(default=0, ge=0, le=64)


class DatasetSection(_Section):
    dir: Path | None = Field(default=None, description="The folder `vgpt2-train dataset` "
                             "wrote (sft.train.jsonl, ...); omit it and give [dataset.build] "
                             "to build the dataset in the run directory.")
    build: DatasetBuild | None = None
    eval_fraction: float = Field(
        default=0.05, ge=0.0, lt=0.5, description="Held out for the smoke generation when "
        "the dataset has no .eval.jsonl split.")

    @model_validator(mode="after")
    def _one_source(self) -> DatasetSection:
        if (self.dir is None) == (self.build is None):
            raise ValueError("give exactly one of dir (a built dataset) or [dataset.build]")
        return self


class OutputSection(_Section):
    root: Path = Path("runs")
    name: str = Field(default="vgpt2", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class TrainConfig(_Section):
    model: ModelSection
    dataset: DatasetSection
    lora: LoraSection = Field(default_factory=LoraSection)
    quantization: QuantizationSection = Field(default_factory=QuantizationSection)
    sft: SftSection = Field(default_factory=SftSection)
    dpo: DpoSection = Field(default_factory=DpoSection)
    kto: KtoSection = Field(default_factory=KtoSection)
    guards: GuardSection = Field(default_factory=GuardSection)
    merge: MergeSection = Field(default_factory=MergeSection)
    export: ExportSection = Field(default_factory=ExportSection)
    gate: GateSection = Field(default_factory=GateSection)
    train: TrainSection = Field(default_factory=TrainSection)
    output: OutputSection = Field(default_factory=OutputSection)

    def resolved(self, folder: Path) -> TrainConfig:
        """Every relative path taken from ``folder`` (the config file's folder)."""

        def absolute(path: Path) -> Path:
            return path if path.is_absolute() else (folder / path).resolve()

        data = self.model_copy(deep=True)
        if data.dataset.dir is not None:
            data.dataset.dir = absolute(data.dataset.dir)
        if data.dataset.build is not None:
            data.dataset.build.catalog = [absolute(p) for p in data.dataset.build.catalog]
        data.output.root = absolute(data.output.root)
        if data.gate.questions is not None:
            data.gate.questions = absolute(data.gate.questions)
        if data.gate.previous is not None:
            data.gate.previous = absolute(data.gate.previous)
        data.gate.catalog = [absolute(p) for p in data.gate.catalog]
        base = data.model.base
        if base is not None and (base.startswith((".", "~")) or Path(base).is_absolute()
                                 or (folder / base).exists()):
            data.model.base = str(absolute(Path(base).expanduser()))
        return data


def _key(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location)


def parse_config(text: str, source: Path, folder: Path | None = None) -> TrainConfig:
    """Validate TOML text; relative paths resolve against ``folder`` (default: source's)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source}: not valid TOML: {error}") from None
    try:
        config = TrainConfig.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            key = _key(item["loc"]) or "(top level)"
            if item["type"] == "extra_forbidden":
                problems.append(f"{source}: unknown key {key!r}")
            elif item["type"] == "missing":
                problems.append(f"{source}: missing key {key!r}")
            else:
                problems.append(f"{source}: {key}: {item['msg']}")
        raise ConfigError("\n".join(problems)) from None
    return config.resolved((folder or source.parent).resolve())


def load_config(path: Path) -> TrainConfig:
    """Read and validate a config file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    return parse_config(text, path)
