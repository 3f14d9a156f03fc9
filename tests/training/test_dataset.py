"""`vgpt2-train dataset` on the bundled sample catalog: every gate, the formats, the split."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.analyzer import analyze
from vgpt2.server.generation.fim import FIM_MIDDLE, FIM_PREFIX, FIM_SUFFIX, fim_prompt
from vgpt2.training.dataset import build as dataset_build
from vgpt2.training.dataset.build import (
    BuildOptions,
    Built,
    DatasetError,
    _object_held_out,
    _Screen,
    _template_held_out,
    build,
    kto_weights,
    verify,
)
from vgpt2.training.dataset.check import Checker, PromptSettings
from vgpt2.training.dataset.fimcuts import cut_points
from vgpt2.training.dataset.normalize import (
    PARAPHRASE_THRESHOLD,
    EvalIndex,
    normalize_question,
    overlap,
)
from vgpt2.training.dataset.records import DPO_CODES, DPO_KINDS, Accepted, Candidate, Rejected
from vgpt2.training.dataset.refusals import refusal_candidates
from vgpt2.training.eval.questions import Question, load_questions, shipped_questions_path
from vgpt2.training.eval.sampledb import build as build_samples

LIMIT = 160


@pytest.fixture(scope="module")
def databases(sample_catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return build_samples(sample_catalog, tmp_path_factory.mktemp("ds-db") / "db",
                         databases=2, seed=0).databases


@pytest.fixture(scope="module")
def checker(sample_catalog: Catalog, databases: list[Path]) -> Any:
    opened = Checker(sample_catalog, databases)
    yield opened
    opened.close()


def _shipped() -> list[Question]:
    path = shipped_questions_path()
    return load_questions(path) if path.is_file() else []


@pytest.fixture(scope="module")
def dataset(sample_catalog: Catalog, databases: list[Path],
            tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ds") / "out"
    build(sample_catalog, databases, BuildOptions(out=out, seed=0, limit=LIMIT,
                                                  eval_questions=_shipped()))
    return out


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _all(out: Path, kind: str) -> list[dict[str, Any]]:
    return _read(out / f"{kind}.train.jsonl") + _read(out / f"{kind}.eval.jsonl")


def _sql(answer: str) -> str:
    return answer.split("```sql\n", 1)[1].rsplit("```", 1)[0]


def test_every_file_card_and_manifest(dataset: Path) -> None:
    manifest = json.loads((dataset / "manifest.json").read_text())
    assert manifest["prompt_version"] == "v1" and manifest["seed"] == 0
    assert manifest["catalog"]["fingerprint"]
    assert manifest["sft"]["generated"] == LIMIT
    for name, count in manifest["counts"].items():
        assert len(_read(dataset / name)) == count, name
    card = (dataset / "card.md").read_text()
    assert "NOLOCK share of SELECT golds" in card and "(100.0%)" in card
    assert manifest["catalog"]["fingerprint"] in card
    assert not [p for p in dataset.parent.iterdir() if p.name.startswith(".")]


def test_sft_prompts_are_the_servers_and_golds_pass_every_gate(
        dataset: Path, sample_catalog: Catalog, checker: Checker) -> None:
    records = _all(dataset, "sft")
    for record in records[::7]:
        messages = record["messages"]
        question = messages[-2]["content"].rsplit("Question: ", 1)[1]
        prompt, _shown, _missing = checker.prompt(question)
        assert messages[:-1] == prompt  # exactly what generate() sends for that question
    golds = [r for r in records if r["meta"]["kind"] != "refusal"]
    assert golds
    for record in golds:
        sql = _sql(record["messages"][-1]["content"])
        assert analyze(sql, sample_catalog) == [], sql
        rows, _ = checker.execute(sql)
        assert rows > 0, sql
    answers = {r["messages"][-1]["content"] for r in records}
    assert len(answers) / len(records) >= 0.95
    patterns = {r["meta"]["pattern"] for r in records}
    assert {"single table", "join", "aggregate", "nested/EXISTS", "TOP/ORDER"} <= patterns


def test_refusals_balanced_with_real_objects_that_look_invented(
        dataset: Path, sample_catalog: Catalog) -> None:
    records = _all(dataset, "sft")
    refusals = [r for r in records if r["meta"]["kind"] == "refusal"]
    exists = [r for r in records if r["meta"]["kind"] == "exists"]
    assert refusals and len(refusals) == len(exists)
    for record in refusals:
        answer = record["messages"][-1]["content"]
        assert answer.startswith("-- cannot answer: ")
        named = answer.split("closest real objects: ", 1)[1]
        assert any(sample_catalog.header(n.strip(" ()").split(" ")[0])
                   for n in named.split(","))
    for record in exists:
        (name,) = record["meta"]["objects"]
        assert sample_catalog.header(name) is not None
        assert f"dbo.{name} " in record["messages"][-1]["content"]


def test_dpo_kinds_each_verified_by_the_analyzer(dataset: Path, sample_catalog: Catalog,
                                                 checker: Checker) -> None:
    pairs = _all(dataset, "dpo")
    kinds = {p["meta"]["mistake"] for p in pairs}
    assert kinds == set(DPO_KINDS)
    counts = [sum(p["meta"]["mistake"] == k for p in pairs) for k in DPO_KINDS]
    assert max(counts) - min(counts) <= max(2, max(counts) // 2)  # balanced
    for pair in pairs:
        chosen = _sql(pair["chosen"][0]["content"])
        rejected = _sql(pair["rejected"][0]["content"])
        assert analyze(chosen, sample_catalog) == []
        codes = {f.code for f in analyze(rejected, sample_catalog)}
        kind = pair["meta"]["mistake"]
        if codes:
            assert DPO_CODES[kind] in codes, (kind, codes)
        else:  # a company column the object has: proven by execution
            assert kind == "wrong-company"
            assert checker.execute(rejected, every=True)[1] != checker.execute(
                chosen, every=True)[1]
        assert len(rejected.splitlines()) == len(chosen.splitlines()) or kind == "half-join"


def test_kto_both_labels_and_weights(dataset: Path) -> None:
    manifest = json.loads((dataset / "manifest.json").read_text())
    records = _all(dataset, "kto")
    labels = [r["label"] for r in records]
    assert True in labels and False in labels
    kto = manifest["kto"]
    assert kto["desirable"] == labels.count(True) and kto["undesirable"] == labels.count(False)
    ratio = kto["desirable_weight"] * kto["desirable"] / (kto["undesirable_weight"]
                                                          * kto["undesirable"])
    assert 1.0 <= ratio <= 4 / 3
    with pytest.raises(DatasetError, match="both labels"):
        kto_weights(10, 0)


def test_fim_records_in_the_inline_completion_format(dataset: Path) -> None:
    records = _all(dataset, "fim")
    assert records
    for record in records:
        prompt = record["prompt"]
        assert prompt.startswith(FIM_PREFIX) and prompt.endswith(FIM_MIDDLE)
        prefix, suffix = prompt[len(FIM_PREFIX):-len(FIM_MIDDLE)].split(FIM_SUFFIX)
        assert record["completion"].strip()
        assert prompt == fim_prompt(prefix, suffix)  # header travels inside the prefix


def test_cut_points_are_statement_meaningful() -> None:
    sql = ("SELECT th.APTrans, th.InvTotal\nFROM dbo.APTH AS th WITH (NOLOCK)\n"
           "JOIN dbo.APTL AS tl WITH (NOLOCK)\n  ON tl.APCo = th.APCo\n AND tl.Mth = th.Mth\n"
           "WHERE th.APCo = @APCo -- the company, not 'FROM'\nORDER BY th.InvTotal DESC;\n")
    cuts = cut_points(sql)
    assert [c.what for c in cuts] == ["item", "FROM", "JOIN", "ON", "AND", "WHERE", "ORDER"]
    for cut in cuts:
        prefix, middle, suffix = cut.split(sql)
        assert prefix + middle + suffix == sql
        assert "\n" not in middle and middle == middle.strip()
        assert prefix == "" or not prefix[-1].isalnum()  # never inside a word
    assert cuts[0].split(sql)[1] == "th.InvTotal"
    assert cuts[3].split(sql)[1] == "ON tl.APCo = th.APCo"


def test_split_holds_out_objects_and_templates(dataset: Path) -> None:
    train, held = _read(dataset / "sft.train.jsonl"), _read(dataset / "sft.eval.jsonl")
    assert train and held
    for record in train:
        meta = record["meta"]
        assert not _template_held_out(meta["template"], 0)
        assert not any(_object_held_out(o, 0) for o in meta["objects"])
    for record in held:
        meta = record["meta"]
        assert _template_held_out(meta["template"], 0) or any(
            _object_held_out(o, 0) for o in meta["objects"])
    held_out = {o for r in held for o in r["meta"]["objects"] if _object_held_out(o, 0)}
    assert held_out and not held_out & {o for r in train for o in r["meta"]["objects"]}


def test_no_overlap_with_the_shipped_evaluation_set(dataset: Path) -> None:
    from vgpt2.training.dataset.normalize import normalize_sql

    shipped = _shipped()
    if not shipped:
        pytest.skip(f"no shipped evaluation set at {shipped_questions_path()}")
    golds = {normalize_sql(q.sql) for q in shipped if q.sql}
    for record in _all(dataset, "sft"):
        question = record["messages"][-2]["content"].rsplit("Question: ", 1)[1]
        for item in shipped:
            assert normalize_question(question) != normalize_question(item.question)
            assert overlap(question, item.question) <= 0.8, (question, item.question)
        if record["meta"]["kind"] != "refusal":
            assert normalize_sql(_sql(record["messages"][-1]["content"])) not in golds


def test_deterministic_per_seed(sample_catalog: Catalog, databases: list[Path],
                                tmp_path: Path) -> None:
    manifests = []
    for name, seed, workers in (("a", 3, 1), ("b", 3, 2), ("c", 4, 1)):
        # the same seed in one process or two worker processes: the same files
        build(sample_catalog, databases, BuildOptions(out=tmp_path / name, seed=seed, limit=30,
                                                      workers=workers))
        manifests.append(json.loads((tmp_path / name / "manifest.json").read_text()))
    assert manifests[0]["hashes"] == manifests[1]["hashes"]
    assert manifests[0]["hashes"]["sft.train.jsonl"] != manifests[2]["hashes"]["sft.train.jsonl"]


def test_cached_join_trees_give_the_same_files(sample_catalog: Catalog, databases: list[Path],
                                              tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The join-tree memo (server/generation/jointree.py) changes no byte of the dataset."""
    from vgpt2.server.generation import engine, jointree
    from vgpt2.training.dataset import templates

    options = {"seed": 7, "limit": 60, "eval_questions": _shipped()}
    build(sample_catalog, databases, BuildOptions(out=tmp_path / "cached", **options))
    monkeypatch.setattr(engine, "join_tree", jointree._join_tree)
    monkeypatch.setattr(templates, "join_tree", jointree._join_tree)
    build(sample_catalog, databases, BuildOptions(out=tmp_path / "uncached", **options))
    cached, uncached = (json.loads((tmp_path / n / "manifest.json").read_text())["hashes"]
                        for n in ("cached", "uncached"))
    assert cached == uncached


# -- each gate, with a record that violates it -----------------------------------------------


def _candidate(question: str, sql: str | None, **extra: Any) -> Candidate:
    fields: dict[str, Any] = {"kind": "generated", "pattern": "single table",
                              "template": "test.0", "objects": ("APTH",)}
    fields.update(extra)
    return Candidate(question=question, sql=sql, **fields)


GOOD = ("DECLARE @APCo bCompany = 1;\nSELECT th.APTrans, th.InvTotal\n"
        "FROM dbo.APTH AS th WITH (NOLOCK)\nWHERE th.APCo = @APCo;\n")


def test_gate_accepts_a_good_gold(checker: Checker) -> None:
    verdict = checker.check(_candidate("List the AP invoices (APTH) with InvTotal for AP "
                                       "company 1.", GOOD,
                                       columns=(("APTH", "APTrans"), ("APTH", "InvTotal"))))
    assert isinstance(verdict, Accepted) and verdict.rows > 0


@pytest.mark.parametrize(("sql", "gate"), [
    (GOOD.replace(" WITH (NOLOCK)", ""), "analyzer"),
    (GOOD.replace("dbo.APTH", "dbo.bAPTH"), "analyzer"),
    (GOOD.replace("th.InvTotal", "th.invtotal"), "analyzer"),
    (GOOD.replace("WHERE th.APCo = @APCo", "WHERE th.APCo = @APCo AND 1 = 0"), "rows"),
    (GOOD.replace("SELECT th.APTrans", "SELECT SOUNDEX(th.APRef) AS S"), "executes"),
])
def test_gate_rejects(checker: Checker, sql: str, gate: str) -> None:
    verdict = checker.check(_candidate("List the AP invoices (APTH) for AP company 1.", sql))
    assert isinstance(verdict, Rejected) and verdict.gate == gate, verdict


def test_gate_rejects_a_gold_reading_what_the_prompt_does_not_show(checker: Checker) -> None:
    verdict = checker.check(_candidate("Which employees (PREH) are active?", GOOD))
    assert isinstance(verdict, Rejected) and verdict.gate == "prompt"
    assert "APTH" in verdict.reason


def test_gate_rejects_a_refusal_of_a_real_object(checker: Checker) -> None:
    verdict = checker.check(_candidate("Select everything from the APTL table.", None,
                                       kind="refusal", objects=("APTL",),
                                       answer="-- cannot answer: no APTL; closest real "
                                              "objects: APTH"))
    assert isinstance(verdict, Rejected) and verdict.gate == "refusal"


def test_dpo_rejected_side_must_have_its_finding(checker: Checker) -> None:
    assert checker.verify("missing-nolock", GOOD, None) is None  # no mistake in it
    mistake = checker.verify("missing-nolock", GOOD.replace(" WITH (NOLOCK)", ""), None)
    assert mistake is not None and mistake.evidence.startswith("VG004") and mistake.only
    assert checker.verify("mid-month", GOOD.replace(" WITH (NOLOCK)", ""), None) is None


def test_screen_removes_duplicates_and_evaluation_questions() -> None:
    question = Question(id="x", question="Which AP invoices were posted in March 2025 in AP "
                        "company 1?", sql=GOOD)
    screen = _Screen(0, [question])
    assert screen.problem(_candidate(question.question, "SELECT 1;"))[0] == "eval-overlap"
    paraphrase = "Which AP invoices were posted in the March 2025 month for AP company 1?"
    assert screen.problem(_candidate(paraphrase, "SELECT 2;"))[0] == "eval-overlap"
    assert screen.problem(_candidate("Anything at all", GOOD))[0] == "eval-overlap"
    assert screen.problem(_candidate("List the jobs.", "SELECT 3;")) is None
    assert screen.problem(_candidate("list the JOBS!", "SELECT 4;"))[0] == "duplicate"
    assert screen.problem(_candidate("Show the jobs please.", "select  3 ;"))[0] == "duplicate"


def test_eval_index_finds_what_a_full_scan_finds() -> None:
    shipped = [q.question for q in _shipped()]
    assert shipped, "the shipped evaluation set is missing"
    index = EvalIndex(shipped)
    probes = [*shipped, *(q.replace("?", " please?") for q in shipped),
              *(" ".join(q.split()[:-2]) for q in shipped), "List the jobs.", "the of and"]
    for probe in probes:
        scan = next(((q, overlap(probe, q)) for q in shipped
                     if overlap(probe, q) > PARAPHRASE_THRESHOLD), None)
        assert index.paraphrase(probe) == scan, probe
        first = next((q for q in shipped if overlap(probe, q) > PARAPHRASE_THRESHOLD
                      or normalize_question(q) == normalize_question(probe)), None)
        assert index.first_overlap(probe) == first, probe


def test_screen_forgets_what_was_screened_ahead_but_never_used() -> None:
    screen = _Screen(0, [])
    mark = screen.mark()
    for i in range(5):
        assert screen.problem(_candidate(f"List the jobs {i}.", f"SELECT {i};")) is None
    screen.rollback(mark, 2)  # only the first two were consumed
    assert screen.problem(_candidate("List the jobs 1.", "SELECT 9;"))[0] == "duplicate"
    assert screen.problem(_candidate("List the jobs 3.", "SELECT 3;")) is None


def test_nearest_objects_computed_ahead_in_workers_are_the_in_process_ones(
        sample_catalog: Catalog, databases: list[Path]) -> None:
    plain = list(refusal_candidates(sample_catalog, 5, 40))
    runner = dataset_build._Runner(sample_catalog, databases, 2, PromptSettings())
    try:
        ahead = list(refusal_candidates(sample_catalog, 5, 40,
                                        dataset_build._Nearest(sample_catalog, 5, runner)))
    finally:
        runner.close()
    assert ahead == plain and len(plain) == 40


def _accepted(question: str, sql: str) -> Accepted:
    return Accepted(_candidate(question, sql), [], f"```sql\n{sql}\n```", sql, rows=1)


def test_final_gates_refuse_repeated_answers_and_eval_paraphrases() -> None:
    same = Built(sft=[_accepted(f"question number {i}", GOOD) for i in range(30)])
    with pytest.raises(DatasetError, match="distinct answers"):
        verify(same, [])
    varied = Built(sft=[_accepted(f"question number {i}", GOOD + f"-- {i}\n".replace(
        "--", f"AND {i} = {i}")) for i in range(30)])
    verify(varied, [])
    with pytest.raises(DatasetError, match="overlaps the evaluation"):
        verify(varied, [Question(id="e", question="question number 7", sql=GOOD)])
    empty_rows = Built(sft=[Accepted(_candidate("q", GOOD), [], "a", GOOD, rows=0)])
    with pytest.raises(DatasetError, match="without rows"):
        verify(empty_rows, [])


# -- the shop's SQL, the user's pairs, and the output folder ---------------------------------


def test_sources_and_examples(sample_catalog: Catalog, databases: list[Path],
                              tmp_path: Path) -> None:
    sources = tmp_path / "src"
    (sources / "Views").mkdir(parents=True)
    (sources / "Views" / "udOpenAP.sql").write_text(
        "-- Description: open AP invoices of a company with their totals\n"
        "CREATE VIEW dbo.udOpenAP AS\nSELECT th.APCo, th.APTrans, th.InvTotal\n"
        "FROM dbo.bAPTH AS th\nWHERE th.OpenYN = 'Y'\nGO\n", encoding="utf-8")
    (sources / "report.sql").write_text(
        "SELECT jm.Job, jm.Description FROM dbo.JCJM AS jm WITH (NOLOCK)\n"
        "JOIN dbo.JCCM cm WITH (NOLOCK) ON cm.JCCo = jm.JCCo AND cm.Contract = jm.Contract\n"
        "WHERE jm.JCCo = 1\nGO\nSELECT x.NoSuchColumn FROM dbo.JCJM x WITH (NOLOCK)\n",
        encoding="utf-8")
    examples = tmp_path / "pairs.jsonl"
    examples.write_text(json.dumps({"question": "vendor names (APVM) in vendor group 1",
                                    "sql": "SELECT vm.Vendor, vm.Name FROM APVM vm "
                                           "WHERE vm.VendorGroup = 1"}) + "\n"
                        + json.dumps({"question": "rows of the Customers table",
                                      "sql": "SELECT * FROM Customers"}) + "\n",
                        encoding="utf-8")
    out = tmp_path / "out"
    manifest = build(sample_catalog, databases, BuildOptions(
        out=out, seed=0, limit=20, sources=[sources], examples=examples))
    fim = [r for r in _all(out, "fim") if r["meta"]["kind"] == "source"]
    origins = {r["meta"]["origin"] for r in fim}
    assert origins == {"Views/udOpenAP.sql:3", "report.sql:1"}
    assert any(r["meta"]["fixes"] >= 2 for r in fim)  # base table and NOLOCK fixed, recorded
    assert all("bAPTH" not in r["prompt"] + r["completion"] for r in fim)
    rejected = _read(out / "rejected.jsonl")
    bad = [r for r in rejected if r.get("origin") == "report.sql:5"]
    assert bad and "VG002" in bad[0]["reason"]
    assert any(r["kind"] == "example" and r["gate"] == "analyzer" for r in rejected)
    sft = _all(out, "sft")
    assert any(r["meta"]["kind"] == "example" for r in sft)
    assert manifest["sft"]["example"] == 1


def test_examples_file_errors_name_file_and_line(tmp_path: Path) -> None:
    from vgpt2.training.dataset.sources import SourceError, load_examples

    path = tmp_path / "pairs.jsonl"
    path.write_text('{"question": "q", "sql": "SELECT 1"}\n{not json\n', encoding="utf-8")
    with pytest.raises(SourceError, match=r"pairs\.jsonl:2: not JSON"):
        load_examples(path)


def test_output_folder_is_ours_and_a_failed_build_keeps_the_last(
        sample_catalog: Catalog, databases: list[Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("mine")
    with pytest.raises(DatasetError, match="not empty"):
        build(sample_catalog, databases, BuildOptions(out=foreign, limit=5))
    out = tmp_path / "out"
    build(sample_catalog, databases, BuildOptions(out=out, seed=1, limit=10))
    before = (out / "manifest.json").read_text()

    def failing(*_: object) -> None:
        raise DatasetError("only 50.0% of the records have distinct answers")

    monkeypatch.setattr(dataset_build, "verify", failing)
    with pytest.raises(DatasetError):
        build(sample_catalog, databases, BuildOptions(out=out, seed=2, limit=10))
    assert (out / "manifest.json").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["foreign", "out"]


def test_command_line(sample_catalog: Catalog, databases: list[Path], tmp_path: Path) -> None:
    from typer.testing import CliRunner
    from vgpt2.training.cli import app

    samples = databases[0].parent
    result = CliRunner().invoke(app, ["dataset", "--catalog", str(sample_catalog.path),
                                      "--sampledb", str(samples), "--out", str(tmp_path / "o"),
                                      "--limit", "12", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "card.md").is_file()
    bad = CliRunner().invoke(app, ["dataset", "--catalog", str(sample_catalog.path),
                                   "--sampledb", str(samples), "--out", str(tmp_path / "o"),
                                   "--examples", str(tmp_path / "missing.jsonl")])
    assert bad.exit_code == 1 and "missing.jsonl" in bad.output
