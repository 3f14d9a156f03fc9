"""What a run shows: a rich table, results.json, and a self-contained HTML report.

The HTML report needs no network (a Content-Security-Policy forbids any fetch):
inline SVG bars of accuracy per module (one bar per run when two runs are
compared) and a table of the failures with the gold and predicted SQL side by
side. ``compare`` says per question and per module what changed between runs.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

RESULTS = "results.json"
REPORT = "report.html"
COMPARE_REPORT = "compare.html"
_COLORS = ("#2563eb", "#ea580c")


class ReportError(Exception):
    """A run folder or results file that cannot be read."""


def write_atomic(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temp.write_text(text, encoding="utf-8")
    temp.replace(path)


def write_run(out: Path, run: dict[str, Any], title: str) -> tuple[Path, Path]:
    """results.json and report.html into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    results = out / RESULTS
    write_atomic(results, json.dumps(run, indent=2, ensure_ascii=False, default=str) + "\n")
    report = out / REPORT
    write_atomic(report, render_html(title, [(title, run)]))
    return results, report


def load_run(path: Path) -> dict[str, Any]:
    """A run from its folder (``--out``) or its results.json."""
    file = path / RESULTS if path.is_dir() else path
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ReportError(f"{file}: not an evaluation run ({error})") from None
    if not isinstance(data, dict) or "summary" not in data or "cases" not in data:
        raise ReportError(f"{file}: not an evaluation run (no summary and cases)")
    return data


# -- terminal -------------------------------------------------------------------------------


def _pct(value: Any) -> str:
    return "—" if value is None else f"{100 * float(value):.1f}%"


def print_run(console: Console, run: dict[str, Any], failures: int = 15) -> None:
    summary = run["summary"]
    table = Table(title="Evaluation", show_header=True)
    table.add_column("metric")
    table.add_column("value", justify="right")
    rows = [
        ("execution accuracy",
         f"{_pct(summary['execution_accuracy'])} ({summary['correct']}/{summary['answerable']})"),
        ("not executable", str(summary["not_executable"])),
        ("parse validity", _pct(summary["parse_validity"])),
        ("unknown names (raw model)", _pct(summary["unknown_name_rate_raw"])),
        ("unknown names (delivered)", _pct(summary["unknown_name_rate"])),
        ("NOLOCK compliance", _pct(summary["nolock_compliance"])),
        ("refusal precision", _pct(summary["refusal_precision"])),
        ("refusal recall", _pct(summary["refusal_recall"])),
        ("refusal probes right", _pct(summary["refusal_accuracy"])),
        ("repairs used", str(summary["repairs_used"])),
        ("latency p50 / p95 (ms)",
         f"{summary['latency_ms_p50'] or '—'} / {summary['latency_ms_p95'] or '—'}"),
    ]
    if summary.get("gold_errors"):
        rows.append(("GOLD ERRORS (question set broken)", str(summary["gold_errors"])))
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    modules = Table(title="Per module", show_header=True)
    for name in ("module", "accuracy", "correct / total"):
        modules.add_column(name)
    for module, group in summary["per_module"].items():
        modules.add_row(module, _pct(group["accuracy"]), f"{group['correct']}/{group['total']}")
    console.print(modules)
    tags = Table(title="Per tag", show_header=True)
    for name in ("tag", "accuracy", "correct / total"):
        tags.add_column(name)
    for tag, group in summary["per_tag"].items():
        tags.add_row(tag, _pct(group["accuracy"]), f"{group['correct']}/{group['total']}")
    console.print(tags)
    wrong = [c for c in run["cases"] if not c["correct"]]
    if wrong and failures:
        listing = Table(title=f"Failures (first {min(failures, len(wrong))} of {len(wrong)})",
                        show_header=True, show_lines=True)
        for name in ("id", "outcome", "reason", "gold", "predicted"):
            listing.add_column(name, overflow="fold")
        for case in wrong[:failures]:
            listing.add_row(case["id"], case["outcome"], case["reason"],
                            case.get("gold_sql") or "(refuse)",
                            case.get("predicted_sql") or ("(refused)" if case.get("refused")
                                                          else "(none)"))
        console.print(listing)


# -- comparison -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Comparison:
    fixed: list[str]
    broken: list[str]
    changed_reason: list[str]
    modules: dict[str, tuple[float | None, float | None]]
    only_a: list[str]
    only_b: list[str]

    def as_json(self) -> dict[str, Any]:
        return {"fixed": self.fixed, "broken": self.broken,
                "changed_reason": self.changed_reason,
                "modules": {m: {"a": a, "b": b} for m, (a, b) in self.modules.items()},
                "only_in_a": self.only_a, "only_in_b": self.only_b}


def compare_runs(a: dict[str, Any], b: dict[str, Any]) -> Comparison:
    cases_a = {c["id"]: c for c in a["cases"]}
    cases_b = {c["id"]: c for c in b["cases"]}
    shared = [i for i in cases_a if i in cases_b]
    fixed = [i for i in shared if not cases_a[i]["correct"] and cases_b[i]["correct"]]
    broken = [i for i in shared if cases_a[i]["correct"] and not cases_b[i]["correct"]]
    changed = [i for i in shared if cases_a[i]["correct"] == cases_b[i]["correct"]
               and not cases_a[i]["correct"] and cases_a[i]["reason"] != cases_b[i]["reason"]]
    modules_a = a["summary"].get("per_module", {})
    modules_b = b["summary"].get("per_module", {})
    modules = {m: (modules_a.get(m, {}).get("accuracy"), modules_b.get(m, {}).get("accuracy"))
               for m in sorted(set(modules_a) | set(modules_b))}
    return Comparison(fixed, broken, changed, modules,
                      [i for i in cases_a if i not in cases_b],
                      [i for i in cases_b if i not in cases_a])


def print_comparison(console: Console, comparison: Comparison, a: dict[str, Any],
                     b: dict[str, Any], name_a: str, name_b: str) -> None:
    console.print(f"execution accuracy: {_pct(a['summary']['execution_accuracy'])} ({name_a}) "
                  f"-> {_pct(b['summary']['execution_accuracy'])} ({name_b})")
    table = Table(title="Per module", show_header=True)
    for name in ("module", name_a, name_b, "change"):
        table.add_column(name)
    for module, (before, after) in comparison.modules.items():
        delta = ("—" if before is None or after is None
                 else f"{100 * (after - before):+.1f} pts")
        table.add_row(module, _pct(before), _pct(after), delta)
    console.print(table)
    cases_b = {c["id"]: c for c in b["cases"]}
    for label, ids in (("fixed", comparison.fixed), ("broken", comparison.broken)):
        console.print(f"{label} ({len(ids)}): " + (", ".join(ids) or "none"))
        if label == "broken":
            for i in ids:
                console.print(f"  {i}: {cases_b[i]['reason']}")


# -- HTML -----------------------------------------------------------------------------------


def _bars(runs: list[tuple[str, dict[str, Any]]]) -> str:
    """Inline SVG: accuracy per module, one bar per run."""
    modules = sorted({m for _, run in runs for m in run["summary"].get("per_module", {})})
    bar, gap, label_width, width = 14, 10, 70, 420
    group = bar * len(runs) + gap
    height = max(1, len(modules)) * group + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" id="module-chart" '
             f'aria-label="Execution accuracy per module" width="{label_width + width + 60}" '
             f'height="{height}" viewBox="0 0 {label_width + width + 60} {height}">']
    for row, module in enumerate(modules):
        y = row * group + 10
        parts.append(f'<text x="0" y="{y + bar * len(runs) / 2 + 4}" font-size="12" '
                     f'font-family="sans-serif">{html.escape(module)}</text>')
        for index, (name, run) in enumerate(runs):
            data = run["summary"]["per_module"].get(module)
            accuracy = float(data["accuracy"] or 0.0) if data else 0.0
            length = max(1.0, accuracy * width) if data else 0.0
            top = y + index * bar
            title = (f"{name}: {module} {100 * accuracy:.1f}% "
                     f"({data['correct']}/{data['total']})" if data else f"{name}: no questions")
            parts.append(f'<rect class="bar" data-module="{html.escape(module)}" '
                         f'data-run="{index}" data-accuracy="{accuracy:.4f}" x="{label_width}" '
                         f'y="{top}" width="{length:.1f}" height="{bar - 2}" '
                         f'fill="{_COLORS[index % len(_COLORS)]}"><title>{html.escape(title)}'
                         f'</title></rect>')
            parts.append(f'<text x="{label_width + length + 4:.1f}" y="{top + bar - 4}" '
                         f'font-size="10" font-family="sans-serif">{100 * accuracy:.0f}%</text>')
    axis_y = len(modules) * group + 16
    for tick in (0, 25, 50, 75, 100):
        x = label_width + width * tick / 100
        parts.append(f'<line x1="{x}" y1="6" x2="{x}" y2="{axis_y - 4}" stroke="#ccc" '
                     'stroke-width="0.5"/>')
        parts.append(f'<text x="{x - 8}" y="{axis_y + 10}" font-size="10" '
                     f'font-family="sans-serif">{tick}%</text>')
    parts.append("</svg>")
    return "".join(parts)


def _summary_table(runs: list[tuple[str, dict[str, Any]]]) -> str:
    keys = [("execution_accuracy", "Execution accuracy"), ("not_executable", "Not executable"),
            ("parse_validity", "Parse validity"),
            ("unknown_name_rate_raw", "Unknown names (raw model)"),
            ("unknown_name_rate", "Unknown names (delivered)"),
            ("nolock_compliance", "NOLOCK compliance"),
            ("refusal_precision", "Refusal precision"), ("refusal_recall", "Refusal recall"),
            ("repairs_used", "Repairs used"), ("latency_ms_p50", "Latency p50 (ms)"),
            ("latency_ms_p95", "Latency p95 (ms)")]
    rates = {"execution_accuracy", "parse_validity", "unknown_name_rate",
             "unknown_name_rate_raw", "nolock_compliance", "refusal_precision",
             "refusal_recall"}
    head = "".join(f"<th>{html.escape(name)}</th>" for name, _ in runs)
    rows = []
    for key, label in keys:
        cells = []
        for _, run in runs:
            value = run["summary"].get(key)
            text = _pct(value) if key in rates else ("—" if value is None else str(value))
            cells.append(f'<td data-key="{key}">{html.escape(text)}</td>')
        rows.append(f"<tr><th scope=\"row\">{html.escape(label)}</th>{''.join(cells)}</tr>")
    return (f'<table id="summary"><thead><tr><th>Metric</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _groups(runs: list[tuple[str, dict[str, Any]]], key: str, label: str) -> str:
    """Accuracy per tag (or module) for each run, as a table."""
    names = sorted({g for _, run in runs for g in run["summary"].get(key, {})})
    head = "".join(f"<th>{html.escape(name)}</th>" for name, _ in runs)
    rows = []
    for name in names:
        cells = []
        for _, run in runs:
            group = run["summary"].get(key, {}).get(name)
            text = (f"{_pct(group['accuracy'])} ({group['correct']}/{group['total']})"
                    if group else "—")
            cells.append(f"<td>{html.escape(text)}</td>")
        rows.append(f'<tr data-group="{html.escape(name)}"><th scope="row">'
                    f"{html.escape(name)}</th>{''.join(cells)}</tr>")
    return (f'<table id="{key}"><thead><tr><th>{html.escape(label)}</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _failures(run: dict[str, Any]) -> str:
    wrong = [c for c in run["cases"] if not c["correct"]]
    if not wrong:
        return '<p id="no-failures">No failures.</p>'
    rows = []
    for case in wrong:
        predicted = case.get("predicted_sql") or ("(refused) " + (case.get("message") or "")
                                                  if case.get("refused") else "(no SQL)")
        rows.append(
            f'<tr class="failure" data-id="{html.escape(case["id"])}">'
            f"<td>{html.escape(case['id'])}</td><td>{html.escape(case.get('module') or '')}</td>"
            f"<td>{html.escape(case['outcome'])}</td><td>{html.escape(case['reason'])}</td>"
            f"<td><pre>{html.escape(case.get('gold_sql') or '(refuse)')}</pre></td>"
            f"<td><pre>{html.escape(predicted)}</pre></td></tr>")
    return ('<table id="failures"><thead><tr><th>Id</th><th>Module</th><th>Outcome</th>'
            "<th>Reason</th><th>Gold SQL</th><th>Predicted SQL</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


_STYLE = """
body { font-family: sans-serif; margin: 2em; color: #111; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
pre { margin: 0; white-space: pre-wrap; font-size: 12px; max-width: 40em; }
.legend span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; }
"""


def render_html(title: str, runs: list[tuple[str, dict[str, Any]]],
                comparison: Comparison | None = None) -> str:
    legend = "".join(f'<span style="background:{_COLORS[i % len(_COLORS)]}"></span>'
                     f"{html.escape(name)}" for i, (name, _) in enumerate(runs))
    body = [f"<h1>{html.escape(title)}</h1>", "<h2>Summary</h2>", _summary_table(runs),
            "<h2>Execution accuracy per module</h2>", f'<p class="legend">{legend}</p>',
            _bars(runs), "<h2>Execution accuracy per tag</h2>",
            _groups(runs, "per_tag", "Tag")]
    if comparison is not None:
        for label, ids in (("Fixed", comparison.fixed), ("Broken", comparison.broken)):
            items = "".join(f"<li>{html.escape(i)}</li>" for i in ids) or "<li>none</li>"
            body.append(f'<h2>{label} ({len(ids)})</h2><ul id="{label.lower()}">{items}</ul>')
    name, last = runs[-1]
    body += [f"<h2>Failures ({html.escape(name)})</h2>", _failures(last)]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src data:\">"
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")
