"""Hover: what the name under the cursor is, told from the catalog.

Everything here reads tokens, never a parse tree, so it answers while the
statement is half typed. Only the batch around the cursor is tokenized: the
batch boundaries come from :func:`locate.batch_at`, a scan for ``GO`` lines
that skips comments and strings without tokenizing the rest of the file.

The locating layer (:func:`context_at`, :func:`source_refs`, :func:`target_at`)
is shared with signature help and go-to-definition.
"""

from __future__ import annotations

import bisect
import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import CatalogObject, Column, ObjectType, RelationshipKind
from vgpt2.catalog.sql.tokens import Kind, Token, tokenize
from vgpt2.server.analysis.locate import HINT_WORDS, RESERVED, batch_at
from vgpt2.server.analysis.statements import Statement, split_statements

__all__ = [
    "Context",
    "Hover",
    "SourceRef",
    "Target",
    "context_at",
    "hover",
    "object_markdown",
    "source_refs",
    "target_at",
]

MAX_RELATIONSHIPS = 12

@dataclass(frozen=True, slots=True)
class _Prepared:
    tokens: list[Token]
    starts: list[int]
    statements: list[Statement]


@functools.lru_cache(maxsize=32)
def _prepare(batch_text: str) -> _Prepared:
    tokens = tokenize(batch_text)
    return _Prepared(tokens, [t.start for t in tokens], split_statements(batch_text, tokens))


# -- context -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Context:
    """The tokens of the batch around the cursor and the statement the cursor is in."""

    text: str
    """The batch text."""
    base: int
    """Offset of the batch in the file: add it to every token offset."""
    tokens: list[Token]
    starts: list[int]
    """Each token's start, for bisection."""
    cursor: int
    """The cursor, as an offset into the batch."""
    low: int
    high: int
    """Token index range ``[low, high)`` of the statement around the cursor."""

    def token_at(self) -> int | None:
        """Index of the token under the cursor (or ending at it), if any."""
        index = bisect.bisect_right(self.starts, self.cursor) - 1
        if index < 0:
            return None
        token = self.tokens[index]
        if token.start <= self.cursor < token.end:
            return index
        if token.end == self.cursor:
            return index
        return None

    def before(self) -> int:
        """Number of tokens that start before the cursor."""
        return bisect.bisect_left(self.starts, self.cursor)


def context_at(text: str, offset: int) -> Context | None:
    """Locate ``offset``: its batch, that batch's tokens and the statement around it."""
    if not 0 <= offset <= len(text):
        return None
    batch = batch_at(text, offset)
    if batch is None:
        return None
    prepared = _prepare(batch.text)
    cursor = offset - batch.offset
    low, high = _statement_range(prepared, cursor)
    return Context(batch.text, batch.offset, prepared.tokens, prepared.starts, cursor, low, high)


def _statement_range(prepared: _Prepared, cursor: int) -> tuple[int, int]:
    """From the start of the statement the cursor is in to the start of the next one."""
    starts = [s.start for s in prepared.statements if s.tokens]
    index = bisect.bisect_right(starts, cursor) - 1
    count = len(prepared.tokens)
    if index < 0:
        low = 0
        high = bisect.bisect_left(prepared.starts, starts[0]) if starts else count
    else:
        low = bisect.bisect_left(prepared.starts, starts[index])
        high = (bisect.bisect_left(prepared.starts, starts[index + 1])
                if index + 1 < len(starts) else count)
    return low, max(low, high)


# -- source references ---------------------------------------------------------------------


_NOT_ALIASES = RESERVED | frozenset({
    "APPLY", "OUTPUT", "USING", "MATCHED", "THROW", "TRY", "CATCH", "RETURNS", "GO", "WINDOW",
    "OFFSET", "FETCH", "NOLOCK"})
"""Words that may follow a table reference and are not its alias."""

RefKind = Literal["object", "function", "routine", "cte", "derived", "variable", "temp"]

_OUTSIDE = (-1, sys.maxsize)


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One table source of a statement as written: ``FROM dbo.JCCM c WITH (NOLOCK)``."""

    parts: tuple[str, ...]
    """The dotted name without brackets (``("dbo", "JCCM")``); empty for a derived table."""
    part_spans: tuple[tuple[int, int], ...]
    """Batch offsets of each part's token."""
    kind: RefKind
    alias: str | None = None
    alias_span: tuple[int, int] | None = None
    scope: tuple[int, int] = _OUTSIDE
    """Where the reference is visible: the parentheses around it, else the whole statement."""
    body: tuple[int, int] | None = None
    """For a derived table or a CTE: the span of its parenthesised query (the end is
    ``sys.maxsize`` while the parenthesis is not closed yet)."""
    target: bool = False
    """Written to: INSERT INTO, UPDATE, DELETE, MERGE INTO, SELECT INTO, CREATE TABLE."""
    defines: bool = False
    """The definition of a CTE (``WITH name AS (...)``), not a use of it."""

    @property
    def name(self) -> str:
        return self.parts[-1] if self.parts else ""

    @property
    def span(self) -> tuple[int, int]:
        if self.part_spans:
            return self.part_spans[0][0], self.part_spans[-1][1]
        return self.body or (0, 0)

    def visible_from(self, position: int) -> bool:
        return self.scope[0] <= position < self.scope[1]


@dataclass(slots=True)
class _Refs:
    refs: list[SourceRef] = field(default_factory=list)
    ctes: dict[str, SourceRef] = field(default_factory=dict)
    """Lower-case CTE name -> its definition (kind "cte", with the body span)."""


def source_refs(tokens: list[Token], low: int = 0, high: int | None = None) -> list[SourceRef]:
    """The table sources named in ``tokens[low:high]``, CTE definitions included (in order)."""
    return _source_refs(tokens, low, len(tokens) if high is None else high).refs


def _source_refs(tokens: list[Token], low: int, high: int) -> _Refs:
    high = min(high, len(tokens))
    closes: dict[int, int] = {}
    enclosing: list[int] = []
    stack: list[int] = []
    for i in range(low, high):
        enclosing.append(stack[-1] if stack else -1)
        if tokens[i].text == "(":
            stack.append(i)
        elif tokens[i].text == ")" and stack:
            closes[stack.pop()] = i

    def close_of(i: int) -> int:
        return closes.get(i, high)

    def scope_of(i: int) -> tuple[int, int]:
        opener = enclosing[i - low] if low <= i < high else -1
        if opener < 0:
            return _OUTSIDE
        close = close_of(opener)
        return tokens[opener].start, tokens[close].end if close < high else sys.maxsize

    def body_of(i: int) -> tuple[int, int]:
        close = close_of(i)
        return tokens[i].start, tokens[close].end if close < high else sys.maxsize

    found = _Refs()

    def word(i: int) -> str:
        return tokens[i].upper if i < high else ""

    def text(i: int) -> str:
        return tokens[i].text if i < high else ""

    def is_name(i: int) -> bool:
        return i < high and tokens[i].is_name() and not (
            tokens[i].kind is Kind.WORD and tokens[i].upper in RESERVED)

    def chain(i: int) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...], int]:
        parts = [tokens[i].value]
        spans = [(tokens[i].start, tokens[i].end)]
        j = i + 1
        while j + 1 < high and tokens[j].text == "." and (
            tokens[j + 1].is_name() or tokens[j + 1].text == "."
        ):
            if tokens[j + 1].text == ".":  # db..table
                j += 1
                continue
            parts.append(tokens[j + 1].value)
            spans.append((tokens[j + 1].start, tokens[j + 1].end))
            j += 2
        return tuple(parts), tuple(spans), j

    def hint_only(open_index: int) -> bool:
        close = close_of(open_index)
        inner = tokens[open_index + 1:close]
        return bool(inner) and inner[0].upper in HINT_WORDS

    def skip_hints(j: int) -> int:
        while True:
            if word(j) == "WITH" and text(j + 1) == "(" and hint_only(j + 1):
                j = close_of(j + 1) + 1
            elif text(j) == "(" and hint_only(j):
                j = close_of(j) + 1  # legacy FROM JCCM c (NOLOCK)
            else:
                return j

    def alias_at(j: int) -> tuple[str | None, tuple[int, int] | None, int]:
        if word(j) == "AS":
            j += 1
        if (j < high and tokens[j].kind is Kind.QUOTED) or (
            j < high and tokens[j].kind is Kind.WORD and tokens[j].upper not in _NOT_ALIASES
            and not tokens[j].text.startswith(("@", "#"))
        ):
            return tokens[j].value, (tokens[j].start, tokens[j].end), j + 1
        return None, None, j

    def one(j: int, target: bool, aliased: bool = False) -> int:
        """Read one table source at ``j``; return the index after it."""
        if word(j) == "TOP":  # UPDATE TOP (500) bJCCD, DELETE TOP (10) x
            j = close_of(j + 1) + 1 if text(j + 1) == "(" else j + 2
            if word(j) == "PERCENT":
                j += 1
        if j >= high or (target and text(j) == "("):
            return j  # MERGE ... THEN INSERT (columns): no table here
        if text(j) == "(":
            body = body_of(j)
            close = close_of(j)
            k = close + 1
            derived_alias, derived_span, k = alias_at(k)
            if text(k) == "(":  # AS d (Co, Job, Cost)
                k = close_of(k) + 1
            found.refs.append(SourceRef((), (), "derived", derived_alias, derived_span,
                                        scope_of(j), body))
            scan(j + 1, close)
            return skip_hints(k)
        if not is_name(j):
            return j
        parts, spans, k = chain(j)
        kind: RefKind = "object"
        if parts[-1].startswith("@"):
            kind = "variable"
        elif parts[-1].startswith("#"):
            kind = "temp"
        elif len(parts) == 1 and parts[0].lower() in found.ctes:
            kind = "cte"
        if text(k) == "(" and not target:
            if hint_only(k):
                k = close_of(k) + 1
            else:
                kind = "function" if kind == "object" else kind
                k = close_of(k) + 1
        cte_body = found.ctes[parts[0].lower()].body if kind == "cte" else None
        alias, alias_span = None, None
        if not target or aliased or word(k) == "AS":
            k = skip_hints(k)
            alias, alias_span, k = alias_at(k)
        found.refs.append(SourceRef(parts, spans, kind, alias, alias_span, scope_of(j), cte_body,
                                    target))
        return skip_hints(k)

    def ctes(j: int) -> None:
        """Register ``name [(cols)] AS (query) [, ...]``; the bodies are read in turn later."""
        while is_name(j):
            k = j + 1
            if text(k) == "(":
                k = close_of(k) + 1
            if word(k) != "AS" or text(k + 1) != "(":
                return
            ref = SourceRef((tokens[j].value,), ((tokens[j].start, tokens[j].end),), "cte",
                            scope=scope_of(j), body=body_of(k + 1), defines=True)
            found.ctes[tokens[j].value.lower()] = ref
            found.refs.append(ref)
            k = close_of(k + 1) + 1
            if text(k) != ",":
                return
            j = k + 1

    def many(j: int) -> int:
        while True:
            k = one(j, target=False)
            if k == j or text(k) != ",":
                return k
            j = k + 1

    def scan(i: int, stop: int) -> None:
        while i < stop:
            i = step(i)

    def step(i: int) -> int:
        w = tokens[i].upper
        following = word(i + 1)
        if w == "WITH" and is_name(i + 1) and (word(i + 2) == "AS" or text(i + 2) == "("):
            ctes(i + 1)
            return i + 1
        if w == "FROM":
            return max(many(i + 1), i + 1)
        if w in ("JOIN", "APPLY", "USING"):
            return max(one(i + 1, target=False), i + 1)
        if w == "UPDATE" and text(i + 1) != "(" and following != "STATISTICS":
            return max(one(i + 1, target=True), i + 1)
        if w == "INTO" or (w == "INSERT" and following != "INTO") or (
            w in ("DELETE", "MERGE") and following not in ("FROM", "INTO")
        ):
            merge = w == "MERGE" or (i > low and tokens[i - 1].upper == "MERGE")
            return max(one(i + 1, target=True, aliased=merge), i + 1)  # MERGE x AS t
        if w == "TABLE" and i > low and tokens[i - 1].upper in ("CREATE", "ALTER", "TRUNCATE"):
            return max(one(i + 1, target=True), i + 1)
        if w in ("EXEC", "EXECUTE"):
            j = i + 1
            if text(j).startswith("@") and text(j + 1) == "=":
                j += 2
            if is_name(j) and not text(j).startswith("@"):
                parts, spans, k = chain(j)
                found.refs.append(SourceRef(parts, spans, "routine", scope=scope_of(j)))
                return k
        return i + 1

    scan(low, high)
    return found


# -- what the cursor is on -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """A catalog object or column the cursor is on, in exact catalog case."""

    kind: Literal["object", "column"]
    objects: tuple[str, ...]
    """Exact catalog names: one, or several when an unqualified column is ambiguous."""
    column: str | None
    """Exact column name (the first object's spelling) for a column."""
    written: str
    """The name under the cursor as the user wrote it (no brackets)."""
    start: int
    end: int
    """File offsets of the token under the cursor."""
    alias: str | None = None
    """The alias or CTE the name was reached through, for the reader."""
    via: str | None = None
    """``"cte"`` or ``"derived"`` when the column was traced through one (a guess)."""


def target_at(text: str, offset: int, catalog: Catalog) -> Target | None:
    """The catalog object or column named at ``offset``; None when it is neither."""
    context = context_at(text, offset)
    if context is None:
        return None
    index = context.token_at()
    if index is None:
        return None
    tokens = context.tokens
    token = tokens[index]
    if not token.is_name() or (token.kind is Kind.WORD and (
        token.upper in RESERVED or token.text.startswith(("@", "#"))
    )):
        return None
    found = _source_refs(tokens, context.low, context.high)
    resolver = _Resolver(catalog, found, token.start, tokens)
    span = (context.base + token.start, context.base + token.end)
    written = token.value

    for ref in found.refs:
        starts = [s for s, _ in ref.part_spans]
        if token.start in starts:
            if starts.index(token.start) != len(starts) - 1:
                return None  # the schema or database part
            exact = resolver.object_of(ref)
            if exact is None and ref.kind == "object" and len(ref.parts) == 1:
                aliased = resolver.by_qualifier(ref.name, exclude=ref)  # UPDATE r ... FROM x r
                if aliased is not None:
                    name = resolver.object_of(aliased)
                    if name:
                        return Target("object", (name,), None, written, *span, alias=written)
            if exact is None:
                return None
            return Target("object", (exact,), None, written, *span)
        if ref.alias_span is not None and ref.alias_span[0] == token.start:
            exact = resolver.object_of(ref)
            if exact is None:
                return None
            return Target("object", (exact,), None, written, *span, alias=written)

    parts, position, after = _chain_around(tokens, index, context.low, context.high)
    called = after < len(tokens) and tokens[after].text == "("
    if position < len(parts) - 1:
        if position != len(parts) - 2:
            return None
        source = resolver.by_qualifier(parts[position])
        if source is not None:
            exact = resolver.object_of(source)
            alias = written if source.alias and source.alias.lower() == written.lower() else None
            return Target("object", (exact,), None, written, *span, alias=alias) if exact else None
        exact = resolver.lookup(parts[position])
        return Target("object", (exact,), None, written, *span) if exact else None
    if called:
        if len(parts) < 2:
            return None  # an unqualified call is a built-in: user functions need a schema
        exact = resolver.lookup(written)
        header = catalog.header(exact) if exact else None
        if header is not None and header.type in (ObjectType.FUNCTION, ObjectType.PROCEDURE):
            return Target("object", (header.name,), None, written, *span)
        return None
    if len(parts) >= 2:
        qualifier = parts[-2]
        source = resolver.by_qualifier(qualifier)
        if source is not None:
            holders, via = resolver.holders(source, written)
            if not holders:
                return None
            alias = qualifier if source.alias or source.kind in ("cte", "derived") else None
            return Target("column", tuple(h for h, _ in holders), holders[0][1], written,
                          *span, alias=alias, via=via)
        exact = resolver.lookup(qualifier)
        obj = catalog.get(exact) if exact else None
        column = _find_column(obj, written) if obj else None
        if obj is None or column is None:
            return None
        return Target("column", (obj.name,), column.name, written, *span)
    # Unqualified: a column of a source in scope, else an object by name.
    holders, via = resolver.unqualified(written)
    if holders:
        return Target("column", tuple(h for h, _ in holders), holders[0][1], written, *span,
                      via=via)
    # Outside FROM/JOIN a lone name is an object only in its exact case: ``JCCo`` in a
    # WHERE clause is a column whose source is unknown, not the ``JCCO`` view.
    if catalog.header(written) is not None:
        return Target("object", (written,), None, written, *span)
    return None


def _chain_around(tokens: list[Token], index: int, low: int,
                  high: int) -> tuple[list[str], int, int]:
    """The dotted name around ``tokens[index]``: its parts, the index of the hovered part,
    and the token index after the chain."""
    first = index
    while first - 2 >= low and tokens[first - 1].text == "." and tokens[first - 2].is_name():
        first -= 2
    last = index
    while last + 2 < min(high, len(tokens)) and tokens[last + 1].text == "." and (
        tokens[last + 2].is_name()
    ):
        last += 2
    parts = [tokens[i].value for i in range(first, last + 1, 2)]
    return parts, (index - first) // 2, last + 1


def _find_column(obj: CatalogObject, name: str) -> Column | None:
    exact = obj.column(name)
    if exact is not None:
        return exact
    folded = name.lower()
    return next((c for c in obj.columns if c.name.lower() == folded), None)


class _Resolver:
    """Answers "what is this name" against the sources of one statement."""

    def __init__(self, catalog: Catalog, found: _Refs, position: int,
                 tokens: list[Token]) -> None:
        self.catalog = catalog
        self.found = found
        self.position = position
        self.tokens = tokens
        visible = [r for r in found.refs if r.visible_from(position) and (
            r.part_spans or r.alias)]
        # Innermost first: a subquery's sources hide the outer ones of the same name.
        self.visible = sorted(visible, key=lambda r: r.scope[1] - r.scope[0])

    def lookup(self, name: str) -> str | None:
        matches = self.catalog.lookup(name)
        return matches[0].name if matches else None

    def object_of(self, ref: SourceRef) -> str | None:
        if ref.kind in ("object", "function", "routine") and ref.parts:
            if len(ref.parts) >= 3 and ref.parts[-3]:
                return None  # another database: not this catalog
            return self.lookup(ref.name)
        return None

    def by_qualifier(self, qualifier: str, exclude: SourceRef | None = None) -> SourceRef | None:
        folded = qualifier.lower()
        candidates = [r for r in self.visible if r is not exclude and not r.defines]
        tests: list[Callable[[SourceRef], bool]] = [
            lambda r: r.alias == qualifier,
            lambda r: r.alias is not None and r.alias.lower() == folded,
            lambda r: r.alias is None and r.name.lower() == folded,
            lambda r: r.name.lower() == folded,
        ]
        for test in tests:
            for ref in candidates:
                if test(ref):
                    return ref
        return None

    def holders(self, ref: SourceRef, column: str,
                depth: int = 0) -> tuple[list[tuple[str, str]], str | None]:
        """(object, exact column) pairs for ``column`` read through ``ref``, and how."""
        exact = self.object_of(ref)
        if exact is not None:
            obj = self.catalog.get(exact)
            found = _find_column(obj, column) if obj else None
            return ([(exact, found.name)] if found else []), None
        if ref.kind in ("cte", "derived") and ref.body is not None and depth < 4:
            traced = self._through_projection(ref.body, column, depth)
            if traced is not None:
                return traced, ref.kind
            inner = [r for r in self.found.refs
                     if not r.defines and ref.body[0] < r.span[0] < ref.body[1]
                     and r.kind in ("object", "function", "cte", "derived")]
            result: list[tuple[str, str]] = []
            for source in inner:
                pairs, _ = self.holders(source, column, depth + 1)
                result += [p for p in pairs if p not in result]
            return result, ref.kind
        return [], None

    def _through_projection(self, body: tuple[int, int], column: str,
                            depth: int) -> list[tuple[str, str]] | None:
        """Follow ``column`` through the select list of a CTE or derived table body.

        ``[]`` when the list computes it (no catalog column behind it), None when the
        list does not name it (``SELECT *``, a declared column list): the caller guesses.
        """
        starts = [t.start for t in self.tokens]
        first = bisect.bisect_right(starts, body[0])
        last = bisect.bisect_left(starts, body[1]) - 1  # the closing parenthesis
        items = _select_items(self.tokens[first:max(first, last)])
        folded = column.lower()
        for name, expression in items:
            if name is None or name.lower() != folded:
                continue
            parts = _plain_column(expression)
            if parts is None:
                return []  # computed: CASE, SUM(...), arithmetic
            inner = _Resolver(self.catalog, self.found, expression[0].start, self.tokens)
            if len(parts) >= 2:
                source = inner.by_qualifier(parts[-2])
                if source is None:
                    return []
                pairs, _ = inner.holders(source, parts[-1], depth + 1)
                return pairs
            pairs, _ = inner.unqualified(parts[-1], depth + 1)
            return pairs
        return None

    def unqualified(self, column: str,
                    depth: int = 0) -> tuple[list[tuple[str, str]], str | None]:
        """The sources in scope holding ``column``, innermost scope first."""
        by_scope: dict[tuple[int, int], list[SourceRef]] = {}
        for ref in self.visible:
            if ref.defines or ref.kind == "routine":
                continue
            by_scope.setdefault(ref.scope, []).append(ref)
        for refs in by_scope.values():
            result: list[tuple[str, str]] = []
            via: str | None = None
            for ref in refs:
                pairs, how = self.holders(ref, column, depth)
                if pairs and how:
                    via = how
                result += [p for p in pairs if p not in result]
            if result:
                return result, via
        return [], None


_SELECT_END = frozenset({"FROM", "INTO", "WHERE", "GROUP", "HAVING", "ORDER", "UNION", "EXCEPT",
                         "INTERSECT", "OPTION", "FOR"})


def _select_items(tokens: list[Token]) -> list[tuple[str | None, list[Token]]]:
    """The items of the first select list in ``tokens``: (output name, expression)."""
    depth = 0
    start = None
    for i, token in enumerate(tokens):
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif depth == 0 and token.upper == "SELECT":
            start = i + 1
            break
    if start is None:
        return []
    i = start
    while i < len(tokens) and tokens[i].upper in ("DISTINCT", "ALL", "TOP", "PERCENT", "WITH",
                                                  "TIES"):
        i += 1
        if tokens[i - 1].upper == "TOP" and i < len(tokens):
            i += 1  # TOP 10, TOP (@n): the count (a parenthesised one is one token... or more)
            if tokens[i - 1].text == "(":
                while i < len(tokens) and tokens[i - 1].text != ")":
                    i += 1
    items: list[list[Token]] = [[]]
    depth = 0
    for token in tokens[i:]:
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif depth == 0 and (token.upper in _SELECT_END or token.text == ";"):
            break
        if depth == 0 and token.text == ",":
            items.append([])
            continue
        items[-1].append(token)
    return [_named(item) for item in items if item]


def _named(item: list[Token]) -> tuple[str | None, list[Token]]:
    if len(item) >= 3 and item[-2].upper == "AS" and item[-1].is_name():
        return item[-1].value, item[:-2]
    if len(item) >= 3 and item[1].text == "=" and item[0].is_name() and not (
        item[0].text.startswith("@")
    ):
        return item[0].value, item[2:]
    if len(item) >= 2 and _is_alias_word(item[-1]) and (
        item[-2].text == ")" or item[-2].kind in (Kind.WORD, Kind.QUOTED, Kind.NUMBER,
                                                   Kind.STRING)
    ) and item[-2].text != ".":
        return item[-1].value, item[:-1]
    parts = _plain_column(item)
    return (parts[-1] if parts else None), item


def _is_alias_word(token: Token) -> bool:
    return token.kind is Kind.QUOTED or (token.kind is Kind.WORD and token.upper not in RESERVED
                                         and not token.text.startswith(("@", "#")))


def _plain_column(expression: list[Token]) -> list[str] | None:
    """``j.Job`` -> ["j", "Job"]; None for anything but a (dotted) name."""
    if not expression or len(expression) % 2 == 0:
        return None
    parts = []
    for index, token in enumerate(expression):
        if index % 2:
            if token.text != ".":
                return None
        elif token.is_name() and not (token.kind is Kind.WORD and token.upper in RESERVED):
            parts.append(token.value)
        else:
            return None
    return parts


# -- hover ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hover:
    markdown: str
    start: int
    end: int
    """File offsets (0-based characters) of the name the hover is about."""


def hover(text: str, offset: int, catalog: Catalog) -> Hover | None:
    """Markdown about the object or column at ``offset``, from the catalog; None if unknown."""
    target = target_at(text, offset, catalog)
    if target is None:
        return None
    if target.kind == "object":
        markdown = object_markdown(catalog, target.objects[0], None if target.alias
                                   else target.written, alias=target.alias)
    else:
        markdown = _column_markdown(catalog, target)
    if markdown is None:
        return None
    return Hover(markdown, target.start, target.end)


def _case_note(written: str | None, exact: str) -> list[str]:
    if written is None or written == exact:
        return []
    return [f"_Written `{written}`; the catalog spells it `{exact}` "
            "(names are case-sensitive under Vista's binary collation)._"]


def _module(catalog: Catalog, code: str) -> str:
    if not code:
        return ""
    name = catalog.modules().get(code, "")
    return f"{code} ({name})" if name else code


def object_markdown(catalog: Catalog, name: str, written: str | None = None, *,
                    alias: str | None = None) -> str | None:
    """The hover text for one object, by exact name."""
    obj = catalog.get(name)
    if obj is None:
        return None
    title = f"**{obj.name}**" if obj.schema in ("", "dbo") else f"**{obj.qualified_name}**"
    facts = [obj.type.value]
    if obj.module:
        facts.append(_module(catalog, obj.module))
    lines = [f"{title} · {' · '.join(facts)}"]
    if alias:
        lines.append(f"_`{alias}` is an alias for `{obj.name}`._")
    lines += _case_note(written, obj.name)
    if obj.description:
        lines.append(obj.description)
    view = catalog.view_for(obj.name)
    if view:
        lines.append(f"**Base table**: query the view `{view}` instead.")
    bases = catalog.base_tables_of(obj.name)
    if bases:
        lines.append("View over base table " + ", ".join(f"`{b}`" for b in bases) + ".")
    key = obj.key
    if key:
        lines.append("**Key**: " + ", ".join(f"`{c}`" for c in key.columns))
    synonyms = catalog.synonyms(obj.name)
    if synonyms:
        lines.append("Also called: " + ", ".join(synonyms[:8]))
    if obj.parameters:
        lines.append("**Parameters**: " + ", ".join(
            f"`{p.name} {p.data_type}`" for p in obj.parameters))
    if obj.columns:
        count = len(obj.columns)
        lines.append(f"**Columns**: {count}")
    elif obj.type in (ObjectType.TABLE, ObjectType.VIEW):
        lines.append("**Columns**: not in the catalog")
    relationships = [r for r in catalog.relationships(obj.name)
                     if r.kind is not RelationshipKind.VIEW_OF]
    if relationships:
        shown = relationships[:MAX_RELATIONSHIPS]
        heading = "**Joins**"
        if len(relationships) > len(shown):
            heading += f" (first {len(shown)} of {len(relationships)})"
        items = [f"- `{r.to_object}` ({_KIND_LABELS[r.kind]}): `{r.join_condition()}`"
                 for r in shown]
        lines.append(heading + ":\n" + "\n".join(items))
    return "\n\n".join(lines)


_KIND_LABELS = {
    RelationshipKind.FOREIGN_KEY: "foreign key",
    RelationshipKind.SHARED_KEY: "shared key",
    RelationshipKind.VIEW_OF: "view of",
}


def _column_markdown(catalog: Catalog, target: Target) -> str | None:
    sections = []
    for owner in target.objects:
        obj = catalog.get(owner)
        column = _find_column(obj, target.written) if obj else None
        if obj is None or column is None:
            continue
        sections.append(_one_column(catalog, obj, column, target))
    if not sections:
        return None
    if len(sections) > 1:
        owners = ", ".join(f"`{o}`" for o in target.objects)
        note = (f"_`{target.written}` is in more than one source in scope ({owners}): "
                "qualify it with an alias._")
        return note + "\n\n---\n\n" + "\n\n---\n\n".join(sections)
    return sections[0]


def _one_column(catalog: Catalog, obj: CatalogObject, column: Column, target: Target) -> str:
    lines = [f"**{obj.name}.{column.name}** · column of {obj.type.value} `{obj.name}`"]
    if target.alias and target.via:
        kind = "CTE" if target.via == "cte" else "derived table"
        lines.append(f"_Read through {kind} `{target.alias}`: the column it takes from "
                     f"`{obj.name}`._")
    elif target.alias:
        lines.append(f"_`{target.alias}` is an alias for `{obj.name}`._")
    elif target.via:
        kind = "a CTE" if target.via == "cte" else "a derived table"
        lines.append(f"_Read through {kind}: the column it takes from `{obj.name}`._")
    lines += _case_note(target.written, column.name)
    null = "NULL" if column.nullable else "NOT NULL"
    extra = []
    if column.is_identity:
        extra.append("identity")
    if column.is_computed:
        extra.append("computed")
    lines.append(f"Type: `{column.type_display}` · {null}"
                 + "".join(f" · {e}" for e in extra))
    description = column.description or _base_description(catalog, obj, column)
    if description:
        lines.append(description)
    view = catalog.view_for(obj.name)
    if view:
        lines.append(f"**Base table**: query the view `{view}` instead.")
    key = obj.key
    if key and column.name in key.columns:
        lines.append("Part of the key: " + ", ".join(f"`{c}`" for c in key.columns))
    codes = catalog.status_codes(obj.name, column.name)
    if codes:
        items = [f"- {c.code} = {c.meaning} — source: {c.source}" for c in codes]
        lines.append("**Status codes** (meanings differ by table; each with its source):\n"
                     + "\n".join(items))
    return "\n\n".join(lines)


def _base_description(catalog: Catalog, obj: CatalogObject, column: Column) -> str | None:
    """A view's column described on its base table."""
    for base in catalog.base_tables_of(obj.name):
        table = catalog.get(base)
        found = table.column(column.name) if table else None
        if found is not None and found.description:
            return found.description
    return None
