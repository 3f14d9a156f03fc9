"""What the cursor wants: the completion context of half-typed T-SQL, read from tokens.

The parser gives up on ``SELECT h. FROM APTH h``; this module does not. It finds
the ``GO`` batch around the cursor with one cheap scan of the document
(:func:`locate.scan`: only comments, strings, quoted names and ``GO`` lines are
visited), tokenizes that
batch (or, in a very long batch, a window of a few statements around the
cursor), cuts out the current statement and reads:

- what kind of thing is being typed (an object after ``FROM``, a column of an
  alias after ``h.``, a column in a ``WHERE`` clause, a join condition after
  ``ON``, a keyword, or nothing at all inside a string or comment);
- the prefix typed so far and where it starts, so the editor replaces it;
- the table references of the cursor's query, including those written after
  the cursor (``SELECT j.| FROM JCJM j``), the references of enclosing queries
  (for correlated subqueries) and the statement's CTEs. They are read by the one
  reference reader (:mod:`.refs`) that hover, go-to-definition and symbols use;
  this module picks the query levels the cursor sees. The statement is cut out by
  :func:`.bounds.statement_bounds`.

Pure and total: any text and any offset give a context, never an exception.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import sys
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import takewhile

from vgpt2.catalog.sql.names import dotted_start, qualifier_before
from vgpt2.catalog.sql.tokens import Kind, Token
from vgpt2.server.analysis.bounds import (
    SET_OPERATORS,
    StatementTokens,
    is_unreserved_name,
    lex,
    statement_bounds,
)
from vgpt2.server.analysis.locate import RESERVED_WORDS, Scan, scan
from vgpt2.server.analysis.refs import OUTSIDE, RefKind, SourceRef, read_refs

__all__ = ["CompletionContext", "ContextKind", "read_context"]


class ContextKind(StrEnum):
    OBJECT = "object"
    """A table, view or function name (after FROM, JOIN, APPLY, INTO, UPDATE, MERGE,
    USING) or a procedure name (after EXEC): see :attr:`CompletionContext.clause`."""
    COLUMN_OF = "column_of"
    """A column of :attr:`CompletionContext.qualifier` (after ``alias.`` or ``Table.``)."""
    COLUMN = "column"
    """An expression: the columns of the objects in scope (SELECT list, WHERE, ON ...)."""
    JOIN_CONDITION = "join_condition"
    """Right after ``ON``: the join condition of the object joined last."""
    KEYWORD = "keyword"
    """Statement start, after a complete table reference or expression, or anywhere else."""
    NONE = "none"
    """Inside a string, a comment or a number, or where a new name is being made up."""


@dataclass(frozen=True, slots=True)
class CompletionContext:
    kind: ContextKind
    offset: int
    prefix: str = ""
    """The part of the name typed before the cursor (without an opening bracket)."""
    prefix_start: int = 0
    """Where the text to replace starts (at the bracket of ``[JC``)."""
    replace_end: int = 0
    """Where the text to replace ends: the end of the word under the cursor."""
    quote: str = ""
    """``[`` or ``"`` when the prefix opens a quoted name."""
    qualifier: str | None = None
    """COLUMN_OF: the alias or object before the dot. OBJECT: the schema (``dbo.``)."""
    clause: str = ""
    """The keyword that decides the context. OBJECT: FROM, JOIN, APPLY, INTO, UPDATE,
    MERGE, USING, EXEC. COLUMN: SELECT, WHERE, ON, GROUP BY, ORDER BY, PARTITION BY,
    HAVING, SET, VALUES ... KEYWORD: START (a statement begins), the clause the cursor
    follows (FROM after a table reference, SELECT after a select item, WHERE after a
    condition), the word to continue (LEFT, GROUP, UNION, INSERT, DELETE, WITH), HINT
    (inside ``WITH (``), SUBQUERY (after ``EXISTS (``), OVER."""
    read: bool = False
    """The clause is FROM/JOIN/APPLY of a SELECT: what is read there carries WITH (NOLOCK)."""
    tail: bool = False
    """OBJECT: an alias, hint or argument already follows the name being typed."""
    refs: tuple[SourceRef, ...] = ()
    """The references of the cursor's query (text order), then those of enclosing queries."""
    ctes: tuple[SourceRef, ...] = ()
    last_joined: SourceRef | None = None
    """The last reference of the cursor's query before the cursor (the one ``ON`` is for)."""
    previous: str = ""
    """The token before the prefix (keywords upper-cased)."""
    unbound_qualifiers: tuple[str, ...] = ()
    """Qualifiers used in the statement (``h.`` of ``SELECT h.APRef FROM |``) that no
    reference binds yet."""
    statement_start: int = 0
    statement_end: int = 0
    aliases: frozenset[str] = field(default_factory=frozenset)
    """Every alias, reference and CTE name of the statement, lower-cased (taken names)."""

    @property
    def own_refs(self) -> tuple[SourceRef, ...]:
        return tuple(r for r in self.refs if not r.outer)

    def resolve(self, qualifier: str) -> SourceRef | None:
        """The reference a qualifier names: aliases first, then names; inner queries first."""
        folded = qualifier.lower()
        for outer in (False, True):
            for ref in self.refs:
                if ref.outer == outer and ref.alias and ref.alias.lower() == folded:
                    return ref
            for ref in self.refs:
                if ref.outer == outer and ref.name.lower() == folded:
                    return ref
        for cte in self.ctes:
            if cte.name.lower() == folded:
                return cte
        return None


# -- windows of long batches --------------------------------------------------------------------

_CONTINUED = re.compile(r"(?:[(,=]|\b(?:THEN|ELSE|UNION|ALL|EXCEPT|INTERSECT|AND|OR|NOT|IN"
                        r"|EXISTS|AS))\s*\Z", re.IGNORECASE)
"""Text before an anchor line showing the line continues a statement."""

_WINDOW_LIMIT = 6000
"""A batch longer than this (characters) is read in a window of statements round the cursor."""


# -- vocabulary ---------------------------------------------------------------------------------

_OPERATORS = frozenset({"UNION", "EXCEPT", "INTERSECT"})
_OPERATORS = frozenset({
    "=", "<>", "!=", "<", ">", "<=", ">=", "!<", "!>", "+", "-", "*", "/", "%", "&", "|", "^",
    "~", "+=", "-=", "*=", "/=",
})
_EXPRESSION_WORDS = frozenset({
    "SELECT", "WHERE", "HAVING", "AND", "OR", "NOT", "WHEN", "THEN", "ELSE", "CASE", "BY",
    "DISTINCT", "SET", "BETWEEN", "LIKE", "RETURN", "PRINT", "IN", "IF", "WHILE", "ALL", "ANY",
    "SOME",
})
"""After these an expression (a column) is expected."""
_CLAUSE_WORDS = frozenset({
    "SELECT", "FROM", "WHERE", "GROUP", "ORDER", "HAVING", "ON", "SET", "JOIN", "APPLY", "INTO",
    "VALUES", "UPDATE", "USING", "MERGE", "DELETE", "INSERT", "EXEC", "EXECUTE", "OUTPUT",
    "DECLARE", "IF", "WHILE", "RETURN", "PRINT", "BY", "OPTION",
})
_OBJECT_CLAUSES = frozenset({"FROM", "JOIN", "APPLY", "USING", "INTO", "UPDATE", "MERGE"})
_READ_CLAUSES = frozenset({"FROM", "JOIN", "APPLY"})


# -- the context ----------------------------------------------------------------------------


def read_context(text: str, offset: int) -> CompletionContext:
    """The completion context at ``offset`` of ``text``. Never raises."""
    offset = max(0, min(offset, len(text)))
    try:
        return _read(text, offset)
    except Exception:  # pragma: no cover - a bug must not break the editor
        import logging

        logging.getLogger(__name__).exception("completion context failed at %d", offset)
        return CompletionContext(ContextKind.NONE, offset, prefix_start=offset,
                                 replace_end=offset)


def _none(offset: int) -> CompletionContext:
    return CompletionContext(ContextKind.NONE, offset, prefix_start=offset, replace_end=offset)


def _window(text: str, offset: int, found: Scan, back: int, ahead: int) -> tuple[int, int]:
    """The part of the batch to tokenize: ``back`` anchors before the cursor's line and
    through the line of the ``ahead``-th anchor after it (all of a short batch)."""
    start, end = found.batch_start, found.batch_end
    if end - start <= _WINDOW_LIMIT:
        return start, end
    cursor_line = text.rfind("\n", 0, offset) + 1
    split = bisect.bisect_right(found.anchors, cursor_line)
    if split >= back:
        first = split - back
        while first > 0 and _CONTINUED.search(text, max(0, found.anchors[first] - 40),
                                              found.anchors[first]):
            first -= 1  # THEN UPDATE / UNION ALL SELECT / ( SELECT: inside a statement
        start = found.anchors[first]
    if len(found.anchors) - split >= ahead:
        line_end = text.find("\n", found.anchors[split + ahead - 1])
        end = min(end, line_end if line_end >= 0 else end)
    return start, end


def _read(text: str, offset: int) -> CompletionContext:
    found = scan(text, offset, anchors_over=_WINDOW_LIMIT)
    if found.protected:
        return _none(offset)
    back, ahead = 2, 2
    for _ in range(6):
        base, stop = _window(text, offset, found, back, ahead)
        window = text[base:stop]
        tokens, starts = lex(window)
        local = offset - base
        index = bisect.bisect_left(starts, local)  # first token starting at/after the cursor
        if index and tokens[index - 1].end >= local:
            at = tokens[index - 1]
            if at.kind is Kind.QUOTED and at.start < local and _runs_past(at, local, window):
                # "[JC" swallowed the rest of the text: read it as a plain word instead.
                window = window[:at.start] + " " + window[at.start + 1:]
                tokens, starts = lex(window)
                index = bisect.bisect_left(starts, local)
                return _context(window, tokens, base, local, index, blanked=at.start,
                                quote=at.text[0])
        if (base == found.batch_start and stop == found.batch_end) or not tokens:
            break
        # A window cut inside the statement: widen it where it was cut.
        _, end, negative = statement_bounds(tokens, max(index - 1, 0))
        widen_back = negative and base > found.batch_start
        widen_ahead = end >= len(tokens) and stop < found.batch_end
        if not (widen_back or widen_ahead):
            break
        back += 2 * widen_back
        ahead += 2 * widen_ahead
    return _context(window, tokens, base, local, index)


def _runs_past(token: Token, local: int, window: str) -> bool:
    """A quoted name that is not closed right after the identifier under the cursor."""
    if not token.terminated:
        return True
    rest = window[local:token.end - 1]
    return any(c.isspace() for c in rest) or any(c.isspace() for c in window[token.start:local])


def _context(window: str, tokens: list[Token], base: int, local: int, index: int,
             blanked: int = -1, quote: str = "") -> CompletionContext:
    """``blanked``: where _read blanked out the opening quote of the name being typed."""
    offset = base + local
    prefix = ""
    prefix_start = local
    replace_end = local
    p = index  # index of the token being typed (or of the first token after the cursor)
    typing = False
    quoted = False
    if index and tokens[index - 1].start < local <= tokens[index - 1].end:
        at = tokens[index - 1]
        if at.kind is Kind.NUMBER:
            return _none(offset)
        if at.kind is Kind.WORD:
            p, typing = index - 1, True
            prefix = window[at.start:local]
            prefix_start, replace_end = at.start, at.end
            if blanked >= 0 and at.start == blanked + 1:
                prefix_start, quoted = blanked, True  # the bracket blanked out by _read
        elif at.kind is Kind.QUOTED and not (at.terminated and local == at.end):
            if _runs_past(at, local, window):
                return _none(offset)
            p, typing, quoted = index - 1, True, True
            quote = at.text[0]
            prefix = window[at.start + 1:local]
            prefix_start = at.start
            replace_end = at.end if at.terminated else local
    elif blanked >= 0 and blanked == local - 1:
        prefix_start, quoted = blanked, True
    if not quoted:
        quote = ""
    if prefix.startswith("@"):
        return _none(offset)
    if not tokens or (p == 0 and not typing and index == 0):
        return CompletionContext(ContextKind.KEYWORD, offset, prefix, base + prefix_start,
                                 base + replace_end, quote, clause="START",
                                 statement_start=offset, statement_end=offset)
    if not typing and tokens[p - 1].text == ";":
        s = e = p  # right after a semicolon: a new statement
    else:
        s, e, _ = statement_bounds(tokens, p if typing else p - 1)
        e = max(e, p)
    st = StatementTokens(tokens, s, e)
    found = read_refs(st, base=base, typing=p if typing else -1)
    usable = [r for r in found.refs if _completes(r)]

    # The qualifier chain before the prefix: h. / dbo.APTH. / dbo.
    written = qualifier_before(tokens, p, s)
    # Only the parts after an omitted one (db..h.): each is one name and one dot.
    chain = list(reversed(list(takewhile(bool, reversed(written.parts if written else ())))))
    j = p - 2 * len(chain)
    if not chain and j - 1 >= s and tokens[j - 1].text == ".":
        return _none(offset)  # ").": nothing to complete
    previous = tokens[j - 1] if j - 1 >= s else None
    kind, clause = _decide(st, j, previous)
    qualifier: str | None = None
    if chain:
        if kind is ContextKind.OBJECT:
            qualifier = chain[-1]  # a schema (dbo.) or database.schema
        else:
            kind, qualifier = ContextKind.COLUMN_OF, chain[-1]
    elif kind is ContextKind.COLUMN_OF and clause == "INSERT_COLUMNS":
        qualifier = _insert_target(st, j)
        if qualifier is None:
            kind = ContextKind.NONE

    # The query level holding the cursor, its set-operation segment, and enclosing levels.
    stack = st.stack_at(j)
    levels: list[tuple[int, int]] = []
    anchors: list[int] = [j]
    cte_body = False
    for opening in reversed(stack):
        if st.is_subquery(opening):
            levels.append((opening + 1, st.close.get(opening, st.end)))
            anchors.append(opening)
            if st.parent_of(opening) == -1 and tokens[s].upper == "WITH" and (
                opening > s and tokens[opening - 1].upper == "AS"
            ):
                cte_body = True  # a CTE body sees no reference of the query after it
                break
    if not cte_body:
        levels.append((s, st.end))
    refs: list[SourceRef] = []
    own_lo = s
    for depth, (lo, hi) in enumerate(levels):
        seg_lo, seg_hi = _segment(st, lo, hi, anchors[depth])
        if depth == 0:
            own_lo = seg_lo
        opener = _offset(tokens, base, lo - 1) if lo != s else OUTSIDE[0]
        in_level = _level(usable, opener, _offset(tokens, base, seg_lo),
                          _offset(tokens, base, seg_hi))
        refs.extend(dataclasses.replace(r, outer=True) if depth else r for r in in_level)
    ctes = [r for r in found.refs if r.defines]
    cte_names = {c.name.lower(): c for c in ctes}
    cursor = base + (tokens[j].start if j < len(tokens) else local)
    own_before = [r for r in refs if not r.outer and r.start < cursor]
    last_joined = own_before[-1] if own_before else None

    read = False
    if clause in _READ_CLAUSES:
        level = stack[-1] if stack else -1
        read = any(tokens[k].upper == "SELECT" and st.parent_of(k) == level
                   for k in range(own_lo, j))
    tail = False
    after = p + 1 if typing else p
    if after < st.end:
        nxt = tokens[after]
        tail = (is_unreserved_name(nxt) or nxt.upper in ("WITH", "AS") or nxt.text in ("(", ".")
                or nxt.text.startswith("@"))
    subqueries = {_offset(tokens, base, o) for o in st.close if st.is_subquery(o)}
    everywhere = refs + [r for r in usable if r.scope[0] in subqueries]
    taken = ({r.binding.lower() for r in everywhere} | {r.name.lower() for r in everywhere}
             | set(cte_names))
    unbound = _unbound_qualifiers(st, s, st.end, taken, p if typing else -1)
    return CompletionContext(
        kind=kind, offset=offset, prefix=prefix, prefix_start=base + prefix_start,
        replace_end=base + replace_end, quote=quote, qualifier=qualifier, clause=clause,
        read=read, tail=tail, refs=tuple(refs), ctes=tuple(ctes), last_joined=last_joined,
        previous=(previous.upper or previous.text) if previous else "",
        unbound_qualifiers=unbound,
        statement_start=base + tokens[s].start if s < len(tokens) else offset,
        statement_end=base + tokens[st.end - 1].end if st.end > s else offset,
        aliases=frozenset(taken))


_COMPLETED_CLAUSES = frozenset({"FROM", "JOIN", "APPLY", "USING", "UPDATE", "MERGE", "DELETE"})


def _completes(ref: SourceRef) -> bool:
    """The references completion offers columns and joins of: sources and UPDATE / DELETE /
    MERGE targets (not INSERT or SELECT INTO targets, routines or unnamed derived tables)."""
    return (not ref.defines and ref.clause in _COMPLETED_CLAUSES
            and not (ref.kind is RefKind.DERIVED and ref.alias is None))


def _offset(tokens: list[Token], base: int, index: int) -> int:
    """The document offset of token ``index`` (past the end: ever after)."""
    return base + tokens[index].start if index < len(tokens) else sys.maxsize


def _level(refs: list[SourceRef], opener: int, lo: int, hi: int) -> list[SourceRef]:
    """The references of one query level: directly inside the parenthesis at offset
    ``opener`` (-1: the statement), starting in the offsets ``[lo, hi)``."""
    level = [r for r in refs if r.scope[0] == opener and lo <= r.start < hi]
    # UPDATE h ... FROM APTH h / DELETE h FROM ...: the target names another reference.
    bound = {r.alias.lower() for r in level if r.alias}
    return [r for r in level if not (r.clause in ("UPDATE", "DELETE") and r.alias is None
                                     and r.name.lower() in bound)]


def _segment(st: StatementTokens, lo: int, hi: int, anchor: int) -> tuple[int, int]:
    """The part of a query level between UNION / EXCEPT / INTERSECT that holds ``anchor``."""
    tokens = st.tokens
    seg_lo, seg_hi = lo, hi
    i = lo
    while i < hi:
        if tokens[i].upper in SET_OPERATORS:
            if i < anchor:
                seg_lo = i + 1
            else:
                seg_hi = i
                break
        i = st.skip(i)
    return seg_lo, seg_hi


def _unbound_qualifiers(st: StatementTokens, lo: int, hi: int, taken: set[str],
                        skip: int) -> tuple[str, ...]:
    tokens = st.tokens
    found: list[str] = []
    for i in range(lo, min(hi, len(tokens)) - 1):
        token = tokens[i]
        if (tokens[i + 1].text == "." and token.kind is Kind.WORD and i != skip
                and token.upper not in RESERVED_WORDS and token.value.lower() not in taken
                and (i == lo or tokens[i - 1].text != ".")
                and tokens[i - 1].upper not in _OBJECT_CLAUSES | {"EXEC", "EXECUTE"}
                and token.value not in found and token.value.lower() != "dbo"):
            found.append(token.value)
    return tuple(found)


def _insert_target(st: StatementTokens, j: int) -> str | None:
    stack = st.stack_at(j)
    if not stack:
        return None
    opening = stack[-1]
    tokens = st.tokens
    k = opening - 1
    if k >= st.start and tokens[k].is_name():
        return tokens[k].value
    return None


def _clause_before(st: StatementTokens, j: int) -> str:
    """The nearest clause keyword before ``j`` at the cursor's level (or an enclosing
    non-query group's level)."""
    tokens = st.tokens
    k = j - 1
    while k >= st.start:
        token = tokens[k]
        if token.kind is Kind.PUNCT and token.text == ")":
            k = st.open.get(k, st.start - 1) - 1
            continue
        if token.kind is Kind.PUNCT and token.text == "(":
            before = tokens[k - 1].upper if k - 1 >= st.start else ""
            if st.is_subquery(k):
                return "SELECT"
            if before == "WITH":
                return "HINT"
            if k - 1 >= st.start and tokens[k - 1].is_name() and (
                    (first := dotted_start(tokens, k - 1, st.start)) > st.start
                    and tokens[first - 1].upper == "INTO"):
                return "INSERT_COLUMNS"
            k -= 1
            continue
        word = token.upper
        if word in _CLAUSE_WORDS:
            if word == "BY":
                owner = tokens[k - 1].upper if k - 1 >= st.start else ""
                return {"GROUP": "GROUP BY", "ORDER": "ORDER BY",
                        "PARTITION": "PARTITION BY"}.get(owner, "BY")
            if word in ("GROUP", "ORDER"):
                return f"{word} BY"
            return "EXEC" if word == "EXECUTE" else word
        k -= 1
    return "START"


def _decide(st: StatementTokens, j: int, previous: Token | None) -> tuple[ContextKind, str]:
    tokens = st.tokens
    if previous is None:
        return ContextKind.KEYWORD, "START"
    text = previous.text
    word = previous.upper
    before = tokens[j - 2] if j - 2 >= st.start else None
    before_word = before.upper if before else ""
    if previous.kind is Kind.PUNCT and text == ";":
        return ContextKind.KEYWORD, "START"
    if j - 1 == st.start and word in ("ELSE", "BEGIN", "END"):
        return ContextKind.KEYWORD, "START"
    if word in ("FROM", "JOIN", "APPLY", "USING", "INTO", "MERGE"):
        return ContextKind.OBJECT, word
    if word == "UPDATE":
        if before_word == "THEN":
            return ContextKind.KEYWORD, "UPDATE"
        return ContextKind.OBJECT, "UPDATE"
    if word in ("EXEC", "EXECUTE"):
        return ContextKind.OBJECT, "EXEC"
    if text == "=" and before is not None and before.text.startswith("@") and (
        j - 3 >= st.start and tokens[j - 3].upper in ("EXEC", "EXECUTE")
    ):
        return ContextKind.OBJECT, "EXEC"
    if word == "ON":
        return ContextKind.JOIN_CONDITION, "ON"
    if word == "AS":
        return ContextKind.NONE, "AS"
    if word in ("DECLARE", "TOP", "CURSOR"):
        return ContextKind.NONE, word
    if word in ("GROUP", "ORDER", "PARTITION", "LEFT", "RIGHT", "FULL", "INNER", "CROSS",
                "OUTER", "INSERT", "DELETE", "UNION", "BEGIN", "WITH"):
        if word == "WITH" and (before is None or not (before.is_name() or before.text == ")")):
            return ContextKind.NONE, "WITH"  # WITH <cte name>
        return ContextKind.KEYWORD, word
    if previous.kind is Kind.PUNCT and text == "(":
        if before_word in ("EXISTS", "FROM", "JOIN", "APPLY", "AS", "UNION"):
            return ContextKind.KEYWORD, "SUBQUERY"
        if before_word == "WITH":
            return ContextKind.KEYWORD, "HINT"
        if before_word == "OVER":
            return ContextKind.KEYWORD, "OVER"
        clause = _clause_before(st, j)
        if clause == "INSERT_COLUMNS":
            return ContextKind.COLUMN_OF, clause
        return _expression(clause)
    if previous.kind is Kind.PUNCT and text == ",":
        clause = _clause_before(st, j)
        if clause in ("FROM", "JOIN", "APPLY", "ON"):
            return ContextKind.OBJECT, "FROM"
        if clause == "INSERT_COLUMNS":
            return ContextKind.COLUMN_OF, clause
        if clause in ("DECLARE", "HINT"):
            return ContextKind.KEYWORD if clause == "HINT" else ContextKind.NONE, clause
        return _expression(clause)
    if text == "*" and previous.kind is Kind.PUNCT and (
        before is None or before_word in ("SELECT", "DISTINCT") or before.text in (",", ".")
        or before.kind is Kind.NUMBER
    ):
        return ContextKind.KEYWORD, _clause_before(st, j)  # SELECT * |
    if word == "ALL" and before_word == "UNION":
        return ContextKind.KEYWORD, "UNION"
    if word in _EXPRESSION_WORDS or (previous.kind is Kind.PUNCT and text in _OPERATORS):
        return _expression(_clause_before(st, j))
    if previous.kind is Kind.NUMBER and before_word == "TOP":
        return ContextKind.COLUMN, "SELECT"
    if text == ")" and previous.kind is Kind.PUNCT:
        opening = st.open.get(j - 1, st.start - 1)
        if opening - 1 >= st.start and tokens[opening - 1].upper == "TOP":
            return ContextKind.COLUMN, "SELECT"
    clause = _clause_before(st, j)
    return ContextKind.KEYWORD, clause


def _expression(clause: str) -> tuple[ContextKind, str]:
    if clause in ("DECLARE",):
        return ContextKind.NONE, clause
    if clause in ("HINT", "OPTION"):
        return ContextKind.KEYWORD, clause
    return ContextKind.COLUMN, clause
