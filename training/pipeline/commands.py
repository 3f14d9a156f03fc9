"""The training commands of ``vgpt2-train``: run, sft, dpo, kto, merge, export, serve.

Importing this module imports no torch (``sampledb`` and ``eval`` stay light):
each command imports the trainers when it runs. Exit codes: 0 done, 1 a problem
with the input (config, dataset, run directory; named with the file and key or
line), 2 a model server that could not be reached, 3 a stage failed a guard or
the run failed its evaluation gate.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

_err = Console(stderr=True)

ConfigOption = Annotated[Path, typer.Option("--config", help="The training config (TOML).")]
RunArgument = Annotated[Path, typer.Argument(help="A run directory.")]


def _fail(message: str, code: int = 1) -> NoReturn:
    _err.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    raise typer.Exit(code)


def _errors() -> tuple[type[Exception], ...]:
    from vgpt2.training.pipeline.config import ConfigError
    from vgpt2.training.pipeline.data import DatasetError
    from vgpt2.training.pipeline.export import ExportError
    from vgpt2.training.pipeline.stages.common import StageError

    return ConfigError, DatasetError, StageError, ExportError


def _guarded(action: Any) -> Any:
    """Run ``action``; known failures become a message and an exit code."""
    from vgpt2.training.pipeline.guards import GuardError
    from vgpt2.training.pipeline.pipeline import GateFailed

    try:
        return action()
    except (GuardError, GateFailed) as error:
        _fail(str(error), 3)
    except _errors() as error:
        _fail(str(error))


def _new_run(config_path: Path, out: Path | None) -> Any:
    from vgpt2.training.pipeline.config import load_config
    from vgpt2.training.pipeline.run_dir import RunDir

    config = load_config(config_path)
    run = RunDir.create(config, config_path.read_text(encoding="utf-8"),
                        out.resolve() if out is not None else None)
    _err.print(f"run directory: {run.path}", highlight=False)
    return run


def _open_run(path: Path) -> Any:
    from vgpt2.training.pipeline.run_dir import RunDir

    return RunDir.open(path)


def run_command(
    config: Annotated[Path, typer.Argument(help="The training config (TOML).")],
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder for the run directory (default: [output] root).")] = None,
    resume: Annotated[Path | None, typer.Option(
        "--resume", help="Continue this run directory from its last checkpoint.")] = None,
) -> None:
    """Run the whole pipeline: sft → dpo → kto → merge → eval gate → export."""
    from vgpt2.training.pipeline.pipeline import run_pipeline

    def action() -> dict[str, Any]:
        run = _open_run(resume) if resume is not None else _new_run(config, out)
        return run_pipeline(run, resume=resume is not None, console=_err)

    outcome = _guarded(action)
    typer.echo(json.dumps(outcome, indent=2, default=str))


def _stage_command(stage: str) -> Any:
    def command(
        config: ConfigOption,
        run_dir: Annotated[Path | None, typer.Option(
            "--run", help="An existing run directory (default: a new one).")] = None,
        out: Annotated[Path | None, typer.Option(
            "--out", help="Folder for a new run directory.")] = None,
        resume: Annotated[bool, typer.Option(
            "--resume", help="Continue --run from the stage's last checkpoint.")] = False,
        accelerate_config: Annotated[str | None, typer.Option(
            "--accelerate-config", help="Launch through `accelerate launch` with this config "
            "file (or a shipped one: zero3, fsdp_qlora, cpu).")] = None,
        num_processes: Annotated[int | None, typer.Option(
            "--num-processes", min=1, help="Processes (GPUs) for accelerate.")] = None,
        cpu: Annotated[bool, typer.Option(
            "--cpu", help="Several CPU processes (gloo), to try the multi-process path; "
            "needs [train] device = \"cpu\".")
        ] = False,
    ) -> None:
        if resume and run_dir is None:
            _fail("--resume needs --run RUN (the run directory to continue)")

        def action() -> Any:
            run = _open_run(run_dir) if run_dir is not None else _new_run(config, out)
            if accelerate_config is not None:
                from vgpt2.training.pipeline.stages.common import base_for

                base_for(run, stage, run.config())  # checks the stage may start; builds a tiny
                # base once here rather than in every process
                return _launch(stage, run.path, accelerate_config, num_processes, cpu, resume)
            from vgpt2.training.pipeline.stages import run_stage

            outcome = run_stage(run, stage, resume=resume, console=_err)
            typer.echo(f"{stage}: {outcome.steps} steps, loss {outcome.first_loss} → "
                       f"{outcome.last_loss}; adapter {outcome.adapter}")
            return None

        _guarded(action)

    command.__doc__ = f"Train the {stage.upper()} stage alone (LoRA/QLoRA, TRL)."
    return command


def _launch(stage: str, run: Path, config: str, processes: int | None, cpu: bool,
            resume: bool) -> None:
    from vgpt2.training.accelerate import SHIPPED, shipped_config

    config_file = shipped_config(config) if config in SHIPPED else Path(config)
    if not config_file.is_file():
        _fail(f"{config_file}: no such accelerate config")
    launcher = shutil.which("accelerate", path=str(Path(sys.executable).parent)) or \
        shutil.which("accelerate")
    if launcher is None:
        _fail("accelerate is not installed (pip install -e .[training])")
    from vgpt2.training.pipeline.serve import free_port

    # A free loopback port for the processes' rendezvous: the default 29500 may be taken.
    command = [launcher, "launch", "--config_file", str(config_file),
               "--main_process_port", str(free_port())]
    if processes is not None:
        command += ["--num_processes", str(processes)]
    if cpu:
        # accelerate's own --cpu means one process (several need mpirun); its torchrun
        # launcher starts them, and the trainer (use_cpu) joins them over gloo.
        command += ["--multi_gpu"]
    command += ["-m", "vgpt2.training.pipeline.launch", stage, str(run)]
    if resume:
        command.append("--resume")
    _err.print(" ".join(command), highlight=False)
    code = subprocess.call(command)
    if code != 0:
        _fail(f"accelerate launch exited with {code} (see {run / 'logs'})", 3 if code == 3 else 1)


def merge_command(run: RunArgument) -> None:
    """Merge the last trained stage's adapter into its base (full precision): RUN/merged."""
    from vgpt2.training.pipeline.pipeline import merge_run

    out = _guarded(lambda: merge_run(_open_run(run)))
    typer.echo(f"merged model: {out}")


def export_command(
    run: RunArgument,
    ollama: Annotated[str | None, typer.Option(
        "--ollama", help="The Ollama model name to create (omit: the Modelfile only).")] = None,
    quantize: Annotated[str | None, typer.Option(
        "--quantize", help="Ollama quantization, e.g. q4_K_M.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="Ollama (default OLLAMA_HOST).")
                   ] = None,
) -> None:
    """Write RUN/Modelfile for the merged model and create it in Ollama."""
    from vgpt2.training.pipeline.pipeline import export_run

    result = _guarded(lambda: export_run(_open_run(run), name=ollama, quantize=quantize,
                                         url=url))
    typer.echo(result.message)


def serve_command(
    run: RunArgument,
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    device: Annotated[str, typer.Option("--device", help="cpu, cuda or auto.")] = "auto",
) -> None:
    """Serve the run's merged model with `transformers serve` on 127.0.0.1 (OpenAI API)."""
    from vgpt2.training.pipeline.serve import HOST, ServeError, serve_foreground

    model = run / "merged" if (run / "merged").is_dir() else run
    if device == "auto":
        import torch

        device = "cuda" if torch.cuda.is_available() else "cpu"
    _err.print(f"serving {model} at http://{HOST}:{port}/v1 (settings: [model] backend = "
               f"\"openai\", url = \"http://{HOST}:{port}/v1\")", highlight=False)
    try:
        code = serve_foreground(model, port, device)
    except ServeError as error:
        _fail(str(error))
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add the training commands to ``vgpt2-train``."""
    app.command("run")(run_command)
    for stage in ("sft", "dpo", "kto"):
        app.command(stage)(_stage_command(stage))
    app.command("merge")(merge_command)
    app.command("export")(export_command)
    app.command("serve")(serve_command)
