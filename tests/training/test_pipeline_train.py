"""The training pipeline on CPU: real TRL trainers on a tiny Qwen2 built in the session.

All torch-importing training tests live in this one module (importing torch and
trl costs seconds per process). The datasets are written here in the formats
``vgpt2-train dataset`` writes (TRL's: ``messages``; ``prompt``/``completion``;
``prompt``/``chosen``/``rejected``; ``prompt``/``completion``/``label``), from
templated questions over the bundled sample catalog.
"""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

pytest.importorskip("trl", reason="trl comes with the training extra (pip install -e .[training])")
pytest.importorskip("peft", reason="peft comes with the training extra")

import torch
from vgpt2.training.pipeline.config import parse_config
from vgpt2.training.pipeline.data import DatasetError
from vgpt2.training.pipeline.guards import GuardError
from vgpt2.training.pipeline.run_dir import RunDir

torch.set_num_threads(1)  # two threads on a busy 2-core machine are 3-7x slower per step

SYSTEM = "You write T-SQL for Viewpoint Vista. Answer with one SELECT query."
COMPANY_COLUMNS = ("APCo", "ARCo", "JCCo", "PRCo", "GLCo", "EMCo", "POCo", "SLCo", "PMCo",
                   "INCo", "HQCo")
TEMPLATES = (
    ("List {a} and {b} from {view} for company {n}.", "SELECT {a}, {b}\nFROM dbo.{view} WITH "
     "(NOLOCK)\nWHERE {co} = {n}"),
    ("How many {view} rows does company {n} have?", "SELECT COUNT(*) AS Rows\nFROM dbo.{view} "
     "WITH (NOLOCK)\nWHERE {co} = {n}"),
    ("Show {a} of every {view} row in company {n}.", "SELECT {a}\nFROM dbo.{view} WITH "
     "(NOLOCK)\nWHERE {co} = {n}"),
)


def sample_objects() -> list[tuple[str, str, list[str]]]:
    """(view, company column, other columns) for the sample catalog's company-keyed views."""
    from vgpt2.catalog.build import open_catalog

    catalog = open_catalog([], Path(os.environ.get("VGPT2_CACHE_DIR", "/tmp/vgpt2-test-cache")))
    found = []
    for header in catalog.headers():
        names = [c.name for c in catalog.columns(header.name)]
        company = next((c for c in names if c in COMPANY_COLUMNS), None)
        others = [c for c in names if c != company]
        if company and len(others) >= 2:
            found.append((header.name, company, others[:6]))
    return found


def sql_pairs(count: int, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    objects = sample_objects()
    pairs = []
    for _ in range(count):
        view, co, others = rng.choice(objects)
        question, sql = rng.choice(TEMPLATES)
        a, b = rng.sample(others, 2)
        values = {"view": view, "co": co, "a": a, "b": b, "n": rng.randint(1, 3)}
        pairs.append((question.format(**values), "```sql\n" + sql.format(**values) + "\n```"))
    return pairs


def chat(question: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": question}]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def write_dataset(folder: Path, count: int = 64, *, kto_labels: tuple[bool, ...] = (True, False),
                  seed: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pairs = sql_pairs(count, seed)
    write_jsonl(folder / "sft.jsonl", [
        {"messages": [*chat(q), {"role": "assistant", "content": a}]} for q, a in pairs])
    write_jsonl(folder / "fim.jsonl", [
        {"prompt": f"<|fim_prefix|>{a[:20]}<|fim_suffix|>{a[30:]}<|fim_middle|>",
         "completion": a[20:30]} for _, a in pairs[:16]])
    write_jsonl(folder / "dpo.jsonl", [
        {"prompt": chat(q), "chosen": [{"role": "assistant", "content": a}],
         "rejected": [{"role": "assistant", "content": a.replace(" WITH (NOLOCK)", "")}],
         "meta": {"mistake": "missing-nolock"}} for q, a in pairs])
    write_jsonl(folder / "kto.jsonl", [
        {"prompt": chat(q), "completion": [{"role": "assistant", "content": (
            a if label else a.replace(" WITH (NOLOCK)", ""))}], "label": label}
        for (q, a), label in zip(pairs, [kto_labels[i % len(kto_labels)]
                                         for i in range(len(pairs))], strict=True)])
    (folder / "manifest.json").write_text(json.dumps({"counts": {"sft": count}}),
                                          encoding="utf-8")
    return folder


def tiny_config(tmp: Path, dataset: Path, **sections: str) -> Path:
    """A config for the tiny CPU model; ``sections`` add or replace TOML sections."""
    parts = {
        "model": "[model]\n[model.tiny]\nhidden_size = 64\nlayers = 2\nheads = 4\nkv_heads = 2\n"
                 "intermediate_size = 128\nvocab_size = 600\nmax_positions = 65536\n",
        "dataset": f"[dataset]\ndir = {json.dumps(str(dataset))}\neval_fraction = 0.1\n",
        "lora": "[lora]\nr = 8\nalpha = 16\ndropout = 0.0\n"
                "modules_to_save = [\"embed_tokens\", \"lm_head\"]\n",
        "sft": "[sft]\nlearning_rate = 3e-3\nmax_steps = 30\nbatch_size = 8\n"
               "gradient_accumulation = 1\nmax_length = 256\nlogging_steps = 5\nsave_steps = 10\n"
               "warmup_ratio = 0.0\nscheduler = \"constant\"\n",
        "dpo": "[dpo]\nlearning_rate = 1e-3\nmax_steps = 6\nbatch_size = 4\n"
               "gradient_accumulation = 1\nmax_length = 256\nlogging_steps = 1\nsave_steps = 10\n",
        "kto": "[kto]\nlearning_rate = 5e-3\nmax_steps = 8\nbatch_size = 8\n"
               "gradient_accumulation = 1\nmax_length = 256\nlogging_steps = 1\nsave_steps = 10\n",
        "guards": "[guards]\nloss_window = 5\nsmoke_prompts = 3\nsmoke_max_tokens = 24\n"
                  "degenerate_fraction = 1.0\n",
        "train": "[train]\ndevice = \"cpu\"\nthreads = 1\n",
        "output": f"[output]\nroot = {json.dumps(str(tmp / 'runs'))}\nname = \"tiny\"\n",
        "gate": "[gate]\nenabled = false\n",
        "export": "[export]\nenabled = false\n",
    }
    parts.update(sections)
    path = tmp / "config.toml"
    path.write_text("\n".join(parts.values()), encoding="utf-8")
    return path


def new_run(config_path: Path) -> RunDir:
    text = config_path.read_text(encoding="utf-8")
    return RunDir.create(parse_config(text, config_path), text)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("dataset"), 64)


def test_sft_loss_goes_down_and_adapter_is_saved(tmp_path: Path, dataset: Path) -> None:
    from vgpt2.training.pipeline.stages import run_stage

    run = new_run(tiny_config(tmp_path, dataset))
    outcome = run_stage(run, "sft")
    assert outcome.first_loss is not None and outcome.last_loss is not None
    assert outcome.last_loss < outcome.first_loss * 0.8
    assert (outcome.adapter / "adapter_config.json").is_file()
    assert run.status("sft") == "done"
    rows = run.metrics("sft")
    assert rows and all(r["stage"] == "sft" for r in rows)
    accuracy = [r["mean_token_accuracy"] for r in rows if "mean_token_accuracy" in r]
    assert accuracy[-1] > accuracy[0]


@pytest.fixture(scope="module")
def sft_run(tmp_path_factory: pytest.TempPathFactory, dataset: Path) -> RunDir:
    """One run whose SFT stage is done (DPO and KTO enabled after it)."""
    from vgpt2.training.pipeline.stages import run_stage

    run = new_run(tiny_config(tmp_path_factory.mktemp("chain"), dataset))
    run_stage(run, "sft")
    return run


def test_dpo_trains_on_the_sft_model_and_reward_accuracy_rises(sft_run: RunDir) -> None:
    from vgpt2.training.pipeline.stages import run_stage

    outcome = run_stage(sft_run, "dpo")
    assert sft_run.stage_merged_dir("sft").joinpath("config.json").is_file()
    rows = [r for r in sft_run.metrics("dpo") if "rewards/accuracies" in r]
    assert rows[-1]["rewards/margins"] > rows[0]["rewards/margins"]
    assert outcome.last_loss is not None and outcome.first_loss is not None
    assert outcome.last_loss < outcome.first_loss
    assert json.loads((sft_run.path / "state.json").read_text())["stages"]["dpo"] == "done"


def test_kto_weights_come_from_the_label_ratio_and_loss_falls(sft_run: RunDir) -> None:
    from vgpt2.training.pipeline.stages import run_stage

    if sft_run.status("dpo") != "done":
        run_stage(sft_run, "dpo")
    outcome = run_stage(sft_run, "kto")
    assert outcome.last_loss is not None and outcome.first_loss is not None
    assert outcome.last_loss < outcome.first_loss
    assert (sft_run.adapter_dir("kto") / "adapter_config.json").is_file()


def test_kto_with_one_label_is_refused(tmp_path: Path) -> None:
    from vgpt2.training.pipeline.data import load_kto

    folder = write_dataset(tmp_path / "data", 12, kto_labels=(True,))
    with pytest.raises(DatasetError, match="every label is desirable"):
        load_kto(folder / "kto.jsonl", lambda m: m[-1]["content"], "<|im_end|>")


def test_kto_label_as_a_string_is_an_error_naming_the_line(tmp_path: Path) -> None:
    from vgpt2.training.pipeline.data import load_kto

    folder = write_dataset(tmp_path / "data", 4)
    lines = (folder / "kto.jsonl").read_text().splitlines()
    lines[2] = lines[2].replace('"label": true', '"label": "true"').replace(
        '"label": false', '"label": "false"')
    (folder / "kto.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(DatasetError, match=r"kto\.jsonl:3: 'label' must be true or false"):
        load_kto(folder / "kto.jsonl", lambda m: m[-1]["content"], "<|im_end|>")


def _broken_base(run: RunDir, how: str) -> None:
    """Build the run's tiny base, then damage it the way a real run went wrong."""
    from transformers import AutoModelForCausalLM
    from vgpt2.training.pipeline.stages.common import tiny_base

    folder = tiny_base(run, run.config())
    model = AutoModelForCausalLM.from_pretrained(str(folder))
    with torch.no_grad():
        if how == "inf":
            model.model.norm.weight.fill_(math.inf)
        else:  # a model that emits one token: every logit equal, greedy takes the first id
            model.model.norm.weight.zero_()
    model.save_pretrained(str(folder))


def test_nan_guard_fails_the_stage_on_an_inf_loss(tmp_path: Path, dataset: Path) -> None:
    from vgpt2.training.pipeline.stages import run_stage

    run = new_run(tiny_config(tmp_path, dataset))
    _broken_base(run, "inf")
    with pytest.raises(GuardError, match=r"sft: the loss became (nan|inf)"):
        run_stage(run, "sft")
    assert run.status("sft") == "failed"


def test_degenerate_guard_fails_a_model_that_emits_one_token(tmp_path: Path,
                                                             dataset: Path) -> None:
    from vgpt2.training.pipeline.stages import run_stage

    guards = ("[guards]\nloss_window = 50\nsmoke_prompts = 4\nsmoke_max_tokens = 16\n"
              "degenerate_fraction = 0.5\n")
    run = new_run(tiny_config(tmp_path, dataset, guards=guards,
                              lora="[lora]\nr = 4\nalpha = 8\n"))
    _broken_base(run, "one-token")
    with pytest.raises(GuardError, match="smoke replies on held-out prompts are unusable"):
        run_stage(run, "sft")
    assert run.status("sft") == "failed"


def test_loss_guard_fails_a_stage_whose_loss_does_not_fall(tmp_path: Path,
                                                           dataset: Path) -> None:
    from vgpt2.training.pipeline.stages import run_stage

    sft = ("[sft]\nlearning_rate = 1e-12\nmax_steps = 10\nbatch_size = 4\n"
           "gradient_accumulation = 1\nmax_length = 128\nlogging_steps = 1\nsave_steps = 100\n"
           "scheduler = \"constant\"\nwarmup_ratio = 0.0\n")
    run = new_run(tiny_config(tmp_path, dataset, sft=sft))
    with pytest.raises(GuardError, match="did not decrease over the first 5 logged steps"):
        run_stage(run, "sft")


def test_merge_then_reload_gives_the_adapter_models_outputs(sft_run: RunDir) -> None:
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from vgpt2.training.pipeline.merge import merge_adapter
    from vgpt2.training.pipeline.stages.common import tiny_base

    base = tiny_base(sft_run, sft_run.config())
    out = merge_adapter(base, sft_run.adapter_dir("sft"), sft_run.path / "merged-check",
                        "float32")
    assert (out / "model.safetensors").is_file()
    assert all(p.stat().st_mode & 0o044 == 0o044 for p in out.iterdir())  # others can read
    tokenizer = AutoTokenizer.from_pretrained(str(out))
    assert tokenizer.chat_template and "<|im_start|>" in tokenizer.chat_template
    ids = tokenizer(["SELECT APCo FROM dbo.APTH WITH (NOLOCK)"], return_tensors="pt")
    adapted = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(str(base)),
                                        str(sft_run.adapter_dir("sft"))).eval()
    merged = AutoModelForCausalLM.from_pretrained(str(out)).eval()
    with torch.no_grad():
        expected = adapted(**ids).logits
        got = merged(**ids).logits
    assert torch.allclose(expected, got, atol=1e-4)
    untouched = AutoModelForCausalLM.from_pretrained(str(base)).eval()
    with torch.no_grad():
        assert not torch.allclose(untouched(**ids).logits, got, atol=1e-3)  # it did train


def test_export_writes_a_modelfile_and_creates_the_model_in_ollama(sft_run: RunDir) -> None:
    from vgpt2.training.pipeline.export import parse_modelfile, system_prompt
    from vgpt2.training.pipeline.pipeline import export_run, merge_run

    from tests.generation.model_server import ModelServer

    if not sft_run.merged_dir.is_dir():
        merge_run(sft_run)
    with ModelServer() as ollama:
        result = export_run(sft_run, name="vgpt2-tiny", quantize="q8_0",
                            url=ollama.ollama_url)
    assert result.created, result.message
    commands = dict(parse_modelfile(result.modelfile.read_text(encoding="utf-8")))
    assert Path(commands["FROM"]) == sft_run.merged_dir.resolve()
    assert ".Suffix" in commands["TEMPLATE"] and "<|fim_middle|>" in commands["TEMPLATE"]
    assert commands["SYSTEM"] == system_prompt()
    (request,) = [r.body for r in ollama.requests if r.path == "/api/create"]
    assert request["model"] == "vgpt2-tiny" and request["quantize"] == "q8_0"
    assert "model.safetensors" in request["files"] and "tokenizer.json" in request["files"]
    uploaded = {r.path.rsplit("/", 1)[1] for r in ollama.requests
                if r.path.startswith("/api/blobs/")}
    assert set(request["files"].values()) <= uploaded
    assert request["parameters"]["temperature"] == 0
    assert "<|im_end|>" in request["parameters"]["stop"]
    assert request["template"] == commands["TEMPLATE"]


def test_export_without_ollama_leaves_the_modelfile_and_the_command(sft_run: RunDir) -> None:
    from vgpt2.training.pipeline.pipeline import export_run, merge_run

    from tests.generation.model_server import free_port

    if not sft_run.merged_dir.is_dir():
        merge_run(sft_run)
    result = export_run(sft_run, name="vgpt2-tiny", quantize=None,
                        url=f"http://127.0.0.1:{free_port()}")
    assert not result.created
    assert "not reachable" in result.message
    assert f'ollama create vgpt2-tiny -f "{sft_run.path / "Modelfile"}"' in result.message
    assert result.modelfile.is_file()


def _wait_for(predicate: Any, process: subprocess.Popen[bytes], log: Path,
              ceiling_s: float = 900.0) -> None:
    """Until ``predicate()``; fails early when the process died (the machine is busy: no
    tight timeout, only a ceiling against a hang)."""
    deadline = time.monotonic() + ceiling_s
    while not predicate():
        if process.poll() is not None:
            pytest.fail(f"exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"not reached within {ceiling_s:g} s")
        time.sleep(0.2)


def _complete_checkpoint(runs: Path, step: int) -> bool:
    for state in runs.glob(f"*/sft/checkpoint-{step}/trainer_state.json"):
        try:
            return bool(json.loads(state.read_text()))
        except ValueError:
            return False
    return False


def test_an_interrupted_sft_resumes_from_its_last_checkpoint(tmp_path: Path,
                                                            dataset: Path) -> None:
    from vgpt2.training.cli import app

    sft = ("[sft]\nlearning_rate = 3e-3\nmax_steps = 40\nbatch_size = 4\n"
           "gradient_accumulation = 1\nmax_length = 192\nlogging_steps = 5\nsave_steps = 10\n"
           "save_total_limit = 5\nscheduler = \"constant\"\nwarmup_ratio = 0.0\n")
    config = tiny_config(tmp_path, dataset, sft=sft)
    out = tmp_path / "out"
    log = tmp_path / "first.log"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
    with log.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "vgpt2.training.cli", "sft",
                                    "--config", str(config), "--out", str(out)],
                                   stdout=sink, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_for(lambda: _complete_checkpoint(out, 10), process, log)
    finally:
        process.kill()  # a crash: no clean shutdown
        process.wait(timeout=120)
    (run_path,) = out.iterdir()
    run = RunDir.open(run_path)
    assert run.status("sft") == "running"
    result = CliRunner().invoke(app, ["sft", "--config", str(config), "--run", str(run_path),
                                      "--resume"])
    assert result.exit_code == 0, result.output
    assert "sft: resuming from checkpoint-" in run.log_file.read_text()
    assert run.status("sft") == "done"
    state = json.loads((run.last_checkpoint("sft") / "trainer_state.json").read_text())
    assert state["global_step"] == 40
    assert (run.adapter_dir("sft") / "adapter_model.safetensors").is_file()


GATE = ("[gate]\nfloor = 0.0\nmax_questions = 4\ndatabases = 1\nmax_tokens = 32\n"
        "num_ctx = 4096\nrepair_rounds = 0\ncompare_untrained = true\n")


def test_run_goes_end_to_end_and_the_gate_scores_the_served_model(tmp_path: Path,
                                                                   dataset: Path) -> None:
    """sft → dpo → kto → merge → eval (through transformers serve) → export, one command."""
    from vgpt2.training.cli import app

    config = tiny_config(tmp_path, dataset, gate=GATE, export="[export]\nnum_ctx = 4096\n")
    result = CliRunner().invoke(app, ["run", str(config), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (run_path,) = (tmp_path / "out").iterdir()
    run = RunDir.open(run_path)
    assert {s: run.status(s) for s in ("sft", "dpo", "kto", "merge", "eval")} == dict.fromkeys(
        ("sft", "dpo", "kto", "merge", "eval"), "done")
    for stage in ("sft", "dpo", "kto"):
        assert (run.adapter_dir(stage) / "adapter_config.json").is_file()
    assert (run.merged_dir / "model.safetensors").is_file()
    assert "FROM " in (run_path / "Modelfile").read_text()
    summary = json.loads((run_path / "eval" / "summary.json").read_text())
    assert summary["questions"] == 4 and summary["passed"]
    assert summary["untrained_execution_accuracy"] is not None
    assert summary["catalog_execution_accuracy"] is not None
    assert (run_path / "eval" / "trained" / "results.json").is_file()
    assert (run_path / "dataset-manifest.json").is_file()


def test_a_run_below_its_floor_fails_and_is_not_exported(tmp_path: Path, dataset: Path) -> None:
    from vgpt2.training.cli import app

    gate = GATE.replace("floor = 0.0", "floor = 1.0").replace("compare_untrained = true",
                                                              "compare_untrained = false")
    config = tiny_config(tmp_path, dataset, gate=gate, export="[export]\nnum_ctx = 4096\n",
                         dpo="[dpo]\nenabled = false\n", kto="[kto]\nenabled = false\n")
    result = CliRunner().invoke(app, ["run", str(config), "--out", str(tmp_path / "out")])
    assert result.exit_code == 3, result.output
    assert "below the floor" in result.output
    (run_path,) = (tmp_path / "out").iterdir()
    assert RunDir.open(run_path).status("eval") == "failed"
    assert not (run_path / "Modelfile").exists()


def test_sft_through_accelerate_with_two_cpu_processes(tmp_path: Path, dataset: Path) -> None:
    """The multi-GPU path (accelerate launch, torch.distributed) on CPU with gloo."""
    from vgpt2.training.cli import app

    sft = ("[sft]\nlearning_rate = 3e-3\nmax_steps = 12\nbatch_size = 4\n"
           "gradient_accumulation = 1\nmax_length = 192\nlogging_steps = 3\nsave_steps = 50\n"
           "scheduler = \"constant\"\nwarmup_ratio = 0.0\n")
    config = tiny_config(tmp_path, dataset, sft=sft)
    os.environ["OMP_NUM_THREADS"] = "1"
    result = CliRunner().invoke(app, ["sft", "--config", str(config), "--out",
                                      str(tmp_path / "out"), "--accelerate-config", "cpu",
                                      "--num-processes", "2", "--cpu"])
    assert result.exit_code == 0, result.output
    (run_path,) = (tmp_path / "out").iterdir()
    run = RunDir.open(run_path)
    assert run.status("sft") == "done"
    assert (run.adapter_dir("sft") / "adapter_model.safetensors").is_file()
    rows = [r for r in run.metrics("sft") if "loss" in r]
    assert len(rows) == 4 and rows[-1]["loss"] < rows[0]["loss"]
    assert len({r["step"] for r in rows}) == len(rows)  # rank 0 alone wrote the metrics
    # 12 steps of 4 records cover ~70 records 0.7 times in one process, 1.4 times in two
    assert rows[-1]["epoch"] > 1.0



def _answers(model_dir: Path, adapter: Path | None, prompts: list[str]) -> list[str]:
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from vgpt2.training.pipeline.stages.common import generate

    tokenizer = AutoTokenizer.from_pretrained(str(adapter or model_dir))
    model = AutoModelForCausalLM.from_pretrained(str(model_dir))
    if adapter is not None:
        model = PeftModel.from_pretrained(model, str(adapter))
    return generate(model.eval(), tokenizer, prompts, 64, batch=16)


LEARNED = 0.15
"""Execution accuracy the trained model must reach on the held-out questions (measured:
27.1% on this machine; the untrained model of the same size scores 0)."""


def test_a_small_model_learns_to_answer_held_out_questions(
        tmp_path: Path, sample_catalog: Any, sample_dbs: Any) -> None:
    """DESIGN.md's CPU recipe through the pipeline's SFT stage (hidden 128, 4 layers, LoRA
    with trained embeddings, 1,000 steps of 16) on templated question -> SQL pairs over the
    sample catalog, with short prompts (the engine's ~1,300-token prompts need far more
    training than CI has: benchmarks/train_learning_bench.py measures that). Held-out
    questions, none of them asked in training, are scored by executing the SQL on the
    sample databases: the trained model must answer a clear share of them correctly, the
    untrained one answers none."""
    from transformers import AutoTokenizer
    from vgpt2.server.generation.extract import extract_sql
    from vgpt2.training.eval.questions import Prediction, Question
    from vgpt2.training.eval.runner import evaluate
    from vgpt2.training.pipeline.stages import run_stage
    from vgpt2.training.pipeline.stages.common import tiny_base

    pairs = sql_pairs(2700, seed=1)
    train_questions = {q for q, _ in pairs}
    held = [(q, a) for q, a in dict(sql_pairs(480, seed=2)).items()
            if q not in train_questions][:48]
    folder = tmp_path / "data"
    folder.mkdir()
    write_jsonl(folder / "sft.jsonl", [
        {"messages": [*chat(q), {"role": "assistant", "content": a}]} for q, a in pairs])
    model = ("[model]\n[model.tiny]\nhidden_size = 128\nlayers = 4\nheads = 4\nkv_heads = 2\n"
             "intermediate_size = 256\nvocab_size = 1024\n")
    sft = ("[sft]\nlearning_rate = 3e-3\nmax_steps = 1000\nbatch_size = 16\n"
           "gradient_accumulation = 1\nmax_length = 160\nlogging_steps = 50\n"
           "save_steps = 100000\nscheduler = \"constant\"\nwarmup_ratio = 0.0\nfim_fraction = 0\n")
    config = tiny_config(tmp_path, folder, model=model, sft=sft,
                         dpo="[dpo]\nenabled = false\n", kto="[kto]\nenabled = false\n")
    run = new_run(config)
    outcome = run_stage(run, "sft")
    base = tiny_base(run, run.config())
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    prompts = [tokenizer.apply_chat_template(chat(q), tokenize=False, add_generation_prompt=True)
               for q, _ in held]
    questions = [Question(f"h{i}", q, a.removeprefix("```sql\n").removesuffix("\n```"))
                 for i, (q, a) in enumerate(held)]

    def scores(replies: list[str]) -> tuple[float, float]:
        """(share of replies with a SELECT query, execution accuracy)."""
        extracted = [extract_sql(r).sql for r in replies]
        predictions = {f"h{i}": Prediction(f"h{i}", sql, False)
                       for i, sql in enumerate(extracted)}
        result = evaluate(questions, predictions, sample_catalog, sample_dbs.databases)
        return (sum(sql is not None for sql in extracted) / len(replies),
                float(result.summary["execution_accuracy"]))

    trained_replies = _answers(base, outcome.adapter, prompts)
    trained_sql, trained_accuracy = scores(trained_replies)
    untrained_sql, untrained_accuracy = scores(_answers(base, None, prompts))
    print(f"held-out ({len(held)} questions, {outcome.steps} steps, loss "
          f"{outcome.first_loss:.3f} -> {outcome.last_loss:.3f}): SQL replies trained "
          f"{trained_sql:.0%} / untrained {untrained_sql:.0%}; execution accuracy trained "
          f"{trained_accuracy:.0%} / untrained {untrained_accuracy:.0%}; e.g. "
          f"{trained_replies[0]!r}")
    assert trained_sql >= 0.9 and untrained_sql == 0.0
    assert trained_accuracy >= LEARNED
    assert trained_accuracy - untrained_accuracy >= LEARNED
