"""Shared fixtures: sample databases built once per session from the bundled sample catalog."""

from __future__ import annotations

import pytest
from vgpt2.catalog.catalog import Catalog
from vgpt2.training.eval.questions import Question, load_questions, shipped_questions_path
from vgpt2.training.eval.sampledb import BuildSummary, build


@pytest.fixture(scope="session")
def sample_dbs(sample_catalog: Catalog, tmp_path_factory: pytest.TempPathFactory
               ) -> BuildSummary:
    return build(sample_catalog, tmp_path_factory.mktemp("sampledb") / "db", databases=3,
                 seed=0)


@pytest.fixture(scope="session")
def shipped() -> list[Question]:
    return load_questions(shipped_questions_path())
