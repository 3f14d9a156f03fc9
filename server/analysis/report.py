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


@dataclass(frozen=True, slots=True)
class Problem:
    """A file that could not be checked (unreadable, not text)."""

    path: str
    message: str


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


def summary(reports: Sequence[FileReport], problems: Sequence[Problem] = ()) -> str:
    """One line: how many findings of which severity in how many files, how many are fixable."""
    findings = [f for r in reports for f in r.findings]
    checked = f"{len(reports)} file{'s' if len(reports) != 1 else ''}"
    unreadable = (f"; {len(problems)} file{'s' if len(problems) != 1 else ''} could not be "
                  "checked" if problems else "")
    if not findings:
        return f"All checks passed ({checked}){unreadable}."
    counts = Counter(f.severity for f in findings)
    by_severity = ", ".join(f"{counts[s]} {s.value}{'s' if counts[s] != 1 else ''}"
                            for s in Severity if counts[s])
    files = sum(1 for r in reports if r.findings)
    text = (f"Found {len(findings)} finding{'s' if len(findings) != 1 else ''} "
            f"({by_severity}) in {files} of {checked}")
    fixes = sum(1 for f in findings if fixable(f))
    if fixes:
        text += f"; {fixes} fixable with `vgpt2 fix`"
    return text + unreadable + "."


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


def sarif_uri(path: str) -> str:
    """A relative URI reference (forward slashes, spaces and the like percent-encoded).

    An absolute path (a file outside the working folder) becomes a ``file://`` URI.
    """
    for flavour in (PurePosixPath, PureWindowsPath):
        pure = flavour(path)
        if pure.is_absolute():
            return pure.as_uri()
    return quote(path.replace("\\", "/"), safe="/-._~")


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
    uri = sarif_uri(report.path)
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri},
            "region": _region(report.span(finding.start, finding.end)),
        }}],
    }
    if finding.fixes:
        result["fixes"] = [{
            "description": {"text": fix.title},
            "artifactChanges": [{
                "artifactLocation": {"uri": uri},
                "replacements": [{"deletedRegion": _region(report.span(e.start, e.end)),
                                  "insertedContent": {"text": e.new_text}}
                                 for e in fix.edits],
            }],
        } for fix in finding.fixes]
    return result


def to_sarif(reports: Iterable[FileReport], problems: Sequence[Problem] = (),
             version: str | None = None) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run, for GitHub code scanning and other SARIF viewers."""
    order = {code: i for i, code in enumerate(RULES)}
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
                "artifactLocation": {"uri": sarif_uri(problem.path)}}}],
        } for problem in problems]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": driver},
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation],
            "results": [_sarif_result(r, f, order[f.code]) for r in reports for f in r.findings],
        }],
    }
