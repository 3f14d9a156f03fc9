"""Guards that fail a stage instead of reporting a broken model as a success.

A run once produced every answer as 512 "!" and was reported done; DPO pairs
that were trivially separable drove the loss to 0.0001 from the first step.
Each guard here raises :class:`GuardError` with a message a user can act on;
the command exits non-zero and the run's state says which stage failed.

The trainer-side checks live in :class:`TrainingGuard` (a transformers
callback, so they see every logged loss); the smoke check after each stage
reuses the engine's own reply extraction (``extract_sql``: empty, one token
repeated, no SQL) so "degenerate" means the same thing here and in the editor.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from vgpt2.training.pipeline.config import GuardSection


class GuardError(Exception):
    """A stage failed a guard; the message says which and why."""


def _trainer_callback_base() -> type:
    from transformers import TrainerCallback

    return TrainerCallback


def loss_decreasing(losses: Sequence[float]) -> bool:
    """The mean of the last third of the window is below the mean of the first third."""
    third = max(1, len(losses) // 3)
    first = sum(losses[:third]) / third
    last = sum(losses[-third:]) / third
    return last < first


@dataclass(slots=True)
class GuardState:
    stage: str
    settings: GuardSection
    warn: Callable[[str], None]
    pair_mix: str = ""
    losses: list[float] = field(default_factory=list)
    logged: int = 0
    separable_seen: int = 0
    warned_separable: bool = False
    window_checked: bool = False

    def observe(self, logs: dict[str, Any], step: int) -> None:
        """Check one trainer log line; raises :class:`GuardError`."""
        loss = logs.get("loss")
        if loss is None:
            return
        loss = float(loss)
        if not math.isfinite(loss):
            raise GuardError(f"{self.stage}: the loss became {loss} at step {step}: "
                             "training diverged (lower the learning rate, check the data "
                             "and the precision)")
        self.losses.append(loss)
        self.logged += 1
        if (not self.window_checked and len(self.losses) >= self.settings.loss_window):
            self.window_checked = True
            window = self.losses[:self.settings.loss_window]
            if not loss_decreasing(window):
                raise GuardError(
                    f"{self.stage}: the loss did not decrease over the first "
                    f"{self.settings.loss_window} logged steps ({window[0]:.4f} → "
                    f"{window[-1]:.4f}): check the learning rate and the dataset")
        self._separable(logs, step)

    def _separable(self, logs: dict[str, Any], step: int) -> None:
        accuracy = logs.get("rewards/accuracies")
        margin = logs.get("rewards/margins")
        if accuracy is None or margin is None or self.logged > self.settings.separable_steps:
            return
        if (float(accuracy) >= self.settings.separable_accuracy
                and float(margin) > self.settings.separable_margin):
            self.separable_seen += 1
        if self.separable_seen and not self.warned_separable:
            message = (f"{self.stage}: reward accuracy {float(accuracy):.2f} with margin "
                       f"{float(margin):.2f} by step {step}: the pairs look trivially "
                       f"separable (the rejected side differs in an obvious way); pair mix: "
                       f"{self.pair_mix or 'unknown'}")
            if self.settings.separable_fail:
                raise GuardError(message)
            self.warned_separable = True
            self.warn(message)


def training_guard(state: GuardState) -> Any:
    """A transformers ``TrainerCallback`` that feeds every log line to ``state``."""
    base = _trainer_callback_base()

    class TrainingGuard(base):  # type: ignore[misc, valid-type]
        def on_log(self, args: Any, trainer_state: Any, control: Any,
                   logs: dict[str, Any] | None = None, **kwargs: Any) -> None:
            if logs:
                state.observe(logs, trainer_state.global_step)

    return TrainingGuard()


@dataclass(slots=True)
class SmokeResult:
    replies: list[str]
    bad: list[tuple[int, str]]
    """(index, the problem) per reply that is empty, degenerate or has no SQL."""
    unknown_rate: float | None

    def as_json(self) -> dict[str, Any]:
        return {"replies": len(self.replies), "bad": len(self.bad),
                "problems": [p for _, p in self.bad][:20], "unknown_rate": self.unknown_rate,
                "samples": [r[:300] for r in self.replies[:5]]}


def judge_replies(replies: Sequence[str], unknown_names: Callable[[str], int] | None = None,
                  ) -> SmokeResult:
    """Classify each reply with the engine's extraction; count replies naming unknown objects."""
    from vgpt2.server.generation.extract import extract_sql

    bad: list[tuple[int, str]] = []
    unknown = 0
    with_sql = 0
    for index, reply in enumerate(replies):
        if reply.strip().startswith("-- cannot answer"):
            continue
        extraction = extract_sql(reply)
        if extraction.sql is None:
            bad.append((index, extraction.describe()))
            continue
        with_sql += 1
        if unknown_names is not None and unknown_names(extraction.sql):
            unknown += 1
    rate = round(unknown / with_sql, 4) if unknown_names is not None and with_sql else None
    return SmokeResult(list(replies), bad, rate)


def check_smoke(stage: str, result: SmokeResult, settings: GuardSection,
                previous_unknown: float | None) -> None:
    """Raise :class:`GuardError` when the smoke replies show a broken model."""
    if not result.replies:
        return
    share = len(result.bad) / len(result.replies)
    if share > settings.degenerate_fraction:
        sample = result.replies[result.bad[0][0]][:80] if result.bad else ""
        problems = sorted({problem for _, problem in result.bad})
        raise GuardError(
            f"{stage}: {len(result.bad)} of {len(result.replies)} smoke replies on held-out "
            f"prompts are unusable ({'; '.join(problems)}), e.g. {sample!r}: the model is "
            "degenerate")
    if (previous_unknown is not None and result.unknown_rate is not None
            and result.unknown_rate > previous_unknown * settings.unknown_rate_factor + 0.1):
        raise GuardError(
            f"{stage}: {result.unknown_rate:.0%} of the smoke replies name unknown tables or "
            f"columns, against {previous_unknown:.0%} after the previous stage")


def unknown_name_counter(catalog: Any) -> Callable[[str], int]:
    """How many unknown-object/column findings (VG001/VG002) the analyzer gives a query."""
    from vgpt2.server.analysis.analyzer import analyze

    def count(sql: str) -> int:
        try:
            findings = analyze(sql, catalog)
        except Exception:  # the analyzer must not fail the guard on odd text
            return 0
        return sum(1 for f in findings if f.code in ("VG001", "VG002"))

    return count
