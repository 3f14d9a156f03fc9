"""``vgpt2-train sampledb`` and ``eval`` end to end: predictions files, live backends, reports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner
from vgpt2.training.cli import app
from vgpt2.training.eval.sampledb import BuildSummary

from tests.generation.model_server import MODEL, ModelServer, Reply

GOLD_1 = ("SELECT v.Vendor, v.Name, SUM(h.InvTotal) AS Total\nFROM dbo.APTH h WITH (NOLOCK)\n"
          "JOIN dbo.APVM v WITH (NOLOCK) ON v.VendorGroup = h.VendorGroup "
          "AND v.Vendor = h.Vendor\nWHERE h.APCo = 1\nGROUP BY v.Vendor, v.Name")
GOLD_2 = ("SELECT j.Job, j.Description FROM dbo.JCJM j WITH (NOLOCK) "
          "WHERE j.JCCo = 1 AND j.JobStatus = 1")
GOLD_3 = "SELECT h.APTrans, h.InvTotal FROM dbo.APTH h WITH (NOLOCK) WHERE h.APCo = 2"
QUESTIONS = [
    {"id": "ap-1", "module": "AP", "tags": ["join", "aggregate"],
     "question": "Total invoiced amount per vendor in AP company 1.", "sql": GOLD_1},
    {"id": "jc-1", "module": "JC", "tags": ["single table"],
     "question": "Open jobs in JC company 1.", "sql": GOLD_2},
    {"id": "ap-2", "module": "AP", "tags": ["single table"],
     "question": "AP invoices of company 2 with their totals.", "sql": GOLD_3},
    {"id": "probe-1", "question": "Show every row from the APVendorScorecard table.",
     "refuse": True, "nearest": []},
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def questions(tmp_path: Path) -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text("".join(json.dumps(q) + "\n" for q in QUESTIONS), encoding="utf-8")
    return path


def write_predictions(path: Path, sql: dict[str, str | None]) -> Path:
    lines = [{"id": q["id"], "sql": sql.get(str(q["id"]), q.get("sql")),
              "refused": bool(q.get("refuse"))} for q in QUESTIONS]
    path.write_text("".join(json.dumps(p) + "\n" for p in lines), encoding="utf-8")
    return path


def run_json(runner: CliRunner, *args: str) -> dict[str, object]:
    result = runner.invoke(app, ["eval", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def cases_of(run: dict[str, object]) -> dict[str, dict[str, object]]:
    cases = run["cases"]
    assert isinstance(cases, list)
    return {c["id"]: c for c in cases}


def test_sampledb_command(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["sampledb", "--out", str(tmp_path / "db"), "--databases", "2",
                                 "--rows", "5", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "2 database(s)" in result.output
    assert sorted(p.name for p in (tmp_path / "db").iterdir()) == [
        "manifest.json", "sample-1.duckdb", "sample-2.duckdb"]


def test_a_predictions_file_is_scored(runner: CliRunner, questions: Path, tmp_path: Path,
                                      sample_dbs: BuildSummary) -> None:
    predictions = write_predictions(tmp_path / "p.jsonl", {
        "jc-1": GOLD_2.replace("j.JCCo = 1", "j.JCCo = 2"),
        "ap-2": "SELECT h.APTrans FROM dbo.APTH h WITH (NOLOCK) WHERE h.APCo = @Co"})
    run = run_json(runner, "--questions", str(questions), "--predictions", str(predictions),
                   "--sampledb", str(sample_dbs.out), "--out", str(tmp_path / "run"))
    cases = cases_of(run)
    assert cases["ap-1"]["correct"] is True
    assert cases["jc-1"]["correct"] is False and cases["jc-1"]["outcome"] == "wrong"
    assert cases["ap-2"]["outcome"] == "not_executable"
    assert cases["probe-1"]["correct"] is True
    summary = run["summary"]
    assert isinstance(summary, dict)
    assert summary["execution_accuracy"] == pytest.approx(1 / 3, abs=1e-3)
    assert summary["not_executable"] == 1
    assert summary["per_module"]["AP"]["correct"] == 1
    saved = json.loads((tmp_path / "run" / "results.json").read_text(encoding="utf-8"))
    assert saved["summary"]["execution_accuracy"] == summary["execution_accuracy"]


def test_the_text_report_shows_the_numbers(runner: CliRunner, questions: Path, tmp_path: Path,
                                           sample_dbs: BuildSummary) -> None:
    predictions = write_predictions(tmp_path / "p.jsonl", {})
    result = runner.invoke(app, ["eval", "--questions", str(questions), "--predictions",
                                 str(predictions), "--sampledb", str(sample_dbs.out)])
    assert result.exit_code == 0, result.output
    assert "execution accuracy" in result.stdout and "100.0% (3/3)" in result.stdout


def test_bad_input_names_the_file_and_line(runner: CliRunner, questions: Path,
                                           tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "ap-1", "sql": "SELECT 1", "refused": false}\n{"id": 7}\n',
                   encoding="utf-8")
    result = runner.invoke(app, ["eval", "--questions", str(questions), "--predictions",
                                 str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:2" in result.output.replace("\n", "")
    neither = runner.invoke(app, ["eval", "--questions", str(questions)])
    assert neither.exit_code == 1 and "--predictions" in neither.output


def test_the_catalog_backend_end_to_end(runner: CliRunner, questions: Path,
                                        sample_dbs: BuildSummary) -> None:
    run = run_json(runner, "--questions", str(questions), "--backend", "catalog",
                   "--sampledb", str(sample_dbs.out))
    cases = cases_of(run)
    # The skeleton is checked SQL with parameters to fill in: not an answer that runs.
    assert cases["ap-1"]["predicted_sql"] and cases["ap-1"]["outcome"] == "not_executable"
    assert cases["probe-1"]["refused"] is True and cases["probe-1"]["correct"] is True
    summary = run["summary"]
    assert isinstance(summary, dict)
    assert summary["latency_ms_p50"] is not None and summary["unknown_name_rate"] == 0.0


@pytest.fixture
def model_server() -> Iterator[ModelServer]:
    with ModelServer() as server:
        yield server


@pytest.mark.parametrize("api", ["ollama", "openai"])
def test_a_live_model_through_the_engine(runner: CliRunner, questions: Path,
                                         sample_dbs: BuildSummary, model_server: ModelServer,
                                         api: str) -> None:
    model_server.script(
        Reply(f"```sql\n{GOLD_1}\n```"),  # ap-1: right
        Reply(GOLD_2.replace("j.JCCo = 1", "j.JCCo = 2")),  # jc-1: another company
        Reply("SELECT h.APTrans, h.InvoiceAmount FROM dbo.APTH h WITH (NOLOCK) "
              "WHERE h.APCo = 2"),  # ap-2: an unknown column first ...
        Reply(GOLD_3),  # ... then repaired
        default=Reply("SELECT 1"))
    run = run_json(runner, "--questions", str(questions), "--backend", api, "--url",
                   model_server.url(api), "--model", MODEL, "--sampledb", str(sample_dbs.out))
    cases = cases_of(run)
    assert cases["ap-1"]["correct"] is True
    assert cases["jc-1"]["correct"] is False and cases["jc-1"]["outcome"] == "wrong"
    assert cases["ap-2"]["correct"] is True and cases["ap-2"]["repairs"] == 1
    assert "InvoiceAmount" in str(cases["ap-2"]["raw_sql"])
    assert "InvoiceAmount" in str(cases["ap-2"]["raw_reply"])
    assert "```sql" in str(cases["ap-1"]["raw_reply"])  # the reply as the model sent it
    assert cases["ap-2"]["unknown_names_raw"] is True and cases["ap-2"]["unknown_names"] is False
    assert cases["probe-1"]["correct"] is True
    summary = run["summary"]
    assert isinstance(summary, dict)
    assert summary["repairs_used"] == 1
    assert summary["unknown_name_rate_raw"] > summary["unknown_name_rate"]
    assert len(model_server.chat_requests()) == 4


def test_an_unreachable_model_server_exits_2(runner: CliRunner, questions: Path,
                                             sample_dbs: BuildSummary) -> None:
    from tests.generation.model_server import free_port

    result = runner.invoke(app, ["eval", "--questions", str(questions), "--backend", "ollama",
                                 "--url", f"http://127.0.0.1:{free_port()}", "--model", MODEL,
                                 "--sampledb", str(sample_dbs.out)])
    assert result.exit_code == 2, result.output


# -- the HTML report, in a real browser ---------------------------------------------------------


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("Chromium is not installed (Debian: apt-get install -y chromium)")


def rendered(page: Path, tmp_path: Path) -> str:
    """The DOM Chromium built from the page, headless, offline."""
    profile = tmp_path / "chromium-profile"
    result = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_the_html_report_in_chromium(runner: CliRunner, questions: Path, tmp_path: Path,
                                     sample_dbs: BuildSummary) -> None:
    first = write_predictions(tmp_path / "a.jsonl", {
        "jc-1": GOLD_2.replace("j.JCCo = 1", "j.JCCo = 2")})
    second = write_predictions(tmp_path / "b.jsonl", {
        "ap-1": GOLD_1.replace("SUM(", "MAX(")})
    for name, predictions in (("a", first), ("b", second)):
        result = runner.invoke(app, ["eval", "--questions", str(questions), "--predictions",
                                     str(predictions), "--sampledb", str(sample_dbs.out),
                                     "--out", str(tmp_path / name), "--format", "json"])
        assert result.exit_code == 0, result.output
    page = tmp_path / "a" / "report.html"
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", text)  # nothing to fetch
    dom = rendered(page, tmp_path)
    assert 'id="summary"' in dom and "66.7%" in dom  # 2 of 3 answerable right
    failures = re.findall(r'<tr class="failure" data-id="([^"]+)"', dom)
    assert failures == ["jc-1"]
    assert "j.JCCo = 2" in dom and "j.JCCo = 1" in dom  # predicted and gold side by side
    bars = dict(re.findall(r'data-module="(\w+)" data-run="0" data-accuracy="([\d.]+)"', dom))
    assert bars == {"AP": "1.0000", "JC": "0.0000"}
    tags = dict(re.findall(r'<tr data-group="([^"]+)"><th scope="row">[^<]*</th><td>([^<]*)</td>',
                           dom))
    assert tags == {"aggregate": "100.0% (1/1)", "join": "100.0% (1/1)",
                    "single table": "50.0% (1/2)"}

    compare = runner.invoke(app, ["eval", "--compare", str(tmp_path / "a"), str(tmp_path / "b"),
                                  "--out", str(tmp_path / "cmp")])
    assert compare.exit_code == 0, compare.output
    assert "fixed (1): jc-1" in compare.stdout and "broken (1): ap-1" in compare.stdout
    dom = rendered(tmp_path / "cmp" / "compare.html", tmp_path)
    runs = re.findall(r'data-module="(\w+)" data-run="(\d)" data-accuracy="([\d.]+)"', dom)
    assert sorted(runs) == [("AP", "0", "1.0000"), ("AP", "1", "0.5000"),
                            ("JC", "0", "0.0000"), ("JC", "1", "1.0000")]
    assert re.search(r'<ul id="fixed"><li>jc-1</li></ul>', dom)
    assert re.search(r'<ul id="broken"><li>ap-1</li></ul>', dom)


def test_sampledb_and_eval_import_no_torch(tmp_path: Path, questions: Path) -> None:
    """The light ``eval`` extra is enough: torch is imported only by stages that train."""
    import sys

    predictions = write_predictions(tmp_path / "p.jsonl", {})
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from vgpt2.training.cli import app\n"
        "runner = CliRunner()\n"
        f"built = runner.invoke(app, ['sampledb', '--out', {str(tmp_path / 'db')!r}, "
        "'--databases', '1', '--rows', '3'])\n"
        f"scored = runner.invoke(app, ['eval', '--questions', {str(questions)!r}, "
        f"'--predictions', {str(predictions)!r}, '--sampledb', {str(tmp_path / 'db')!r}, "
        "'--format', 'json'])\n"
        "assert built.exit_code == 0 and scored.exit_code == 0, (built.output, scored.output)\n"
        "print(sorted(m for m in ('torch', 'transformers', 'trl', 'peft') if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"
