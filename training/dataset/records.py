"""What flows through a dataset build: candidates (question + gold) and their verdicts.

A :class:`Candidate` is a question with its gold answer before any gate ran;
the worker turns it into an :class:`Accepted` record (prompt built, gold
checked and executed) or a :class:`Rejected` one with the gate that failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["generated", "source", "example", "refusal", "exists"]

DPO_KINDS = ("invented-object", "invented-column", "missing-nolock", "half-join", "base-table",
             "wrong-case", "mid-month", "wrong-company")
"""The realistic mistakes a DPO rejected side carries, one each."""
DPO_CODES = {"invented-object": "VG001", "invented-column": "VG002", "missing-nolock": "VG004",
             "half-join": "VG006", "base-table": "VG005", "wrong-case": "VG003",
             "mid-month": "VG007", "wrong-company": "VG002"}
"""The analyzer finding each kind must produce (``wrong-company`` may instead be proven
by execution: another module's company column the object also has, giving other rows)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    question: str
    sql: str | None
    """The gold query; None for a refusal (its answer is :attr:`answer`)."""
    kind: Kind
    pattern: str
    template: str
    """Which phrasing of which pattern (``top.2``): the unit the train/eval split holds out."""
    objects: tuple[str, ...]
    module: str = ""
    columns: tuple[tuple[str, str], ...] = ()
    """(object, column) pairs the gold reads: each must be shown in the prompt."""
    answer: str | None = None
    origin: str = ""
    """Where a source or example came from (``file:line``)."""
    dpo: bool = False
    """Also try the DPO mistakes on this gold."""
    number: int = 0


@dataclass(slots=True)
class Mistake:
    kind: str
    sql: str
    evidence: str
    """The finding (``VG004 ...``) or the execution difference that proves the mistake."""
    only: bool
    """The claimed finding is the rejected side's only finding."""


@dataclass(slots=True)
class Accepted:
    candidate: Candidate
    prompt: list[dict[str, str]]
    """System and user messages, exactly as the engine builds them."""
    answer: str
    """The assistant message."""
    sql: str | None
    fixes: int = 0
    rows: int = 0
    """Rows the gold returned on the first sample database that had any."""
    mistakes: list[Mistake] = field(default_factory=list)
    prompt_objects: tuple[str, ...] = ()

    def meta(self) -> dict[str, Any]:
        c = self.candidate
        return {"kind": c.kind, "pattern": c.pattern, "template": c.template,
                "objects": list(c.objects), "module": c.module, "origin": c.origin,
                "fixes": self.fixes}


@dataclass(frozen=True, slots=True)
class Rejected:
    candidate: Candidate
    gate: str
    reason: str


Verdict = Accepted | Rejected
