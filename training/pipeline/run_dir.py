"""A run's own directory: what was asked, what was used, what happened.

Layout (every path below the run directory)::

    config.toml            the config file as given
    config.resolved.json   the validated config, every default and absolute path filled
    dataset-manifest.json  the dataset's manifest, copied (when the dataset had one)
    state.json             each stage's status: pending, running, done, failed
    metrics.jsonl          one line per logged trainer step, per stage
    logs/run.log           what the run printed
    sft/ dpo/ kto/         checkpoints, adapter/ and (between stages) merged/
    merged/                the final merged model (safetensors, tokenizer, template)
    Modelfile              for `ollama create`
    eval/                  the gate's reports and summary.json

A new run never reuses a directory: the folder is created exclusively, with a
numeric suffix when the name is taken. Files are written temp-then-rename, so
a crash never leaves half a state file.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Literal

from vgpt2.training.pipeline.config import ConfigError, TrainConfig, parse_config

Status = Literal["pending", "running", "done", "failed", "skipped"]
STAGES = ("dataset", "sft", "dpo", "kto", "merge", "eval", "export")


def write_atomic(path: Path, text: str) -> None:
    """Temp file in the same folder, then rename: readers see the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class RunDir:
    """One run directory; open an existing one with :meth:`open`, make one with :meth:`create`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    # -- making and opening -----------------------------------------------------------

    @classmethod
    def create(cls, config: TrainConfig, config_text: str, root: Path | None = None) -> RunDir:
        root = root or config.output.root
        root.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        base = f"{config.output.name}-{stamp}"
        for number in range(1000):
            path = root / (base if number == 0 else f"{base}-{number}")
            try:
                path.mkdir()
            except FileExistsError:
                continue
            run = cls(path)
            run._initialize(config, config_text)
            return run
        raise ConfigError(f"{root}: no free run directory name for {base}")

    @classmethod
    def open(cls, path: Path) -> RunDir:
        run = cls(path)
        if not (path / "state.json").is_file() or not (path / "config.toml").is_file():
            raise ConfigError(f"{path}: not a vgpt2 run directory (no state.json/config.toml)")
        return run

    def _initialize(self, config: TrainConfig, config_text: str) -> None:
        write_atomic(self.path / "config.toml", config_text)
        write_atomic(self.path / "config.resolved.json",
                     json.dumps(config.model_dump(mode="json"), indent=2) + "\n")
        (self.path / "logs").mkdir()
        self.copy_manifest(config)
        self._write_state({"stages": {stage: "pending" for stage in STAGES},
                           "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})

    def dataset_dir(self, config: TrainConfig) -> Path:
        """The configured dataset folder, or the one the dataset stage builds in the run."""
        return config.dataset.dir if config.dataset.dir is not None else self.path / "dataset"

    def copy_manifest(self, config: TrainConfig) -> None:
        manifest = self.dataset_dir(config) / "manifest.json"
        if manifest.is_file():
            shutil.copyfile(manifest, self.path / "dataset-manifest.json")

    def config(self) -> TrainConfig:
        """The config as the run was started with (paths resolved as they were then)."""
        resolved = self.path / "config.resolved.json"
        try:
            return TrainConfig.model_validate_json(resolved.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            text = (self.path / "config.toml").read_text(encoding="utf-8")
            return parse_config(text, self.path / "config.toml")

    # -- state ------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.path / "state.json").read_text(encoding="utf-8"))
        return data

    def _write_state(self, data: dict[str, Any]) -> None:
        write_atomic(self.path / "state.json", json.dumps(data, indent=2) + "\n")

    def status(self, stage: str) -> Status:
        status: Status = self.state()["stages"].get(stage, "pending")
        return status

    def set_status(self, stage: str, status: Status, message: str | None = None) -> None:
        data = self.state()
        data["stages"][stage] = status
        if message is not None:
            data.setdefault("messages", {})[stage] = message
        self._write_state(data)

    def record(self, key: str, value: Any) -> None:
        """Any other fact about the run (the final model folder, the gate verdict)."""
        data = self.state()
        data[key] = value
        self._write_state(data)

    # -- places -----------------------------------------------------------------------

    def stage_dir(self, stage: str) -> Path:
        return self.path / stage

    def adapter_dir(self, stage: str) -> Path:
        return self.path / stage / "adapter"

    def stage_merged_dir(self, stage: str) -> Path:
        return self.path / stage / "merged"

    @property
    def merged_dir(self) -> Path:
        return self.path / "merged"

    @property
    def metrics_file(self) -> Path:
        return self.path / "metrics.jsonl"

    @property
    def log_file(self) -> Path:
        return self.path / "logs" / "run.log"

    def log(self, message: str) -> None:
        with self.log_file.open("a", encoding="utf-8") as out:
            out.write(f"{time.strftime('%H:%M:%S', time.gmtime())} {message}\n")

    def append_metrics(self, stage: str, step: int, values: dict[str, Any]) -> None:
        line = json.dumps({"stage": stage, "step": step, **values}, default=float)
        with self.metrics_file.open("a", encoding="utf-8") as out:
            out.write(line + "\n")

    def metrics(self, stage: str | None = None) -> list[dict[str, Any]]:
        if not self.metrics_file.is_file():
            return []
        rows = [json.loads(line) for line in
                self.metrics_file.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [row for row in rows if stage is None or row.get("stage") == stage]

    def last_checkpoint(self, stage: str) -> Path | None:
        """The newest complete checkpoint-N folder of a stage, for --resume.

        The trainer writes ``trainer_state.json`` last: a folder without a readable one
        was cut off by the interruption and is passed over.
        """
        folder = self.stage_dir(stage)
        if not folder.is_dir():
            return None
        checkpoints = sorted((p for p in folder.iterdir() if p.is_dir() and p.name.startswith(
            "checkpoint-") and p.name.removeprefix("checkpoint-").isdigit()),
            key=lambda p: int(p.name.removeprefix("checkpoint-")), reverse=True)
        for checkpoint in checkpoints:
            try:
                json.loads((checkpoint / "trainer_state.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            return checkpoint
        return None

    def trained_stages(self) -> list[str]:
        return [s for s in ("sft", "dpo", "kto") if self.status(s) == "done"
                and self.adapter_dir(s).is_dir()]


def make_readable(folder: Path) -> None:
    """Files 0644 and folders 0755: ``save_pretrained`` writes 0600, and the Ollama
    service (its own user) must read the merged model."""
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        path.chmod(0o755 if path.is_dir() else 0o644)
