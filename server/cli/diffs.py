"""``vgpt2 fix --diff``: unified diffs that ``git apply`` and ``patch -p1`` accept.

Two things matter beyond the format:

* the file names: both tools read them relative to the folder they run in (git
  prefixes the subfolder of its work tree it is run from) and both refuse ``..``,
  so :func:`patch_base` picks one folder for the whole run;
* the time: :mod:`difflib` matches lines, and on a big file with many changes
  that takes hours (200,000 lines with a third changed did not finish in ten
  minutes). The fixes already say which lines they changed
  (:func:`~vgpt2.server.analysis.fixing.line_origins`), so the hunks are built
  from that in linear time, with difflib's grouping and layout.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator
from pathlib import Path

from vgpt2.server.analysis.fixing import FixResult, line_origins, split_lines

CONTEXT = 3
"""Unchanged lines around each change, as ``diff -u`` and git show."""

Opcode = tuple[str, int, int, int, int]
"""(tag, old start, old end, new start, new end), as :class:`difflib.SequenceMatcher`."""


def _git_root(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _inside(path: Path, folder: Path) -> bool:
    return Path(os.path.abspath(path)).is_relative_to(folder)


def patch_base(files: list[Path]) -> Path:
    """The one folder a run's diff headers are relative to.

    The working folder when it holds every file; else the top of its git work tree
    when that holds them all (the diff is then applied there); else the working
    folder, and files outside it are named as given, with a warning.
    """
    here = Path(os.path.abspath(Path.cwd()))
    if all(_inside(f, here) for f in files):
        return here
    root = _git_root(here)
    if root is not None and all(_inside(f, root) for f in files):
        return root
    return here


def patch_path(path: Path, base: Path) -> str | None:
    """``path`` relative to ``base``, with forward slashes; None when outside it."""
    try:
        return Path(os.path.abspath(path)).relative_to(base).as_posix()
    except ValueError:
        return None


def opcodes(origin: list[int | None], old_count: int) -> list[Opcode]:
    """Equal and changed stretches from each new line's origin (None: written by a fix)."""
    codes: list[Opcode] = []
    old = new = 0  # the next old and new lines not yet covered

    def add(tag: str, i2: int, j2: int) -> None:
        nonlocal old, new
        if codes and codes[-1][0] == tag == "equal":
            codes[-1] = ("equal", codes[-1][1], i2, codes[-1][3], j2)
        elif i2 > old or j2 > new:
            codes.append((tag, old, i2, new, j2))
        old, new = i2, j2

    for index, source in enumerate([*origin, old_count]):
        if index < len(origin) and source is None:
            continue
        assert source is not None
        if source > old or index > new:  # lines between the last anchor and this one changed
            tag = "replace" if source > old and index > new else (
                "delete" if source > old else "insert")
            add(tag, source, index)
        if index < len(origin):
            add("equal", source + 1, index + 1)
    return codes


def grouped(codes: list[Opcode], context: int = CONTEXT) -> Iterator[list[Opcode]]:
    """Hunks: :meth:`difflib.SequenceMatcher.get_grouped_opcodes` over given opcodes."""
    if not codes:
        codes = [("equal", 0, 1, 0, 1)]
    codes = list(codes)
    if codes[0][0] == "equal":
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2
    if codes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * context:
            group.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            yield group
            group = []
            i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group


def _range(start: int, stop: int) -> str:
    """``@@`` ranges as difflib writes them."""
    beginning, length = start + 1, stop - start
    if length == 1:
        return str(beginning)
    if not length:
        beginning -= 1
    return f"{beginning},{length}"


def _unified(old: list[str], new: list[str], codes: list[Opcode], name: str) -> Iterator[str]:
    started = False
    for group in grouped(codes):
        if not started:
            started = True
            yield f"--- a/{name}\n"
            yield f"+++ b/{name}\n"
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (" " + line for line in old[i1:i2])
                continue
            if tag in ("replace", "delete"):
                yield from ("-" + line for line in old[i1:i2])
            if tag in ("replace", "insert"):
                yield from ("+" + line for line in new[j1:j2])


def unified_diff(old_text: str, result: FixResult, name: str) -> str:
    """The diff from ``old_text`` to the fixed text, ``a/NAME`` and ``b/NAME``.

    Lines are split at ``\\n`` only, as patch and git read them (``str.splitlines``
    would also split at form feeds and U+2028, which they keep inside a line).
    """
    old = split_lines(old_text)
    new, origin = line_origins(old_text, result.history)
    if "".join(new) == result.text:
        lines: Iterator[str] = _unified(old, new, opcodes(origin, len(old)), name)
    else:  # pragma: no cover - a history that does not give the text: match lines instead
        lines = difflib.unified_diff(old, split_lines(result.text), fromfile=f"a/{name}",
                                     tofile=f"b/{name}")
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
