"""Descriptions mined from the scripts: extended properties and header comments.

Vista's own scripts describe few objects with ``MS_Description`` properties, but
many procedure and view headers carry a ``Purpose:`` line, and trigger headers
name their table's title (``bHQCP (HQ Compliance Codes)``); the catalog's search
and the model's prompts read these descriptions.
"""

from __future__ import annotations

import re

_EXT_PROPERTY_ARGS = (
    "@name", "@value", "@level0type", "@level0name", "@level1type", "@level1name",
    "@level2type", "@level2name",
)
_DESCRIPTION_LABEL = re.compile(
    r"^(?:purpose|description|desc|usage|summary)\s*:\s*(.*)$", re.IGNORECASE
)
_LABEL_LINE = re.compile(r"^[A-Za-z][\w ./()-]{0,40}:")
_COMMENT = re.compile(r"/\*.*?\*/|--[^\r\n]*", re.DOTALL)
"""Block and line comments (a line comment ends at ``\\n`` or ``\\r``)."""
_DECORATION = " \t*-=#/\\|~+"


def extended_property(
    args: list[tuple[str | None, str | None]],
) -> tuple[tuple[str, str | None], str] | None:
    """``EXEC sp_addextendedproperty`` arguments (named or by position) -> ``((object,
    column or None), description)`` for an ``MS_Description`` on an object, a column or a
    parameter; None for anything else."""
    values: dict[str, str | None] = {}
    for index, (param, value) in enumerate(args):
        key = param or (_EXT_PROPERTY_ARGS[index] if index < len(_EXT_PROPERTY_ARGS) else "")
        values[key] = value
    if (values.get("@name") or "").lower() != "ms_description":
        return None
    text, owner = values.get("@value"), values.get("@level1name")
    if not text or not owner:
        return None
    column = values.get("@level2name") if (values.get("@level2type") or "").upper() in (
        "COLUMN", "PARAMETER") else None
    if values.get("@level2type") and column is None:
        return None  # indexes, constraints, triggers
    return (owner.strip(), column.strip() if column else None), text.strip()


def _header_description(text: str, start: int, end: int, limit: int) -> str | None:
    """A ``Purpose:``/``Description:``/``Usage:`` line in the comments of a header."""
    window = text[start:min(end, limit)]
    if "purpose" not in window.lower() and "desc" not in window.lower() \
            and "usage" not in window.lower() and "summary" not in window.lower():
        return None
    for comment in _COMMENT.finditer(window):
        lines = [line.strip(_DECORATION) for line in comment.group().splitlines()]
        for index, line in enumerate(lines):
            match = _DESCRIPTION_LABEL.match(line)
            if match is None:
                continue
            parts = [match.group(1).strip()] if match.group(1).strip() else []
            for following in lines[index + 1:index + 8]:
                if not following or _LABEL_LINE.match(following) or (
                        len(following) > 3 and following.isupper()):
                    break
                parts.append(following)
            description = " ".join(" ".join(parts).split())
            if description and not (description.startswith("<") and description.endswith(">")):
                return description
    return None


def _trigger_description(text: str, start: int, end: int, table: str) -> str | None:
    """``This trigger rejects delete in bHQCP (HQ Compliance Codes)``: the table's title."""
    window = text[start:min(end, start + 6000)]
    if table not in window:
        return None
    pattern = re.compile(rf"(?<![\w\]])\[?{re.escape(table)}\]?\s*\(([^(),@=\n]{{2,80}})\)")
    for comment in _COMMENT.finditer(window):
        match = pattern.search(comment.group())
        if match is not None:
            description = " ".join(match.group(1).split())
            if (description and any(c.islower() for c in description)) or " " in description:
                return description
    return None
