"""End-to-end tests of ``vgpt2 lsp`` over stdio, driven by pytest-lsp."""

from __future__ import annotations

import pytest

from tests.lsp.helpers import SERVER_ENV


@pytest.fixture(scope="session", autouse=True)
def _server_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every server these tests start compiles its catalogs into one temp cache dir."""
    SERVER_ENV["VGPT2_CACHE_DIR"] = str(tmp_path_factory.getbasetemp() / "lsp-cache")
