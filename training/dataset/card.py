"""The dataset card: what is in the build, how it was checked, and what was turned away."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vgpt2.training.dataset.build import Built

_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'", re.DOTALL)
_REFERENCE = re.compile(
    r"(?<![.\w])(?:FROM|JOIN)\s+(?:dbo\.)?\w+(?:\s+AS\s+\w+)?(\s+WITH \(NOLOCK\))?", re.IGNORECASE)


def nolock_share(sqls: list[str]) -> tuple[int, int]:
    """(references with WITH (NOLOCK), all table references) over the SELECT golds."""
    hinted = total = 0
    for sql in sqls:
        code = _COMMENT.sub(" ", sql)  # "-- POHD exists: ... from the vendor" is no reference
        for match in _REFERENCE.finditer(code):
            total += 1
            hinted += match.group(1) is not None
    return hinted, total


def _table(title: str, counts: Counter[str], limit: int = 40) -> list[str]:
    lines = [f"### {title}", "", "| | records |", "|---|---|"]
    for key, value in counts.most_common(limit):
        lines.append(f"| {key or '(none)'} | {value:,} |")
    if len(counts) > limit:
        rest = sum(counts.values()) - sum(v for _, v in counts.most_common(limit))
        lines.append(f"| ({len(counts) - limit} more) | {rest:,} |")
    return [*lines, ""]


def render_card(manifest: dict[str, Any], built: Built, seed: int) -> str:
    sft = [*built.sft, *built.refusals, *built.exists]
    golds = [a.sql for a in built.sft + built.exists if a.sql]
    hinted, total = nolock_share(golds)
    lengths = sorted(len(a.answer) for a in sft)
    quart = statistics.quantiles(lengths, n=4) if len(lengths) > 1 else [lengths[0]] * 3
    counts = manifest["counts"]
    lines = [
        "# vgpt2 training dataset", "",
        f"Seed {seed}; catalog fingerprint `{manifest['catalog']['fingerprint']}`; prompt "
        f"version {manifest['prompt_version']}; FIM format {manifest['fim_version']}.", "",
        "Every prompt was built by the engine's own path (link -> join tree -> schema context "
        "-> build_messages), exactly what the server sends for that question. Every gold query "
        "has zero analyzer findings, reads only objects and columns its prompt shows, and "
        "returns rows on at least one sample database; no question equals or paraphrases "
        f"(content-word overlap above 0.8) one of the {manifest['eval_questions']['count']} "
        "evaluation questions, and no gold equals an evaluation gold.", "",
        "## Files", "", "| file | records | sha256 |", "|---|---|---|",
        *[f"| {name} | {counts[name]:,} | `{manifest['hashes'][name][:16]}` |"
          for name in sorted(counts)], "",
        "## SFT", "",
        f"- records: {len(sft):,} ({', '.join(f'{k} {v:,}' for k, v in manifest['sft'].items())})",
        f"- NOLOCK share of SELECT golds: {hinted:,} of {total:,} table references "
        f"({(hinted / total if total else 1):.1%})",
        f"- distinct answers: {len({a.answer for a in sft}) / len(sft):.1%}",
        f"- answer length (characters): min {lengths[0]}, quartiles "
        f"{quart[0]:.0f} / {quart[1]:.0f} / {quart[2]:.0f}, max {lengths[-1]}",
        f"- held out for eval: objects {len(built.eval_objects)}, templates "
        f"{', '.join(sorted(built.eval_templates)) or '(none)'}", "",
        *_table("By kind", Counter(a.candidate.kind for a in sft)),
        *_table("By module", Counter(a.candidate.module for a in sft)),
        *_table("By pattern", Counter(a.candidate.pattern for a in sft)),
        *_table("By object (first 40)", Counter(o for a in sft for o in a.candidate.objects)),
        "## DPO", "",
        "Chosen is the gold; rejected is the same query with one mistake, proven by the "
        "analyzer's finding (or, for a company column the object really has, by execution).", "",
        *_table("Mistake mix", Counter(p["meta"]["mistake"] for p in built.dpo)),
        f"Rejected sides whose claimed finding is their only finding: "
        f"{sum(p['meta']['only_finding'] for p in built.dpo):,} of {len(built.dpo):,}.", "",
        "## KTO", "",
        f"- desirable {manifest['kto']['desirable']:,}, undesirable "
        f"{manifest['kto']['undesirable']:,}",
        f"- trainer weights: desirable_weight {manifest['kto']['desirable_weight']}, "
        f"undesirable_weight {manifest['kto']['undesirable_weight']} (weighted ratio "
        f"{manifest['kto']['weighted_ratio']}, TRL's recommended range 1 to 4/3)", "",
        "## FIM", "",
        *_table("By origin and cut", Counter(f"{r['meta']['kind']} / {r['meta']['cut']}"
                                             for r in built.fim)),
        "## Rejected, and why", "",
        "Every rejected candidate is in `rejected.jsonl` with its reason.", "",
        *_table("By gate", Counter(manifest["rejected"])),
    ]
    by_gate: dict[str, str] = {}
    for rejected in built.rejected:
        by_gate.setdefault(rejected.gate, f"{rejected.candidate.question[:80]!r}: "
                                          f"{rejected.reason[:160]}")
    lines += [f"- {gate}: e.g. {example}" for gate, example in sorted(by_gate.items())]
    return "\n".join(lines).rstrip() + "\n"
