"""Loading the base model and tokenizer, building the tiny CPU model, the LoRA config.

Imports torch, transformers and peft: only the training commands import this.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from vgpt2.training.pipeline.config import QuantizationSection, TinyModel, TrainConfig
from vgpt2.training.pipeline.run_dir import make_readable

QWEN_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
              r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
"""Qwen2's pre-tokenizer split: AutoTokenizer rebuilds it for any qwen2 folder, so a
tokenizer trained with another split would change its ids after a reload."""
SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|fim_prefix|>",
                  "<|fim_middle|>", "<|fim_suffix|>"]


@dataclass(frozen=True, slots=True)
class Hardware:
    device: str
    """``cpu`` or ``cuda``."""
    bf16: bool
    fp16: bool

    @property
    def cpu(self) -> bool:
        return self.device == "cpu"


def hardware(config: TrainConfig) -> Hardware:
    """The device and precision the config asks for, given what this machine has."""
    import torch

    wanted = config.train.device
    has_cuda = torch.cuda.is_available()
    if wanted == "cuda" and not has_cuda:
        raise RuntimeError("train.device = \"cuda\" but no CUDA device is available")
    device = "cuda" if (wanted == "cuda" or (wanted == "auto" and has_cuda)) else "cpu"
    precision = config.train.precision
    if precision == "auto":
        precision = "bf16" if device == "cuda" and torch.cuda.is_bf16_supported() else "fp32"
    if device == "cpu":
        precision = "fp32"  # bf16 autocast on CPU is ~20x slower
        torch.set_num_threads(config.train.threads or max(1, min(4, os.cpu_count() or 1)))
    return Hardware(device, precision == "bf16", precision == "fp16")


def qwen_chat_template() -> str:
    """trl's exact Qwen2.5 chat template."""
    return (files("trl") / "chat_templates" / "qwen2_5.jinja").read_text(encoding="utf-8")


def build_tiny(spec: TinyModel, corpus: Iterable[str], folder: Path) -> Path:
    """A Qwen2ForCausalLM from a config and a BPE tokenizer trained on ``corpus``.

    The tokenizer uses Qwen's NFC normalizer and split regex so that ``AutoTokenizer``
    reloads it with the same ids; it knows Qwen's chat and FIM special tokens.
    """
    import torch
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers import trainers as tokenizer_trainers
    from transformers import (
        GenerationConfig,
        PreTrainedTokenizerFast,
        Qwen2Config,
        Qwen2ForCausalLM,
    )

    torch.manual_seed(spec.seed)
    tokenizer = Tokenizer(models.BPE())
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN_SPLIT), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.train_from_iterator(
        corpus, tokenizer_trainers.BpeTrainer(
            vocab_size=spec.vocab_size, special_tokens=SPECIAL_TOKENS,
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    fast = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=tokenizer, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    fast.chat_template = qwen_chat_template()
    folder.mkdir(parents=True, exist_ok=True)
    fast.save_pretrained(folder)
    config = Qwen2Config(vocab_size=len(fast), hidden_size=spec.hidden_size,
                         intermediate_size=spec.intermediate_size,
                         num_hidden_layers=spec.layers, num_attention_heads=spec.heads,
                         num_key_value_heads=spec.kv_heads,
                         max_position_embeddings=spec.max_positions, tie_word_embeddings=True,
                         eos_token_id=fast.eos_token_id, pad_token_id=fast.pad_token_id)
    Qwen2ForCausalLM(config).save_pretrained(folder)
    GenerationConfig(  # type: ignore[no-untyped-call]
        eos_token_id=fast.eos_token_id, pad_token_id=fast.pad_token_id,
        do_sample=False).save_pretrained(folder)
    make_readable(folder)
    return folder


def _dtype(name: str) -> Any:
    import torch

    return {"bfloat16": torch.bfloat16, "float16": torch.float16,
            "float32": torch.float32, "uint8": torch.uint8}[name]


def quantization_config(section: QuantizationSection) -> Any:
    """bitsandbytes 4-bit (QLoRA), or None."""
    if not section.load_in_4bit:
        return None
    from transformers import BitsAndBytesConfig

    extra = {}
    if section.quant_storage is not None:
        extra["bnb_4bit_quant_storage"] = _dtype(section.quant_storage)
    return BitsAndBytesConfig(  # type: ignore[no-untyped-call]
        load_in_4bit=True, bnb_4bit_quant_type=section.quant_type,
        bnb_4bit_use_double_quant=section.double_quant,
        bnb_4bit_compute_dtype=_dtype(section.compute_dtype), **extra)


def load_tokenizer(path: str | Path, config: TrainConfig) -> Any:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(path))
    if config.model.chat_template == "qwen2.5" or not tokenizer.chat_template:
        tokenizer.chat_template = qwen_chat_template()
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_model(path: str | Path, config: TrainConfig, hw: Hardware, *,
               quantize: bool | None = None) -> Any:
    """The model to train on: 4-bit when QLoRA is configured, else the training dtype."""
    import torch
    from transformers import AutoModelForCausalLM

    quant = quantization_config(config.quantization) if quantize is not False else None
    dtype = torch.bfloat16 if hw.bf16 else torch.float16 if hw.fp16 else torch.float32
    kwargs: dict[str, Any] = {"dtype": dtype}
    if quant is not None:
        kwargs["quantization_config"] = quant
        if not hw.cpu:
            kwargs["device_map"] = {"": int(os.environ.get("LOCAL_RANK", "0"))}
    model = AutoModelForCausalLM.from_pretrained(str(path), **kwargs)
    if quant is not None:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(  # type: ignore[no-untyped-call]
            model, use_gradient_checkpointing=config.sft.gradient_checkpointing and not hw.cpu)
    return model


def lora_config(config: TrainConfig) -> Any:
    from peft import LoraConfig

    return LoraConfig(r=config.lora.r, lora_alpha=config.lora.alpha,
                      lora_dropout=config.lora.dropout,
                      target_modules=config.lora.target_modules, task_type="CAUSAL_LM",
                      modules_to_save=config.lora.modules_to_save or None,
                      ensure_weight_tying=bool(config.lora.modules_to_save))


def renderer(tokenizer: Any) -> Any:
    """Messages → prompt text with the generation prompt, in the model's chat format."""

    def render(messages: list[dict[str, str]]) -> str:
        text: str = tokenizer.apply_chat_template(messages, tokenize=False,
                                                  add_generation_prompt=True)
        return text

    return render
