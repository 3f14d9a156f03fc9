"""Peak memory of ``vgpt2 check`` on big generated files (issue 8 item 12: bounded memory).

Run:  .venv/bin/python benchmarks/memory_bench.py [--sizes 2,20]

For each size in megabytes, writes a file of the analyzer corpus
(tests/analysis/corpus) joined with ``GO`` lines until it is that big, runs
``vgpt2 check --format json`` on it against the bundled sample catalog in a fresh
process, and prints the wall time, the child's peak resident memory
(``ru_maxrss`` of that one child) and a digest of its JSON output, so that two runs
(before and after a change) can be compared for identical findings as well as memory.

The analyzer works one ``GO`` batch at a time, so memory should stay near that
of a small file whatever the file's size; time stays linear. The machine's load
average is printed: these machines are shared and a busy one reads slower.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).with_name("vgpt2")
PROBE = """\
import hashlib, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
seconds = time.perf_counter() - started
digest = hashlib.sha256(done.stdout).hexdigest()[:16]
print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, digest,
      done.stdout.count(b'"code"'), done.returncode)
"""


def command() -> list[str]:
    return [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m",
                                                  "vgpt2.server.cli.main"]


def write_big_file(path: Path, megabytes: float) -> int:
    """The corpus joined with ``GO`` lines, repeated to about ``megabytes``; its size."""
    corpus = sorted((REPO / "tests" / "analysis" / "corpus").glob("*/*.sql"))
    blob = "\nGO\n".join(p.read_text(encoding="utf-8") for p in corpus)
    copies = max(1, int(megabytes * 1024 * 1024 / len(blob)))
    path.write_text("\nGO\n".join([blob] * copies), encoding="utf-8")
    return path.stat().st_size


def measure(megabytes: float, work: Path, env: dict[str, str]) -> str:
    path = work / f"big_{megabytes:g}mb.sql"
    size = write_big_file(path, megabytes)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *command(), "check", "--format", "json",
         "--no-progress", path.name],
        cwd=work, env=env, capture_output=True, text=True, check=True, timeout=3600)
    seconds, rss_kb, digest, findings, code = result.stdout.split()
    path.unlink()
    return (f"| `vgpt2 check` of a {size / 1024 / 1024:,.1f} MB file | {float(seconds):,.1f} s "
            f"| {int(rss_kb) / 1024:,.0f} MB | {int(findings):,} findings, exit {code}, "
            f"output sha256 {digest} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2,20", help="file sizes in MB, comma-separated")
    options = parser.parse_args()
    sizes = [float(s) for s in options.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = {**os.environ, "VGPT2_CACHE_DIR": str(work / "cache")}
        env.pop("VGPT2_CONFIG", None)
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        print("\n| run | wall time | peak RSS | output |\n|---|---|---|---|")
        for megabytes in sizes:
            print(measure(megabytes, work, env), flush=True)
        print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
