"""Shipped ``accelerate launch`` configs for several GPUs: DeepSpeed ZeRO-3 and FSDP-QLoRA.

``zero3.yaml``: LoRA on a model too large for one card's optimizer state (DeepSpeed
ZeRO stage 3, bf16). ``fsdp_qlora.yaml``: 4-bit QLoRA sharded with FSDP; the config's
``[quantization] quant_storage = "bfloat16"`` must match, so FSDP can flatten the
quantized weights with the rest. ``cpu.yaml``: several CPU processes (gloo), to try the
multi-process path without a GPU. ``num_processes`` is the GPU count: override it with
``accelerate launch --num_processes N`` (``vgpt2-train sft --accelerate-config FILE
--num-processes N``).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SHIPPED = ("zero3", "fsdp_qlora", "cpu")


def shipped_config(name: str) -> Path:
    """The path of a shipped config (``zero3``, ``fsdp_qlora`` or ``cpu``)."""
    if name not in SHIPPED:
        raise ValueError(f"no shipped accelerate config {name!r} (choose {', '.join(SHIPPED)})")
    return Path(str(files(__name__) / f"{name}.yaml"))
