"""Column and parameter types: reading ``varchar(30)`` / ``[dbo].[bCompany]`` and sizing them.

SQL Server's own defaults apply (``varchar`` alone is ``varchar(1)``, ``decimal``
is ``decimal(18, 0)``); user types resolve later, when all files are read.
"""

from __future__ import annotations

from typing import NamedTuple

from vgpt2.catalog.importers.ddl.stream import (
    _is_op,
    _read_name_parts,
    _Stream,
    _SyntaxError,
)
from vgpt2.catalog.sql.tokens import NUMBER, WORD
from vgpt2.catalog.sqltypes import SQL_TYPES

UNKNOWN = "unknown"
COMPUTED = "computed"

_TYPE_SYNONYMS = {"integer": "int", "dec": "decimal", "character": "char"}
_SIZED = frozenset({"char", "varchar", "nchar", "nvarchar", "binary", "varbinary"})
_FRACTIONAL = frozenset({"time", "datetime2", "datetimeoffset"})


class _TypeRef(NamedTuple):
    name: str
    """As declared, without schema or brackets; SQL types lower-cased."""
    args: tuple[str, ...]

    def text(self) -> str:
        return f"{self.name}({','.join(self.args)})" if self.args else self.name


class _Sizes(NamedTuple):
    base_type: str
    max_length: int | None
    precision: int | None
    scale: int | None


def _to_int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _sql_type_sizes(name: str, args: tuple[str, ...]) -> _Sizes:
    """Sizes of a built-in type as SQL Server applies them (``varchar`` alone is ``varchar(1)``)."""
    first = args[0] if args else None
    if name == "sysname":
        return _Sizes("nvarchar", 128, None, None)
    if name in _SIZED:
        if first is None:
            return _Sizes(name, 1, None, None)
        return _Sizes(name, -1 if first.lower() == "max" else _to_int(first), None, None)
    if name in ("decimal", "numeric"):
        precision = _to_int(first) if first else 18
        scale = _to_int(args[1]) if len(args) > 1 else 0
        return _Sizes(name, None, precision, scale)
    if name == "float" and first:
        return _Sizes(name, None, _to_int(first), None)
    if name in _FRACTIONAL and first:
        return _Sizes(name, None, None, _to_int(first))
    return _Sizes(name, None, None, None)


def _parse_type_text(text: str) -> _TypeRef | None:
    """``VARCHAR(30)``, ``[dbo].[bCompany]`` -> a type reference; None when it is not one."""
    stream = _Stream(text, 0, len(text))
    try:
        ref = _read_type(stream)
    except _SyntaxError:
        return None
    return ref if stream.peek() is None else None


def _read_type(stream: _Stream) -> _TypeRef:
    parts, first = _read_name_parts(stream)
    name = parts[-1].strip()
    if not name:
        raise _SyntaxError("empty type name", first.start)
    if name.lower() == "double" and stream.accept("PRECISION"):
        name = "float"
    lowered = _TYPE_SYNONYMS.get(name.lower(), name.lower())
    if lowered in SQL_TYPES:
        name = lowered
        if name in ("char", "nchar") and stream.accept("VARYING"):
            name = "n" * (name == "nchar") + "varchar"
    args: list[str] = []
    if stream.accept_op("("):
        while True:
            tok = stream.next()
            if tok is None:
                raise _SyntaxError(f"unterminated size of type {name!r}", stream.end)
            if _is_op(tok, ")"):
                break
            if _is_op(tok, ","):
                continue
            if tok.kind is NUMBER or (tok.kind is WORD and tok.text.lower() == "max"):
                args.append(tok.text.lower())
                continue
            raise _SyntaxError(f"expected a size in type {name!r}, found {tok.text!r}", tok.start)
    if stream.accept("VARYING"):
        pass
    return _TypeRef(name, tuple(args))
