"""Fixtures for the generation tests: the scripted model server, on both APIs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.generation.model_server import ModelServer

APIS = ("ollama", "openai")


@pytest.fixture
def model_server() -> Iterator[ModelServer]:
    with ModelServer() as server:
        yield server


@pytest.fixture(params=APIS)
def api(request: pytest.FixtureRequest) -> str:
    """Each test that takes ``api`` runs once against Ollama's API and once against OpenAI's."""
    value: str = request.param
    return value
