"""What the cursor is on: the catalog object or column a name at an offset means.

The locating half of hover, shared with go-to-definition: :func:`target_at` finds the
statement around the cursor (:func:`~vgpt2.server.analysis.bounds.context_at`), reads its
sources with the one reference reader (:mod:`~vgpt2.server.analysis.refs`), and resolves
the name under the cursor against the sources visible there: aliases, CTEs and derived
tables (followed through their select lists to the catalog column behind them), and
correlated subqueries. Rendering it is :mod:`~vgpt2.server.analysis.hover`'s job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import CatalogObject, Column, ObjectType
from vgpt2.catalog.sql.names import dotted_start, read_name
from vgpt2.catalog.sql.tokens import Kind, Token
from vgpt2.server.analysis.bounds import StatementTokens, context_at
from vgpt2.server.analysis.locate import RESERVED
from vgpt2.server.analysis.refs import RefKind, Refs, SourceRef, part_indexes, read_refs

__all__ = ["Target", "find_column", "target_at"]


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
    found = read_refs(StatementTokens(tokens, context.low, context.high))
    resolver = _SourcesAt(catalog, found, token.start)
    span = (context.base + token.start, context.base + token.end)
    written = token.value

    for ref in found.refs:
        starts = [s for s, _ in ref.part_spans]
        if token.start in starts:
            if starts.index(token.start) != len(starts) - 1:
                return None  # the schema or database part
            exact = resolver.object_of(ref)
            if exact is None and ref.kind == RefKind.OBJECT and len(ref.parts) == 1:
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
            through = source.alias or source.kind in (RefKind.CTE, RefKind.DERIVED)
            alias = qualifier if through else None
            return Target("column", tuple(h for h, _ in holders), holders[0][1], written,
                          *span, alias=alias, via=via)
        exact = resolver.lookup(qualifier)
        obj = catalog.get(exact) if exact else None
        column = find_column(obj, written) if obj else None
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
    """The dotted name around ``tokens[index]`` (read by the text layer,
    :mod:`vgpt2.catalog.sql.names`): its parts, the index of the hovered part, and the token
    index after its last part."""
    dotted = read_name(tokens, dotted_start(tokens, index, low), high)
    names = part_indexes(tokens, dotted) if dotted is not None else []
    if index not in names:
        return [tokens[index].value], 0, index + 1
    return [tokens[k].value for k in names], names.index(index), names[-1] + 1


def find_column(obj: CatalogObject, name: str) -> Column | None:
    exact = obj.column(name)
    if exact is not None:
        return exact
    folded = name.lower()
    return next((c for c in obj.columns if c.name.lower() == folded), None)


class _SourcesAt:
    """Answers "what is this name" against the sources visible at one position."""

    def __init__(self, catalog: Catalog, found: Refs, position: int) -> None:
        self.catalog = catalog
        self.found = found
        self.position = position
        visible = [r for r in found.refs if r.visible_from(position) and (
            r.part_spans or r.alias)]
        # Innermost first: a subquery's sources hide the outer ones of the same name.
        self.visible = sorted(visible, key=lambda r: r.scope[1] - r.scope[0])

    def lookup(self, name: str) -> str | None:
        matches = self.catalog.lookup(name)
        return matches[0].name if matches else None

    def object_of(self, ref: SourceRef) -> str | None:
        if ref.kind in (RefKind.OBJECT, RefKind.FUNCTION, RefKind.ROUTINE) and ref.parts:
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
            found = find_column(obj, column) if obj else None
            return ([(exact, found.name)] if found else []), None
        if ref.kind in (RefKind.CTE, RefKind.DERIVED) and ref.body is not None and depth < 4:
            traced = self._through_projection(ref.body, column, depth)
            if traced is not None:
                return traced, ref.kind
            inner = [r for r in self.found.refs
                     if not r.defines and ref.body[0] < r.span[0] < ref.body[1]
                     and r.kind in (RefKind.OBJECT, RefKind.FUNCTION, RefKind.CTE, RefKind.DERIVED)]
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
        tokens = self.found.tokens
        folded = column.lower()
        for item in self.found.select_items(body):
            if item.name is None or item.name.lower() != folded:
                continue
            expression = tokens[item.expression_first:item.expression_end]
            parts = _plain_column(expression)
            if parts is None:
                return []  # computed: CASE, SUM(...), arithmetic
            inner = _SourcesAt(self.catalog, self.found, expression[0].start)
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
            if ref.defines or ref.kind == RefKind.ROUTINE:
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
