"""Signature help: the parameters of the procedure or function being called at the cursor.

``EXEC proc @a = 1, |``, ``EXECUTE dbo.proc 1, |`` and ``dbo.fn(1, |)`` for the
catalog's functions. Positional arguments select the parameter at their
position; a named argument (``@Mth = ``) selects the parameter of that name;
an unnamed argument after named ones selects the first parameter not yet given.
Token-based: works on the half-typed call the user is writing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import CatalogObject, ObjectType, Parameter
from vgpt2.catalog.sql.names import qualifier_before, read_name
from vgpt2.catalog.sql.tokens import Kind, Token
from vgpt2.server.analysis.bounds import context_at
from vgpt2.server.analysis.locate import RESERVED

__all__ = ["Signature", "signature_help"]


@dataclass(frozen=True, slots=True)
class Signature:
    label: str
    """``brptAPTax @APCo bCompany, @BeginTaxCode bTaxCode, ...`` or ``vfX(@a int, @b int)``."""
    parameters: list[tuple[int, int, str]]
    """Each parameter's ``(start, end)`` in ``label`` and its documentation."""
    active_parameter: int
    """Index into ``parameters``; ``len(parameters)`` when no parameter matches (too many
    arguments, or a named argument the routine does not declare)."""
    documentation: str = ""
    name: str = ""
    """The routine's exact catalog name."""
    arguments: list[str] = field(default_factory=list)
    """The parameters already given (by name or position), exact case."""


_STOP_WORDS = frozenset({
    "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "WITH", "DECLARE", "SET", "IF", "ELSE",
    "WHILE", "BEGIN", "END", "RETURN", "PRINT", "RAISERROR", "THROW", "CREATE", "ALTER", "DROP",
    "FROM", "WHERE", "GO",
})
"""Words that cannot appear in EXEC arguments: the call ended before them."""

_TYPE_NOTES = {
    "bmonth": "the first day of a month, e.g. '2024-06-01'",
}


def signature_help(text: str, offset: int, catalog: Catalog) -> Signature | None:
    """The signature of the call around ``offset``; None outside a call of a catalog routine."""
    context = context_at(text, offset)
    if context is None:
        return None
    tokens = context.tokens
    before = context.before()
    low = context.low
    call = _function_call(tokens, low, before, context.cursor, catalog)
    if call is not None:
        return call
    return _exec_call(tokens, low, before, context.cursor, catalog)


def _function_call(tokens: list[Token], low: int, before: int, cursor: int,
                   catalog: Catalog) -> Signature | None:
    depth = 0
    for j in range(before - 1, low - 1, -1):
        token = tokens[j]
        if token.text == ")":
            depth += 1
        elif token.text == "(":
            if depth > 0:
                depth -= 1
                continue
            if j == 0 or not tokens[j - 1].is_name():
                continue
            name = tokens[j - 1]
            if name.kind is Kind.WORD and name.upper in RESERVED:
                continue
            qualified = qualifier_before(tokens, j - 1) is not None
            in_from = j >= 2 and tokens[j - 2].upper in ("FROM", "JOIN", "APPLY")
            if not (qualified or in_from):
                continue  # an unqualified call in an expression is a built-in
            headers = catalog.lookup(name.value)
            header = next((h for h in headers if h.type is ObjectType.FUNCTION), None)
            if header is None:
                continue
            obj = catalog.get(header.name)
            if obj is None:
                continue
            return _signature(obj, _slots(tokens[j + 1:before], cursor), function=True)
        elif token.text == ";" and depth == 0:
            return None
    return None


def _exec_call(tokens: list[Token], low: int, before: int, cursor: int,
               catalog: Catalog) -> Signature | None:
    depth = 0
    for j in range(before - 1, low - 1, -1):
        token = tokens[j]
        if token.text == ")":
            depth += 1
        elif token.text == "(":
            depth -= 1
            if depth < 0:
                return None
        elif token.text == ";":
            return None
        elif token.upper in ("EXEC", "EXECUTE") and depth == 0:
            return _exec_at(tokens, j, before, cursor, catalog)
        elif token.upper in _STOP_WORDS and token.kind is Kind.WORD:
            return None
    return None


def _exec_at(tokens: list[Token], j: int, before: int, cursor: int,
             catalog: Catalog) -> Signature | None:
    i = j + 1
    if i + 1 < before and tokens[i].text.startswith("@") and tokens[i + 1].text == "=":
        i += 2  # EXEC @rc = proc
    if i >= before or not tokens[i].is_name() or tokens[i].text.startswith("@"):
        return None
    name = read_name(tokens, i, before)
    if name is None or name.dangling or tokens[name.stop - 1].end >= cursor:
        return None  # still typing the name
    headers = catalog.lookup(name.name)
    header = next((h for h in headers if h.type is ObjectType.PROCEDURE), None) or next(
        iter(headers), None)
    if header is None or header.type not in (ObjectType.PROCEDURE, ObjectType.FUNCTION):
        return None
    obj = catalog.get(header.name)
    if obj is None:
        return None
    return _signature(obj, _slots(tokens[name.stop:before], cursor), function=False)


@dataclass(frozen=True, slots=True)
class _Slot:
    name: str | None
    """``@Mth`` of ``@Mth = ...``; None for a positional argument."""
    prefix: str | None = None
    """A lone ``@Beg`` being typed: maybe a variable, maybe a parameter name."""


def _slots(arguments: list[Token], cursor: int) -> list[_Slot]:
    """The arguments written so far, split on commas at depth 0; the last is the current one."""
    slots: list[list[Token]] = [[]]
    depth = 0
    for token in arguments:
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif token.text == "," and depth == 0:
            slots.append([])
            continue
        slots[-1].append(token)
    result = []
    for slot in slots:
        named = len(slot) >= 2 and slot[0].text.startswith("@") and slot[1].text == "=" and (
            slot[1].end <= cursor)
        lone = len(slot) == 1 and slot[0].text.startswith("@") and slot[0].end >= cursor
        result.append(_Slot(slot[0].text if named else None, slot[0].text if lone else None))
    return result


def _signature(obj: CatalogObject, slots: list[_Slot], *, function: bool) -> Signature:
    label = obj.name + ("(" if function else " " if obj.parameters else "")
    spans: list[tuple[int, int, str]] = []
    for index, parameter in enumerate(obj.parameters):
        if index:
            label += ", "
        text = f"{parameter.name} {parameter.data_type}"
        spans.append((len(label), len(label) + len(text), _parameter_doc(parameter)))
        label += text
    if function:
        label += ")"
    active, given = _active(obj.parameters, slots)
    documentation = obj.type.value
    if obj.module:
        documentation += f" · {obj.module}"
    if obj.description:
        documentation += f"\n\n{obj.description}"
    return Signature(label, spans, active, documentation, obj.name, given)


def _parameter_doc(parameter: Parameter) -> str:
    doc = f"{parameter.name} {parameter.data_type}"
    note = _TYPE_NOTES.get(parameter.data_type.lower())
    return f"{doc}: {note}" if note else doc


def _active(parameters: tuple[Parameter, ...], slots: list[_Slot]) -> tuple[int, list[str]]:
    """The parameter the current (last) argument fills, and those already given."""
    folded = [p.name.lower() for p in parameters]
    used: set[int] = set()
    given: list[str] = []
    any_named = False
    for position, slot in enumerate(slots[:-1]):
        if slot.name is not None:
            any_named = True
            index = folded.index(slot.name.lower()) if slot.name.lower() in folded else -1
        else:
            index = _first_unused(len(parameters), used) if any_named else position
        if 0 <= index < len(parameters):
            used.add(index)
            given.append(parameters[index].name)
    current = slots[-1]
    if current.name is not None:
        lowered = current.name.lower()
        return (folded.index(lowered) if lowered in folded else len(parameters)), given
    if any_named:
        if current.prefix is not None:
            # After named arguments only names may follow: the one being typed.
            prefix = current.prefix.lower()
            for index, name in enumerate(folded):
                if index not in used and name.startswith(prefix):
                    return index, given
        return _first_unused(len(parameters), used), given
    return min(len(slots) - 1, len(parameters)), given


def _first_unused(count: int, used: set[int]) -> int:
    return next((i for i in range(count) if i not in used), count)
