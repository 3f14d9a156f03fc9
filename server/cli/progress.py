"""Progress of long ``vgpt2 check`` / ``vgpt2 fix`` runs, on stderr.

A big file takes minutes to analyze; silence for minutes reads as a hang. On a
terminal a rich bar shows the file being worked on, files and bytes done and
the time elapsed (its spinner keeps moving while one big file is analyzed);
with ``--progress`` and no terminal (CI logs) one plain line per file. Short
runs show nothing unless asked, and stdout (the findings, JSON, SARIF, a diff)
is never touched.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

LARGE_FILE_BYTES = 5 * 1024 * 1024
"""Files over this size get a warning before their analysis: expect minutes, not seconds."""
AUTO_BYTES = 1024 * 1024
AUTO_FILES = 50
"""Runs at least this big show progress on a terminal without being asked."""


def size_text(size: int) -> str:
    """``820 bytes``, ``12.4 KB``, ``20.1 MB``."""
    if size < 1024:
        return f"{size:,} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:,.1f} KB"
    return f"{size / 1024 / 1024:,.1f} MB"


def file_sizes(files: list[Path]) -> list[int]:
    """Each file's size (0 when it cannot be read: reading it reports why)."""
    sizes = []
    for file in files:
        try:
            sizes.append(file.stat().st_size)
        except OSError:
            sizes.append(0)
    return sizes


class Reporter(Protocol):
    def start(self, shown: str, size: int) -> None:
        """Work on a file begins."""

    def note(self, text: str) -> None:
        """What happens to the current file now (``round 2``)."""

    def done(self, size: int) -> None:
        """The current file is finished."""


class _Silent:
    def start(self, shown: str, size: int) -> None:
        pass

    def note(self, text: str) -> None:
        pass

    def done(self, size: int) -> None:
        pass


class _Lines:
    """One line per file, for logs."""

    def __init__(self, verb: str, total: int) -> None:
        self.verb, self.total, self.index = verb, total, 0

    def start(self, shown: str, size: int) -> None:
        self.index += 1
        sys.stderr.write(f"[{self.index:,}/{self.total:,}] {self.verb} {shown} "
                         f"({size_text(size)})\n")
        sys.stderr.flush()

    def note(self, text: str) -> None:
        sys.stderr.write(f"    {text}\n")
        sys.stderr.flush()

    def done(self, size: int) -> None:
        pass


class _Bar:
    """A rich progress bar over the run's bytes, with the file count and elapsed time."""

    def __init__(self, progress: Progress, task: TaskID, verb: str, total: int) -> None:
        self.progress, self.task, self.verb, self.total = progress, task, verb, total
        self.index = 0
        self.shown = ""

    def start(self, shown: str, size: int) -> None:
        self.index += 1
        self.shown = shown
        self.progress.update(self.task, description=self._describe(f"({size_text(size)})"))

    def note(self, text: str) -> None:
        self.progress.update(self.task, description=self._describe(text))

    def done(self, size: int) -> None:
        self.progress.advance(self.task, size)

    def _describe(self, detail: str) -> str:
        return f"{self.verb} {self.index:,}/{self.total:,} {self.shown} {detail}"


@contextmanager
def reporting(verb: str, files: list[Path], sizes: list[int],
              wanted: bool | None) -> Iterator[Reporter]:
    """A reporter for a run over ``files``: ``wanted`` None means "if long and on a terminal"."""
    from rich.console import Console

    console = Console(stderr=True)
    total = sum(sizes)
    if wanted is None:
        wanted = console.is_terminal and (total >= AUTO_BYTES or len(files) >= AUTO_FILES)
    if not wanted:
        yield _Silent()
        return
    if not console.is_terminal:
        yield _Lines(verb, len(files))
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  DownloadColumn(), TimeElapsedColumn(), console=console, transient=True,
                  # stdout piped (a diff, JSON, SARIF) must stay there; on a terminal it
                  # is printed above the bar instead of through it
                  redirect_stdout=sys.stdout.isatty()) as progress:
        task = progress.add_task(verb, total=max(total, 1))
        yield _Bar(progress, task, verb, len(files))


def warn_if_large(shown: str, size: int) -> None:
    if size > LARGE_FILE_BYTES:
        sys.stderr.write(f"warning: {shown} is {size_text(size)}; files this large take "
                         "minutes to analyze\n")
        sys.stderr.flush()
