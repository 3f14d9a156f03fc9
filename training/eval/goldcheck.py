"""The checks every gold query of a question set must pass, so the set runs with zero setup.

Each gold query has no analyzer finding on the catalog (views, NOLOCK, whole
keys, exact case), runs on the sample databases, and returns rows on at least
one of them (a query that is empty everywhere cannot tell a right answer from
a wrong one). Refusal probes must name objects the catalog does not have, and
their ``nearest`` objects must exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from vgpt2.catalog.catalog import Catalog
from vgpt2.training.eval.questions import Question
from vgpt2.training.eval.score import Databases
from vgpt2.training.eval.transpile import NotExecutable, run, transpile


def gold_problems(questions: Sequence[Question], catalog: Catalog,
                  databases: Sequence[Path]) -> list[str]:
    """One line per problem (empty: the set is sound)."""
    from vgpt2.server.analysis.analyzer import analyze

    problems: list[str] = []
    with Databases(databases) as opened:
        for question in questions:
            if question.refuse:
                problems += [f"{question.id}: nearest object {name} is not in the catalog"
                             for name in question.nearest if name not in catalog]
                continue
            sql = question.sql or ""
            findings = analyze(sql, catalog)
            problems += [f"{question.id}: {f.code} {f.message}" for f in findings]
            try:
                query = transpile(sql, catalog)
                counts = [len(run(con, query.sql).rows) for con in opened.connections]
            except NotExecutable as error:
                problems.append(f"{question.id}: not executable: {error}")
                continue
            if not any(counts):
                problems.append(f"{question.id}: empty on every sample database")
    return problems
