"""What one generation request produced: checked SQL or a refusal, and how it got there.

Every consumer (``vgpt2 ask``, the language server, the evaluation, the training
dataset) reads the same record; :meth:`GenerationResult.as_json` is the public
JSON contract of ``vgpt2 ask --format json``. Keeping the stages' evidence here
(linked objects, join tree, budget, repair rounds) is what makes ``--explain``
honest about why an answer looks the way it does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STAGES = ("link", "join_tree", "prompt", "model", "check", "fix", "repair")
"""The stages timed in :attr:`GenerationResult.timings_ms`, in pipeline order."""


@dataclass(frozen=True, slots=True)
class FindingSummary:
    """A finding left in delivered SQL (a warning at most), or one that caused a repair."""

    code: str
    message: str
    severity: str
    line: int
    """1-based line in the SQL it was found in."""
    column: int
    """1-based column."""

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "severity": self.severity,
                "line": self.line, "column": self.column}


@dataclass(frozen=True, slots=True)
class RepairRound:
    """One round of asking the model again: what was wrong and what came back."""

    number: int
    """1 for the first repair request (the initial answer is round 0, not recorded here)."""
    problems: tuple[str, ...]
    """The analyzer's messages (with did-you-mean candidates) sent to the model."""
    reply: str
    """The model's raw reply."""
    outcome: str
    """``ok``, ``errors`` (findings remain), ``degenerate`` or ``no-sql``."""

    def as_json(self) -> dict[str, Any]:
        return {"number": self.number, "problems": list(self.problems), "reply": self.reply,
                "outcome": self.outcome}


@dataclass(frozen=True, slots=True)
class LeftOut:
    """Something the token budget did not let into the prompt, so ``--explain`` can say it."""

    object: str
    what: str
    """``object`` (the whole block), ``columns`` (some of its columns), ``status codes``,
    ``example`` or ``conventions``."""
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"object": self.object, "what": self.what, "detail": self.detail}


@dataclass(slots=True)
class GenerationResult:
    sql: str | None
    refused: bool
    message: str
    backend: str
    model: str | None
    prompt_version: str
    objects: list[str] = field(default_factory=list)
    """Catalog objects the delivered SQL reads (exact names), in order of appearance."""
    findings: list[FindingSummary] = field(default_factory=list)
    """What remains in the delivered SQL: warnings at most, never an error."""
    repair_rounds: list[RepairRound] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    prompt_tokens: int = 0
    prompt_budget: int = 0
    token_counter: str = "estimate"
    """``tokenizer`` when the model's own counter was used, else ``estimate`` (chars / 3)."""
    linked: list[dict[str, Any]] = field(default_factory=list)
    """The linked objects: name, score, origin and why (for ``--explain``)."""
    join_tree: list[str] = field(default_factory=list)
    """The tree's join conditions, one line per edge (for ``--explain``)."""
    fixes_applied: int = 0
    suggestions: list[str] = field(default_factory=list)
    """For a refusal: the closest real objects."""

    @property
    def repairs(self) -> int:
        return len(self.repair_rounds)

    def as_json(self) -> dict[str, Any]:
        """The ``vgpt2 ask --format json`` object; the stages' evidence sits under ``explain``."""
        return {
            "sql": self.sql,
            "refused": self.refused,
            "message": self.message,
            "objects": list(self.objects),
            "findings": [f.as_json() for f in self.findings],
            "repairs": self.repairs,
            "backend": self.backend,
            "model": self.model,
            "prompt_version": self.prompt_version,
            "timings_ms": {k: round(v, 3) for k, v in self.timings_ms.items()},
            "explain": {
                "linked": list(self.linked),
                "join_tree": list(self.join_tree),
                "prompt_tokens": self.prompt_tokens,
                "prompt_budget": self.prompt_budget,
                "token_counter": self.token_counter,
                "left_out": [item.as_json() for item in self.left_out],
                "repair_rounds": [r.as_json() for r in self.repair_rounds],
                "fixes_applied": self.fixes_applied,
                "suggestions": list(self.suggestions),
            },
        }
