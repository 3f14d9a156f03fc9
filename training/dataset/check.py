"""The per-record gates: prompt as the server builds it, gold analyzed and executed, DPO verified.

One :class:`Checker` per process (it holds the catalog and read-only
connections to the sample databases); :func:`Checker.check` turns a candidate
into an accepted record or a rejection that names the gate. The prompt comes
from the engine's own :func:`~vgpt2.server.generation.engine.prepare` (link ->
join tree -> schema context -> :func:`~vgpt2.server.generation.prompt.build_messages`),
exactly what ``generate()`` sends for that question, and the gold must read only
objects and columns that prompt shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.analyzer import analyze
from vgpt2.server.analysis.fixing import fix_text
from vgpt2.server.generation.backends.base import GenerationOptions
from vgpt2.server.generation.engine import GenerationRequest, prepare
from vgpt2.server.generation.prompt import load_template
from vgpt2.server.generation.result import STAGES, GenerationResult
from vgpt2.training.dataset.mistakes import MUTATIONS
from vgpt2.training.dataset.records import (
    DPO_CODES,
    DPO_KINDS,
    Accepted,
    Candidate,
    Mistake,
    Rejected,
    Verdict,
)
from vgpt2.training.dataset.templates import stable_hash
from vgpt2.training.eval.score import Databases
from vgpt2.training.eval.transpile import NotExecutable, run, transpile

GATES = ("prompt", "analyzer", "executes", "rows", "refusal", "dpo", "duplicate",
         "distinct-answers", "eval-overlap")
"""Every gate a record can fail, in the order the card lists them."""
QUERY_TIMEOUT = 5.0
MAX_ROWS = 100_000
MISTAKES_PER_GOLD = 2
RARE_KINDS = frozenset({"mid-month", "half-join"})


def read_objects(catalog: Catalog, sql: str) -> tuple[str, ...]:
    """The catalog tables and views a query reads, as preferred (view) names."""
    from vgpt2.server.generation.link import surrounding_objects

    return tuple(surrounding_objects(catalog, sql))


def answer_text(sql: str) -> str:
    """The assistant message for a gold query: the prompt version's own answer format."""
    return load_template().example_assistant.format(sql=sql.strip()).strip()


def prompt_blocks(user_message: str) -> dict[str, str]:
    """Object name -> its block in the prompt's schema (``## APTH (view, ...)`` ...)."""
    blocks: dict[str, str] = {}
    for part in re.split(r"\n(?=## )", "\n" + user_message):
        match = re.match(r"## ([^\s(]+)", part)
        if match:
            blocks[match.group(1)] = part.split("\nJoin conditions:")[0]
    return blocks


@dataclass(frozen=True, slots=True)
class PromptSettings:
    """The model settings the server will answer with (``[model]`` num_ctx, max_tokens,
    repair_rounds in vgpt2.toml): they size the schema context, so a dataset built for a
    smaller context (Ollama's 2048, a tiny CPU model) has that server's prompts. The
    defaults are the engine's own."""

    num_ctx: int = GenerationOptions().num_ctx
    max_tokens: int = GenerationOptions().max_tokens
    repair_rounds: int = GenerationRequest("").repair_rounds

    def request(self, question: str) -> GenerationRequest:
        return GenerationRequest(question, options=GenerationOptions(
            num_ctx=self.num_ctx, max_tokens=self.max_tokens), repair_rounds=self.repair_rounds)


Rows = list[list[tuple[object, ...]]]
"""Each sample database's rows of one query, sorted."""
GoldRows = Rows | Callable[[], Rows]


class _EveryDatabase:
    """The gold's rows on every sample database, run only when a mistake is proven by
    execution (a wrong company without findings), not for every gold that gets DPO
    mistakes tried: most mistakes are proven by their finding alone."""

    def __init__(self, checker: Checker, sql: str, trusted: bool) -> None:
        self.checker, self.sql, self.trusted = checker, sql, trusted
        self.rows: Rows | None = None

    def __call__(self) -> Rows:
        if self.rows is None:
            self.rows = self.checker.execute(self.sql, every=True, trusted=self.trusted)[1]
        return self.rows


class Checker:
    def __init__(self, catalog: Catalog, databases: Sequence[Path],
                 settings: PromptSettings | None = None) -> None:
        self.catalog = catalog
        self.settings = settings or PromptSettings()
        self.databases = Databases(databases)
        for con in self.databases.connections:
            # one thread per query: the sample tables are tiny, and the builder already runs
            # one checking process per core
            con.execute("SET threads = 1")

    def close(self) -> None:
        self.databases.close()

    def prompt(self, question: str) -> tuple[list[dict[str, str]], tuple[str, ...], list[str]]:
        """Messages, objects with a block, and named objects the catalog lacks."""
        result = GenerationResult(sql=None, refused=False, message="", backend="dataset",
                                  model=None, prompt_version="",
                                  timings_ms=dict.fromkeys(STAGES, 0.0))
        prepared = prepare(self.settings.request(question), self.catalog, result)
        messages = [{"role": m.role, "content": m.content} for m in prepared.prompt.messages]
        return messages, tuple(prepared.prompt.context.objects), prepared.missing

    def check(self, candidate: Candidate) -> Verdict:
        messages, shown, missing = self.prompt(candidate.question)
        if candidate.sql is None:
            return self._refusal(candidate, messages, shown, missing)
        sql, fixes = candidate.sql, 0
        if candidate.kind in ("source", "example"):
            fixed = fix_text(sql, self.catalog)
            sql, fixes, findings = fixed.text, fixed.applied, fixed.remaining
        else:
            findings = analyze(sql, self.catalog)
        if findings:
            first = findings[0]
            return Rejected(candidate, "analyzer", f"{first.code} {first.message}"
                            + (f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""))
        if candidate.kind in ("source", "example"):
            candidate = replace(candidate, objects=read_objects(self.catalog, sql))
        problem = self._shown(candidate, messages, shown)
        if problem:
            return Rejected(candidate, "prompt", problem)
        trusted = candidate.kind in ("generated", "exists")
        try:
            rows, _ = self.execute(sql, trusted=trusted)
        except NotExecutable as error:
            return Rejected(candidate, "executes", str(error))
        if not rows:
            return Rejected(candidate, "rows", "returns no rows on any sample database")
        accepted = Accepted(candidate, messages, answer_text(sql), sql, fixes, rows,
                            prompt_objects=shown)
        if candidate.dpo:
            accepted.mistakes = self.mistakes(candidate, sql, _EveryDatabase(self, sql, trusted))
        return accepted

    def _shown(self, candidate: Candidate, messages: list[dict[str, str]],
               shown: tuple[str, ...]) -> str | None:
        """Why the gold reads something the prompt does not show (None: all shown)."""
        absent = [o for o in candidate.objects if o not in shown]
        if absent:
            return "the prompt the server builds does not show " + ", ".join(absent)
        blocks = prompt_blocks(messages[-1]["content"])
        for name, column in candidate.columns:
            block = blocks.get(name, "")
            if not re.search(rf"(?<![\w]){re.escape(column)}(?![\w])", block):
                return f"the prompt does not show column {name}.{column}"
        return None

    def execute(self, sql: str, *, every: bool = False, trusted: bool = False
                ) -> tuple[int, list[list[tuple[object, ...]]]]:
        """Rows on the first database that has any (and, with ``every``, each database's rows).

        ``trusted``: a query of our own templates (a few joins over small sample tables)
        runs without the timeout thread, which costs more than such a query itself.
        """
        query = transpile(sql, self.catalog)
        first = 0
        results: list[list[tuple[object, ...]]] = []
        for con in self.databases.connections:
            if trusted:
                try:
                    rows = con.execute(query.sql).fetchmany(MAX_ROWS)
                except duckdb.Error as error:
                    raise NotExecutable(f"DuckDB: {str(error).splitlines()[0][:300]}") from None
            else:
                rows = run(con, query.sql, QUERY_TIMEOUT).rows
            results.append(sorted(rows, key=repr))
            if rows and not first:
                first = len(rows)
                if not every:
                    break
        return first, results

    def mistakes(self, candidate: Candidate, sql: str, gold: GoldRows) -> list[Mistake]:
        """Up to :data:`MISTAKES_PER_GOLD` proven mistakes, trying the kinds in an order that
        rotates from gold to gold (so every kind gets its share of attempts)."""
        found: list[Mistake] = []
        start = stable_hash("dpo", candidate.number) % len(DPO_KINDS)
        rotated = [*DPO_KINDS[start:], *DPO_KINDS[:start]]
        # the kinds few golds allow (a Mth literal, a multi-column join) go first
        for kind in sorted(rotated, key=lambda k: k not in RARE_KINDS):
            rejected = MUTATIONS[kind](self.catalog, candidate, sql)
            if rejected is None or rejected == sql:
                continue
            mistake = self.verify(kind, rejected, gold)
            if mistake is not None:
                found.append(mistake)
                if len(found) >= MISTAKES_PER_GOLD:
                    break
        return found

    def verify(self, kind: str, rejected: str, gold: GoldRows | None) -> Mistake | None:
        """The mistake when the rejected side really has it (analyzer, or execution)."""
        findings = analyze(rejected, self.catalog)
        codes = {f.code for f in findings}
        claimed = DPO_CODES[kind]
        if claimed in codes:
            finding = next(f for f in findings if f.code == claimed)
            return Mistake(kind, rejected, f"{finding.code} {finding.message}",
                           only=codes == {claimed})
        if kind == "wrong-company" and not codes and gold is not None:
            try:
                expected = gold() if callable(gold) else gold
                _, results = self.execute(rejected, every=True)
            except NotExecutable:
                return None
            if results != expected:
                return Mistake(kind, rejected, "executes without findings but returns other "
                               "rows than the gold on a sample database", only=True)
        return None

    def _exists(self, name: str) -> bool:
        """``APTH`` or ``APTH.Column``: whether the catalog has it."""
        if "." in name:
            obj, column = name.split(".", 1)
            return any(c.name.lower() == column.lower() for c in self.catalog.columns(obj))
        return bool(self.catalog.lookup(name))

    def _refusal(self, candidate: Candidate, messages: list[dict[str, str]],
                 shown: tuple[str, ...], missing: list[str]) -> Verdict:
        real = [o for o in candidate.objects if self._exists(o)]
        if real:
            return Rejected(candidate, "refusal", "names a real object: " + ", ".join(real))
        answer = candidate.answer or ""
        if not answer.startswith("-- cannot answer:"):
            return Rejected(candidate, "refusal", "the answer is not a refusal")
        nearest = re.findall(r"\b([A-Za-z][A-Za-z0-9_]+)\b", answer.split("closest", 1)[-1])
        named = [n for n in nearest if self.catalog.header(n)]
        if not named:
            return Rejected(candidate, "refusal", "names no real object to use instead")
        return Accepted(candidate, messages, answer, None, prompt_objects=shown)
