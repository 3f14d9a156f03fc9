"""The fill-in-the-middle prompt: the one format inline completion sends and training learns.

Inline completion (the editor feature) sends the text before the cursor, the
text after it and a short schema header; the training dataset builds its FIM
records with this same function, so a fine-tuned model sees exactly the prompt
it will be given. The format is Qwen2.5-Coder's own marker tokens (a raw
completion prompt, which every backend accepts; Ollama's ``suffix`` and vLLM's
lack of one are thereby irrelevant): the schema header is SQL comments put in
front of the prefix, so it reads as part of the file.
"""

from __future__ import annotations

from collections.abc import Sequence

from vgpt2.catalog.catalog import Catalog

FIM_VERSION = "fim-v1"
FIM_PREFIX = "<|fim_prefix|>"
FIM_SUFFIX = "<|fim_suffix|>"
FIM_MIDDLE = "<|fim_middle|>"
STOP = ("<|endoftext|>", "<|fim_pad|>", "<|file_sep|>")
"""Tokens that end a completion."""
HEADER_COLUMNS = 24
"""Columns listed per object in the header (keys first): enough to complete a clause."""


def schema_header(catalog: Catalog, objects: Sequence[str],
                  columns: int = HEADER_COLUMNS) -> str:
    """``-- APTH(APCo, Mth, APTrans, ...)`` lines for the objects the open statement reads.

    Unknown names are skipped; an empty list gives an empty header.
    """
    lines: list[str] = []
    for name in dict.fromkeys(objects):
        obj = catalog.get(name)
        if obj is None:
            continue
        key = list(catalog.key_columns(name))
        rest = [c.name for c in obj.columns if c.name not in key]
        shown = (key + rest)[:max(columns, len(key))]
        more = ", ..." if len(key) + len(rest) > len(shown) else ""
        lines.append(f"-- {name}({', '.join(shown)}{more})")
    if not lines:
        return ""
    return "-- Vista schema (views; WITH (NOLOCK) on every reference):\n" + "\n".join(lines) + "\n"


def fim_prompt(prefix: str, suffix: str, schema_header: str = "") -> str:
    """The raw completion prompt: header and prefix, then suffix, then the middle marker."""
    return f"{FIM_PREFIX}{schema_header}{prefix}{FIM_SUFFIX}{suffix}{FIM_MIDDLE}"
