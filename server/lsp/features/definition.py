"""``textDocument/definition``: a catalog object's definition, as a read-only file.

The object is rendered (columns, keys, a view's or routine's source) on the runner
and written under the cache folder's ``definitions/``; the editor opens that file.
Nothing is ever written through a link.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from vgpt2.server.lsp.convert import line_location, to_offset
from vgpt2.server.lsp.documents import LineIndex
from vgpt2.server.lsp.registry import Feature

if TYPE_CHECKING:
    from vgpt2.server.analysis.definition import Definition
    from vgpt2.server.lsp.server import VgptServer


async def definition(ls: VgptServer, params: types.DefinitionParams) -> types.Location | None:
    catalog = ls.holder.catalog
    if catalog is None or ls.settings is None:
        return None
    folder = ls.settings.file.resolved_cache_dir() / "definitions"

    def job(index: LineIndex) -> Definition | None:
        from vgpt2.server.analysis.definition import definition_at

        return definition_at(index.text, to_offset(index, params.position), catalog)

    found: Definition | None = await ls.on_snapshot(params.text_document.uri, job)
    if found is None:
        return None
    try:
        path = await ls.runner.run(write_read_only, folder, found.uri_name, found.content)
    except OSError as error:
        ls.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Error,
            message=f"vgpt2: cannot show {found.name}: {error}"))
        return None
    return line_location(path.as_uri(), found.line)


def write_read_only(folder: Path, name: str, content: str) -> Path:
    """Render a catalog object to a read-only file an editor can open (any editor, any OS).

    Never writes through a link: the folder must be a plain folder of this user's, the
    content goes to a fresh temp file (``mkstemp``: a new name, ``O_EXCL``) that is renamed
    over the name, and a rename replaces a link there instead of following it.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = os.lstat(folder)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise OSError(f"{folder} is not a plain folder; definitions are not written there")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise OSError(f"{folder} belongs to another user; definitions are not written there")
    safe = "".join(c for c in name if c.isalnum() or c in "._-").lstrip(".") or "object.sql"
    path = folder / safe
    descriptor, temp = tempfile.mkstemp(dir=folder, prefix=f".{safe}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as out:
            out.write(content)
        os.chmod(temp, stat.S_IREAD)
        try:
            os.replace(temp, path)
        except PermissionError:  # Windows will not rename over a read-only file
            if path.is_symlink():
                raise
            os.chmod(path, stat.S_IWRITE | stat.S_IREAD)
            os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return path


HANDLERS = (Feature(types.TEXT_DOCUMENT_DEFINITION, definition),)
