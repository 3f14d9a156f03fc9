"""The training config and run directories (no torch: these run in any test process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vgpt2.training.pipeline.config import ConfigError, load_config, parse_config
from vgpt2.training.pipeline.data import (
    DatasetError,
    Labelled,
    kto_weights,
    load_dpo,
    load_sft,
    mix_fim,
)
from vgpt2.training.pipeline.export import ExportError, parse_modelfile
from vgpt2.training.pipeline.guards import GuardSection, GuardState, judge_replies
from vgpt2.training.pipeline.run_dir import RunDir

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "train"
MINIMAL = '[model]\nbase = "Qwen/Qwen2.5-Coder-7B-Instruct"\n[dataset]\ndir = "data"\n'


def test_an_unknown_key_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(MINIMAL + "[sft]\nlearning_rat = 1e-4\n")
    with pytest.raises(ConfigError, match=r"c\.toml: unknown key 'sft\.learning_rat'"):
        load_config(path)


def test_a_bad_value_names_its_key(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(MINIMAL + "[kto]\nbatch_size = 1\n")
    with pytest.raises(ConfigError, match=r"kto\.batch_size: Input should be greater than or"):
        load_config(path)
    path.write_text(MINIMAL.replace("[dataset]\ndir", "[dataset]\ndirectory"))
    with pytest.raises(ConfigError, match=r"unknown key 'dataset\.directory'"):
        load_config(path)


def test_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    folder = tmp_path / "configs"
    folder.mkdir()
    (folder / "base-model").mkdir()
    path = folder / "c.toml"
    path.write_text(MINIMAL.replace("Qwen/Qwen2.5-Coder-7B-Instruct", "base-model")
                    + '[output]\nroot = "../runs"\n')
    config = load_config(path)
    assert config.dataset.dir == folder / "data"
    assert config.output.root == (tmp_path / "runs").resolve()
    assert config.model.base == str(folder / "base-model")
    hub = parse_config(MINIMAL, path)
    assert hub.model.base == "Qwen/Qwen2.5-Coder-7B-Instruct"  # a hub name stays a name


def test_a_model_is_a_base_or_a_tiny_one_not_both(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="give exactly one of base"):
        parse_config(MINIMAL.replace("[dataset]", "[model.tiny]\n[dataset]"), tmp_path / "c")
    with pytest.raises(ConfigError, match=r"dataset: Value error, give exactly one of dir"):
        parse_config(MINIMAL + "[dataset.build]\nlimit = 5\n", tmp_path / "c")


def test_the_shipped_examples_validate() -> None:
    names = sorted(p.name for p in EXAMPLES.glob("*.toml"))
    assert names == ["a6000-32b-qlora.toml", "a6000-7b-lora.toml", "tiny-cpu.toml"]
    qlora = load_config(EXAMPLES / "a6000-32b-qlora.toml")
    assert qlora.quantization.load_in_4bit
    tiny = load_config(EXAMPLES / "tiny-cpu.toml")
    assert tiny.model.tiny is not None and tiny.train.device == "cpu"


def test_a_new_run_never_reuses_a_directory(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(MINIMAL)
    config = load_config(path)
    first = RunDir.create(config, MINIMAL, tmp_path / "runs")
    second = RunDir.create(config, MINIMAL, tmp_path / "runs")
    assert first.path != second.path
    assert (first.path / "config.toml").read_text() == MINIMAL
    resolved = json.loads((first.path / "config.resolved.json").read_text())
    assert resolved["sft"]["learning_rate"] == 2e-4
    assert RunDir.open(first.path).status("sft") == "pending"
    with pytest.raises(ConfigError, match="not a vgpt2 run directory"):
        RunDir.open(tmp_path)


def test_sft_records_need_an_assistant_answer(tmp_path: Path) -> None:
    path = tmp_path / "sft.jsonl"
    path.write_text(json.dumps({"messages": [{"role": "user", "content": "q"}]}) + "\n")
    with pytest.raises(DatasetError, match=r"sft\.jsonl:1: 'messages' must end with an assistant"):
        load_sft(path, lambda m: m[-1]["content"], "</s>")
    path.write_text("{not json\n")
    with pytest.raises(DatasetError, match=r"sft\.jsonl:1: not JSON"):
        load_sft(path, lambda m: m[-1]["content"], "</s>")


def test_dpo_pairs_that_are_the_same_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "dpo.jsonl"
    path.write_text(json.dumps({"prompt": "q", "chosen": "SELECT 1", "rejected": "SELECT 1"})
                    + "\n")
    with pytest.raises(DatasetError, match="chosen and rejected are the same"):
        load_dpo(path, lambda m: "", "</s>")


def test_kto_weights_balance_the_rarer_label() -> None:
    rows = [Labelled("p", "c", True)] * 30 + [Labelled("p", "c", False)] * 10
    desirable, undesirable = kto_weights(rows)
    assert (desirable, undesirable) == (1.0, 3.0)
    assert kto_weights([Labelled("p", "c", True)] * 5 + [Labelled("p", "c", False)] * 15) == (
        3.0, 1.0)


def test_fim_records_are_mixed_in_at_the_configured_share() -> None:
    from vgpt2.training.pipeline.data import Example

    sft = [Example(f"q{i}", "a") for i in range(20)]
    fim = [Example(f"<|fim_prefix|>{i}", "m") for i in range(50)]
    mixed = mix_fim(sft, fim, 0.25, 0)
    assert len(mixed) == 25
    assert sum(e.prompt.startswith("<|fim_prefix|>") for e in mixed) == 5


def test_smoke_judging_uses_the_engines_degenerate_detection() -> None:
    result = judge_replies(["!" * 512, "", "Sure, here you go", "```sql\nSELECT 1\n```"])
    problems = [problem for _, problem in result.bad]
    assert problems == ["the reply was one token repeated, not SQL", "the reply was empty",
                        "the reply contained no SELECT query"]


def test_separable_pairs_warn_with_the_pair_mix() -> None:
    warnings: list[str] = []
    state = GuardState("dpo", GuardSection(separable_steps=2), warnings.append,
                       "missing-nolock 40, invented-column 2")
    state.observe({"loss": 0.0001, "rewards/accuracies": 1.0, "rewards/margins": 12.0}, 1)
    assert warnings and "trivially separable" in warnings[0]
    assert "missing-nolock 40" in warnings[0]


def test_a_modelfile_without_closing_quotes_does_not_parse() -> None:
    assert parse_modelfile('FROM /m\nSYSTEM """a\nb"""\nPARAMETER stop "<|im_end|>"\n') == [
        ("FROM", "/m"), ("SYSTEM", "a\nb"), ("PARAMETER", 'stop "<|im_end|>"')]
    with pytest.raises(ExportError, match="never closes"):
        parse_modelfile('FROM /m\nTEMPLATE """{{ .Prompt }}\n')


def _held_out_record(question: str, answer: str, module: str = "AP") -> dict[str, object]:
    from vgpt2.server.generation.prompt import build_messages

    messages = [{"role": m.role, "content": m.content}
                for m in build_messages(question, "## APTH (view)\nkey: APCo")]
    return {"messages": [*messages, {"role": "assistant", "content": answer}],
            "meta": {"kind": "generated", "module": module}, "split": "eval"}


def test_the_gate_asks_the_datasets_held_out_split(tmp_path: Path) -> None:
    from vgpt2.training.pipeline.gate import _spread, held_out_questions

    rows = [_held_out_record("How many APTH rows are there in AP company 1?",
                             "```sql\nSELECT COUNT(*) AS Records\nFROM dbo.APTH WITH (NOLOCK)"
                             "\nWHERE APCo = 1;\n```"),
            _held_out_record("Pull the Nowhere view.", "-- cannot answer: Vista has no object "
                             "named Nowhere", module="")]
    (tmp_path / "sft.eval.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (question,) = held_out_questions(tmp_path)  # the refusal is the engine's, not the model's
    assert question.question == "How many APTH rows are there in AP company 1?"
    assert question.sql == ("SELECT COUNT(*) AS Records\nFROM dbo.APTH WITH (NOLOCK)\n"
                            "WHERE APCo = 1;")
    assert question.module == "AP" and question.id == "held-out-1"
    assert _spread(list(range(10)), 4) == [0, 2, 5, 7]
    (tmp_path / "sft.eval.jsonl").write_text(json.dumps({"messages": [
        {"role": "user", "content": "a prompt of another format"},
        {"role": "assistant", "content": "x"}]}) + "\n")
    with pytest.raises(DatasetError, match=r"sft\.eval\.jsonl:1: not a prompt of version v1"):
        held_out_questions(tmp_path)


def test_held_out_questions_and_a_question_file_exclude_each_other(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(MINIMAL + '[gate]\nheld_out = true\nquestions = "q.jsonl"\n')
    with pytest.raises(ConfigError, match="give questions or held_out = true, not both"):
        load_config(path)


def test_a_dataset_built_for_other_server_settings_is_reported(tmp_path: Path) -> None:
    from vgpt2.training.pipeline.pipeline import prompt_mismatch

    data = tmp_path / "data"
    data.mkdir()
    path = tmp_path / "c.toml"
    path.write_text(MINIMAL + f'[output]\nroot = "{tmp_path / "runs"}"\n'
                    "[gate]\nnum_ctx = 2048\nmax_tokens = 256\nrepair_rounds = 0\n")
    run = RunDir.create(load_config(path), path.read_text())
    settings = {"num_ctx": 8192, "max_tokens": 1024, "repair_rounds": 2}
    (data / "manifest.json").write_text(json.dumps({"prompt_settings": settings}))
    message = prompt_mismatch(run)
    assert message is not None and "num_ctx 8192 (gate: 2048)" in message
    assert "repair_rounds 2 (gate: 0)" in message
    settings.update(num_ctx=2048, max_tokens=256, repair_rounds=0)
    (data / "manifest.json").write_text(json.dumps({"prompt_settings": settings}))
    assert prompt_mismatch(run) is None
