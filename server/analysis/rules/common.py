"""Helpers more than one rule's check uses."""

from __future__ import annotations

from vgpt2.server.analysis.model import Source


def replacement(text: str, start: int, end: int, name: str) -> str:
    """Keep the user's quoting: ``[bJCCM]`` becomes ``[JCCM]``."""
    written = text[start:end]
    if written.startswith("["):
        return f"[{name}]"
    if written.startswith('"'):
        return f'"{name}"'
    return name


def label(source: Source) -> str:
    """``APTH h`` for an aliased source, ``APTH`` when the alias adds nothing."""
    name = source.catalog_name or source.name
    plain = source.alias.lstrip("#") in ("", name.lstrip("#"))
    return name if plain else f"{name} {source.alias}"
