"""What a rule is: its public metadata, its check and the hooks the editor reads.

Each ``vgNNN_name.py`` module in this package defines one :class:`Rule` as
``RULE``; its module docstring is the rule's documentation (``docs/rules.md``
is generated from it), so the code, the check and the text change together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.findings import Finding, Severity
from vgpt2.server.analysis.model import StatementModel

DOCS_URL = "https://github.com/vgpt2/vgpt2/blob/main/docs/rules.md"

Check = Callable[[StatementModel, Catalog, str], Iterator[Finding]]
"""(model, catalog, file text) -> findings."""


@dataclass(frozen=True, slots=True)
class Action:
    """An editor action offered beside every finding of a rule (a command, not an edit)."""

    title: str
    command: str
    """The id of a command the language server registers, e.g. ``vgpt2.reloadCatalog``."""
    command_title: str


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule. Codes and names are a public contract: never renumber or rename."""

    code: str
    name: str
    severity: Severity
    summary: str
    fixable: bool = False
    """Whether ``vgpt2 fix`` applies its fixes (they are all safe)."""
    offers: str = ""
    """What it offers instead of a safe fix, for the rules table ("suggestions offered")."""
    check: Check | None = None
    """None for VG000, which the analyzer reports while parsing."""
    doc: str = ""
    """Markdown: what it finds, why it matters, wrong and right examples, the fix."""
    related_label: str = "see: "
    """Prefix of the editor's related-information line listing ``Finding.related``."""
    fix_all: str | None = None
    """Title of a file-wide action applying every finding's fix; ``{count}`` is filled in."""
    actions: tuple[Action, ...] = ()
    names_unknown: bool = False
    """Its findings name an object or column that does not exist: inline completion drops
    a model suggestion that adds one."""
    repairable_by_model: bool = False
    """A finding without a deterministic fix gets "Ask the model to repair this query"."""
    parse_error: bool = False
    """Its findings mean the statement does not parse: a suggestion must not cause one."""
    suggests_objects: bool = False
    """Its findings' ``related`` are the nearest real objects (did-you-mean): a refusal
    offers them, and a repair round shows the model their schema."""

    @property
    def docs_url(self) -> str:
        return f"{DOCS_URL}#{self.code.lower()}-{self.name}"
