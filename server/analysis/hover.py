"""Hover: what the name under the cursor is, told from the catalog, as Markdown.

The rendering half of hover. What the cursor is on (an object, a column through an
alias, a CTE or a derived table) is found by :func:`~vgpt2.server.analysis.target.target_at`,
shared with go-to-definition; this module turns it into the text the editor shows: the
object's type, module, description, key, columns and joins, or the column's type,
nullability, description and status codes, with a note where the user's spelling differs
from the catalog's.
"""

from __future__ import annotations

from dataclasses import dataclass

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import CatalogObject, Column, ObjectType, RelationshipKind
from vgpt2.server.analysis.target import Target, find_column, target_at

__all__ = ["Hover", "hover", "object_markdown"]

MAX_RELATIONSHIPS = 12


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
        column = find_column(obj, target.written) if obj else None
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
