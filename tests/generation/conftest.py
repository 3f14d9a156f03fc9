"""Fixtures for the generation tests: the scripted model server, on both APIs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.generation.model_server import ModelServer

APIS = ("ollama", "openai")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "transformers_serve: needs the real `transformers serve` started once per "
        "module (torch; run them in one process: -m transformers_serve)")


@pytest.fixture(autouse=True)
def _no_model_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own OLLAMA_HOST or API keys never steer a test."""
    for variable in ("OLLAMA_HOST", "OLLAMA_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def model_server() -> Iterator[ModelServer]:
    with ModelServer() as server:
        yield server


@pytest.fixture(params=APIS)
def api(request: pytest.FixtureRequest) -> str:
    """Each test that takes ``api`` runs once against Ollama's API and once against OpenAI's."""
    value: str = request.param
    return value
