"""Few-shot examples: checked against the catalog, bad lines reported with file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.generation.examples import (
    Example,
    ExampleError,
    closest_examples,
    load_examples,
)

GOOD = {"question": "open jobs", "sql": "SELECT j.Job FROM JCJM j WITH (NOLOCK) "
                                         "WHERE j.JCCo = @JCCo AND j.JobStatus = 1"}


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "examples.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_good_and_bad_lines(tmp_path: Path, sample_catalog: Catalog) -> None:
    path = write(tmp_path, [
        json.dumps(GOOD),
        "",
        "# a comment",
        "{not json",
        json.dumps({"question": "customers", "sql": "SELECT Name FROM Customers"}),
        json.dumps({"question": "no sql"}),
        json.dumps(["a", "list"]),
        json.dumps({"question": "jobs", "sql": "SELECT j.Job FROM JCJM j"}),
    ])
    loaded = load_examples(path, sample_catalog)
    assert [e.question for e in loaded.examples] == ["open jobs"]
    assert loaded.examples[0].line == 1 and loaded.examples[0].objects == ("JCJM",)
    issues = {issue.line: str(issue) for issue in loaded.issues}
    assert set(issues) == {4, 5, 6, 7, 8}
    assert issues[4].startswith(f"{path}:4: not JSON")
    assert "VG001" in issues[5] and "Customers" in issues[5]
    assert "missing \"sql\"" in issues[6]
    assert "VG004" in issues[8]  # a missing NOLOCK would teach the model the mistake


def test_unreadable_file_is_a_clear_error(tmp_path: Path, sample_catalog: Catalog) -> None:
    with pytest.raises(ExampleError, match="no such examples file"):
        load_examples(tmp_path / "missing.jsonl", sample_catalog)
    binary = tmp_path / "bad.jsonl"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ExampleError, match="not UTF-8"):
        load_examples(binary, sample_catalog)


def test_closest_examples_by_words_then_objects() -> None:
    examples = [Example("vendor invoices unpaid", "x", objects=("APTH",)),
                Example("open jobs by project manager", "x", objects=("JCJM",)),
                Example("employee hours last week", "x", objects=("PRTH",)),
                Example("jobs with open contracts", "x", objects=("JCJM", "JCCM"))]
    chosen = closest_examples(examples, "list the open jobs", ["JCJM"], k=2)
    assert [e.question for e in chosen] == ["jobs with open contracts",
                                            "open jobs by project manager"]
    assert closest_examples(examples, "weather", [], k=3) == []
    assert closest_examples(examples, "jobs", [], k=0) == []
