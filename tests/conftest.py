"""Shared fixtures: the real Vista export beside the checkout, and compiled catalogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from vgpt2.catalog.catalog import Catalog

REPO = Path(__file__).resolve().parents[1]
VISTA_SCHEMA = REPO.parent / "shared" / "vista-schema"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's own config or writes into their cache."""
    monkeypatch.setenv("VGPT2_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.delenv("VGPT2_CONFIG", raising=False)


@pytest.fixture(scope="session")
def vista_schema() -> Path:
    if not (VISTA_SCHEMA / "columns.json").is_file():
        pytest.skip(f"real Vista export not present at {VISTA_SCHEMA}")
    return VISTA_SCHEMA


@pytest.fixture(scope="session")
def real_catalog(vista_schema: Path, tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    from vgpt2.catalog.build import build_catalog

    output = tmp_path_factory.mktemp("real") / "vista.vgpt2db"
    build_catalog([vista_schema], output)
    return Catalog.open(output)


@pytest.fixture(scope="session")
def sample_catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    from vgpt2.catalog.build import open_sample_catalog

    return open_sample_catalog(tmp_path_factory.mktemp("sample-cache"))
