"""Apply the analyzer's safe fixes to a text, and read/write SQL files faithfully.

:func:`fix_text` runs :func:`~vgpt2.server.analysis.analyzer.analyze`, takes the
first safe fix of each finding, drops fixes whose edits overlap one already
taken, applies the rest from the end of the text backwards, and analyzes again
until nothing changes (a fix can uncover another: ``bapth`` is first written
``bAPTH``, then replaced by its view ``APTH``). The result is a fixed point, so
fixing a fixed text changes nothing.

:func:`decode_source` / :meth:`SourceText.encode` keep a file's encoding, byte
order mark and line endings, so ``vgpt2 fix`` rewrites only what it fixed. Pure:
no file system access here.
"""

from __future__ import annotations

import bisect
import codecs
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.analyzer import RuleSettings, analyze
from vgpt2.server.analysis.findings import Edit, Finding, Fix

MAX_ROUNDS = 5
"""Analysis rounds per text; real fixes settle in two or three."""


@dataclass(slots=True)
class FixResult:
    text: str
    applied: int
    """Fixes applied, over all rounds."""
    remaining: list[Finding] = field(default_factory=list)
    """Findings of the fixed text (those with no safe fix, or not selected)."""
    rounds: int = 0
    settled: bool = True
    """False when fixes were still available after :data:`MAX_ROUNDS` rounds."""
    history: list[list[Edit]] = field(default_factory=list)
    """The edits of each round, on the text as that round found it: with the original
    text they say exactly which lines changed (:func:`line_origins`), so a diff needs no
    line matching."""


def apply_fixes(text: str, catalog: Catalog, settings: RuleSettings | None = None,
                select: set[str] | None = None) -> tuple[str, int]:
    """``(fixed text, number of fixes applied)``; see :func:`fix_text`."""
    result = fix_text(text, catalog, settings, select)
    return result.text, result.applied


def fix_text(text: str, catalog: Catalog, settings: RuleSettings | None = None,
             select: set[str] | None = None,
             on_round: Callable[[int], None] | None = None) -> FixResult:
    """Apply safe fixes until none is left; ``select`` limits which rules' fixes apply.

    Rules turned off in ``settings`` are neither reported nor fixed. Inserted
    line breaks follow the text's own (``\\r\\n`` stays ``\\r\\n``). ``on_round`` is
    told the number of each analysis round before it starts (progress for big files).
    """
    newline = detect_newline(text)
    history: list[list[Edit]] = []
    seen = {hash(text)}  # hashes: a big file's every version kept whole would cost memory
    applied = 0
    rounds = 0
    if on_round is not None:
        on_round(1)
    findings = analyze(text, catalog, settings)
    while rounds < MAX_ROUNDS:
        fixes = choose_fixes(findings, select)
        if not fixes:
            return FixResult(text, applied, findings, rounds, settled=True,
                             history=history)
        rounds += 1
        # the same edit offered by two fixes (one insertion both need) is applied once
        edits = list(dict.fromkeys(Edit(e.start, e.end, _with_newline(e.new_text, newline))
                                   for fix in fixes for e in fix.edits))
        new_text = apply_edits(text, edits)
        if hash(new_text) in seen:  # fixes that undo each other: stop rather than loop
            return FixResult(text, applied, findings, rounds, settled=False,
                             history=history)
        seen.add(hash(new_text))
        history.append(sorted(edits, key=lambda e: (e.start, e.end)))
        text = new_text
        applied += len(fixes)
        if on_round is not None:
            on_round(rounds + 1)
        findings = analyze(text, catalog, settings)
    return FixResult(text, applied, findings, rounds,
                     settled=not choose_fixes(findings, select), history=history)


def choose_fixes(findings: list[Finding], select: set[str] | None = None) -> list[Fix]:
    """The first safe fix of each (selected) finding, skipping fixes that overlap earlier ones.

    Two findings offering the very same edits (one fix for two problems) count once.
    Earlier findings win; the choice takes O(n log n) for n fixes (a file with
    tens of thousands of them is chosen in well under a second), see :class:`_Taken`.
    """
    candidates: list[tuple[Fix, tuple[Edit, ...]]] = []
    for finding in findings:
        if select is not None and finding.code not in select:
            continue
        fix = next((f for f in finding.fixes if f.safe and f.edits), None)
        if fix is None:
            continue
        edits = tuple(sorted(fix.edits, key=lambda e: (e.start, e.end)))
        if any(e.start < 0 or e.end < e.start for e in edits):
            continue
        candidates.append((fix, edits))
    taken = _Taken(e for _, edits in candidates for e in edits)
    chosen: list[Fix] = []
    seen: set[tuple[Edit, ...]] = set()
    for fix, edits in candidates:
        if edits in seen:
            continue
        if _overlaps_itself(edits) or any(taken.conflicts(e) for e in edits):
            continue
        seen.add(edits)
        for edit in edits:
            taken.add(edit)
        chosen.append(fix)
    return chosen


def _conflict(a: Edit, b: Edit) -> bool:
    """Edits that overlap, or two different insertions at one point (their order is unclear)."""
    if a.start == a.end and b.start == b.end:
        return a.start == b.start and a != b
    return a.start < b.end and b.start < a.end


def _overlaps_itself(edits: tuple[Edit, ...]) -> bool:
    return any(_conflict(a, b) for i, a in enumerate(edits) for b in edits[i + 1:])


class _Taken:
    """The edits taken so far, answering "does this edit conflict with one of them?" in
    O(log n).

    Offsets map onto a grid: offset ``p`` is cell ``2p`` (an insertion there), and a
    replacement of ``[s, e)`` covers the cells strictly between, ``2s+1 .. 2e-1``. Two
    edits overlap exactly when their cells meet (:func:`_conflict`); two insertions at
    one point conflict unless they insert the same text, which then counts once. Taken
    cell ranges never meet, so the one that could meet a new range ``[a, b]`` is the
    last taken range starting at or before ``b``: a Fenwick tree over the (compressed)
    cells of every candidate finds it.
    """

    def __init__(self, edits: Iterable[Edit]) -> None:
        cells = sorted({c for e in edits for c in self._cells(e)})
        self._index = {cell: i + 1 for i, cell in enumerate(cells)}  # 1-based for the tree
        self._tree = [0] * (len(cells) + 1)
        self._ends: dict[int, int] = {}
        """Compressed start -> compressed end of each taken range."""
        self._inserted: dict[int, str] = {}
        """Offset -> text of each taken insertion."""

    @staticmethod
    def _cells(edit: Edit) -> tuple[int, int]:
        if edit.start == edit.end:
            return 2 * edit.start, 2 * edit.start
        return 2 * edit.start + 1, 2 * edit.end - 1

    def conflicts(self, edit: Edit) -> bool:
        if edit.start == edit.end and edit.start in self._inserted:
            return self._inserted[edit.start] != edit.new_text
        first, last = (self._index[c] for c in self._cells(edit))
        before = self._last_start_at_or_before(last)
        return before > 0 and self._ends[before] >= first

    def add(self, edit: Edit) -> None:
        if edit.start == edit.end:
            if edit.start in self._inserted:
                return  # the same insertion again: applied once
            self._inserted[edit.start] = edit.new_text
        first, last = (self._index[c] for c in self._cells(edit))
        self._ends[first] = last
        position = first
        while position < len(self._tree):
            self._tree[position] += 1
            position += position & -position

    def _prefix(self, position: int) -> int:
        total = 0
        while position > 0:
            total += self._tree[position]
            position -= position & -position
        return total

    def _last_start_at_or_before(self, position: int) -> int:
        """The largest taken start <= ``position`` (0: none), by descending the tree."""
        rank = self._prefix(position)
        if rank == 0:
            return 0
        found, step = 0, 1 << (len(self._tree).bit_length())
        while step:  # the largest index whose prefix sum is < rank; the answer is one past it
            probe = found + step
            if probe < len(self._tree) and self._tree[probe] < rank:
                found = probe
                rank -= self._tree[probe]
            step >>= 1
        return found + 1


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits; from the end backwards so earlier offsets stay valid.

    At one offset a replacement is applied before an insertion, so the insertion
    lands in front of the replaced text.
    """
    parts: list[str] = []
    position = len(text)
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        start, end = min(edit.start, len(text)), min(edit.end, len(text))
        if end > position:  # overlapping: callers filter these out; never corrupt the text
            continue
        parts.append(text[end:position])
        parts.append(edit.new_text)
        position = start
    parts.append(text[:position])
    return "".join(reversed(parts))


def detect_newline(text: str) -> str:
    """The text's line ending: that of its first line break (``\\n`` when there is none)."""
    index = text.find("\n")
    if index > 0 and text[index - 1] == "\r":
        return "\r\n"
    if index == -1 and "\r" in text:
        return "\r"
    return "\n"


def _with_newline(text: str, newline: str) -> str:
    if "\n" not in text and "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", newline)


_LINE = re.compile(r"[^\n]*\n|[^\n]+")


def split_lines(text: str) -> list[str]:
    """Lines ending at ``\\n`` (kept), the way patch and git read a file."""
    return _LINE.findall(text)


def line_origins(original: str, history: list[list[Edit]]) -> tuple[list[str], list[int | None]]:
    """The lines of the fixed text, and for each the original line it is an unchanged copy
    of (None: a line a fix wrote). Linear in the text's size plus the edits.

    Each round replaces the lines its edits touch (an insertion touches the line it lands
    in) by what those lines become; every other line keeps its origin.
    """
    lines = split_lines(original)
    origin: list[int | None] = list(range(len(lines)))
    for edits in history:
        if edits:
            lines, origin = _edit_lines(lines, origin, edits)
    return lines, origin


def _edit_lines(lines: list[str], origin: list[int | None],
                edits: list[Edit]) -> tuple[list[str], list[int | None]]:
    """One round of :func:`line_origins`; ``edits`` sorted by start, not overlapping."""
    starts = list(itertools.accumulate((len(line) for line in lines), initial=0))
    total = starts[-1]
    runs: list[tuple[int, int, list[Edit]]] = []  # first line, last line (exclusive), edits
    for edit in edits:
        first = bisect.bisect_right(starts, min(edit.start, total)) - 1
        if first == len(lines) and lines and not lines[-1].endswith("\n"):
            first -= 1  # the end of a last line without a line break is on that line
        last = max(first + 1, min(len(lines), bisect.bisect_right(
            starts, min(max(edit.start, edit.end - 1), total))))
        if runs and first < runs[-1][1]:
            runs[-1] = (runs[-1][0], max(runs[-1][1], last), [*runs[-1][2], edit])
        else:
            runs.append((first, last, [edit]))
    new_lines: list[str] = []
    new_origin: list[int | None] = []
    position = index = 0
    while index < len(runs):
        first, last, run_edits = runs[index]
        while True:
            while index + 1 < len(runs) and runs[index + 1][0] < last:
                index += 1
                last = max(last, runs[index][1])
                run_edits = [*run_edits, *runs[index][2]]
            base = starts[min(first, len(lines))]
            replaced = apply_edits("".join(lines[first:last]),
                                   [Edit(e.start - base, e.end - base, e.new_text)
                                    for e in run_edits])
            if replaced.endswith("\n") or last >= len(lines):
                break
            last += 1  # the run's text lost its final line break: it runs into the next line
        new_lines.extend(lines[position:first])
        new_origin.extend(origin[position:first])
        pieces = split_lines(replaced)
        new_lines.extend(pieces)
        new_origin.extend([None] * len(pieces))
        position = last
        index += 1
    new_lines.extend(lines[position:])
    new_origin.extend(origin[position:])
    return new_lines, new_origin


# --- files: bytes <-> text, faithfully ------------------------------------------------------


class BinaryFileError(ValueError):
    """The bytes are not text in any encoding SQL files use."""


@dataclass(frozen=True, slots=True)
class SourceText:
    text: str
    encoding: str
    """Python codec that reads and writes the body: utf-8, utf-16-le, utf-16-be, cp1252, latin-1."""
    bom: bytes = b""

    def encode(self, text: str | None = None) -> bytes:
        """``text`` (default: the decoded text) in the file's own encoding, BOM included."""
        return self.bom + (self.text if text is None else text).encode(self.encoding)


_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_source(data: bytes) -> SourceText:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252; never a decode crash.

    Windows-1252 leaves five byte values undefined; Latin-1 takes those files, so
    every byte sequence without NULs decodes, and encodes back to the same bytes.
    Raises :class:`BinaryFileError` for NUL bytes outside UTF-16 (not a text file).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return SourceText(data[len(bom):].decode(encoding), encoding, bom)
            except UnicodeDecodeError as error:
                raise BinaryFileError(f"invalid {encoding.upper()} after its byte order mark "
                                      f"at byte {error.start + len(bom)}") from None
    if b"\x00" in data:
        raise BinaryFileError("not a text file (contains NUL bytes)")
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return SourceText(data.decode(encoding), encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover
