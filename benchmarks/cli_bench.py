"""Command-line start-up and ``vgpt2 fix`` scaling benchmarks.

Run:  .venv/bin/python benchmarks/cli_bench.py [--runs 15] [--fixes 6000,12000,48000]

Measures, against the targets in benchmarks/RESULTS.md (an idle 2-core machine):

* ``vgpt2 --help`` and ``vgpt2 --version``: wall time of a fresh process, median
  of ``--runs`` (target < 300 ms each);
* ``vgpt2 check one_file.sql`` on the bundled sample catalog, compiled once
  beforehand into a throwaway cache (target < 1 s);
* choosing fixes (:func:`~vgpt2.server.analysis.fixing.choose_fixes`) for n
  findings with one ``WITH (NOLOCK)`` insertion each, as a long file of
  ``SELECT ... FROM APTH`` lines has, beside the pairwise check it replaced (only
  up to 12,000: it is quadratic);
* ``fix --diff``'s diff of a 200,000-line file with every third line fixed, built
  from the fixes' edits (difflib's line matching did not finish it in ten minutes);
* ``vgpt2 check`` on a generated file of ``--big-mb`` megabytes (time and peak
  memory of the process), to see how a big file scales.

The machine's load average is printed with the results: these machines are
shared, so a busy one reads slower than the targets assume.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).with_name("vgpt2")
ONE_FILE = """\
-- AP invoices for March, with their lines
SELECT h.APCo, h.Mth, h.APTrans, h.APRef, l.APLine, l.GrossAmt
FROM bAPTH h
JOIN APTL l ON h.APCo = l.APCo
WHERE h.mth = '2024-03-01'
"""


def command() -> list[str]:
    return [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m",
                                                  "vgpt2.server.cli.main"]


def wall(args: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False, timeout=600)
    return time.perf_counter() - started


def median_ms(args: list[str], cwd: Path, env: dict[str, str], runs: int) -> float:
    wall(args, cwd, env)  # warm the file cache
    return statistics.median(wall(args, cwd, env) for _ in range(runs)) * 1000


def start_up(runs: int, work: Path, env: dict[str, str]) -> list[str]:
    (work / "one_file.sql").write_text(ONE_FILE, encoding="utf-8")
    base = command()
    wall([*base, "check", "one_file.sql"], work, env)  # compiles the sample into the cache
    rows = []
    for label, extra, target in (("vgpt2 --help", ["--help"], 300),
                                 ("vgpt2 --version", ["--version"], 300),
                                 ("vgpt2 check one_file.sql (sample catalog)",
                                  ["check", "one_file.sql"], 1000)):
        value = median_ms([*base, *extra], work, env, runs)
        rows.append(f"| `{label}` | {value:,.0f} ms | < {target:,} ms |")
    return rows


def fix_selection(counts: list[int]) -> list[str]:
    sys.path.insert(0, str(REPO / "tests" / "analysis"))
    from test_fix_selection import nolock_findings, reference
    from vgpt2.server.analysis.fixing import choose_fixes

    rows = []
    for count in counts:
        findings = nolock_findings(count)
        started = time.perf_counter()
        chosen = choose_fixes(findings)
        new = time.perf_counter() - started
        assert len(chosen) == count
        old = "—"
        if count <= 12_000:
            started = time.perf_counter()
            reference(findings)
            old = f"{time.perf_counter() - started:,.2f} s"
        rows.append(f"| {count:,} | {new * 1000:,.0f} ms | {old} |")
    return rows


def diff_of_many_fixes(lines: int = 200_000) -> str:
    from vgpt2.server.analysis.findings import Edit
    from vgpt2.server.analysis.fixing import FixResult, apply_edits
    from vgpt2.server.cli.diffs import unified_diff

    line = "SELECT * FROM APTH WHERE x = 1\n"
    text = line * lines
    edits = [Edit(i * len(line) + 18, i * len(line) + 18, " WITH (NOLOCK)")
             for i in range(0, lines, 3)]
    result = FixResult(apply_edits(text, edits), len(edits), history=[edits])
    started = time.perf_counter()
    patch = unified_diff(text, result, "big.sql")
    seconds = time.perf_counter() - started
    return (f"| diff of {lines:,} lines, {len(edits):,} fixed | {seconds:,.2f} s "
            f"| {len(patch) / 1024 / 1024:,.1f} MB of diff |")


def big_file(megabytes: float, work: Path, env: dict[str, str]) -> str:
    corpus = sorted((REPO / "tests" / "analysis" / "corpus").glob("*/*.sql"))
    blob = "\nGO\n".join(p.read_text(encoding="utf-8") for p in corpus)
    copies = max(1, int(megabytes * 1024 * 1024 / len(blob)))
    path = work / "big.sql"
    path.write_text("\nGO\n".join([blob] * copies), encoding="utf-8")
    size = path.stat().st_size
    probe = ("import resource, subprocess, sys, time\n"
             "t = time.perf_counter()\n"
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
             "stderr=subprocess.DEVNULL)\n"
             "print(time.perf_counter() - t, "
             "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    result = subprocess.run([sys.executable, "-c", probe, *command(), "check", "big.sql"],
                            cwd=work, env=env, capture_output=True, text=True, check=True,
                            timeout=3600)
    seconds, rss_kb = result.stdout.split()
    return (f"| `vgpt2 check` of a {size / 1024 / 1024:,.1f} MB file | {float(seconds):,.1f} s "
            f"| {int(rss_kb) / 1024:,.0f} MB peak RSS |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--fixes", default="6000,12000,48000")
    parser.add_argument("--big-mb", type=float, default=2.0,
                        help="size of the generated big file (0: skip)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = {**os.environ, "VGPT2_CACHE_DIR": str(work / "cache")}
        env.pop("VGPT2_CONFIG", None)
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        print("\n| command | median wall time | target |\n|---|---|---|")
        print("\n".join(start_up(options.runs, work, env)))
        print("\n| fixes | choose_fixes | the pairwise check it replaced |\n|---|---|---|")
        print("\n".join(fix_selection([int(n) for n in options.fixes.split(",")])))
        print("\n| run | time | size |\n|---|---|---|")
        print(diff_of_many_fixes())
        if options.big_mb:
            print("\n| run | wall time | memory |\n|---|---|---|")
            print(big_file(options.big_mb, work, env))
        print(f"\nload average after: {os.getloadavg()[0]:.2f}; "
              f"this process's peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss:,} KB")


if __name__ == "__main__":
    main()
