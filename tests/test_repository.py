"""Promises the repository makes to a newcomer: README's commands are the ones CI runs."""

from __future__ import annotations

import re

from .conftest import REPO


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text, flags=re.S)


def test_ci_runs_the_test_command_from_readme() -> None:
    quick_start, tests = readme_commands()[:2]
    assert "vgpt2 catalog" in quick_start
    assert tests.strip() in (REPO / ".ci" / "run").read_text(encoding="utf-8")
    (script,) = re.findall(r"^bash (scripts/\S+\.sh)$", tests.strip())
    stages = (REPO / script).read_text(encoding="utf-8")
    for step in ("install-test-deps.sh", "pip install", "ruff check", "mypy", "pytest -q",
                 "editor-client/scripts/e2e.sh"):
        assert step in stages, f"{script} does not run {step}"
