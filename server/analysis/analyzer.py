"""text + Catalog -> findings. Pure: no editor types, no files, no output.

The analyzer splits the text into batches and statements itself (one batch at a
time, so a big file's memory is bounded by its largest batch), parses each
statement with sqlglot, resolves names (:mod:`resolver`), runs the rules
(:mod:`checks`), then applies the user's rule selection and the inline
``-- vgpt2: disable=...`` suppressions. Any input yields findings or VG000,
never an exception.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError, TokenError
from vgpt2.catalog.catalog import Catalog, CatalogError
from vgpt2.catalog.sql.batches import iter_batch_ranges
from vgpt2.catalog.sql.names import read_name
from vgpt2.catalog.sql.tokens import Kind, Token, iter_tokens
from vgpt2.server.analysis.findings import Finding, LineIndex, Severity
from vgpt2.server.analysis.resolver import Resolver
from vgpt2.server.analysis.rules import CHECKS, RULES
from vgpt2.server.analysis.rules.vg000_syntax_error import RULE as _SYNTAX_RULE
from vgpt2.server.analysis.scopes import Session
from vgpt2.server.analysis.statements import (
    Statement,
    StatementKind,
    matching_paren,
    split_statements,
)

logging.getLogger("sqlglot").setLevel(logging.ERROR)
_log = logging.getLogger(__name__)

# sqlglot counts a lone CR as a line break between tokens but not inside a string
# literal, so its error lines drift on old-Mac files; a lone CR read as LF (same length,
# so every offset holds) keeps its line numbers right.
_LONE_CR = re.compile(r"\r(?!\n)")
_SUPPRESS = re.compile(r"--\s*vgpt2:\s*(disable|disable-file)\s*=\s*([A-Za-z0-9_,\s]+)",
                       re.IGNORECASE)
_MAX_DEPTH = 200
"""Deeper parenthesis nesting than this is reported rather than parsed (recursion limits)."""
SYNTAX_ERROR = _SYNTAX_RULE.code
"""The code of what this module reports itself, while reading and parsing."""


@dataclass(slots=True)
class RuleSettings:
    """Which rules run and how loud (``[tool.vgpt2.rules]``); "off" goes into ``disabled``."""

    select: set[str] | None = None
    """Only these codes (None: all)."""
    ignore: set[str] = field(default_factory=set)
    severity: dict[str, Severity] = field(default_factory=dict)
    """Code -> severity override."""
    disabled: set[str] = field(default_factory=set)

    def enabled(self, code: str) -> bool:
        if code in self.ignore or code in self.disabled:
            return False
        return self.select is None or code in self.select

    def severity_of(self, code: str) -> Severity:
        return self.severity.get(code, RULES[code].severity)


def analyze(text: str, catalog: Catalog, settings: RuleSettings | None = None) -> list[Finding]:
    """The findings of ``text``, sorted by position.

    Works one ``GO`` batch at a time from a single lazy pass of the tokenizer over the
    file, so memory is bounded by the largest batch (and the findings), not the file.
    """
    settings = settings or RuleSettings()
    findings: list[Finding] = []
    session = Session()
    directives = _Directives(text)
    stream = iter_tokens(text, comments=True)  # once: batches, statements and suppressions
    token = next(stream, None)
    for start, end in iter_batch_ranges(text):
        batch: list[Token] = []
        while token is not None and token.start < end:
            if token.kind is Kind.COMMENT:
                directives.see(token)
            if token.start >= start:
                batch.append(token)
            token = next(stream, None)
        findings.extend(_analyze_batch(text, batch, catalog, session))
    if directives:
        while token is not None:  # comments after the last batch may still hold directives
            if token.kind is Kind.COMMENT:
                directives.see(token)
            token = next(stream, None)
    findings = directives.apply(findings)
    return sorted(
        (Finding(f.code, f.message, f.start, f.end, settings.severity_of(f.code), f.fixes,
                 f.related)
         for f in findings if settings.enabled(f.code)),
        key=lambda f: (f.start, f.code, f.end),
    )


def _analyze_batch(text: str, with_comments: list[Token], catalog: Catalog,
                   session: Session) -> list[Finding]:
    """One GO batch; token offsets (and so every finding) count from the start of ``text``."""
    broken = next((t for t in with_comments if not t.terminated), None)
    tokens = [t for t in with_comments if t.kind is not Kind.COMMENT]
    if broken is not None:
        what = {Kind.STRING: "string", Kind.QUOTED: "quoted name"}.get(broken.kind, "comment")
        return [Finding(SYNTAX_ERROR, f"unterminated {what}", broken.start,
                        min(broken.end, broken.start + 1), Severity.ERROR)]
    too_deep = _too_deep(tokens)
    if too_deep is not None:
        return [Finding(SYNTAX_ERROR, f"parentheses nested deeper than {_MAX_DEPTH} levels",
                        too_deep.start, too_deep.end, Severity.ERROR)]
    if _defines_routine(tokens):
        # A procedure cannot see the temp tables of the script around it, only its callers'.
        session = Session()
    findings: list[Finding] = []
    for statement in split_statements(text, tokens):
        if statement.kind is StatementKind.UNMATCHED:
            findings.append(Finding(SYNTAX_ERROR, "syntax error: ')' without a matching '('",
                                    statement.start, statement.end,
                                    Severity.ERROR))
            continue
        findings.extend(_analyze_statement(text, statement, catalog, session))
    return findings


def _defines_routine(tokens: list[Token]) -> bool:
    words = [t.upper for t in tokens[:4]]
    if not words or words[0] not in ("CREATE", "ALTER"):
        return False
    kinds = {"PROC", "PROCEDURE", "FUNCTION", "TRIGGER"}
    return bool(kinds & set(words[1:4]))


def _too_deep(tokens: list[Token]) -> Token | None:
    depth = 0
    for token in tokens:
        if token.text == "(":
            depth += 1
            if depth > _MAX_DEPTH:
                return token
        elif token.text == ")":
            depth -= 1
    return None


def _analyze_statement(text: str, statement: Statement, catalog: Catalog,
                       session: Session) -> list[Finding]:
    # File offset of the parsed source's first character (earlier when a prefix is added).
    base = statement.start - len(statement.prefix)
    source = _parser_safe(statement.source(text), statement, base)
    try:
        tree = sqlglot.parse_one(_LONE_CR.sub("\n", source), read="tsql")
    except ParseError as error:
        return [_syntax_error(error, source, base, statement)]
    except (TokenError, SqlglotError, RecursionError, ValueError) as error:
        start = statement.start
        return [Finding(SYNTAX_ERROR, f"cannot parse this statement: {error}", start,
                        start + 1, Severity.ERROR)]
    if tree is None or isinstance(tree, exp.Command):
        return []  # valid T-SQL that sqlglot does not model: nothing to check, nothing to flag
    if statement.kind is StatementKind.EXEC and not isinstance(tree, exp.Execute):
        return []
    resolver = Resolver(catalog, session, base, statement.tokens)
    try:
        model = resolver.statement(tree)
        _mark_file_offsets(tree, base)
        findings: list[Finding] = []
        for check in CHECKS:
            findings.extend(check(model, catalog, text))
    except RecursionError:
        return []
    except CatalogError:
        raise  # an unreadable catalog must never pass for "no findings"
    except Exception:  # a tree shape the resolver does not know: no verdict beats a crash
        _log.exception("analysis of the statement at offset %d failed", base)
        return []
    return findings


def _parser_safe(source: str, statement: Statement, base: int) -> str:
    """Rewrite what SQL Server reads and sqlglot does not, without moving any offset.

    ``@1099type`` (a variable starting with a digit) and ``< =`` (an operator
    split by a space) are valid T-SQL.
    """
    patched: list[str] | None = None
    tokens = statement.tokens

    def blank(first: int, last: int) -> None:
        nonlocal patched
        patched = patched if patched is not None else list(source)
        for k in range(tokens[first].start - base,
                       tokens[last].end - base):
            if patched[k] not in "\r\n":
                patched[k] = " "

    for index, token in enumerate(tokens):
        position = token.start - base
        word = token.upper
        following = tokens[index + 1].text if index + 1 < len(tokens) else ""
        if word == "UPDATE" and following == "(":
            # IF UPDATE(col) in a trigger: a function sqlglot does not know; same length.
            patched = patched if patched is not None else list(source)
            patched[position:position + 6] = list("COLUPD")
        elif word in ("UPDATE", "DELETE") and index + 1 < len(tokens) and (
            tokens[index + 1].upper == "TOP"
        ):
            close = _close_paren(tokens, index + 2)
            if close is not None:
                blank(index + 1, close)  # UPDATE TOP (500) t: the batch size changes nothing
        elif word == "WITH" and following == "(" and _after_insert_target(tokens, index):
            close = _close_paren(tokens, index + 1)
            if close is not None:
                blank(index, close)  # INSERT INTO t WITH (TABLOCK) (...)
        elif word == "DELETE" and index + 3 < len(tokens) and tokens[index + 1].upper == "FROM" \
                and _second_from(tokens, index + 2):
            blank(index + 1, index + 1)  # DELETE FROM t FROM t x JOIN ...: the first FROM is noise
        elif word == "CURRENT" and index + 2 < len(tokens) and tokens[index + 1].upper == "OF":
            # WHERE CURRENT OF cursor: a positioned update; "1=1" in its place, same length.
            blank(index, index + 2)
            patched = patched if patched is not None else list(source)
            patched[position:position + 3] = list("1=1")
        elif word == "INSERT":
            _unqualify_insert_columns(tokens, index, blank)
        elif word == "OUTPUT" and index > 0:
            end = _output_clause_end(tokens, index)
            blank(index, end)  # OUTPUT deleted.x INTO @t (...): rows out, not names in
        if token.kind is Kind.WORD and len(token.text) > 1 and token.text[0] == "@" and (
            token.text[1].isdigit()
        ):
            patched = patched if patched is not None else list(source)
            patched[position + 1] = "v"
        elif token.text in ("<", ">", "!") and index + 1 < len(tokens) and (
            tokens[index + 1].text in ("=", ">") and tokens[index + 1].start > token.end
            and not (token.text == ">" and tokens[index + 1].text == ">")
        ):
            patched = patched if patched is not None else list(source)
            operator_at = tokens[index + 1].start - base
            patched[operator_at] = " "
            patched[position + 1] = tokens[index + 1].text
    return "".join(patched) if patched is not None else source


def _close_paren(tokens: list[Token], index: int) -> int | None:
    if index >= len(tokens) or tokens[index].text != "(":
        return None
    close = matching_paren(tokens, index)
    return close if close < len(tokens) else None


def _unqualify_insert_columns(tokens: list[Token], index: int,
                              blank: Callable[[int, int], None]) -> None:
    """INSERT #t (h.EarnCode, ...): SQL Server ignores the qualifier; sqlglot rejects it."""
    k = index + 1
    while k < len(tokens) and tokens[k].text != "(" and tokens[k].upper not in (
        "SELECT", "VALUES", "EXEC", "EXECUTE", "DEFAULT", "WITH"
    ):
        k += 1
    close = _close_paren(tokens, k)
    if close is None:
        return
    for m in range(k + 1, close):
        if tokens[m - 1].text not in ("(", ","):
            continue
        name = read_name(tokens, m, close)
        if name is not None and len(name.parts) > 1 and not name.dangling:
            blank(m, name.stop - 2)  # h.EarnCode, dbo.t.EarnCode: up to the last dot


def _second_from(tokens: list[Token], index: int) -> bool:
    depth = 0
    for token in tokens[index:]:
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif depth == 0 and token.upper in ("WHERE", "OPTION", ";"):
            return False
        elif depth == 0 and token.upper == "FROM":
            return True
    return False


def _after_insert_target(tokens: list[Token], index: int) -> bool:
    words = [t.upper for t in tokens[max(0, index - 6):index]]
    return "INSERT" in words and not any(w in ("SELECT", "FROM", "JOIN") for w in words)


def _output_clause_end(tokens: list[Token], index: int) -> int:
    """Last token of ``OUTPUT ... [INTO target [(cols)]]``."""
    depth = 0
    k = index + 1
    last = index
    while k < len(tokens):
        token = tokens[k]
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif depth == 0 and token.upper in ("FROM", "WHERE", "VALUES", "SELECT", "DEFAULT",
                                            "EXEC", "EXECUTE", "OPTION", ";"):
            break
        last = k
        k += 1
    return last


def _mark_file_offsets(tree: exp.Expr, base: int) -> None:
    for identifier in tree.find_all(exp.Identifier):
        if "start" in identifier.meta:
            identifier.meta["file_start"] = base + identifier.meta["start"]


def _syntax_error(error: ParseError, source: str, base: int, statement: Statement) -> Finding:
    detail = error.errors[0] if error.errors else {}
    description = str(detail.get("description") or error).split("\n")[0]
    description = description.split(" but got ")[0].split(". Line ")[0].rstrip(".")
    if description.startswith("Required keyword") or "<class" in description:
        description = "incomplete expression"  # sqlglot's wording names its own classes
    line = int(detail.get("line") or 1) - 1
    column = int(detail.get("col") or 1)
    position = base + LineIndex(source).offset(line, max(column - 1, 0))
    first, last = statement.start, statement.end
    start, end = max(position, first), max(position, first) + 1
    # sqlglot points at the last character of the offending token: underline the whole token.
    for token in statement.tokens:
        token_start, token_end = token.start, token.end
        if token_start <= position < token_end:
            start, end = token_start, token_end
            break
    if start >= last:  # the statement just stops: point at its last token
        start, end = max(first, last - 1), last
    near = source[start - base:end - base] if start - base >= len(statement.prefix) else ""
    message = f"syntax error: {description}"
    if near.strip():
        message += f" near '{near.strip()}'"
    return Finding(SYNTAX_ERROR, message, start, end, Severity.ERROR)


class _Directives:
    """``-- vgpt2: disable=VG004`` silences its own line; ``disable-file`` the whole file.

    The markers are found in the text up front; a marker counts only inside a comment
    (in a string literal it is data), which is learnt as the comments stream past, so
    no token list of the whole file is kept.
    """

    __slots__ = ("_matches", "_seen", "_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._matches = list(_SUPPRESS.finditer(text))
        self._starts = [m.start() for m in self._matches]
        self._seen: set[int] = set()
        """Indexes of the markers found inside a comment."""

    def __bool__(self) -> bool:
        return bool(self._matches)

    def see(self, comment: Token) -> None:
        if not self._matches:
            return
        first = bisect.bisect_left(self._starts, comment.start)
        last = bisect.bisect_left(self._starts, comment.end)
        self._seen.update(range(first, last))

    def apply(self, findings: list[Finding]) -> list[Finding]:
        if not self._seen:
            return findings
        index = LineIndex(self.text)
        per_line: dict[int, set[str]] = {}
        whole_file: set[str] = set()
        for number in sorted(self._seen):
            match = self._matches[number]
            codes = {c.strip().upper() for c in re.split(r"[,\s]+", match.group(2)) if c.strip()}
            if match.group(1).lower() == "disable-file":
                whole_file |= codes
            else:
                per_line.setdefault(index.position(match.start())[0], set()).update(codes)
        kept = []
        for finding in findings:
            line = index.position(finding.start)[0]
            codes = whole_file | per_line.get(line, set())
            if finding.code in codes or "ALL" in codes:
                continue
            kept.append(finding)
        return kept
