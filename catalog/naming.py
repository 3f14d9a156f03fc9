"""Vista naming conventions: base-table prefixes and the two-letter module in a name.

Vista keeps data in base tables named ``b`` or ``v`` plus the view name
(``bJCCM`` behind the view ``JCCM``, ``vSMWorkOrder`` behind ``SMWorkOrder``).
Report views carry ``brv``/``vrv``, procedures ``bsp``/``vsp``, functions
``bf``/``vf``; user tables ``bud``. The module is the two capital letters that
follow (``JC`` for Job Cost, ``SM`` for Service Management).

Everything here is pure string work, cheap enough to call per identifier.
"""

from __future__ import annotations

BASE_PREFIXES = ("b", "v")
"""A one-letter lowercase prefix followed by a capital: the base table of a view."""

OBJECT_PREFIXES = ("vpsp", "brpt", "vrpt", "brv", "vrv", "bsp", "vsp", "bf", "vf")
"""Longer lowercase prefixes Vista puts before a module: reports, procedures, functions."""


def strip_base_prefix(name: str) -> str | None:
    """The view name behind a base-table name, or None when ``name`` is not one.

    ``bJCCM`` -> ``JCCM``, ``vSMWorkOrder`` -> ``SMWorkOrder``; ``JCCM``,
    ``brvJCCost`` (a report view), ``bspJCVal`` (a procedure) -> None.
    """
    if len(name) >= 3 and name[0] in BASE_PREFIXES and _is_upper(name[1]):
        return name[1:]
    return None


def base_name_variants(name: str) -> tuple[str, ...]:
    """``name`` first, then the names the same Vista object family goes by.

    A base table gives its view (``bJCCM`` -> ``("bJCCM", "JCCM")``); a view
    name gives its possible base tables (``JCCM`` -> ``("JCCM", "bJCCM",
    "vJCCM")``). Names that follow neither pattern give only themselves.
    """
    stripped = strip_base_prefix(name)
    if stripped is not None:
        return (name, stripped)
    if name and _is_upper(name[0]):
        return (name, *(prefix + name for prefix in BASE_PREFIXES))
    return (name,)


def module_of(name: str) -> str:
    """The two-letter Vista module of an object name, or ``""`` when unsure.

    ``bJCCM`` -> ``JC``, ``vSMWorkOrder`` -> ``SM``, ``JCCM`` -> ``JC``,
    ``brvJCCostDetail`` -> ``JC``, ``bspHQCompanyVal`` -> ``HQ``, ``budMyTable`` -> ``""``.
    """
    rest = name.strip()
    for prefix in OBJECT_PREFIXES:
        if rest.startswith(prefix) and len(rest) > len(prefix) and _is_upper(rest[len(prefix)]):
            rest = rest[len(prefix):]
            break
    else:
        stripped = strip_base_prefix(rest)
        if stripped is not None:
            rest = stripped
    if len(rest) < 3 or not (_is_upper(rest[0]) and _is_upper(rest[1])):
        return ""
    if rest[2].islower():
        return ""
    return rest[:2]


def _is_upper(char: str) -> bool:
    return "A" <= char <= "Z"
