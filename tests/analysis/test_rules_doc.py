"""docs/rules.md is generated from the rule modules; the committed page must match."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from vgpt2.server.analysis.rules import RULES
from vgpt2.server.analysis.rules.docs import render

PAGE = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_committed_page_is_the_generated_one() -> None:
    assert PAGE.read_text(encoding="utf-8") == render(), (
        "docs/rules.md is stale: run "
        "`python -m vgpt2.server.analysis.rules.docs > docs/rules.md`")


def test_every_rule_documents_what_why_examples_and_fix() -> None:
    for rule in RULES.values():
        for part in ("**What it finds.**", "**Why it matters in Vista.**", "Wrong:",
                     "Right:", "**Fix.**", "```sql"):
            assert part in rule.doc, f"{rule.code} documentation lacks {part!r}"
        assert f"## {rule.code} {rule.name}\n" in PAGE.read_text(encoding="utf-8")


def test_module_entry_point_prints_the_page() -> None:
    done = subprocess.run([sys.executable, "-m", "vgpt2.server.analysis.rules.docs"],
                          capture_output=True, check=True, timeout=300)
    assert done.stdout.decode("utf-8") == render()


def test_write_replaces_the_file(tmp_path: Path) -> None:
    from vgpt2.server.analysis.rules.docs import main

    target = tmp_path / "rules.md"
    target.write_text("old", encoding="utf-8")
    assert main(["--write", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render()
    assert [p.name for p in tmp_path.iterdir()] == ["rules.md"]
