"""Replacing an output folder whole: a failed or partial build never replaces a good one.

The sample databases (``vgpt2-train sampledb``) and the training dataset
(``vgpt2-train dataset``) are both built in a scratch folder beside their output and
swapped in only when complete; this is the one swap they share.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def swap_in(built: Path, out: Path) -> None:
    """Replace ``out`` by ``built`` in two renames; the old build goes only once the new is in.

    ``built`` comes from ``mkdtemp`` (private, 0700); it gets the mode an ordinary folder
    would have under the user's umask, so a team can share the build.
    """
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(built, 0o777 & ~mask)
    old: Path | None = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    try:
        os.replace(built, out)
    except OSError:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
