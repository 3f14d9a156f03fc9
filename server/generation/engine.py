"""The one entry point: a question and a catalog in, checked T-SQL or an honest refusal out.

``generate`` runs the stages in order (link, join tree, prompt, model, check,
fix, repair) and times each. With ``backend=None`` it is the ``catalog``
backend: no model, the join tree rendered as a query skeleton. With a model it
never trusts the reply: the SQL is extracted, analyzed and fixed; unknown
names or syntax errors go back to the model for up to ``repair_rounds``
rounds; what still fails becomes a refusal naming the closest real objects.
No query with an error finding (VG000 syntax, VG001 unknown object, VG002
unknown column, or any other error) is ever returned.

A :class:`~vgpt2.server.generation.backends.base.BackendError` propagates: the
caller decides how to tell the user (the CLI exits 2 with its hint).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.rules import RULES
from vgpt2.server.generation.backends.base import ChatMessage, GenerationOptions, ModelBackend
from vgpt2.server.generation.context import estimate_tokens, object_block
from vgpt2.server.generation.examples import Example, closest_examples
from vgpt2.server.generation.extract import Extraction, extract_sql
from vgpt2.server.generation.jointree import JoinTree, join_tree
from vgpt2.server.generation.layout import lay_out
from vgpt2.server.generation.link import LinkResult, link
from vgpt2.server.generation.prompt import (
    REPAIR_RESERVE,
    Prompt,
    build_prompt,
    count_messages,
    prompt_budget,
)
from vgpt2.server.generation.repair import (
    CheckOutcome,
    Problem,
    check_candidate,
    closest_objects,
    missing_named_objects,
    repair_request,
)
from vgpt2.server.generation.result import STAGES, GenerationResult, RepairRound
from vgpt2.server.generation.skeleton import render_skeleton

CATALOG_BACKEND = "catalog"
MAX_REPLY_ECHO = 2000
"""Characters of the model's last reply sent back in a repair round."""
_CANNOT = re.compile(r"--\s*cannot answer:\s*(.+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    """One question, with what the caller knows around it: the open SQL, the model's
    options and tokenizer, the user's examples, how many repair rounds to allow."""

    question: str
    surrounding_sql: str = ""
    """The SQL open around the cursor: its objects join the linked ones."""
    options: GenerationOptions = field(default_factory=GenerationOptions)
    repair_rounds: int = 2
    examples: Sequence[Example] = ()
    """Checked few-shot examples (:func:`~.examples.load_examples`); the closest are used."""
    count_tokens: Callable[[str], int] | None = None
    """The model's tokenizer, when known; otherwise a conservative estimate (chars / 3)."""


class _Clock:
    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self._started = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + (now - self._started) * 1000
        self._started = now

    def restart(self) -> None:
        self._started = time.perf_counter()


@dataclass(slots=True)
class Prepared:
    """What :func:`prepare` builds before any model is asked; the training dataset and
    ``vgpt2 doctor`` read it too, so the prompt they see is the engine's own."""

    linked: LinkResult
    tree: JoinTree
    prompt: Prompt
    missing: list[str]


def prepare(request: GenerationRequest, catalog: Catalog, result: GenerationResult) -> Prepared:
    """Link, join tree and prompt: everything before the model (and all of the catalog backend)."""
    clock = _Clock(result.timings_ms)
    question = request.question.strip()
    linked = link(catalog, question, request.surrounding_sql)
    missing = missing_named_objects(catalog, question)
    result.linked = [o.as_json() for o in linked.objects]
    clock.lap("link")
    tree = join_tree(catalog, linked.primary)
    result.join_tree = tree.describe()
    clock.lap("join_tree")
    examples = closest_examples(request.examples, question, linked.names)
    prompt = build_prompt(catalog, question, linked.names, tree, request.options,
                          surrounding_sql=request.surrounding_sql, examples=examples,
                          count=request.count_tokens,
                          reserve=REPAIR_RESERVE if request.repair_rounds > 0 else 0)
    result.prompt_tokens = prompt.tokens
    result.prompt_budget = prompt.budget
    result.token_counter = "tokenizer" if request.count_tokens else "estimate"
    result.left_out = list(prompt.left_out)
    clock.lap("prompt")
    return Prepared(linked, tree, prompt, missing)


async def generate(request: GenerationRequest, catalog: Catalog,
                   backend: ModelBackend | None) -> GenerationResult:
    result = GenerationResult(
        sql=None, refused=False, message="",
        backend=backend.name if backend is not None else CATALOG_BACKEND,
        model=backend.model if backend is not None else None,
        prompt_version="", timings_ms=dict.fromkeys(STAGES, 0.0))
    if not request.question.strip():
        return _refuse(result, "the question is empty", [])
    prepared = prepare(request, catalog, result)
    result.prompt_version = prepared.prompt.version
    if prepared.missing:
        names = ", ".join(prepared.missing)
        suggestions = list(dict.fromkeys(
            s for name in prepared.missing for s in closest_objects(catalog, name)))
        return _refuse(result, f"Vista has no table or view named {names}", suggestions,
                       catalog)
    if backend is None:
        return _skeleton(request, catalog, prepared, result)
    if not prepared.prompt.fits:
        return _refuse(result, f"the prompt needs {prepared.prompt.tokens} tokens but the "
                               f"model's context leaves {prepared.prompt.budget} (raise num_ctx "
                               "or shorten the question)", prepared.linked.primary)
    return await _ask(request, catalog, backend, prepared, result)


def _skeleton(request: GenerationRequest, catalog: Catalog, prepared: Prepared,
              result: GenerationResult) -> GenerationResult:
    sql = render_skeleton(catalog, prepared.tree, request.question)
    if sql is None:
        return _refuse(result, "no catalog object matches the question",
                       closest_objects(catalog, request.question))
    outcome = check_candidate(catalog, sql, result.timings_ms)
    if not outcome.deliverable:
        # The skeleton is built from the catalog itself: this is a catalog inconsistency.
        return _refuse(result, "the query skeleton does not pass the analyzer: "
                       + "; ".join(p.text() for p in outcome.blocking), prepared.linked.primary)
    objects = ", ".join(outcome.objects)
    message = (f"catalog backend (no model configured): a query skeleton over {objects}, "
               "joined on whole keys; add the columns and filters the question needs")
    if prepared.tree.unreached:
        message += ("; not joined (no whole-key path): " + ", ".join(prepared.tree.unreached))
    root = next((o for o in prepared.linked.objects if o.name == prepared.tree.root), None)
    if root is not None and root.origin == "search" and not any(
            evidence in root.why for evidence in ("synonym", "named in the question")):
        message += (f"; the question matched {root.name} only weakly ({root.why}): check that "
                    "it is the object you mean")
    return _deliver(result, outcome, message)


async def _ask(request: GenerationRequest, catalog: Catalog, backend: ModelBackend,
               prepared: Prepared, result: GenerationResult) -> GenerationResult:
    messages: list[ChatMessage] = list(prepared.prompt.messages)
    clock = _Clock(result.timings_ms)
    reply = await backend.chat(messages, request.options)
    clock.lap("model")
    rounds = 0
    sent: tuple[str, ...] = ()
    while True:
        stage_timings = result.timings_ms if rounds == 0 else {}
        extraction = extract_sql(reply.text)
        outcome = (check_candidate(catalog, _tidy(lay_out(extraction.sql)), stage_timings)
                   if extraction.sql is not None else None)
        if rounds > 0:
            result.repair_rounds.append(RepairRound(rounds, sent, reply.text,
                                                    _outcome(extraction, outcome)))
        if outcome is not None and outcome.deliverable:
            if rounds > 0:
                clock.lap("repair")
            message = f"SQL over {', '.join(outcome.objects) or 'no catalog object'}"
            if outcome.fixes_applied:
                message += f"; {outcome.fixes_applied} fix(es) applied"
            if rounds:
                message += f"; after {rounds} repair round(s)"
            return _deliver(result, outcome, message)
        problems = outcome.blocking if outcome is not None else []
        declined = _CANNOT.search(reply.text) if extraction.sql is None else None
        if declined or rounds >= max(0, request.repair_rounds):
            if rounds > 0:
                clock.lap("repair")
            reason = (f"the model could not answer: {declined.group(1).strip()}" if declined
                      else _failure(extraction, problems, rounds))
            return _refuse(result, reason, _suggestions(catalog, problems, prepared), catalog)
        if rounds == 0:
            clock.restart()  # time from here on is the repair stage's
        sent = tuple(p.text() for p in problems) or (extraction.describe(),)
        messages = _repair_messages(request, catalog, prepared, reply.text, problems,
                                    outcome.sql if outcome else None, extraction)
        rounds += 1
        reply = await backend.chat(messages, request.options)


def _repair_messages(request: GenerationRequest, catalog: Catalog, prepared: Prepared,
                     reply: str, problems: list[Problem], sql: str | None,
                     extraction: Extraction) -> list[ChatMessage]:
    """The original prompt, the model's last reply and what is wrong with it, within num_ctx.

    Only the latest attempt travels (the repair request quotes its fixed SQL), so the
    conversation does not grow round after round; the schema hints go first, then the
    reply is clipped, if the window would overflow.
    """
    count = request.count_tokens or estimate_tokens
    window = prompt_budget(request.options)
    hints = _suggested_schema(catalog, problems, prepared, request)
    for schema, clip in ((hints, MAX_REPLY_ECHO), ("", MAX_REPLY_ECHO), ("", 200)):
        echoed = reply if len(reply) <= clip else reply[:clip] + " ..."
        extra = [ChatMessage("assistant", echoed),
                 ChatMessage("user", repair_request(problems, sql, extraction.describe(),
                                                    schema))]
        if prepared.prompt.tokens + count_messages(extra, count) <= window:
            break
    return [*prepared.prompt.messages, *extra]


def _outcome(extraction: Extraction, outcome: CheckOutcome | None) -> str:
    if outcome is None:
        return extraction.problem or "no-sql"
    return "ok" if outcome.deliverable else "errors"


def _failure(extraction: Extraction, problems: list[Problem], rounds: int) -> str:
    after = f" after {rounds} repair round(s)" if rounds else ""
    if not problems:
        return f"no usable SQL{after}: {extraction.describe()}"
    first = problems[0]
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    return f"the model's SQL still fails the checks{after}: {first.code} {first.message}{more}"


def _suggests_objects(problem: Problem) -> bool:
    """Whether the problem's ``related`` are did-you-mean objects (its rule says so)."""
    rule = RULES.get(problem.code)
    return rule is not None and rule.suggests_objects


def _suggestions(catalog: Catalog, problems: list[Problem], prepared: Prepared) -> list[str]:
    named = [r for p in problems if _suggests_objects(p) for r in p.related if r in catalog]
    return list(dict.fromkeys([*named, *prepared.linked.primary]))[:4]


def _suggested_schema(catalog: Catalog, problems: list[Problem], prepared: Prepared,
                      request: GenerationRequest) -> str:
    """Short blocks for did-you-mean objects the prompt did not already show (two at most)."""
    shown = set(prepared.prompt.context.objects)
    names = [r for p in problems if _suggests_objects(p) for r in p.related
             if r in catalog and r not in shown]
    blocks = [object_block(catalog, name, request.question)
              for name in list(dict.fromkeys(names))[:2]]
    return "\n\n".join(b.short for b in blocks if b is not None)


def _tidy(sql: str) -> str:
    """Line endings, trailing spaces and blank runs normalised; nothing else is touched."""
    lines = [line.rstrip() for line in sql.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return text + "\n"


def _deliver(result: GenerationResult, outcome: CheckOutcome, message: str) -> GenerationResult:
    result.sql = outcome.sql if outcome.sql.endswith("\n") else outcome.sql + "\n"
    result.refused = False
    result.message = message
    result.objects = list(outcome.objects)
    result.findings = list(outcome.findings)
    result.fixes_applied = outcome.fixes_applied
    return result


def _refuse(result: GenerationResult, reason: str, suggestions: list[str],
            catalog: Catalog | None = None) -> GenerationResult:
    result.sql = None
    result.refused = True
    result.suggestions = list(dict.fromkeys(suggestions))
    result.message = f"No SQL: {reason}."
    if result.suggestions:
        named = [_with_description(catalog, s) for s in result.suggestions]
        result.message += " Closest real objects: " + ", ".join(named) + "."
    if not result.prompt_version:
        from vgpt2.server.generation.prompt import load_template

        result.prompt_version = load_template().version
    return result


def _with_description(catalog: Catalog | None, name: str) -> str:
    """``ARCM (AR customer master)``: the description up to its first colon, kept short."""
    header = catalog.header(name) if catalog is not None else None
    if header is None or not header.description:
        return name
    short = re.split(r"[:;(]|, keyed|\. ", header.description)[0].strip()
    if len(short) > 50:
        short = short[:47].rstrip() + "..."
    return f"{name} ({short})"
