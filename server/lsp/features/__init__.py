"""The language server's handlers, one module per LSP method or feature family.

``MODULES`` is the one list the server registers from (``create_server``); each
module lists its module-level handlers in ``HANDLERS`` (see
:mod:`vgpt2.server.lsp.registry`). To add a feature: write its module here, list
it below, convert its results in :mod:`vgpt2.server.lsp.convert`.
"""

from __future__ import annotations

from vgpt2.server.lsp.features import (
    code_actions,
    commands,
    completion,
    definition,
    generation,
    hover,
    lifecycle,
    signature,
    symbols,
    sync,
)

MODULES = (lifecycle, sync, completion, hover, code_actions, symbols, signature, definition,
           commands, generation)
"""In registration order: commands appear in ``executeCommandProvider`` in this order."""
