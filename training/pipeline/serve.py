"""``transformers serve`` for a run's merged model: an OpenAI-compatible server on loopback.

The model is pinned (its folder given on the command line): unpinned, the first
request would spawn a loading process and take far longer. Offline
(``HF_HUB_OFFLINE=1``): a local folder needs no hub.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"


class ServeError(Exception):
    """The server did not start or died; the message carries its log's tail."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
    return port


def serve_command(model_dir: Path, port: int, device: str) -> list[str]:
    executable = Path(sys.executable).with_name("transformers")
    program = [str(executable)] if executable.exists() else [sys.executable, "-m",
                                                              "transformers.cli.transformers"]
    return [*program, "serve", str(model_dir.resolve()), "--host", HOST, "--port", str(port),
            "--device", device]


def serve_env(home: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    if home is not None:
        env["HF_HOME"] = str(home)
    return env


@dataclass(slots=True)
class Served:
    url: str
    """The OpenAI base URL (``http://127.0.0.1:PORT/v1``)."""
    model: str
    process: subprocess.Popen[bytes]
    log: Path


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/models", timeout=10) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@contextlib.contextmanager
def served(model_dir: Path, log: Path, *, device: str = "cpu",
           ready_ceiling_s: float = 600.0) -> Iterator[Served]:
    """Start the server, wait until it answers ``/v1/models``, stop it on exit."""
    if not (model_dir / "config.json").is_file():
        raise ServeError(f"{model_dir}: no model to serve (run `vgpt2-train merge` first)")
    port = free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as sink:
        process = subprocess.Popen(serve_command(model_dir, port, device), stdout=sink,
                                   stderr=subprocess.STDOUT, env=serve_env(log.parent / "hf"))
    server = Served(f"http://{HOST}:{port}/v1", str(model_dir.resolve()), process, log)
    try:
        deadline = time.monotonic() + ready_ceiling_s
        while not _ready(server.url):
            if process.poll() is not None:
                tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise ServeError(f"transformers serve exited with {process.returncode}:\n{tail}")
            if time.monotonic() > deadline:
                raise ServeError(f"transformers serve was not ready within {ready_ceiling_s:g} s"
                                 f" (log: {log})")
            time.sleep(0.5)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=60)


def serve_foreground(model_dir: Path, port: int, device: str) -> int:
    """``vgpt2-train serve``: run the server until interrupted; its exit code."""
    if not (model_dir / "config.json").is_file():
        raise ServeError(f"{model_dir}: no model to serve (run `vgpt2-train merge` first)")
    process = subprocess.Popen(serve_command(model_dir, port, device), env=serve_env())
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        return process.wait(timeout=60)
