"""The catalog's and doctor's commands: ``vgpt2.reloadCatalog``, ``vgpt2.catalogStatus``,
``vgpt2.doctor`` and ``vgpt2.showObject`` (the VS Code extension's commands call them).

(``ls: Any``: pygls reads a command's type hints at run time.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vgpt2.server.lsp.names import (
    DOCTOR_COMMAND,
    RELOAD_COMMAND,
    SHOW_OBJECT_COMMAND,
    STATUS_COMMAND,
)
from vgpt2.server.lsp.registry import Command

if TYPE_CHECKING:
    from vgpt2.server.lsp.state import CatalogStatus


async def reload(ls: Any, *args: Any) -> dict[str, Any]:
    await ls.reload_catalog()
    return catalog_status(ls)


def catalog_status(ls: Any, *args: Any) -> dict[str, Any]:
    status: CatalogStatus = ls.holder.status()
    return status.payload()


async def doctor(ls: Any, *args: Any) -> str:
    """On the runner: the model checks wait on the model server (up to 15 s a request)."""
    from vgpt2.server.doctor import diagnose

    if ls.settings is None:
        report = await ls.runner.run(lambda: diagnose(start=ls.root))
    else:
        report = await ls.runner.run(diagnose, ls.settings.file, ls.settings.origins)
    text: str = report.as_text()
    return text


def show_object(ls: Any, *args: Any) -> str | None:
    """The rendered definition of the object named in the first argument."""
    from vgpt2.server.analysis.definition import render_object

    catalog = ls.holder.catalog
    if catalog is None or not args:
        return None
    return render_object(catalog, str(args[0]))


HANDLERS = (
    Command(RELOAD_COMMAND, reload),
    Command(STATUS_COMMAND, catalog_status),
    Command(DOCTOR_COMMAND, doctor),
    Command(SHOW_OBJECT_COMMAND, show_object),
)
