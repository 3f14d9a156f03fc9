"""One dataset build: candidates -> gates (in worker processes) -> balanced sets -> files.

Order matters for determinism: candidates are produced in a fixed order from the
seed, checked ahead in the workers but consumed in that order (:meth:`_Runner.stream`),
and selected in that order; what the screen remembers of candidates screened ahead but
never consumed is rolled back. So the same catalog, seed and limit give the same files
whatever the worker count and timing.
The output folder is written as a temporary sibling and swapped in only when
every gate passed on the final sets (:func:`verify`); a failed build never
replaces a good one.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import multiprocessing
import os
import shutil
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.generation.fim import FIM_VERSION, fim_prompt, schema_header
from vgpt2.server.generation.prompt import load_template
from vgpt2.server.generation.repair import closest_objects
from vgpt2.training.dataset.check import Checker, PromptSettings, read_objects
from vgpt2.training.dataset.fimcuts import cut_points
from vgpt2.training.dataset.normalize import (
    EvalIndex,
    normalize_question,
    normalize_sql,
)
from vgpt2.training.dataset.records import DPO_KINDS, Accepted, Candidate, Rejected
from vgpt2.training.dataset.refusals import (
    exists_candidates,
    invented_names,
    refusal_candidates,
)
from vgpt2.training.dataset.sources import (
    SourceStatement,
    load_examples,
    read_statements,
    source_candidates,
)
from vgpt2.training.dataset.templates import generate, stable_hash
from vgpt2.training.eval.questions import Question
from vgpt2.training.folders import swap_in

FORMAT = 1
MANIFEST = "manifest.json"
CARD = "card.md"
DEFAULT_TARGET = 24_000
"""SFT records a build without ``--limit`` aims for."""
EVAL_PERCENT = 5
"""Objects (and, separately, templates) held out for the eval split, in percent."""
REFUSAL_SHARE = 0.04
"""Refusals per SFT record (and as many "exists" answers)."""
DPO_SHARE = 0.12
"""DPO pairs per SFT record, split evenly over the mistake kinds."""
DPO_EVERY = 4
"""Every fourth generated gold (and every Mth one: few golds allow that mistake) also gets
its mistakes tried."""
FIM_EVERY = 4
"""Every fourth generated gold also gives one FIM record."""
FIM_CUTS_PER_STATEMENT = 4
MIN_DISTINCT_ANSWERS = 0.95
KTO_TARGET_RATIO = 1.15
"""(desirable_weight * desirable) / (undesirable_weight * undesirable): TRL asks for 1 .. 4/3."""
CHUNK = 8
"""Tasks a worker takes at a time (one pickling round trip each)."""
LOOKAHEAD = 12
"""Chunks handed to the workers ahead of the one being consumed: enough that no worker waits
for the builder (which generates and screens the next candidates meanwhile), few enough that
little work is thrown away when the target is reached."""
PROGRESS_EVERY = 64
NEAREST_AHEAD = 64
"""Invented names whose nearest objects are computed per round, ahead of the refusals."""

Progress = Callable[[str, int, int], None]


class DatasetError(Exception):
    """A build that cannot be done or that failed a gate on its final sets; names the cause."""


@dataclass(slots=True)
class BuildOptions:
    out: Path
    seed: int = 0
    limit: int | None = None
    sources: Sequence[Path] = ()
    examples: Path | None = None
    eval_questions: Sequence[Question] = ()
    eval_file: str = ""
    workers: int = 1
    progress: Progress | None = None
    prompt: PromptSettings = field(default_factory=PromptSettings)


@dataclass(slots=True)
class Built:
    sft: list[Accepted] = field(default_factory=list)
    refusals: list[Accepted] = field(default_factory=list)
    exists: list[Accepted] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    fim: list[dict[str, Any]] = field(default_factory=list)
    statements_rejected: list[dict[str, Any]] = field(default_factory=list)
    dpo: list[dict[str, Any]] = field(default_factory=list)
    kto: list[dict[str, Any]] = field(default_factory=list)
    kto_weights: dict[str, float] = field(default_factory=dict)
    eval_objects: set[str] = field(default_factory=set)
    eval_templates: set[str] = field(default_factory=set)
    checked: int = 0


# -- the worker side -------------------------------------------------------------------------

_checker: Checker | None = None


def _init_worker(catalog_path: str, databases: list[str], settings: PromptSettings) -> None:
    global _checker
    _checker = Checker(Catalog.open(Path(catalog_path)), [Path(p) for p in databases],
                       settings)


Task = Candidate | Rejected | tuple[str, str]
"""A candidate to check, one the screen already turned away (passed through, so that verdicts
keep the candidates' order), a shop statement (``("statement", sql)``) or an invented name
whose nearest real objects a refusal names (``("nearest", name)``)."""


def _work(checker: Checker, task: Task) -> Any:
    if isinstance(task, Candidate):
        return checker.check(task)
    if isinstance(task, Rejected):
        return task
    if task[0] == "nearest":
        return closest_objects(checker.catalog, task[1])
    return statement_verdict(checker, task[1])


def _work_chunk(tasks: list[Task]) -> list[Any]:
    assert _checker is not None
    return [_work(_checker, t) for t in tasks]


def statement_verdict(checker: Checker, sql: str) -> tuple[str, int, list[str], list[str]]:
    """(fixed SQL, fixes applied, remaining findings, objects read) of one shop statement."""
    from vgpt2.server.analysis.fixing import fix_text

    fixed = fix_text(sql, checker.catalog)
    return (fixed.text, fixed.applied, [f"{f.code} {f.message}" for f in fixed.remaining],
            list(read_objects(checker.catalog, fixed.text)))


class _Runner:
    """In-process for one worker, a process pool otherwise; results in task order.

    :meth:`stream` keeps :data:`LOOKAHEAD` chunks in the workers while the caller consumes
    the oldest one, so the builder's own work (generating and screening candidates, which
    happens as the task iterator is pulled) overlaps the checking instead of alternating
    with it.
    """

    def __init__(self, catalog: Catalog, databases: Sequence[Path], workers: int,
                 settings: PromptSettings) -> None:
        self.pool: Any = None
        self.local: Checker | None = None
        if workers > 1 and catalog.path is not None:
            context = multiprocessing.get_context("spawn")
            self.pool = context.Pool(workers, _init_worker,
                                     (str(catalog.path), [str(p) for p in databases],
                                      settings))
        else:
            self.local = Checker(catalog, databases, settings)

    def stream(self, tasks: Iterable[Task]) -> Generator[tuple[Task, Any], None, None]:
        """(task, result) in task order; the tasks are pulled at most LOOKAHEAD chunks ahead.

        Stopping early (closing the generator) leaves at most that many chunks to finish in
        the workers; their results are dropped.
        """
        iterator = iter(tasks)
        if self.pool is None:
            local = self.local
            assert local is not None
            for task in iterator:
                yield task, _work(local, task)
            return
        pending: deque[tuple[list[Task], Any]] = deque()
        exhausted = False
        while True:
            while not exhausted and len(pending) < LOOKAHEAD:
                chunk = list(itertools.islice(iterator, CHUNK))
                if not chunk:
                    exhausted = True
                    break
                pending.append((chunk, self.pool.apply_async(_work_chunk, (chunk,))))
            if not pending:
                return
            chunk, result = pending.popleft()
            yield from zip(chunk, result.get(), strict=True)

    def map(self, tasks: Iterable[Task]) -> Iterator[Any]:
        return (result for _, result in self.stream(tasks))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()  # workers exit once idle (and their CPU time is accounted)
            self.pool.join()
        if self.local is not None:
            self.local.close()


# -- selection -------------------------------------------------------------------------------


class _Screen:
    """The gates that need no worker: eval overlap, duplicates, and the split.

    Candidates are screened as they are generated, ahead of the checking; those never
    consumed (generated ahead when the target was reached) are taken back out with
    :meth:`rollback`, so what the screen remembers does not depend on how far ahead the
    workers ran.
    """

    def __init__(self, seed: int, questions: Sequence[Question]) -> None:
        self.seed = seed
        self.eval = EvalIndex([q.question for q in questions])
        self.eval_sql = {normalize_sql(q.sql) for q in questions if q.sql}
        self.questions: set[str] = set()
        self.answers: set[str] = set()
        self.added: list[tuple[str, str]] = []

    def problem(self, candidate: Candidate) -> tuple[str, str] | None:
        normal = normalize_question(candidate.question)
        if self.eval.exact(normal):
            return "eval-overlap", "the question is an evaluation question"
        paraphrased = self.eval.paraphrase(candidate.question)
        if paraphrased is not None:
            question, score = paraphrased
            return "eval-overlap", f"paraphrases the evaluation question {question!r} " \
                                   f"(overlap {score:.2f})"
        answer = normalize_sql(candidate.sql) if candidate.sql else normalize_question(
            candidate.answer or "")
        if candidate.sql and answer in self.eval_sql:
            return "eval-overlap", "the gold SQL is an evaluation gold"
        if normal in self.questions:
            return "duplicate", "the same question (normalized) is already in the set"
        if answer in self.answers:
            return "duplicate", "the same answer (normalized SQL) is already in the set"
        self.questions.add(normal)
        self.answers.add(answer)
        self.added.append((normal, answer))
        return None

    def mark(self) -> int:
        return len(self.added)

    def rollback(self, mark: int, kept: int) -> None:
        """Forget every candidate that passed after the first ``kept`` since ``mark``."""
        for normal, answer in self.added[mark + kept:]:
            self.questions.discard(normal)
            self.answers.discard(answer)
        del self.added[mark + kept:]


def _screened(candidates: Iterable[Candidate], screen: _Screen, *,
              sft: bool = False) -> Iterator[Candidate | Rejected]:
    """Each candidate, or its screen rejection; SFT golds marked for their DPO mistakes."""
    for candidate in candidates:
        problem = screen.problem(candidate)
        if problem is not None:
            yield Rejected(candidate, *problem)
        elif sft:
            yield replace(candidate, dpo=candidate.kind == "generated" and (
                candidate.number % DPO_EVERY == 0 or candidate.pattern == "date/Mth logic"))
        else:
            yield candidate


def _template_held_out(template: str, seed: int) -> bool:
    return stable_hash(seed, "split-template", template) % 100 < EVAL_PERCENT


def _object_held_out(name: str, seed: int) -> bool:
    return stable_hash(seed, "split-object", name.split(".")[0]) % 100 < EVAL_PERCENT


def in_eval(candidate: Candidate, seed: int) -> bool:
    """Held out: any of its objects, or its template, falls in the eval share, so no train
    record shares an object or a template with an eval record."""
    return _template_held_out(candidate.template, seed) or any(
        _object_held_out(o, seed) for o in candidate.objects)


def build(catalog: Catalog, databases: Sequence[Path], options: BuildOptions) -> dict[str, Any]:
    """Build, verify and write the dataset into ``options.out``; returns the manifest."""
    started = time.perf_counter()
    out = Path(os.path.abspath(options.out))
    _check_output(out)
    statements: list[SourceStatement] = []
    for folder in options.sources:
        statements += read_statements(Path(folder), catalog)
    examples = load_examples(options.examples) if options.examples else []
    target = options.limit if options.limit is not None else DEFAULT_TARGET
    built = Built()
    screen = _Screen(options.seed, options.eval_questions)
    runner = _Runner(catalog, databases, max(1, options.workers), options.prompt)
    try:
        _run_sft(catalog, statements, examples, databases, target, options, screen, runner,
                 built)
        _run_refusals(catalog, options, screen, runner, built)
        _run_fim(catalog, statements, options, runner, built)
    finally:
        runner.close()
    _choose_dpo(built, options.seed)
    _choose_kto(built)
    verify(built, options.eval_questions)
    manifest = _write(catalog, out, built, options, time.perf_counter() - started)
    return manifest


class _SampleValues:
    """Key values the first sample database holds, for key-filter questions (cached)."""

    def __init__(self, path: Path) -> None:
        from vgpt2.training.eval.sampledb import connect

        self.con = connect(path)
        self.cache: dict[tuple[str, str, str, int], list[object]] = {}

    def __call__(self, name: str, column: str, company: str, value: int) -> list[object]:
        import duckdb

        key = (name, column, company, value)
        if key not in self.cache:
            try:
                rows = self.con.execute(
                    f'SELECT DISTINCT "{column}" FROM dbo."{name}" WHERE "{company}" = ? '
                    f'AND "{column}" IS NOT NULL ORDER BY 1 LIMIT 5', [value]).fetchall()
            except duckdb.Error:
                rows = []
            self.cache[key] = [r[0] for r in rows]
        return self.cache[key]

    def close(self) -> None:
        self.con.close()


def _run_sft(catalog: Catalog, statements: list[SourceStatement], examples: list[Candidate],
             databases: Sequence[Path], target: int, options: BuildOptions, screen: _Screen,
             runner: _Runner, built: Built) -> None:
    """The user's pairs and described shop statements first, then generated candidates."""
    own = [*examples, *source_candidates(statements, catalog)]
    values = _SampleValues(databases[0]) if databases else None
    try:
        stream = itertools.chain(own, generate(catalog, options.seed, max(target * 3, 50),
                                               values=values))
        _check_sft(stream, target, options, screen, runner, built)
    finally:
        if values is not None:
            values.close()


def _check_sft(stream: Iterator[Candidate], target: int, options: BuildOptions,
               screen: _Screen, runner: _Runner, built: Built) -> None:
    """Checked ahead in the workers, consumed in candidate order: the result does not depend
    on timing (the stop point and what the screen keeps are decided by consumed results)."""
    generated = 0
    mark, kept = screen.mark(), 0
    results = runner.stream(_screened(stream, screen, sft=True))
    try:
        for consumed, (task, verdict) in enumerate(results):
            assert isinstance(task, Candidate | Rejected)
            kind = task.candidate.kind if isinstance(task, Rejected) else task.kind
            if generated >= target and kind == "generated":
                break
            if isinstance(task, Candidate):
                built.checked += 1
                kept += 1
            if isinstance(verdict, Accepted):
                built.sft.append(verdict)
                generated += verdict.candidate.kind == "generated"
            else:
                built.rejected.append(verdict)
            if options.progress is not None and consumed % PROGRESS_EVERY == 0:
                options.progress("SFT records", min(generated, target), target)
    finally:
        results.close()
    screen.rollback(mark, kept)
    if options.progress is not None:
        options.progress("SFT records", min(generated, target), target)


class _Nearest:
    """The nearest real objects of the refusals' invented names, computed ahead in the
    workers (the did-you-mean behind each takes tens of milliseconds), in the order the
    refusals ask for them; the same answers :func:`closest_objects` gives in-process."""

    def __init__(self, catalog: Catalog, seed: int, runner: _Runner) -> None:
        self.catalog = catalog
        self.names = invented_names(catalog, seed)
        self.runner = runner
        self.found: dict[str, list[str]] = {}

    def __call__(self, name: str) -> list[str]:
        while name not in self.found:
            batch = list(itertools.islice(self.names, NEAREST_AHEAD))
            if not batch:
                return closest_objects(self.catalog, name)
            tasks: list[Task] = [("nearest", n) for n in batch]
            self.found.update(zip(batch, self.runner.map(tasks), strict=True))
        return self.found[name]


def _run_refusals(catalog: Catalog, options: BuildOptions, screen: _Screen, runner: _Runner,
                  built: Built) -> None:
    """Checked until ``wanted`` of each kind are accepted (not every candidate made)."""
    wanted = max(2, round(len(built.sft) * REFUSAL_SHARE))
    nearest = _Nearest(catalog, options.seed, runner)
    makers = (("refusals", refusal_candidates(catalog, options.seed, wanted * 2, nearest),
               built.refusals),
              ("exists answers", exists_candidates(catalog, options.seed, wanted * 2),
               built.exists))
    for what, candidates, bucket in makers:
        mark, kept = screen.mark(), 0
        results = runner.stream(_screened(candidates, screen))
        try:
            for task, verdict in results:
                kept += isinstance(task, Candidate)
                if isinstance(verdict, Accepted):
                    bucket.append(verdict)
                else:
                    built.rejected.append(verdict)
                if options.progress is not None:
                    options.progress(what, len(bucket), wanted)
                if len(bucket) >= wanted:
                    break
        finally:
            results.close()
        screen.rollback(mark, kept)
    balanced = min(len(built.refusals), len(built.exists))
    built.refusals, built.exists = built.refusals[:balanced], built.exists[:balanced]


def _run_fim(catalog: Catalog, statements: list[SourceStatement], options: BuildOptions,
             runner: _Runner, built: Built) -> None:
    eval_split = {id(a): in_eval(a.candidate, options.seed) for a in built.sft}
    for index, accepted in enumerate(built.sft):
        if accepted.sql is None or index % FIM_EVERY:
            continue
        cuts = cut_points(accepted.sql)
        if not cuts:
            continue
        cut = cuts[stable_hash(options.seed, "fim", index) % len(cuts)]
        built.fim.append(_fim_record(catalog, accepted.sql, cut, list(accepted.candidate.objects),
                                     "gold", accepted.candidate.template,
                                     "eval" if eval_split[id(accepted)] else "train"))
    tasks = [("statement", s.sql) for s in statements]
    for statement, (sql, fixes, findings, objects) in zip(statements, runner.map(tasks),
                                                         strict=True):
        origin = f"{statement.path}:{statement.line}"
        if findings:
            built.statements_rejected.append({"origin": origin, "fixes": fixes,
                                              "findings": findings})
            continue
        cuts = cut_points(sql)
        step = max(1, len(cuts) // FIM_CUTS_PER_STATEMENT)
        split = "eval" if stable_hash(options.seed, "fim-split", origin) % 100 < EVAL_PERCENT \
            else "train"
        for cut in cuts[::step][:FIM_CUTS_PER_STATEMENT]:
            record = _fim_record(catalog, sql, cut, objects, "source", origin, split)
            record["meta"]["fixes"] = fixes
            built.fim.append(record)


def _fim_record(catalog: Catalog, sql: str, cut: Any, objects: list[str], kind: str,
                origin: str, split: str) -> dict[str, Any]:
    prefix, middle, suffix = cut.split(sql)
    return {"prompt": fim_prompt(prefix, suffix, schema_header(catalog, objects)),
            "completion": middle, "split": split,
            "meta": {"kind": kind, "cut": cut.what, "origin": origin, "objects": objects}}


def _choose_dpo(built: Built, seed: int) -> None:
    """Balanced over the kinds: each gold gives the kind that is furthest behind."""
    per_kind = max(1, math.ceil(len(built.sft) * DPO_SHARE / len(DPO_KINDS)))
    counts: Counter[str] = Counter()
    for accepted in built.sft:
        if not accepted.mistakes:
            continue
        options = sorted(accepted.mistakes, key=lambda m: (counts[m.kind], not m.only,
                                                           DPO_KINDS.index(m.kind)))
        mistake = options[0]
        if counts[mistake.kind] >= per_kind:
            continue
        counts[mistake.kind] += 1
        split = "eval" if in_eval(accepted.candidate, seed) else "train"
        built.dpo.append({
            "prompt": accepted.prompt,
            "chosen": [{"role": "assistant", "content": accepted.answer}],
            "rejected": [{"role": "assistant", "content": _answer(mistake.sql)}],
            "split": split,
            "meta": {**accepted.meta(), "mistake": mistake.kind, "evidence": mistake.evidence,
                     "only_finding": mistake.only}})


def _answer(sql: str) -> str:
    return load_template().example_assistant.format(sql=sql.strip()).strip()


def kto_weights(desirable: int, undesirable: int) -> dict[str, float]:
    """Weights for TRL's KTO so that (w_d * desirable) / (w_u * undesirable) is in 1 .. 4/3."""
    if not desirable or not undesirable:
        raise DatasetError("KTO needs both labels (desirable and undesirable records)")
    weight = round(KTO_TARGET_RATIO * undesirable / desirable, 3)
    return {"desirable_weight": weight, "undesirable_weight": 1.0,
            "weighted_ratio": round(weight * desirable / undesirable, 3)}


def _choose_kto(built: Built) -> None:
    """Undesirable: every DPO rejected side; desirable: their chosen sides and the refusals and
    exists answers (so the model learns both to refuse and not to deny real tables)."""
    for pair in built.dpo:
        built.kto.append({"prompt": pair["prompt"], "completion": pair["chosen"], "label": True,
                          "split": pair["split"], "meta": pair["meta"]})
        built.kto.append({"prompt": pair["prompt"], "completion": pair["rejected"],
                          "label": False, "split": pair["split"], "meta": pair["meta"]})
    for accepted in [*built.refusals, *built.exists]:
        built.kto.append({"prompt": accepted.prompt,
                          "completion": [{"role": "assistant", "content": accepted.answer}],
                          "label": True, "split": "train", "meta": accepted.meta()})
    desirable = sum(r["label"] for r in built.kto)
    built.kto_weights = kto_weights(desirable, len(built.kto) - desirable)


# -- the final gates ------------------------------------------------------------------------


def verify(built: Built, eval_questions: Sequence[Question]) -> None:
    """Every gate again on the final sets; raises :class:`DatasetError` naming the first failure."""
    golds = [a for a in built.sft if a.sql is not None]
    if not built.sft:
        raise DatasetError("no SFT record passed the gates")
    for accepted in golds:
        if accepted.rows < 1:
            raise DatasetError(f"gold without rows: {accepted.candidate.question!r}")
    answers = [normalize_sql(a.sql) if a.sql else a.answer for a in
               [*built.sft, *built.refusals, *built.exists]]
    share = len(set(answers)) / len(answers)
    if share < MIN_DISTINCT_ANSWERS:
        raise DatasetError(f"only {share:.1%} of the records have distinct answers "
                           f"(at least {MIN_DISTINCT_ANSWERS:.0%} required)")
    questions = [normalize_question(a.candidate.question)
                 for a in [*built.sft, *built.refusals, *built.exists]]
    if len(set(questions)) != len(questions):
        raise DatasetError("a question occurs twice")
    index = EvalIndex([q.question for q in eval_questions])
    for accepted in [*built.sft, *built.refusals, *built.exists]:
        text = index.first_overlap(accepted.candidate.question)
        if text is not None:
            raise DatasetError(f"{accepted.candidate.question!r} overlaps the evaluation "
                               f"question {text!r}")
    if len(built.refusals) != len(built.exists):
        raise DatasetError("refusals and exists answers are not balanced")
    for pair in built.dpo:
        if not pair["meta"]["evidence"]:
            raise DatasetError("a DPO rejected side without its proven mistake")
    if built.kto and len({r["label"] for r in built.kto}) != 2:
        raise DatasetError("KTO records carry one label only")


# -- writing ----------------------------------------------------------------------------------


def _check_output(out: Path) -> None:
    if out.is_symlink():
        raise DatasetError(f"{out}: is a symbolic link; give a real folder")
    if out.exists():
        if not out.is_dir():
            raise DatasetError(f"{out}: exists and is not a folder")
        if any(out.iterdir()) and not (out / MANIFEST).is_file():
            raise DatasetError(f"{out}: folder is not empty and holds no dataset build; give "
                               "an empty or new folder")


def _sft_record(accepted: Accepted, split: str) -> dict[str, Any]:
    return {"messages": [*accepted.prompt, {"role": "assistant", "content": accepted.answer}],
            "split": split, "meta": accepted.meta()}


def _files(built: Built, seed: int) -> dict[str, list[dict[str, Any]]]:
    files: dict[str, list[dict[str, Any]]] = {}
    sft = [(a, "eval" if in_eval(a.candidate, seed) else "train")
           for a in [*built.sft, *built.refusals, *built.exists]]
    built.eval_objects = {o for a, s in sft if s == "eval" for o in a.candidate.objects
                          if _object_held_out(o, seed)}
    built.eval_templates = {a.candidate.template for a, s in sft if s == "eval"
                            and _template_held_out(a.candidate.template, seed)}
    for kind, records in (("sft", [_sft_record(a, s) for a, s in sft]), ("fim", built.fim),
                          ("dpo", built.dpo), ("kto", built.kto)):
        for split in ("train", "eval"):
            files[f"{kind}.{split}.jsonl"] = [r for r in records if r["split"] == split]
    files["rejected.jsonl"] = (
        [{"gate": r.gate, "reason": r.reason, "kind": r.candidate.kind,
          "question": r.candidate.question, "sql": r.candidate.sql, "origin": r.candidate.origin}
         for r in built.rejected]
        + [{"gate": "analyzer", "reason": "; ".join(s["findings"]), "kind": "source statement",
            "origin": s["origin"], "fixes": s["fixes"]} for s in built.statements_rejected])
    return files


def _write(catalog: Catalog, out: Path, built: Built, options: BuildOptions,
           seconds: float) -> dict[str, Any]:
    from vgpt2.training.dataset.card import render_card

    files = _files(built, options.seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    try:
        hashes: dict[str, str] = {}
        for name, records in files.items():
            data = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n"
                           for r in records).encode("utf-8")
            (scratch / name).write_bytes(data)
            hashes[name] = hashlib.sha256(data).hexdigest()
        manifest = _manifest(catalog, built, options, files, hashes, seconds)
        (scratch / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n",
                                        encoding="utf-8")
        (scratch / CARD).write_text(render_card(manifest, built, options.seed),
                                    encoding="utf-8")
        swap_in(scratch, out)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return manifest


def _manifest(catalog: Catalog, built: Built, options: BuildOptions,
              files: dict[str, list[dict[str, Any]]], hashes: dict[str, str],
              seconds: float) -> dict[str, Any]:
    gates = Counter(r.gate for r in built.rejected)
    gates["analyzer (shop statements)"] = len(built.statements_rejected)
    return {
        "format": FORMAT,
        "seed": options.seed,
        "limit": options.limit,
        "catalog": {"path": str(catalog.path) if catalog.path else "(in memory)",
                    "fingerprint": catalog.meta.get("fingerprint", "")},
        "prompt_version": load_template().version,
        "prompt_settings": asdict(options.prompt),
        "fim_version": FIM_VERSION,
        "eval_questions": {"file": options.eval_file, "count": len(options.eval_questions),
                           "sha256": hashlib.sha256("\n".join(
                               q.question for q in options.eval_questions).encode()).hexdigest()},
        "counts": {name: len(records) for name, records in files.items()},
        "sft": {"generated": sum(a.candidate.kind == "generated" for a in built.sft),
                "source": sum(a.candidate.kind == "source" for a in built.sft),
                "example": sum(a.candidate.kind == "example" for a in built.sft),
                "refusal": len(built.refusals), "exists": len(built.exists)},
        "dpo_mix": dict(sorted(Counter(p["meta"]["mistake"] for p in built.dpo).items())),
        "kto": {"desirable": sum(r["label"] for r in built.kto),
                "undesirable": sum(not r["label"] for r in built.kto), **built.kto_weights},
        "rejected": dict(sorted(gates.items())),
        "candidates_checked": built.checked,
        "hashes": hashes,
        "seconds": round(seconds, 1),
        "workers": options.workers,
    }


