"""The names editors depend on: vgpt2's commands and notifications (a public contract).

The VS Code extension (``editor-client/src/extension.ts``) and the Neovim setup call
these commands and listen for these notifications; never rename one.
"""

from __future__ import annotations

RELOAD_COMMAND = "vgpt2.reloadCatalog"
STATUS_COMMAND = "vgpt2.catalogStatus"
DOCTOR_COMMAND = "vgpt2.doctor"
SHOW_OBJECT_COMMAND = "vgpt2.showObject"
GENERATE_COMMAND = "vgpt2.generateFromComment"
MODEL_STATUS_COMMAND = "vgpt2.modelStatus"

STATUS_NOTIFICATION = "vgpt2/catalogStatus"
MODEL_STATUS_NOTIFICATION = "vgpt2/modelStatus"
