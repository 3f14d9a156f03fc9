"""Execution scoring: a prediction is right when it returns the gold rows on every database.

Rows are compared as multisets (row order only when the gold has ORDER BY, and
then rows that tie on the gold's ORDER BY keys may come in any order), columns
in any order (matched by their values, names ignored), numbers within a small
tolerance, NULLs equal to NULLs, trailing blanks ignored (SQL Server pads
``char``). A query that cannot be translated or run is "not executable": its
own class, never right, never silently dropped. A refusal probe is right when
refused and naming one of the nearest real objects (when the probe lists any);
an answerable question refused is wrong.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import duckdb
from vgpt2.catalog.catalog import Catalog
from vgpt2.training.eval.questions import Prediction, Question
from vgpt2.training.eval.sampledb import connect
from vgpt2.training.eval.transpile import (
    DEFAULT_TIMEOUT,
    NotExecutable,
    QueryResult,
    Transpiled,
    parses,
    run,
    transpile,
)

TOLERANCE_DIGITS = 4
"""Numbers are compared after rounding to this many decimal places."""
_MAX_ASSIGNMENTS = 5000


class Outcome(StrEnum):
    CORRECT = "correct"
    WRONG = "wrong"
    NOT_EXECUTABLE = "not_executable"
    REFUSED = "refused"
    """An answerable question refused (wrong)."""
    ANSWERED = "answered"
    """A refusal probe answered with SQL (wrong)."""
    MISSING = "missing"
    """No prediction for the question (wrong)."""
    GOLD_ERROR = "gold_error"
    """The gold query itself failed: a broken question set, reported, never scored right."""


@dataclass(slots=True)
class Case:
    id: str
    question: str
    module: str
    tags: list[str]
    kind: str
    """``answerable`` or ``refusal``."""
    correct: bool
    outcome: Outcome
    reason: str
    gold_sql: str | None
    predicted_sql: str | None
    raw_sql: str | None = None
    raw_reply: str | None = None
    refused: bool = False
    message: str = ""
    nolock: bool | None = None
    parses: bool | None = None
    unknown_names: bool | None = None
    unknown_names_raw: bool | None = None
    repairs: int = 0
    latency_ms: float | None = None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "correct": self.correct, "reason": self.reason,
                "outcome": str(self.outcome), "kind": self.kind, "module": self.module,
                "tags": list(self.tags), "question": self.question, "gold_sql": self.gold_sql,
                "predicted_sql": self.predicted_sql, "raw_sql": self.raw_sql,
                "raw_reply": self.raw_reply,
                "refused": self.refused, "message": self.message, "nolock": self.nolock,
                "parses": self.parses, "unknown_names": self.unknown_names,
                "unknown_names_raw": self.unknown_names_raw, "repairs": self.repairs,
                "latency_ms": self.latency_ms}


# -- values ---------------------------------------------------------------------------------


def normalize(value: Any) -> Any:
    """One comparable form per value: numbers rounded, dates as datetimes, text unpadded."""
    if value is None:
        return None
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float | Decimal):
        number = round(float(value), TOLERANCE_DIGITS)
        return 0.0 if number == 0 else number
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        return value.rstrip(" ")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _key(value: Any) -> tuple[int, str]:
    """A total order over mixed values (None first), for sorting signatures."""
    return (0, "") if value is None else (1, f"{type(value).__name__}:{value!r}")


@dataclass(slots=True)
class Table:
    """A result set, normalised, with the gold's ORDER BY blocks when order matters."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    blocks: list[int] | None = None
    """Sizes of consecutive runs of rows that tie on the ORDER BY keys (None: unordered)."""


def as_table(result: QueryResult, extra: int = 0, ordered: bool = False) -> Table:
    rows = [tuple(normalize(v) for v in row) for row in result.rows]
    columns = result.columns[:len(result.columns) - extra] if extra else list(result.columns)
    blocks: list[int] | None = None
    if ordered:
        if extra:
            keys = [row[len(columns):] for row in rows]
            blocks = []
            for index, key in enumerate(keys):
                if index and key == keys[index - 1]:
                    blocks[-1] += 1
                else:
                    blocks.append(1)
            rows = [row[:len(columns)] for row in rows]
        else:
            blocks = [1] * len(rows)
    return Table(columns, rows, blocks)


def compare(gold: Table, predicted: Table) -> str | None:
    """None when equal; otherwise what differs, in words."""
    width = len(gold.columns)
    if len(predicted.columns) != width:
        return (f"returns {len(predicted.columns)} column(s), the gold query "
                f"{width} ({', '.join(gold.columns)})")
    if len(predicted.rows) != len(gold.rows):
        return f"returns {len(predicted.rows)} row(s), the gold query {len(gold.rows)}"
    if not gold.rows:
        return None
    gold_columns = [Counter(row[i] for row in gold.rows) for i in range(width)]
    predicted_columns = [Counter(row[j] for row in predicted.rows) for j in range(width)]
    candidates = [[i for i in range(width) if predicted_columns[j] == gold_columns[i]]
                  for j in range(width)]
    for j, options in enumerate(candidates):
        if not options:
            return (f"the values of column {predicted.columns[j]!r} match no column of the "
                    "gold result")
    gold_rows = Counter(gold.rows)
    tried = 0
    for assignment in _assignments(candidates):
        tried += 1
        if tried > _MAX_ASSIGNMENTS:
            break
        order = sorted(range(width), key=lambda j: assignment[j])
        rows = [tuple(row[j] for j in order) for row in predicted.rows]
        if Counter(rows) != gold_rows:
            continue
        if gold.blocks is None or _in_order(gold, rows):
            return None
        return "the rows are right but in another order (the gold query has ORDER BY)"
    return "the rows differ (same shape, other values in combination)"


def _assignments(candidates: list[list[int]]) -> Iterator[list[int]]:
    """Ways of giving each predicted column a distinct gold column it could be."""
    chosen: list[int] = []
    used: set[int] = set()

    def walk(j: int) -> Iterator[list[int]]:
        if j == len(candidates):
            yield list(chosen)
            return
        for i in candidates[j]:
            if i not in used:
                used.add(i)
                chosen.append(i)
                yield from walk(j + 1)
                chosen.pop()
                used.discard(i)

    return walk(0)


def _in_order(gold: Table, rows: list[tuple[Any, ...]]) -> bool:
    start = 0
    for size in gold.blocks or []:
        if Counter(rows[start:start + size]) != Counter(gold.rows[start:start + size]):
            return False
        start += size
    return True


# -- databases ------------------------------------------------------------------------------


class Databases:
    """Read-only connections to the sample databases, one per file."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)
        self.connections: list[duckdb.DuckDBPyConnection] = []
        try:
            for path in self.paths:
                self.connections.append(connect(path))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        for con in self.connections:
            con.close()
        self.connections = []

    def __enter__(self) -> Databases:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


@dataclass(slots=True)
class Gold:
    tables: list[Table] = field(default_factory=list)
    error: str | None = None


class Scorer:
    """Scores predictions against gold results, running each gold query once per database."""

    def __init__(self, catalog: Catalog, databases: Databases,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.catalog = catalog
        self.databases = databases
        self.timeout = timeout
        self._gold: dict[str, Gold] = {}

    def gold(self, question: Question) -> Gold:
        cached = self._gold.get(question.id)
        if cached is not None:
            return cached
        gold = Gold()
        try:
            query = transpile(question.sql or "", self.catalog)
            keyed = _with_order_keys(query)
            for con in self.databases.connections:
                try:
                    result = run(con, keyed.sql if keyed else query.sql, self.timeout)
                    extra = len(query.order_keys) if keyed else 0
                except NotExecutable:
                    if keyed is None:
                        raise
                    keyed = None
                    result, extra = run(con, query.sql, self.timeout), 0
                gold.tables.append(as_table(result, extra, query.ordered))
        except NotExecutable as error:
            gold.error = str(error)
        self._gold[question.id] = gold
        return gold

    def execute(self, sql: str) -> tuple[Transpiled, list[Table]]:
        query = transpile(sql, self.catalog)
        return query, [as_table(run(con, query.sql, self.timeout))
                       for con in self.databases.connections]

    def score(self, question: Question, prediction: Prediction | None) -> Case:
        case = Case(id=question.id, question=question.question, module=question.module,
                    tags=list(question.tags),
                    kind="refusal" if question.refuse else "answerable", correct=False,
                    outcome=Outcome.WRONG, reason="", gold_sql=question.sql,
                    predicted_sql=prediction.sql if prediction else None)
        if prediction is None:
            case.outcome, case.reason = Outcome.MISSING, "no prediction for this question"
            return case
        case.raw_sql = prediction.raw_sql
        case.raw_reply = prediction.raw_reply
        case.refused = prediction.refused
        case.message = prediction.message
        case.repairs = prediction.repairs
        case.latency_ms = prediction.latency_ms
        self._names(case, prediction)
        if question.refuse:
            return _score_refusal(case, question, prediction)
        if prediction.refused:
            case.outcome, case.reason = Outcome.REFUSED, "refused an answerable question"
            return case
        if not prediction.sql or not prediction.sql.strip():
            case.reason = "no SQL"
            return case
        gold = self.gold(question)
        if gold.error is not None:
            case.outcome, case.reason = Outcome.GOLD_ERROR, f"the gold query fails: {gold.error}"
            return case
        try:
            query, tables = self.execute(prediction.sql)
        except NotExecutable as error:
            case.outcome, case.reason = Outcome.NOT_EXECUTABLE, f"not executable: {error}"
            return case
        case.nolock = query.nolock
        for number, (expected, got) in enumerate(zip(gold.tables, tables, strict=True), 1):
            difference = compare(expected, got)
            if difference is not None:
                case.reason = f"database {number}: {difference}"
                return case
        case.correct, case.outcome = True, Outcome.CORRECT
        case.reason = f"same result on all {len(tables)} database(s)"
        return case

    def _names(self, case: Case, prediction: Prediction) -> None:
        from vgpt2.server.analysis.analyzer import analyze

        def unknown(sql: str | None) -> bool | None:
            if not sql:
                return None
            return any(f.code in ("VG001", "VG002") for f in analyze(sql, self.catalog))

        case.parses = parses(prediction.sql) if prediction.sql else None
        case.unknown_names = unknown(prediction.sql)
        case.unknown_names_raw = (unknown(prediction.raw_sql) if prediction.raw_sql is not None
                                  else case.unknown_names)


def _with_order_keys(query: Transpiled) -> Transpiled | None:
    """The gold query with its ORDER BY expressions appended as columns (to find ties)."""
    if not query.ordered or not query.order_keys:
        return None
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    try:
        tree = sqlglot.parse_one(query.sql, read="duckdb")
    except SqlglotError:
        return None
    if not isinstance(tree, exp.Select):
        return None
    order = tree.args.get("order")
    if not isinstance(order, exp.Order):
        return None
    keyed = tree.copy()
    for index, ordered in enumerate(order.expressions):
        keyed = keyed.select(exp.alias_(ordered.this.copy(), f"__order_key_{index}"),
                             copy=False)
    return Transpiled(sql=keyed.sql(dialect="duckdb"), tables=query.tables,
                      without_nolock=query.without_nolock, ordered=True,
                      order_keys=query.order_keys)


def _score_refusal(case: Case, question: Question, prediction: Prediction) -> Case:
    if not prediction.refused:
        case.outcome = Outcome.ANSWERED
        case.reason = "answered a request about something Vista does not have"
        return case
    if not question.nearest:
        case.correct, case.outcome, case.reason = True, Outcome.CORRECT, "refused"
        return case
    named = set(prediction.suggestions) | set(_words(prediction.message))
    hits = [n for n in question.nearest if n in named]
    if hits:
        case.correct, case.outcome = True, Outcome.CORRECT
        case.reason = f"refused, naming {', '.join(hits)}"
    else:
        case.reason = (f"refused without naming any of the nearest real objects "
                       f"({', '.join(question.nearest)})")
    return case


def _words(text: str) -> list[str]:
    import re

    return re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)
