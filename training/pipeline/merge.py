"""Merging an adapter into its base: a full safetensors model Ollama and vLLM can import.

The base is always reloaded in full precision, also after QLoRA: merging into the
4-bit model would leave a 4-bit model. The merged folder carries the tokenizer
and the chat template, and is made readable by other users (``save_pretrained``
writes 0600, and the Ollama service runs as its own user). It is written to a
temporary folder and renamed, so a failed merge never replaces a good one.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Any

from vgpt2.training.pipeline.run_dir import make_readable


def merge_adapter(base: str | Path, adapter: Path, out: Path, dtype: str = "bfloat16") -> Path:
    """Write ``base`` + ``adapter`` merged to ``out``; returns ``out``."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig

    torch_dtype: Any = {"bfloat16": torch.bfloat16, "float16": torch.float16,
                        "float32": torch.float32}[dtype]
    model = AutoModelForCausalLM.from_pretrained(str(base), dtype=torch_dtype)
    merged = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    tokenizer = AutoTokenizer.from_pretrained(str(adapter))
    temp = out.with_name(out.name + ".partial")
    if temp.exists():
        shutil.rmtree(temp)
    merged.save_pretrained(str(temp), safe_serialization=True)
    tokenizer.save_pretrained(str(temp))
    # A base without generation_config.json: the model config's defaults apply.
    with contextlib.suppress(OSError):
        GenerationConfig.from_pretrained(str(base)).save_pretrained(str(temp))
    make_readable(temp)
    if out.exists():
        shutil.rmtree(out)
    temp.replace(out)
    return out
