"""Findings rendered for people and machines: text like ruff, JSON, SARIF 2.1.0.

Pure functions over findings and :class:`~vgpt2.server.analysis.findings.LineIndex`;
no files, no terminal. Positions come out 1-based here (what editors' "go to
line" and code scanning expect); :func:`lsp_position` gives the 0-based,
UTF-16 ones the language server needs from the same offsets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from vgpt2.server.analysis.findings import Edit, Finding, LineIndex, Severity
from vgpt2.server.analysis.rules import RULES, Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "vgpt2"
TOOL_URI = "https://github.com/vgpt2/vgpt2"

_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note",
                Severity.HINT: "note"}


@dataclass(frozen=True, slots=True)
class Span:
    """A range as 1-based line and column; the end column is exclusive (ruff and SARIF style)."""

    line: int
    column: int
    end_line: int
    end_column: int


def span(index: LineIndex, start: int, end: int) -> Span:
    """0-based character offsets -> 1-based lines and columns (columns count characters)."""
    line, column = index.position(start)
    end_line, end_column = index.position(max(start, end))
    return Span(line + 1, column + 1, end_line + 1, end_column + 1)


def lsp_position(index: LineIndex, offset: int) -> tuple[int, int]:
    """0-based line and UTF-16 code-unit column (LSP's default position encoding)."""
    line, column = index.position(offset)
    prefix = index.line_text(line)[:column]
    return line, column + sum(1 for ch in prefix if ord(ch) > 0xFFFF)


@dataclass(slots=True)
class FileReport:
    """One checked file: its path as shown to the user, its text and its findings."""

    path: str
    text: str
    findings: list[Finding] = field(default_factory=list)
    _index: LineIndex | None = field(default=None, repr=False)

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self.text)
        return self._index

    def span(self, start: int, end: int) -> Span:
        return span(self.index, start, end)


class ProblemKind(StrEnum):
    UNREADABLE = "unreadable"
    BINARY = "binary"
    """Not text (NUL bytes, bad UTF-16): skipped."""
    SKIPPED = "skipped"
    """Not a regular file (a FIFO, a device): skipped without being opened for a read."""


@dataclass(frozen=True, slots=True)
class Problem:
    """A file that could not be checked (unreadable, binary, not a regular file)."""

    path: str
    message: str
    kind: ProblemKind = ProblemKind.UNREADABLE


def fixable(finding: Finding) -> bool:
    return any(f.safe and f.edits for f in finding.fixes)


# --- text --------------------------------------------------------------------------------------


def text_lines(reports: Iterable[FileReport]) -> list[str]:
    """``path:line:col: CODE message``, one line per finding, in file order."""
    lines = []
    for report in reports:
        for finding in report.findings:
            where = report.span(finding.start, finding.end)
            message = " ".join(finding.message.split())
            lines.append(f"{report.path}:{where.line}:{where.column}: {finding.code} {message}")
    return lines


def count(number: int, noun: str, plural: str | None = None) -> str:
    """``1 file``, ``12,345 files``: thousands separated, the noun in the right number."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


_PROBLEM_WORDS = {ProblemKind.BINARY: "binary, skipped",
                  ProblemKind.SKIPPED: "not a regular file, skipped",
                  ProblemKind.UNREADABLE: "unreadable"}


def problems_note(problems: Sequence[Problem]) -> str:
    """``; 2 files could not be checked (1 unreadable; 1 binary, skipped)``, or nothing."""
    if not problems:
        return ""
    kinds = Counter(p.kind for p in problems)
    why = "; ".join(f"{kinds[k]:,} {_PROBLEM_WORDS[k]}" for k in ProblemKind if kinds[k])
    return f"; {count(len(problems), 'file')} could not be checked ({why})"


@dataclass(slots=True)
class Tally:
    """Counts for the summary line, added up file by file so no file's text is kept."""

    files: int = 0
    files_with_findings: int = 0
    findings: int = 0
    fixable: int = 0
    severities: Counter[Severity] = field(default_factory=Counter)

    def add(self, report: FileReport) -> None:
        self.files += 1
        self.files_with_findings += bool(report.findings)
        self.findings += len(report.findings)
        self.fixable += sum(1 for f in report.findings if fixable(f))
        self.severities.update(f.severity for f in report.findings)

    def summary(self, problems: Sequence[Problem] = ()) -> str:
        """One line: how many findings of which severity in how many files, how many are
        fixable, and how many files could not be checked.

        "All checks passed" only when every file asked for was checked: a skipped
        binary file is not a pass.
        """
        checked = count(self.files, "file")
        unreadable = problems_note(problems)
        if not self.findings:
            if problems:
                return f"No findings in {checked}{unreadable}."
            return f"All checks passed ({checked})."
        by_severity = ", ".join(count(self.severities[s], s.value) for s in Severity
                                if self.severities[s])
        text = (f"Found {count(self.findings, 'finding')} ({by_severity}) in "
                f"{self.files_with_findings:,} of {checked}")
        if self.fixable:
            text += f"; {self.fixable:,} fixable with `vgpt2 fix`"
        return text + unreadable + "."


def summary(reports: Sequence[FileReport], problems: Sequence[Problem] = ()) -> str:
    """:meth:`Tally.summary` of these reports."""
    tally = Tally()
    for report in reports:
        tally.add(report)
    return tally.summary(problems)


def render_text(reports: Sequence[FileReport], problems: Sequence[Problem] = ()) -> str:
    return "\n".join([*text_lines(reports), summary(reports, problems)]) + "\n"


# --- JSON --------------------------------------------------------------------------------------


def _edit_json(report: FileReport, edit: Edit) -> dict[str, Any]:
    where = report.span(edit.start, edit.end)
    return {"line": where.line, "column": where.column, "end_line": where.end_line,
            "end_column": where.end_column, "new_text": edit.new_text}


def finding_json(report: FileReport, finding: Finding) -> dict[str, Any]:
    where = report.span(finding.start, finding.end)
    return {
        "path": report.path,
        "line": where.line,
        "column": where.column,
        "end_line": where.end_line,
        "end_column": where.end_column,
        "code": finding.code,
        "name": RULES[finding.code].name,
        "severity": finding.severity.value,
        "message": finding.message,
        "fixes": [{"title": fix.title, "edits": [_edit_json(report, e) for e in fix.edits]}
                  for fix in finding.fixes],
    }


def to_json(reports: Iterable[FileReport]) -> list[dict[str, Any]]:
    return [finding_json(r, f) for r in reports for f in r.findings]


# --- SARIF -------------------------------------------------------------------------------------


SRCROOT = "%SRCROOT%"
"""The ``uriBaseId`` of relative locations: the folder the paths are relative to."""


def sarif_uri(path: str) -> str:
    """A relative URI reference (forward slashes, spaces and the like percent-encoded).

    An absolute path (a file outside the working folder) becomes a ``file://`` URI.
    """
    for flavour in (PurePosixPath, PureWindowsPath):
        pure = flavour(path)
        if pure.is_absolute():
            return pure.as_uri()
    return quote(path.replace("\\", "/"), safe="/-._~")


def artifact_location(path: str) -> dict[str, str]:
    """``{"uri": ...}``, with ``"uriBaseId": "%SRCROOT%"`` when the URI is relative, so a
    viewer resolves it against the run's ``originalUriBaseIds``."""
    uri = sarif_uri(path)
    if uri.startswith("file:"):
        return {"uri": uri}
    return {"uri": uri, "uriBaseId": SRCROOT}


def folder_uri(folder: str) -> str:
    """An absolute folder as a ``file://`` URI ending in ``/`` (SARIF requires the slash)."""
    for flavour in (PurePosixPath, PureWindowsPath):
        pure = flavour(folder)
        if pure.is_absolute():
            uri = pure.as_uri()
            return uri if uri.endswith("/") else uri + "/"
    raise ValueError(f"not an absolute folder: {folder!r}")


def _region(where: Span) -> dict[str, int]:
    return {"startLine": where.line, "startColumn": where.column,
            "endLine": where.end_line, "endColumn": where.end_column}


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "helpUri": rule.docs_url,
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
    }


def _sarif_result(report: FileReport, finding: Finding, rule_index: int) -> dict[str, Any]:
    location = artifact_location(report.path)
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": location,
            "region": _region(report.span(finding.start, finding.end)),
        }}],
    }
    if finding.fixes:
        result["fixes"] = [{
            "description": {"text": fix.title},
            "artifactChanges": [{
                "artifactLocation": location,
                "replacements": [{"deletedRegion": _region(report.span(e.start, e.end)),
                                  "insertedContent": {"text": e.new_text}}
                                 for e in fix.edits],
            }],
        } for fix in finding.fixes]
    return result


def sarif_results(report: FileReport) -> list[dict[str, Any]]:
    """The SARIF results of one file, in finding order."""
    order = {code: i for i, code in enumerate(RULES)}
    return [_sarif_result(report, f, order[f.code]) for f in report.findings]


def to_sarif(reports: Iterable[FileReport], problems: Sequence[Problem] = (),
             version: str | None = None, base: str | None = None) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run, for GitHub code scanning and other SARIF viewers.

    ``base`` is the absolute folder relative paths start from (the working
    folder); it becomes the run's ``originalUriBaseIds`` entry for ``%SRCROOT%``.
    """
    return sarif_log([r for report in reports for r in sarif_results(report)], problems,
                     version, base)


def sarif_log(results: list[dict[str, Any]], problems: Sequence[Problem] = (),
              version: str | None = None, base: str | None = None) -> dict[str, Any]:
    """The log around results made by :func:`sarif_results`; see :func:`to_sarif`."""
    driver: dict[str, Any] = {"name": TOOL_NAME, "informationUri": TOOL_URI,
                              "rules": [_sarif_rule(rule) for rule in RULES.values()]}
    if version:
        driver["version"] = version
    invocation: dict[str, Any] = {"executionSuccessful": not problems}
    if problems:
        invocation["toolExecutionNotifications"] = [{
            "level": "error",
            "message": {"text": problem.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": artifact_location(problem.path)}}],
        } for problem in problems]
    sarif_run: dict[str, Any] = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "invocations": [invocation],
        "results": results,
    }
    if base is not None:
        sarif_run["originalUriBaseIds"] = {SRCROOT: {"uri": folder_uri(base)}}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [sarif_run]}
