"""Few-shot examples: the user's own question/SQL pairs, checked before any model sees them.

The file is JSON Lines, one ``{"question": ..., "sql": ...}`` object a line
(blank lines and lines starting with ``//`` or ``#`` are skipped). Each query
is run through the analyzer against the catalog: an example with any finding
would teach the model the very mistake the engine then has to repair, so it is
left out and reported with its file and line. For a request, the closest
examples by question words (and by the objects they read, when those are the
linked ones) go into the prompt.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.search import question_terms
from vgpt2.server.analysis.analyzer import analyze
from vgpt2.server.analysis.findings import LineIndex
from vgpt2.server.generation.repair import objects_read

MAX_FILE_BYTES = 20_000_000
DEFAULT_K = 3


class ExampleError(Exception):
    """The examples file cannot be read at all (missing, not text, too large)."""


@dataclass(frozen=True, slots=True)
class Example:
    question: str
    sql: str
    source: str = ""
    line: int = 0
    objects: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ExampleIssue:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(slots=True)
class ExampleSet:
    examples: list[Example] = field(default_factory=list)
    issues: list[ExampleIssue] = field(default_factory=list)


def load_examples(path: Path, catalog: Catalog) -> ExampleSet:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ExampleError(f"{path}: larger than {MAX_FILE_BYTES // 1_000_000} MB")
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ExampleError(f"{path}: no such examples file") from None
    except UnicodeDecodeError as error:
        raise ExampleError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise ExampleError(f"{path}: {error.strerror or error}") from None
    return parse_examples(text, catalog, str(path))


def parse_examples(text: str, catalog: Catalog, source: str = "<examples>") -> ExampleSet:
    result = ExampleSet()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("//", "#")):
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            result.issues.append(ExampleIssue(source, number, f"not JSON: {error.msg} "
                                                              f"(column {error.colno})"))
            continue
        if not isinstance(record, dict):
            result.issues.append(ExampleIssue(source, number, "expected an object with "
                                                              "\"question\" and \"sql\""))
            continue
        question, sql = record.get("question"), record.get("sql")
        if not isinstance(question, str) or not question.strip():
            result.issues.append(ExampleIssue(source, number, "missing \"question\" text"))
            continue
        if not isinstance(sql, str) or not sql.strip():
            result.issues.append(ExampleIssue(source, number, "missing \"sql\" text"))
            continue
        findings = analyze(sql, catalog)
        if findings:
            index = LineIndex(sql)
            described = "; ".join(
                f"{f.code} {f.message} (sql line {index.position(f.start)[0] + 1})"
                for f in findings[:3])
            more = f" and {len(findings) - 3} more" if len(findings) > 3 else ""
            result.issues.append(ExampleIssue(source, number,
                                              f"left out: {described}{more}"))
            continue
        result.examples.append(Example(question.strip(), sql.strip(), source, number,
                                       tuple(objects_read(catalog, sql))))
    return result


def _terms(text: str) -> set[str]:
    return {t.rstrip("s") for t in question_terms(text)}


def closest_examples(examples: Sequence[Example], question: str, linked: Sequence[str] = (),
                     k: int = DEFAULT_K) -> list[Example]:
    """The ``k`` examples nearest the question: shared words, then shared objects."""
    if k <= 0 or not examples:
        return []
    wanted = _terms(question)
    linked_set = set(linked)
    scored = []
    for position, example in enumerate(examples):
        terms = _terms(example.question)
        union = wanted | terms
        similarity = len(wanted & terms) / len(union) if union else 0.0
        if linked_set and example.objects:
            similarity += 0.2 * len(linked_set & set(example.objects)) / len(example.objects)
        if similarity > 0:
            scored.append((-similarity, position, example))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [example for _, _, example in scored[:k]]
