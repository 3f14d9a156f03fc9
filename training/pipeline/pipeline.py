"""The whole run: dataset → sft → dpo → kto → merge → eval gate → export, as configured.

The gate runs before the export: a run that scores below its floor is marked
failed and never reaches Ollama. With ``resume`` the stages already done are
kept and the unfinished one continues from its last checkpoint.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from vgpt2.training.pipeline.run_dir import RunDir
from vgpt2.training.pipeline.stages.common import TRAINED, StageError


class GateFailed(Exception):
    """The run scored below its floor (or could not be scored): failed, not exported."""


def last_trained(run: RunDir) -> str:
    done = run.trained_stages()
    if not done:
        raise StageError(f"{run.path}: no trained stage to merge (run sft first)")
    return done[-1]


def merge_run(run: RunDir) -> Path:
    """The last trained stage's adapter merged into its base: ``RUN/merged``."""
    from vgpt2.training.pipeline.merge import merge_adapter
    from vgpt2.training.pipeline.modeling import hardware
    from vgpt2.training.pipeline.stages.common import base_for

    config = run.config()
    stage = last_trained(run)
    hw = hardware(config)
    run.set_status("merge", "running")
    try:
        out = merge_adapter(base_for(run, stage, config), run.adapter_dir(stage), run.merged_dir,
                            "float32" if hw.cpu else config.merge.dtype)
    except BaseException as error:
        run.set_status("merge", "failed", str(error) or type(error).__name__)
        raise
    run.set_status("merge", "done", f"{stage} adapter merged into {out}")
    run.record("model", str(out))
    return out


def export_run(run: RunDir, *, name: str | None, quantize: str | None,
               url: str | None) -> Any:
    from vgpt2.training.pipeline.export import export

    config = run.config()
    if run.status("eval") == "failed":
        raise GateFailed(f"{run.path}: the evaluation gate failed this run; it is not exported")
    result = export(run.merged_dir, run.path / "Modelfile", name=name, url=url,
                    quantize=quantize, num_ctx=config.export.num_ctx, fim=config.model.fim)
    run.set_status("export", "done" if result.created or name is None else "pending",
                   result.message)
    return result


def gate_run(run: RunDir) -> dict[str, Any]:
    from vgpt2.training.pipeline.gate import GateError, run_gate
    from vgpt2.training.pipeline.modeling import hardware

    config = run.config()
    untrained = run.path / "base" if config.gate.compare_untrained else None
    if untrained is not None and not (untrained / "config.json").is_file():
        untrained = None
    run.set_status("eval", "running")
    try:
        result = run_gate(run, run.merged_dir, device=hardware(config).device,
                          untrained=untrained)
    except GateError as error:
        run.set_status("eval", "failed", str(error))
        raise GateFailed(str(error)) from None
    summary = result.summary
    if not result.passed:
        message = (f"execution accuracy {summary['execution_accuracy']:.1%} is below the floor "
                   f"{summary['floor']:.1%}")
        run.set_status("eval", "failed", message)
        raise GateFailed(f"{run.path}: {message}: the run failed and is not exported")
    run.set_status("eval", "done", f"execution accuracy {summary['execution_accuracy']:.1%}")
    return summary


def build_dataset(run: RunDir) -> Path:
    """The dataset stage: ``vgpt2-train dataset`` into RUN/dataset (kept when resuming)."""
    config = run.config()
    out = run.dataset_dir(config)
    build = config.dataset.build
    if build is None or (out / "manifest.json").is_file():
        run.set_status("dataset", "skipped" if build is None else "done")
        return out
    gate = config.gate
    command = [sys.executable, "-m", "vgpt2.training.cli", "dataset", "--out", str(out),
               "--seed", str(build.seed), "--workers", str(build.workers),
               "--num-ctx", str(gate.num_ctx), "--max-tokens", str(gate.max_tokens),
               "--repair-rounds", str(gate.repair_rounds)]
    for catalog in build.catalog:
        command += ["--catalog", str(catalog)]
    if build.limit is not None:
        command += ["--limit", str(build.limit)]
    run.set_status("dataset", "running")
    run.log("dataset: " + " ".join(command))
    with run.log_file.open("a", encoding="utf-8") as log:
        code = subprocess.call(command, stdout=log, stderr=subprocess.STDOUT)
    if code != 0 or not (out / "manifest.json").is_file():
        run.set_status("dataset", "failed", f"vgpt2-train dataset exited with {code}")
        raise StageError(f"the dataset stage failed (exit {code}); see {run.log_file}")
    run.copy_manifest(config)
    run.set_status("dataset", "done")
    return out


def prompt_mismatch(run: RunDir) -> str | None:
    """Why the dataset's prompts are not the ones the gate (the server) sends, or None.

    The schema context is fitted to num_ctx - max_tokens (less a repair reserve): a
    dataset built for other settings trains on other prompts than the model is asked with.
    """
    config = run.config()
    manifest = run.dataset_dir(config) / "manifest.json"
    try:
        built = json.loads(manifest.read_text(encoding="utf-8")).get("prompt_settings")
    except (OSError, ValueError):
        return None
    if not isinstance(built, dict):
        return None  # a dataset from before the settings were recorded, or made by hand
    wanted = {"num_ctx": config.gate.num_ctx, "max_tokens": config.gate.max_tokens,
              "repair_rounds": config.gate.repair_rounds}
    differ = [f"{key} {built.get(key)} (gate: {value})" for key, value in wanted.items()
              if built.get(key) != value]
    if not differ:
        return None
    return (f"{manifest}: the dataset's prompts were built for " + ", ".join(differ)
            + ": the model trains on other prompts than the gate and the server send "
            "(rebuild it with `vgpt2-train dataset --num-ctx ... --max-tokens ... "
            "--repair-rounds ...`)")


def run_pipeline(run: RunDir, *, resume: bool = False, console: Console | None = None,
                 catalog: Any = None) -> dict[str, Any]:
    """Every configured stage in order; raises on the first failure (state says which)."""
    from vgpt2.training.pipeline.stages import run_stage

    console = console or Console(stderr=True)
    config = run.config()
    outcome: dict[str, Any] = {"run": str(run.path)}
    outcome["dataset"] = str(build_dataset(run))
    mismatch = prompt_mismatch(run)
    if mismatch is not None:
        console.print(f"[yellow]warning:[/yellow] {mismatch}", highlight=False)
        run.log(f"warning: {mismatch}")
    for stage in TRAINED:
        if not getattr(config, stage).enabled:
            run.set_status(stage, "skipped")
            continue
        if resume and run.status(stage) == "done":
            console.print(f"{stage}: already done", highlight=False)
            continue
        console.print(f"{stage}: training", highlight=False)
        result = run_stage(run, stage, resume=resume, console=console, catalog=catalog)
        console.print(f"{stage}: {result.steps} steps, loss {result.first_loss} → "
                      f"{result.last_loss}", highlight=False)
    if not run.trained_stages():
        raise StageError("every training stage is disabled: nothing to do")
    if config.merge.enabled and not (resume and run.status("merge") == "done"):
        outcome["merged"] = str(merge_run(run))
    if config.gate.enabled and config.merge.enabled:
        outcome["eval"] = gate_run(run)
    if config.export.enabled and config.merge.enabled:
        result = export_run(run, name=config.export.ollama_name,
                            quantize=config.export.quantize, url=config.export.url)
        outcome["export"] = result.message
    return outcome
