"""Vista's month convention in one place: a ``bMonth`` column (``Mth``) holds the first day
of its month, so a date compared with one must be a first of a month.

The resolver asks :func:`month_column` and :func:`compared_sides` which comparisons
to record; rule VG007 asks :func:`judge` what to say about each literal. A change to
the convention (another month type, how a range is read, a date format) is made here.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlglot import exp
from vgpt2.server.analysis.model import Source

MONTH_TYPE = "bMonth"
"""Vista's user type for a month; its values are always the first day of the month."""


def month_column(source: Source, name: str) -> str | None:
    """The exact name of ``source``'s column ``name`` when it is a month column, else None."""
    exact = source.find(name)
    if exact is None or source.types.get(exact) != MONTH_TYPE:
        return None
    return exact


def compared_sides(node: exp.Expr) -> list[tuple[exp.Expr, exp.Expr]]:
    """The (column side, value side) pairs of a comparison that must name a first of a month.

    Equality must hit one; a range is only wrong when its lower bound is not one
    (``Mth >= '2024-01-15'`` drops January; ``Mth <= '2024-01-31'`` is fine).
    """
    if isinstance(node, (exp.EQ, exp.NEQ)):
        return [(node.this, node.expression), (node.expression, node.this)]
    if isinstance(node, (exp.GT, exp.GTE)):
        return [(node.this, node.expression)]
    if isinstance(node, (exp.LT, exp.LTE)):
        return [(node.expression, node.this)]
    if isinstance(node, exp.Between):
        low = node.args.get("low")
        return [(node.this, low)] if isinstance(low, exp.Expr) else []
    if isinstance(node, exp.In):
        return [(node.this, value) for value in node.expressions]
    return []


class Verdict(NamedTuple):
    """What a literal compared with a month column amounts to."""

    first_of_month: bool
    suggestion: str | None
    """The first of the month the literal names (``'2024-03-01'``), when it names one."""


def judge(value: str) -> Verdict:
    """``'2024-03-01'`` is fine; ``'2024-03-15'`` and ``'2024-03'`` suggest ``2024-03-01``."""
    parsed = parse_date(value)
    if parsed is not None and parsed.day == 1:
        return Verdict(True, None)
    return Verdict(False, _first_of_month(value, parsed))


def parse_date(value: str) -> date | None:
    """A date literal as SQL Server reads the common forms: ``yyyy-mm-dd`` (also with ``/``
    or ``.``), ``mm/dd/yyyy``, ``yyyymmdd``, with any time after it; None otherwise."""
    text = value.strip().split(" ")[0].split("T")[0]
    for separator in ("-", "/", "."):
        parts = text.split(separator)
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                if len(parts[0]) == 4:
                    return date(int(parts[0]), int(parts[1]), int(parts[2]))
                return date(int(parts[2]), int(parts[0]), int(parts[1]))  # mm/dd/yyyy
            except ValueError:
                return None
    if len(text) == 8 and text.isdigit():
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return None
    return None


def _first_of_month(value: str, parsed: date | None) -> str | None:
    if parsed is not None:
        return parsed.replace(day=1).isoformat()
    parts = value.strip().replace("/", "-").split("-")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        year, month = (parts[0], parts[1]) if len(parts[0]) == 4 else (parts[1], parts[0])
        if 1 <= int(month) <= 12:
            return f"{int(year):04d}-{int(month):02d}-01"
    return None
