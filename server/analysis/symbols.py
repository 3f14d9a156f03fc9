"""Document symbols: the outline of a script, batch by batch and statement by statement.

A batch is named by the object it creates (``dbo.mckspAPVendorActivity``) or
"Batch N"; its statements are named by their verb and the objects they touch
("SELECT JCJM, JCCD", "INSERT #t", "UPDATE APTH"); CTEs and temp tables appear
under the statement that defines them. Token-based, so a half-typed file has
an outline too.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Literal

from vgpt2.catalog.sql.names import read_name
from vgpt2.catalog.sql.tokens import Token, tokenize
from vgpt2.server.analysis.locate import RESERVED
from vgpt2.server.analysis.refs import RefKind, SourceRef, part_indexes, source_refs
from vgpt2.server.analysis.statements import (
    Statement,
    StatementKind,
    matching_paren,
    split_batches,
    split_statements,
)

__all__ = ["Symbol", "SymbolKind", "document_symbols"]

SymbolKind = Literal["batch", "statement", "procedure", "function", "view", "cte", "temp_table"]

MAX_NAMED_OBJECTS = 4


@dataclass(frozen=True, slots=True)
class Symbol:
    name: str
    kind: SymbolKind
    start: int
    end: int
    """File offsets (0-based characters) of the whole symbol."""
    selection_start: int
    selection_end: int
    """The part to highlight when the symbol is picked: its name, else its first word."""
    children: tuple[Symbol, ...] = ()


_ROUTINE_KINDS: dict[str, SymbolKind] = {
    "PROC": "procedure", "PROCEDURE": "procedure", "FUNCTION": "function", "VIEW": "view",
    "TRIGGER": "batch", "TABLE": "batch",
}
_VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE")


def document_symbols(text: str) -> list[Symbol]:
    """One symbol per ``GO`` batch, its statements as children. Never raises."""
    symbols = []
    for number, batch in enumerate(split_batches(text), start=1):
        symbols.append(_batch_symbol(batch.text, batch.offset, number))
    return symbols


def _batch_symbol(text: str, base: int, number: int) -> Symbol:
    tokens = tokenize(text)
    stripped = text.lstrip()
    start = base + len(text) - len(stripped)
    end = max(start, base + len(text.rstrip()))
    if tokens:  # an unterminated string or comment keeps its trailing blanks
        start = min(start, base + tokens[0].start)
        end = max(end, base + tokens[-1].end)
    name = f"Batch {number}"
    kind: SymbolKind = "batch"
    selection = (start, start)
    if tokens:
        selection = (base + tokens[0].start, base + tokens[0].end)
    created = _created_object(tokens)
    if created is not None:
        created_name, created_kind, span = created
        name, kind = created_name, created_kind
        selection = (base + span[0], base + span[1])
    children = []
    starts = [t.start for t in tokens]
    for statement in split_statements(text, tokens):
        symbol = _statement_symbol(statement, tokens, starts, base)
        if symbol is not None:
            children.append(symbol)
    return Symbol(name, kind, start, end, *selection, tuple(children))


def _created_object(tokens: list[Token]) -> tuple[str, SymbolKind, tuple[int, int]] | None:
    """``CREATE [OR ALTER] PROCEDURE dbo.x`` at the top of a batch: its name and kind."""
    if not tokens or tokens[0].upper not in ("CREATE", "ALTER"):
        return None
    i = 1
    if i + 1 < len(tokens) and tokens[i].upper == "OR" and tokens[i + 1].upper == "ALTER":
        i += 2
    if i >= len(tokens) or tokens[i].upper not in _ROUTINE_KINDS:
        return None
    kind = _ROUTINE_KINDS[tokens[i].upper]
    parts, span = _dotted(tokens, i + 1)
    if not parts or not parts[-1].strip() or parts[-1].startswith("#"):
        return None
    return ".".join(parts), kind, span


def _dotted(tokens: list[Token], i: int) -> tuple[list[str], tuple[int, int]]:
    """A dotted name from ``i`` (read by :mod:`vgpt2.catalog.sql.names`): its parts (no
    brackets) and its span."""
    dotted = read_name(tokens, i)
    if dotted is None:
        return [], (0, 0)
    names = part_indexes(tokens, dotted)
    return [tokens[k].value for k in names], (tokens[names[0]].start, tokens[names[-1]].end)


def _statement_symbol(statement: Statement, tokens: list[Token], starts: list[int],
                      base: int) -> Symbol | None:
    if statement.kind is StatementKind.UNMATCHED or not statement.tokens:
        return None
    low = bisect.bisect_left(starts, statement.start)
    high = bisect.bisect_left(starts, statement.end)
    own = tokens[low:high]
    if not own:
        return None
    first = own[0]
    start, end = statement.start, statement.end
    selection = (first.start, first.end)
    if statement.kind is StatementKind.CONDITION and low > 0:
        keyword = tokens[low - 1]
        start = keyword.start
        selection = (keyword.start, keyword.end)
    refs = source_refs(tokens, low, high)
    children: list[Symbol] = []
    kind: SymbolKind = "statement"
    if statement.kind is StatementKind.CREATE_TABLE:
        parts, span = _dotted(tokens, low + 2 if own[1:2] and own[1].upper == "TABLE" else low)
        written = ".".join(parts) or "?"
        if parts and parts[-1].startswith("#") and parts[-1].strip("#"):
            return Symbol(parts[-1], "temp_table", base + start, base + end,
                          base + span[0], base + span[1])
        name = f"CREATE TABLE {written}"
    elif statement.kind is StatementKind.CONDITION:
        verb = tokens[low - 1].upper if low > 0 else "IF"
        name = _with_objects(verb if verb in ("IF", "WHILE") else "IF", _sources(refs))
    elif statement.kind is StatementKind.DECLARE:
        variables = _variables(own)
        name = f"{first.upper} {', '.join(variables)}" if variables else first.upper
    elif statement.kind is StatementKind.EXEC:
        routines = [r.name for r in refs if r.kind == RefKind.ROUTINE]
        name = f"EXEC {routines[0]}" if routines else "EXEC"
    else:
        name, verb_index = _query_name(own, refs)
        if verb_index is not None and own[verb_index] is not first:
            selection = (own[verb_index].start, own[verb_index].end)
        children = _query_children(refs, base, end, into=name.startswith("SELECT"))
    return Symbol(" ".join(name.split()) or first.text, kind, base + start, base + end,
                  base + selection[0], base + selection[1], tuple(children))


def _query_name(own: list[Token], refs: list[SourceRef]) -> tuple[str, int | None]:
    """"SELECT JCJM, JCCD INTO #t", "INSERT #t", "UPDATE APTH", "WITH ... SELECT Wip"."""
    verb_index = _main_verb(own)
    verb = own[verb_index].upper if verb_index is not None else own[0].upper
    bodies = [r.body for r in refs if r.defines and r.body]

    def outside_ctes(ref: SourceRef) -> bool:
        return not any(b[0] <= ref.span[0] < b[1] for b in bodies)

    main = [r for r in refs if not r.defines and outside_ctes(r)]
    if verb == "SELECT":
        into = [r for r in main if r.target]
        name = _with_objects("SELECT", _sources(main))
        if into:
            name += f" INTO {into[0].name}"
        return name, verb_index
    targets = [r for r in main if r.target]
    if targets:
        target = _unalias(targets[0], main)
        return f"{verb} {target}", verb_index
    return _with_objects(verb, _sources(main)), verb_index


def _main_verb(own: list[Token]) -> int | None:
    """Index of the verb of a statement, past any ``WITH name AS (...)`` definitions."""
    i = 0
    while i < len(own):
        token = own[i]
        if token.text == "(":
            i = matching_paren(own, i) + 1
            continue
        if token.upper in _VERBS:
            return i
        i += 1
    return None


def _unalias(target: SourceRef, refs: list[SourceRef]) -> str:
    """``UPDATE r ... FROM #Report r`` updates ``#Report``."""
    if len(target.parts) == 1:
        for ref in refs:
            if ref is not target and ref.alias and ref.alias.lower() == target.name.lower():
                return ref.name or ref.alias
    return target.name


def _sources(refs: list[SourceRef]) -> list[str]:
    names: list[str] = []
    for ref in refs:
        if ref.defines or ref.target or ref.kind in (RefKind.ROUTINE, RefKind.DERIVED):
            continue
        if ref.kind == RefKind.FUNCTION and ref.name.upper() in RESERVED:
            continue  # OPENQUERY(...), OPENROWSET(...): built in, not an object of the script
        if ref.name and ref.name not in names:
            names.append(ref.name)
    return names


def _with_objects(verb: str, names: list[str]) -> str:
    if not names:
        return verb
    shown = names[:MAX_NAMED_OBJECTS]
    more = ", …" if len(names) > len(shown) else ""
    return f"{verb} {', '.join(shown)}{more}"


def _variables(own: list[Token]) -> list[str]:
    """``DECLARE @a int = 1, @b TABLE (...)`` -> ``["@a", "@b"]`` (depth 0 only)."""
    names = []
    depth = 0
    expect = True
    for token in own[1:]:
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif depth == 0 and token.text == ",":
            expect = True
        elif expect and depth == 0 and token.text.startswith("@"):
            names.append(token.text)
            expect = False
        elif depth == 0:
            expect = False
    return names


def _query_children(refs: list[SourceRef], base: int, limit: int, *,
                    into: bool) -> list[Symbol]:
    """CTE definitions, and the temp table a ``SELECT ... INTO #t`` creates."""
    children = []
    for ref in refs:
        if not ref.name.strip():
            continue
        if ref.defines and ref.part_spans:
            name_start, name_end = ref.part_spans[0]
            end = min(ref.body[1] if ref.body else name_end, limit)
            children.append(Symbol(ref.name, "cte", base + name_start, base + max(end, name_end),
                                   base + name_start, base + name_end))
        elif into and ref.target and ref.kind == RefKind.TEMP and ref.part_spans:
            start, end = ref.span
            children.append(Symbol(ref.name, "temp_table", base + start, base + end,
                                   base + start, base + end))
    return children
