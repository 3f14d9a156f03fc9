"""The one reader of table references for the editor engines: what a statement reads and writes.

Completion, hover, go-to-definition, signature help, document symbols, generation's schema
linking and the training dataset all read a statement's sources here, so a fix to CTE or
alias handling is made, and tested, once (``tests/analysis/test_refs.py``).

It reads tokens, never a parse tree, so half-typed SQL has references too. For the tokens of
one statement (:class:`~vgpt2.server.analysis.bounds.StatementTokens`) it finds, at every
depth and in text order:

- the sources of FROM / JOIN / APPLY / USING lists: objects, rowset functions, table
  variables, temp tables, derived tables (``(SELECT ...) d (a, b)``) and uses of CTEs;
- the targets of INSERT [INTO], SELECT ... INTO, UPDATE, DELETE, MERGE [INTO] and
  CREATE / ALTER / TRUNCATE TABLE, and the routine of EXEC;
- the CTE definitions of ``WITH name [(columns)] AS (query)``.

Each reference (:class:`SourceRef`) carries its alias, where it is visible (the parentheses
around it, else the whole statement), its table hints, and for CTEs and derived tables the
columns their select lists yield and the objects a ``*`` brings. The analyzer reads
references from sqlglot's tree instead (:mod:`~vgpt2.server.analysis.resolver`).
"""

from __future__ import annotations

import bisect
import sys
from dataclasses import dataclass, field, replace
from enum import StrEnum

from vgpt2.catalog.sql.names import DottedName, read_name
from vgpt2.catalog.sql.tokens import Kind, Token
from vgpt2.server.analysis.bounds import StatementTokens, is_unreserved_name
from vgpt2.server.analysis.locate import HINT_WORDS, RESERVED

__all__ = ["OUTSIDE", "RefKind", "Refs", "SelectItem", "SourceRef", "part_indexes", "read_refs",
           "select_items", "source_refs"]

OUTSIDE = (-1, sys.maxsize)
"""The scope of a reference outside any parentheses: the whole statement."""

NOT_ALIASES = RESERVED | frozenset({
    "APPLY", "OUTPUT", "USING", "MATCHED", "THROW", "TRY", "CATCH", "RETURNS", "GO", "WINDOW",
    "OFFSET", "FETCH", "NOLOCK"})
"""Words that may follow a table reference and are not its alias."""

_SELECT_END = frozenset({"FROM", "INTO", "WHERE", "GROUP", "ORDER", "HAVING", "UNION", "EXCEPT",
                         "INTERSECT", "OPTION", "FOR"})
"""Words that end a select list at its depth."""

_FROM_END = frozenset({"WHERE", "GROUP", "ORDER", "HAVING", "SELECT", "SET", "UNION", "EXCEPT",
                       "INTERSECT", "OPTION", "OUTPUT", "INTO", "VALUES", "FOR"})
"""Words after which a comma no longer adds a source to the FROM list."""


class RefKind(StrEnum):
    OBJECT = "object"
    """A name that should be in the catalog (a table, view or an unknown name)."""
    FUNCTION = "function"
    """A rowset function: ``dbo.vfX(...) alias``, ``STRING_SPLIT(...)``."""
    ROUTINE = "routine"
    """The procedure of ``EXEC``."""
    CTE = "cte"
    """A CTE: its definition (:attr:`SourceRef.defines`) or a use of it."""
    DERIVED = "derived"
    """``(SELECT ...) alias`` or ``(VALUES ...) alias (a, b)``."""
    VARIABLE = "variable"
    """A table variable ``@t``."""
    TEMP = "temp"
    """A temporary table ``#t``."""


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One table source of a statement as written: ``FROM dbo.JCCM AS c WITH (NOLOCK)``.

    Offsets are those of the tokens plus the ``base`` given to :func:`read_refs` (0: the
    offsets of the text that was tokenized).
    """

    parts: tuple[str, ...]
    """The dotted name without brackets (``("dbo", "JCCM")``); empty for a derived table."""
    part_spans: tuple[tuple[int, int], ...]
    """Offsets of each part's token."""
    kind: RefKind
    alias: str | None = None
    alias_span: tuple[int, int] | None = None
    scope: tuple[int, int] = OUTSIDE
    """Where the reference is visible: the parentheses around it, else the whole statement."""
    body: tuple[int, int] | None = None
    """For a derived table or a CTE: the span of its parenthesised query (the end is
    ``sys.maxsize`` while the parenthesis is not closed yet)."""
    target: bool = False
    """Written to: INSERT INTO, UPDATE, DELETE, MERGE INTO, SELECT INTO, CREATE TABLE."""
    defines: bool = False
    """The definition of a CTE (``WITH name AS (...)``), not a use of it."""
    clause: str = "FROM"
    """The keyword that introduced it: FROM (also after a comma), JOIN, APPLY, USING, UPDATE,
    MERGE, DELETE, INSERT, INTO, TABLE, EXEC, or WITH for a CTE definition."""
    columns: tuple[str, ...] = ()
    """For CTEs and derived tables: the column names their select lists (or their declared
    column lists) yield."""
    star: tuple[str, ...] = ()
    """For CTEs and derived tables: objects whose every column a ``*`` or ``t.*`` brings."""
    hinted: bool = False
    """Carries a table hint: ``WITH (...)`` or the legacy ``(NOLOCK)``."""
    start: int = 0
    end: int = 0
    """The reference from its name (or its opening parenthesis) through its alias."""
    outer: bool = False
    """Belongs to a query enclosing the one being read (completion marks these: a
    correlated subquery sees them)."""

    @property
    def name(self) -> str:
        """The object name without schema or quotes; a derived table's alias."""
        return self.parts[-1] if self.parts else (self.alias or "")

    @property
    def schema(self) -> str | None:
        return self.parts[-2] if len(self.parts) >= 2 else None

    @property
    def binding(self) -> str:
        """The name the rest of the query uses for it: the alias, else the name."""
        return self.alias or self.name

    @property
    def span(self) -> tuple[int, int]:
        """The dotted name (a derived table: its body)."""
        if self.part_spans:
            return self.part_spans[0][0], self.part_spans[-1][1]
        return self.body or (0, 0)

    def visible_from(self, position: int) -> bool:
        return self.scope[0] <= position < self.scope[1]


@dataclass(frozen=True, slots=True)
class SelectItem:
    """One item of a select list: its output name and its token indexes ``[first, end)``."""

    name: str | None
    first: int
    end: int
    expression_first: int
    expression_end: int
    """The tokens of its expression, without the name: ``[expression_first, expression_end)``."""
    star: str | None = None
    """``*`` gives ``""``, ``t.*`` gives ``"t"``; None for any other item."""


@dataclass(slots=True)
class Refs:
    """The references of one statement, with what is needed to read their bodies again."""

    statement: StatementTokens
    base: int
    refs: list[SourceRef] = field(default_factory=list)
    ctes: dict[str, SourceRef] = field(default_factory=dict)
    """Lower-case CTE name -> its definition."""

    @property
    def tokens(self) -> list[Token]:
        return self.statement.tokens

    def index_at(self, offset: int) -> int:
        """The index of the first token starting at or after ``offset`` (with the base)."""
        tokens = self.statement.tokens
        return bisect.bisect_left(tokens, offset - self.base, self.statement.start,
                                  self.statement.end, key=lambda t: t.start)

    def select_items(self, body: tuple[int, int]) -> list[SelectItem]:
        """The items of the first select list inside a parenthesised body's span."""
        lo = self.index_at(body[0]) + 1  # after the opening parenthesis
        hi = self.index_at(body[1]) - 1 if body[1] < sys.maxsize else self.statement.end
        return select_items(self.statement, lo, max(lo, hi))


def source_refs(tokens: list[Token], low: int = 0, high: int | None = None) -> list[SourceRef]:
    """The table sources named in ``tokens[low:high]``, CTE definitions included (in order)."""
    stop = len(tokens) if high is None else min(high, len(tokens))
    return read_refs(StatementTokens(tokens, low, stop)).refs


def read_refs(statement: StatementTokens, *, base: int = 0, typing: int = -1) -> Refs:
    """Every reference of ``statement``. ``typing``: the index of the token being typed,
    which is not a reference or an alias yet (``FROM AP|``)."""
    reader = _SourceReader(statement, base, typing)
    reader.scan(statement.start, statement.end)
    return reader.finish()


def part_indexes(tokens: list[Token], dotted: DottedName) -> list[int]:
    """The indexes of the tokens of a dotted name's parts (its dots and an omitted part of
    ``db..name`` left out)."""
    return [k for k in range(dotted.first, dotted.stop) if tokens[k].text != "."]


# -- select lists -------------------------------------------------------------------------


def select_items(statement: StatementTokens, lo: int, hi: int) -> list[SelectItem]:
    """The items of the first select list at the top depth of tokens ``[lo, hi)``."""
    tokens = statement.tokens
    i = lo
    while i < hi and tokens[i].upper != "SELECT":
        i = statement.skip(i)
    if i >= hi:
        return []
    i += 1
    while i < hi and tokens[i].upper in ("DISTINCT", "ALL", "TOP", "PERCENT"):
        if tokens[i].upper == "TOP":
            i += 1
            if i < hi:
                i = statement.skip(i)
            continue
        i += 1
    if i + 1 < hi and tokens[i].upper == "WITH" and tokens[i + 1].upper == "TIES":
        i += 2
    items: list[SelectItem] = []
    item: list[int] = []
    """Indexes of the item's tokens at its depth (a group: its opening parenthesis)."""
    while i <= hi:
        token = tokens[i] if i < hi else None
        if token is None or token.text in (",", ";") or token.upper in _SELECT_END:
            if item:
                items.append(_item(statement, item, i))
            if token is None or token.text != ",":
                break
            item = []
            i += 1
            continue
        item.append(i)
        i = statement.skip(i)
    return items


def _item(statement: StatementTokens, item: list[int], end: int) -> SelectItem:
    """Name an item (``expr AS name``, ``name = expr``, ``expr name``, ``t.name``) and find
    its expression. ``item``: its tokens at its depth; ``end``: the index after it."""
    tokens = statement.tokens
    first = item[0]
    last = tokens[item[-1]]
    count = len(item)
    if last.text == "*" and (count == 1 or (count == 3 and tokens[item[1]].text == ".")):
        return SelectItem(None, first, end, first, end,
                          tokens[first].value if count == 3 else "")
    if count >= 2 and tokens[item[-2]].upper == "AS" and last.is_name():
        return SelectItem(last.value, first, end, first, item[-2])
    if count >= 3 and tokens[first].is_name() and tokens[item[1]].text == "=":
        return SelectItem(tokens[first].value, first, end, item[1] + 1, end)
    if last.kind is Kind.STRING and count >= 2 and tokens[item[-2]].upper == "AS":
        return SelectItem(last.text.strip("'"), first, end, first, item[-2])
    if not is_unreserved_name(last):
        return SelectItem(None, first, end, first, end)
    if count == 1 or tokens[item[-2]].text == ".":
        return SelectItem(last.value, first, end, first, end)
    before = tokens[item[-2]]
    if before.text in ("(", ")") or before.is_name() or before.kind in (Kind.NUMBER,
                                                                         Kind.STRING):
        return SelectItem(last.value, first, end, first, item[-1])  # expr alias
    return SelectItem(None, first, end, first, end)


# -- the reader ---------------------------------------------------------------------------


class _SourceReader:
    """One pass over a statement's tokens, at every depth, in text order."""

    def __init__(self, statement: StatementTokens, base: int, typing: int) -> None:
        self.statement = statement
        self.tokens = statement.tokens
        self.low = statement.start
        self.high = statement.end
        self.base = base
        self.typing = typing
        self.found = Refs(statement, base)
        self.in_from: dict[int, bool] = {}
        """Per enclosing parenthesis (-1: none): whether a comma there adds a source."""
        self.bodies: dict[int, tuple[int, int]] = {}
        """Position in ``found.refs`` of a CTE definition or derived table -> the token
        indexes ``[lo, hi)`` inside its parentheses, read for its columns at the end."""

    # -- small readers

    def word(self, i: int) -> str:
        return self.tokens[i].upper if i < self.high else ""

    def text(self, i: int) -> str:
        return self.tokens[i].text if i < self.high else ""

    def close_of(self, i: int) -> int:
        return self.statement.close.get(i, self.high)

    def span(self, i: int) -> tuple[int, int]:
        token = self.tokens[i]
        return self.base + token.start, self.base + token.end

    def scope_of(self, i: int) -> tuple[int, int]:
        opener = self.statement.parent_of(i)
        if opener < 0:
            return OUTSIDE
        return self.base + self.tokens[opener].start, self.group_end(opener)

    def group_end(self, opener: int) -> int:
        close = self.close_of(opener)
        return self.base + self.tokens[close].end if close < self.high else sys.maxsize

    def body_of(self, i: int) -> tuple[int, int]:
        return self.base + self.tokens[i].start, self.group_end(i)

    def names_in(self, opening: int) -> tuple[str, ...]:
        """Names inside ``(a, b, c)`` at ``opening``."""
        return tuple(t.value for t in self.tokens[opening + 1:self.close_of(opening)]
                     if t.is_name())

    def hint_only(self, opening: int) -> bool:
        inner = self.tokens[opening + 1:self.close_of(opening)]
        return bool(inner) and inner[0].upper in HINT_WORDS

    def skip_hints(self, j: int) -> tuple[int, bool]:
        """Past ``WITH (...)`` and the legacy ``(NOLOCK)``; and whether there were any."""
        hinted = False
        while True:
            if self.word(j) == "WITH" and self.text(j + 1) == "(":
                j = self.close_of(j + 1) + 1
            elif self.text(j) == "(" and self.hint_only(j):
                j = self.close_of(j) + 1
            else:
                return j, hinted
            hinted = True

    def alias_at(self, j: int) -> tuple[str | None, tuple[int, int] | None, int]:
        if self.word(j) == "AS":
            j += 1
        if j < self.high and j != self.typing and (self.tokens[j].kind is Kind.QUOTED or (
            self.tokens[j].kind is Kind.WORD and self.tokens[j].upper not in NOT_ALIASES
            and not self.tokens[j].text.startswith(("@", "#"))
        )):
            return self.tokens[j].value, self.span(j), j + 1
        return None, None, j

    def chain(self, i: int) -> tuple[list[int] | None, int]:
        """The tokens of the parts of the dotted name at ``i`` (read by the text layer's
        :func:`~vgpt2.catalog.sql.names.read_name`) and the index after it; None while the
        name is still to come (``dbo.``) or being typed (``dbo.AP|``). An omitted part
        (``db..APTH``) is left out: the reference is ``(db, APTH)``."""
        dotted = read_name(self.tokens, i, self.high)
        if dotted is None:
            return None, i + 1
        parts = part_indexes(self.tokens, dotted)
        if self.typing in parts[1:]:
            return None, self.typing + 1
        if dotted.dangling:
            return None, dotted.stop
        return parts, dotted.stop

    # -- one reference

    def one(self, j: int, clause: str, target: bool, aliased: bool = False) -> int:
        """Read one table source at ``j``; return the index after it."""
        if self.word(j) == "TOP":  # UPDATE TOP (500) bJCCD, DELETE TOP (10) x
            j = self.close_of(j + 1) + 1 if self.text(j + 1) == "(" else j + 2
            if self.word(j) == "PERCENT":
                j += 1
        if j >= self.high or j == self.typing or (target and self.text(j) == "("):
            return j  # MERGE ... THEN INSERT (columns): no table here
        token = self.tokens[j]
        if token.kind is Kind.PUNCT and token.text == "(":
            return self.derived(j, clause)
        if not is_unreserved_name(token):
            return j
        parts, k = self.chain(j)
        if parts is None:
            return k
        names = tuple(self.tokens[p].value for p in parts)
        kind = RefKind.OBJECT
        if names[-1].startswith("@"):
            kind = RefKind.VARIABLE
        elif names[-1].startswith("#"):
            kind = RefKind.TEMP
        elif len(names) == 1 and names[0].lower() in self.found.ctes:
            kind = RefKind.CTE
        end = self.tokens[parts[-1]].end
        hinted = False
        if self.text(k) == "(" and not target:
            if self.hint_only(k):
                hinted = True  # legacy APTH (NOLOCK)
            elif kind is RefKind.OBJECT:
                kind = RefKind.FUNCTION
            close = self.close_of(k)
            end = self.tokens[min(close, len(self.tokens) - 1)].end
            k = close + 1
        alias, alias_span = None, None
        columns: tuple[str, ...] = ()
        if not target or aliased or self.word(k) == "AS":
            k, hints = self.skip_hints(k)
            alias, alias_span, k = self.alias_at(k)
            hinted |= hints
        if alias_span is not None:
            end = alias_span[1] - self.base
            if self.text(k) == "(":  # AS t (a, b), or (NOLOCK) after the alias
                listed = self.names_in(k)
                if listed and all(n.upper() in HINT_WORDS for n in listed):
                    hinted = True
                else:
                    columns = listed
                k = self.close_of(k) + 1
        k, hints = self.skip_hints(k)
        self.found.refs.append(SourceRef(
            names, tuple(self.span(p) for p in parts), kind, alias, alias_span, self.scope_of(j),
            target=target, clause=clause, columns=columns, hinted=hinted or hints,
            start=self.base + token.start, end=self.base + end))
        return k

    def derived(self, j: int, clause: str) -> int:
        """``(SELECT ...) [AS] d [(a, b)]``: the derived table, then the query inside it."""
        close = self.close_of(j)
        position = len(self.found.refs)
        self.scan(j + 1, close)
        k = close + 1
        alias, alias_span, k = self.alias_at(k)
        columns: tuple[str, ...] = ()
        hinted = False
        if self.text(k) == "(":  # AS d (Co, Job, Cost)
            listed = self.names_in(k)
            if alias is not None and listed and all(n.upper() in HINT_WORDS for n in listed):
                hinted = True
            elif alias is not None:
                columns = listed
            k = self.close_of(k) + 1
        k, hints = self.skip_hints(k)
        last = alias_span[1] if alias_span else self.base + self.tokens[
            min(close, len(self.tokens) - 1)].end
        self.found.refs.insert(position, SourceRef(
            (), (), RefKind.DERIVED, alias, alias_span, self.scope_of(j), self.body_of(j),
            clause=clause, columns=columns, hinted=hinted or hints,
            start=self.base + self.tokens[j].start, end=last))
        self.bodies = {p + (p >= position): span for p, span in self.bodies.items()}
        if not columns:
            self.bodies[position] = (j + 1, min(close, self.high))
        return k

    def ctes(self, j: int) -> None:
        """Register ``name [(cols)] AS (query) [, ...]``; the bodies are read in turn later."""
        while j < self.high and is_unreserved_name(self.tokens[j]):
            k = j + 1
            columns: tuple[str, ...] = ()
            if self.text(k) == "(":
                columns = self.names_in(k)
                k = self.close_of(k) + 1
            if self.word(k) != "AS" or self.text(k + 1) != "(":
                return
            name = self.tokens[j]
            ref = SourceRef((name.value,), (self.span(j),), RefKind.CTE, scope=self.scope_of(j),
                            body=self.body_of(k + 1), defines=True, clause="WITH",
                            columns=columns, start=self.base + name.start,
                            end=self.base + name.end)
            if not columns:
                self.bodies[len(self.found.refs)] = (k + 2, min(self.close_of(k + 1), self.high))
            self.found.ctes[name.value.lower()] = ref
            self.found.refs.append(ref)
            k = self.close_of(k + 1) + 1
            if self.text(k) != ",":
                return
            j = k + 1

    # -- the pass

    def scan(self, i: int, stop: int) -> None:
        while i < stop:
            i = self.step(i)

    def step(self, i: int) -> int:
        w = self.tokens[i].upper
        following = self.word(i + 1)
        previous = self.tokens[i - 1].upper if i > self.low else ""
        if w == "WITH" and i + 1 < self.high and is_unreserved_name(self.tokens[i + 1]) and (
            self.word(i + 2) == "AS" or self.text(i + 2) == "("
        ):
            self.ctes(i + 1)
            return i + 1
        if w in ("FROM", "JOIN", "APPLY", "USING"):
            self.in_from[self.statement.parent_of(i)] = w != "USING"
            return max(self.one(i + 1, w, target=False), i + 1)
        if w in _FROM_END:
            self.in_from[self.statement.parent_of(i)] = False
        elif self.tokens[i].text == "," and self.in_from.get(self.statement.parent_of(i)):
            return max(self.one(i + 1, "FROM", target=False), i + 1)
        if w == "UPDATE" and self.text(i + 1) != "(" and following != "STATISTICS" and (
            i == self.low or self.tokens[i - 1].text in ("(", ")", ";") or previous == "WITH"
            or self.tokens[self.low].upper == "WITH"
        ):  # a statement's UPDATE, not MERGE's THEN UPDATE, FOR UPDATE or AFTER UPDATE
            return max(self.one(i + 1, "UPDATE", target=True), i + 1)
        if w == "INTO" or (w == "INSERT" and following != "INTO") or (
            w in ("DELETE", "MERGE") and following not in ("FROM", "INTO")
        ):
            merge = w == "MERGE" or previous == "MERGE"
            clause = "MERGE" if merge else w
            return max(self.one(i + 1, clause, target=True, aliased=merge), i + 1)
        if w == "TABLE" and previous in ("CREATE", "ALTER", "TRUNCATE"):
            return max(self.one(i + 1, "TABLE", target=True), i + 1)
        if w in ("EXEC", "EXECUTE"):
            j = i + 1
            if self.text(j).startswith("@") and self.text(j + 1) == "=":
                j += 2
            if j < self.high and is_unreserved_name(self.tokens[j]) and not (
                self.text(j).startswith("@")
            ):
                parts, k = self.chain(j)
                if parts is not None:
                    self.found.refs.append(SourceRef(
                        tuple(self.tokens[p].value for p in parts),
                        tuple(self.span(p) for p in parts), RefKind.ROUTINE,
                        scope=self.scope_of(j), clause="EXEC",
                        start=self.base + self.tokens[j].start,
                        end=self.base + self.tokens[parts[-1]].end))
                return k
        return i + 1

    # -- columns of CTEs and derived tables

    def finish(self) -> Refs:
        """Fill in the columns of CTEs and derived tables, then the CTEs' uses."""
        refs = self.found.refs
        for position, (lo, hi) in self.bodies.items():
            ref = refs[position]
            columns, star = self._projection(lo, hi, ref.body)
            refs[position] = replace(ref, columns=columns, star=star)
            if ref.defines:
                self.found.ctes[ref.name.lower()] = refs[position]
        for position, ref in enumerate(refs):
            if ref.kind is RefKind.CTE and not ref.defines:
                definition = self.found.ctes.get(ref.name.lower())
                if definition is not None:
                    refs[position] = replace(ref, columns=definition.columns,
                                             star=definition.star, body=definition.body)
        return self.found

    def _projection(self, lo: int, hi: int, body: tuple[int, int] | None
                    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The output column names of the query in tokens ``[lo, hi)``, and the objects a
        ``*`` or ``t.*`` in its select list brings all columns of."""
        items = select_items(self.statement, lo, hi)
        names = [item.name for item in items if item.name]
        stars = [item.star for item in items if item.star is not None]
        sources: list[str] = []
        if stars and body is not None:
            inner = [r for r in self.found.refs if r.kind is RefKind.OBJECT and not r.target
                     and r.scope == body]
            for star in stars:
                sources += [r.name for r in inner
                            if not star or r.binding.lower() == star.lower()]
        return tuple(dict.fromkeys(names)), tuple(dict.fromkeys(sources))
