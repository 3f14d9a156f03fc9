"""Check, fix, and decide: what the analyzer thinks of a candidate query, and what to say.

:func:`check_candidate` runs the analyzer, applies its safe deterministic fixes
(``WITH (NOLOCK)``, exact case, base table -> view, the rest of a composite
key) and reports what blocks delivery: any error the fixes could not remove
(syntax, unknown object, unknown column, wrong case left over, ambiguity),
plus two gates of its own, because the analyzer says nothing about text it
cannot model: the query must parse into a SELECT that sqlglot models, and it
must not reach into another database. :func:`repair_request` turns the blocking
findings into the message a repair round sends; :func:`closest_objects` and
:func:`missing_named_objects` feed refusals.
"""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.search import search
from vgpt2.catalog.sql.tokens import tokenize
from vgpt2.catalog.store import split_identifier
from vgpt2.server.analysis.analyzer import analyze
from vgpt2.server.analysis.findings import Finding, LineIndex, Severity
from vgpt2.server.analysis.fixing import fix_text
from vgpt2.server.analysis.refs import source_refs
from vgpt2.server.analysis.rules import (
    RULES,
    vg000_syntax_error,
    vg001_unknown_object,
    vg002_unknown_column,
)
from vgpt2.server.generation.result import FindingSummary

NEVER_DELIVERED = frozenset(code for code, rule in RULES.items()
                            if rule.parse_error or rule.names_unknown)
"""Codes no delivered query may carry, whatever the user's rule settings say: a query
that does not parse, or names an object or column that does not exist."""
_SYNTAX = vg000_syntax_error.RULE.code
_OBJECT = vg001_unknown_object.RULE.code
_COLUMN = vg002_unknown_column.RULE.code
"""What the gates report: the rules whose findings they stand in for."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that keeps a query from being delivered, in words the model can act on."""

    code: str
    message: str
    line: int = 1
    column: int = 1
    related: tuple[str, ...] = ()
    """Did-you-mean candidates (real objects), for a refusal."""

    def text(self) -> str:
        return f"line {self.line}, column {self.column}: {self.code} {self.message}"


@dataclass(slots=True)
class CheckOutcome:
    sql: str
    """The query after the deterministic fixes."""
    fixes_applied: int = 0
    findings: list[FindingSummary] = field(default_factory=list)
    """Everything the analyzer still reports about ``sql``."""
    blocking: list[Problem] = field(default_factory=list)
    objects: list[str] = field(default_factory=list)

    @property
    def deliverable(self) -> bool:
        return not self.blocking


def summarize(finding: Finding, text: str) -> FindingSummary:
    line, column = LineIndex(text).position(finding.start)
    return FindingSummary(finding.code, finding.message, finding.severity.value, line + 1,
                          column + 1)


def objects_read(catalog: Catalog, sql: str) -> list[str]:
    """Catalog objects named in ``sql`` (exact catalog spelling), in order of appearance."""
    found: list[str] = []
    for ref in source_refs(tokenize(sql)):
        if ref.kind not in ("object", "function") or ref.defines or not ref.parts:
            continue
        matches = catalog.lookup(ref.name)
        if matches and matches[0].name not in found:
            found.append(matches[0].name)
    return found


def check_candidate(catalog: Catalog, sql: str,
                    timings: dict[str, float] | None = None) -> CheckOutcome:
    """Analyze, fix, and judge ``sql``; adds the seconds spent to ``timings["check"/"fix"]``."""
    started = time.perf_counter()
    findings = analyze(sql, catalog)
    checked = time.perf_counter()
    if any(f.fixes and any(x.safe for x in f.fixes) for f in findings):
        fixed = fix_text(sql, catalog)
        text, applied, remaining = fixed.text, fixed.applied, fixed.remaining
    else:
        text, applied, remaining = sql, 0, findings
    if timings is not None:
        timings["check"] = timings.get("check", 0.0) + (checked - started) * 1000
        timings["fix"] = timings.get("fix", 0.0) + (time.perf_counter() - checked) * 1000
    outcome = CheckOutcome(text, applied)
    for finding in remaining:
        outcome.findings.append(summarize(finding, text))
        blocks = (finding.code in NEVER_DELIVERED or finding.severity is Severity.ERROR
                  or RULES[finding.code].severity is Severity.ERROR)
        if blocks:
            summary = outcome.findings[-1]
            outcome.blocking.append(Problem(finding.code, finding.message, summary.line,
                                            summary.column, finding.related))
    if not outcome.blocking:
        outcome.blocking.extend(_gates(catalog, text))
    outcome.objects = objects_read(catalog, text)
    return outcome


def _gates(catalog: Catalog, sql: str) -> list[Problem]:
    """What the analyzer cannot see: statements it does not model, other databases."""
    problems: list[Problem] = []
    try:
        trees = sqlglot.parse(sql, read="tsql")
    except (SqlglotError, RecursionError, ValueError) as error:
        return [Problem(_SYNTAX, f"syntax error: {str(error).splitlines()[0]}")]
    queries = [t for t in trees if t is not None and not isinstance(t, (exp.Declare, exp.Set))]
    if not queries:
        problems.append(Problem(_SYNTAX, "no SELECT query to check"))
    for tree in queries:
        if not isinstance(tree, exp.Query):
            problems.append(Problem(_SYNTAX, "not a SELECT query vgpt2 can check; write one "
                                             "SELECT (or WITH ... SELECT) statement"))
    for tree in queries:
        for star in tree.find_all(exp.Star):
            if not isinstance(star.parent, (exp.Select, exp.Column, exp.Count, exp.Anonymous)):
                problems.append(Problem(_SYNTAX, "syntax error: '*' stands only in the select "
                                                 "list or in COUNT(*)"))
                break
        for where in tree.find_all(exp.Where):
            if any(agg.find_ancestor(exp.Select) is where.parent
                   for agg in where.find_all(exp.AggFunc)):
                problems.append(Problem(_SYNTAX, "an aggregate (SUM, COUNT ...) cannot stand in "
                                                 "WHERE; use HAVING"))
                break
        problems.extend(_names_outside_the_catalog(catalog, tree))
        for into in tree.find_all(exp.Into):
            target = into.this
            identifier = target.this if isinstance(target, exp.Table) else None
            if not (isinstance(identifier, exp.Identifier) and (
                    identifier.args.get("temporary") or identifier.args.get("global_"))):
                problems.append(Problem(_OBJECT, "SELECT ... INTO a permanent table writes to "
                                                 "the database; return the rows (or use #temp)"))
        for call in tree.find_all(exp.Anonymous):
            if str(call.this).upper() in _REMOTE_ROWSETS:
                problems.append(Problem(_OBJECT, f"{str(call.this).upper()} reaches outside "
                                                 "this database; read the Vista views"))
    refs = source_refs(tokenize(sql))
    created = {r.name.lower() for r in refs if r.target and r.kind in ("temp", "variable")}
    created |= {m.group(1).lower() for m in _TABLE_VARIABLE.finditer(sql)}
    for ref in refs:
        if ref.kind == "object" and len(ref.parts) > 2:
            problems.append(Problem(_OBJECT, f"'{'.'.join(ref.parts)}' names another database "
                                             "or server; use the Vista views of this database"))
        elif ref.kind in ("temp", "variable") and not ref.target and (
                ref.name.lower() not in created):
            problems.append(Problem(_OBJECT, f"'{ref.name}' is read but this query does not "
                                             "create it; read the Vista views directly"))
    return problems


def _names_outside_the_catalog(catalog: Catalog, tree: exp.Expr) -> list[Problem]:
    """A second, independent look at the names: every table the query reads is a catalog
    object or one of its own CTEs, and every ``alias.Column`` on a catalog object is one of
    its columns, exact case.

    The analyzer already says this; but it gives no verdict on a statement its resolver
    cannot follow, and "no verdict" must not let an invented name through.
    """
    problems: list[Problem] = []
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    aliases: dict[str, set[str]] = {}
    for table in tree.find_all(exp.Table):
        name = table.name
        if not name or table.args.get("catalog"):  # another database: its own gate
            continue
        identifier = table.this
        if not isinstance(identifier, (exp.Identifier, exp.Anonymous)) or (
                identifier.args.get("temporary") or identifier.args.get("global_")):
            continue  # a temp table or a table variable: the temp-table gate judges those
        if name.lower() in ctes:
            continue
        if isinstance(table.this, exp.Anonymous) or catalog.header(name) is None:
            if catalog.header(name) is None and not isinstance(table.this, exp.Anonymous):
                problems.append(Problem(_OBJECT, f"'{name}' is not in the catalog"))
            continue
        aliases.setdefault((table.alias or name).lower(), set()).add(name)
    for column in tree.find_all(exp.Column):
        owners = aliases.get(column.table.lower()) if column.table else None
        if not owners or len(owners) != 1 or isinstance(column.this, exp.Star):
            continue
        (owner,) = owners
        obj = catalog.get(owner)
        if obj is not None and obj.columns and obj.column(column.name) is None:
            problems.append(Problem(_COLUMN, f"column '{column.name}' is not in {owner}"))
    return problems


_REMOTE_ROWSETS = frozenset({"OPENROWSET", "OPENQUERY", "OPENDATASOURCE", "OPENXML"})
"""Rowset functions that read other servers or files: never part of a delivered query."""
_TABLE_VARIABLE = re.compile(r"\bDECLARE\s+(@\w+)\s+(?:AS\s+)?TABLE\b", re.IGNORECASE)


def repair_request(problems: list[Problem], sql: str | None, what: str,
                   schema: str = "") -> str:
    """The user message of a repair round: what was wrong, and the exact names to use.

    ``schema`` holds blocks for suggested objects the prompt did not show (the model
    wrote "Customers"; ARCM was not linked), so the model can use their real columns.
    """
    lines = []
    if sql is None:
        lines.append(f"Your previous reply could not be used: {what}.")
        lines.append("Reply with one T-SQL SELECT query in a ```sql code block, nothing else.")
    else:
        lines.append("The query you wrote has problems that must be fixed:")
        lines.extend(f"- {p.text()}" for p in problems)
        lines.append("Use only the tables, views and columns listed in the schema, spelled "
                     "exactly as listed. Reply with the corrected query in one ```sql code "
                     "block, nothing else.")
        lines.append("```sql\n" + sql.strip() + "\n```")
    if schema:
        lines.append("Schema of the suggested objects:\n" + schema)
    return "\n".join(lines)


def closest_objects(catalog: Catalog, text: str, limit: int = 4) -> list[str]:
    """The real objects nearest to a name or a phrase, for a refusal.

    Through the analyzer's own did-you-mean (synonyms first: "Customers" -> ARCM,
    then spelling, then search), so a refusal and a VG001 finding agree; and, for
    a name, the catalog's search on what the name says: its module prefix as the
    module's name and the words of its CamelCase ("EMEquipment" -> "Equipment
    Management Equipment" -> EMEM), because spelling alone finds only lookalikes
    (``viDim_EMEquipment``) or nothing at all ("INBarcodeScan"). The two lists
    alternate, the did-you-mean first.
    """
    name = re.sub(r"[^A-Za-z0-9_]", "", text)
    spelled: list[str] = []
    if name:
        for finding in analyze(f"SELECT 1 AS x FROM [{name}] WITH (NOLOCK);", catalog):
            if RULES[finding.code].suggests_objects:
                spelled.extend(finding.related)
    said: list[str] = []
    phrase = _name_as_words(catalog, text.strip()) if name == text.strip() else None
    if phrase:
        said = [h.name for h in search(catalog, phrase, limit=limit)
                if h.type in ("table", "view")]
    suggestions = [s for pair in itertools.zip_longest(spelled, said) for s in pair if s]
    if len(set(suggestions)) < limit:
        suggestions.extend(h.name for h in search(catalog, text, limit=limit)
                           if h.type in ("table", "view"))
    return list(dict.fromkeys(suggestions))[:limit]


def _name_as_words(catalog: Catalog, name: str) -> str | None:
    """``INBarcodeScan`` -> "Inventory Barcode Scan": the words a description would use.

    A leading lower-case prefix (``v``, ``b``, ``ud``) is dropped; a leading module
    code becomes the module's name. None when the name says nothing beyond itself,
    and for a classic code name (``JCJN``), whose nearest objects are its lookalikes.
    """
    if re.fullmatch(r"[A-Za-z]{0,2}[A-Z]{2}[A-Z0-9]{2}", name):
        return None
    words = split_identifier(name.split(".")[-1])
    if words and words[0].islower() and len(words) > 1:
        words = words[1:]
    if not words:
        return None
    module = catalog.modules().get(words[0][:2].upper()) if len(words[0]) >= 2 else None
    if module and words[0][:2].isupper():
        words = [module.split("(")[0].strip(), words[0][2:], *words[1:]]
    phrase = " ".join(w for w in words if w)
    return phrase if phrase.lower() != name.lower() else None


_NAMED = re.compile(
    r"`([A-Za-z_#@][\w.]*)`|\[([A-Za-z_][\w ]*)\]"
    r"|\b(?i:the|a|an|from|in|of)\s+([A-Z][A-Za-z0-9_]*|[a-z][a-z0-9]*[A-Z0-9_][A-Za-z0-9_]*)"
    r"\s+(?:table|view)s?\b")
"""A bracketed or back-quoted name, or "the X table/view" where X is capitalised or
shaped like an identifier (``vAPTHX``, ``udJobs``: a capital, digit or underscore
after a lower-case start), never a plain lower-case word ("the job cost table")."""


def missing_named_objects(catalog: Catalog, question: str) -> list[str]:
    """Names the question presents as a table or view that the catalog does not have.

    "the Customers table", ``[Customers]``, `` `Customers` ``: a report writer
    who names an object expects that object, so inventing a query over
    something else would mislead. Plain words ("the job cost table") do not count.
    """
    missing: list[str] = []
    for match in _NAMED.finditer(question):
        name = next(g for g in match.groups() if g)
        name = name.split(".")[-1].strip()
        if not name or catalog.lookup(name) or name.lower() in _NOT_NAMES:
            continue
        if name not in missing:
            missing.append(name)
    return missing


_NOT_NAMES = frozenset({"nolock", "sql", "select", "temp"})
