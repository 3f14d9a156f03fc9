"""The question set that ships with vgpt2 passes its own checks, so it runs with zero setup."""

from __future__ import annotations

from collections import Counter

from vgpt2.catalog.catalog import Catalog
from vgpt2.training.eval.goldcheck import gold_problems
from vgpt2.training.eval.questions import TAGS, Prediction, Question
from vgpt2.training.eval.runner import evaluate
from vgpt2.training.eval.sampledb import BuildSummary


def test_the_set_is_big_and_broad(shipped: list[Question]) -> None:
    answerable = [q for q in shipped if q.answerable]
    probes = [q for q in shipped if q.refuse]
    assert len(answerable) >= 150
    assert len(probes) >= 25
    modules = Counter(q.module for q in answerable)
    assert len(modules) >= 10 and all(count >= 5 for count in modules.values()), modules
    tags = Counter(t for q in answerable for t in q.tags)
    assert all(tags[tag] >= 5 for tag in TAGS), tags
    assert tags["odd name"] >= 10  # real objects whose names look invented, against the probes
    assert len({q.question for q in shipped}) == len(shipped)


def test_every_gold_query_is_clean_runs_and_returns_rows(
        shipped: list[Question], sample_catalog: Catalog, sample_dbs: BuildSummary) -> None:
    assert gold_problems(shipped, sample_catalog, sample_dbs.databases) == []


def test_probes_name_objects_vista_does_not_have(shipped: list[Question],
                                                 sample_catalog: Catalog) -> None:
    import re

    for probe in (q for q in shipped if q.refuse):
        names = re.findall(r"\b[A-Za-z][A-Za-z0-9_]*[A-Z][A-Za-z0-9_]*\b", probe.question)
        assert any(not sample_catalog.lookup(name) for name in names), probe.id


def test_gold_as_predictions_scores_everything_right(
        shipped: list[Question], sample_catalog: Catalog, sample_dbs: BuildSummary) -> None:
    predictions = {q.id: Prediction(q.id, q.sql, refused=q.refuse, suggestions=q.nearest)
                   for q in shipped}
    run = evaluate(shipped, predictions, sample_catalog, sample_dbs.databases)
    wrong = [(c.id, c.reason) for c in run.cases if not c.correct]
    assert wrong == []
    assert run.summary["execution_accuracy"] == 1.0
    assert run.summary["refusal_precision"] == 1.0 and run.summary["refusal_recall"] == 1.0
    assert run.summary["nolock_compliance"] == 1.0
