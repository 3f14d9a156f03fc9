"""Changing the model settings twice in a row ends on the second (the backend is built on
the runner, off the event loop, so the two builds can finish in either order)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from vgpt2.server.config import Settings
from vgpt2.server.generation.settings import ModelSettings
from vgpt2.server.lsp.generation_features import GenerationFeatures
from vgpt2.server.lsp.settings import ResolvedSettings
from vgpt2.server.lsp.workers import Runner


class _Protocol:
    def __init__(self) -> None:
        self.sent: list[tuple[str, Any]] = []

    def notify(self, method: str, params: Any) -> None:
        self.sent.append((method, params))


class _Server:
    """What GenerationFeatures.configure uses of the server: its runner and notifications."""

    def __init__(self) -> None:
        self.runner = Runner(workers=2)
        self.protocol = _Protocol()


def _settings(model: ModelSettings, off: bool = False) -> ResolvedSettings:
    return ResolvedSettings(file=Settings(model=model), model_off=off)


@pytest.mark.asyncio
async def test_the_last_of_two_quick_model_changes_wins() -> None:
    server = _Server()
    features = GenerationFeatures()
    ollama = _settings(ModelSettings(backend="ollama", url="http://127.0.0.1:9",
                                     name="qwen2.5-coder:7b"))
    catalog = _settings(ModelSettings(backend="catalog"))
    try:
        await asyncio.gather(features.configure(server, ollama),  # type: ignore[arg-type]
                             features.configure(server, catalog))  # type: ignore[arg-type]
        assert features.model.settings == catalog.file.model
        assert features.model.backend is None  # the catalog backend: no model client
        await asyncio.wait_for(features._status_task, 60)  # type: ignore[arg-type]
        (method, status), = server.protocol.sent
        assert method == "vgpt2/modelStatus" and status["backend"] == "catalog"
    finally:
        server.runner.stop()
        features.stop()


@pytest.mark.asyncio
async def test_a_model_that_cannot_be_built_is_reported_not_raised() -> None:
    server = _Server()
    features = GenerationFeatures()
    broken = _settings(ModelSettings(backend="openai", url="http://127.0.0.1:9",
                                     name="m", api_key_env="VGPT2_TEST_UNSET_KEY"))
    try:
        await features.configure(server, broken)  # type: ignore[arg-type]
        await asyncio.wait_for(features._status_task, 60)  # type: ignore[arg-type]
        (method, status), = server.protocol.sent
        assert method == "vgpt2/modelStatus"
        assert not status["reachable"] and "VGPT2_TEST_UNSET_KEY" in status["message"]
    finally:
        server.runner.stop()
        features.stop()
