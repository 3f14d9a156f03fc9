"""The catalog source watcher: an edit made while a rebuild runs is never lost.

The server calls ``watch`` again after every (re)load. It used to restart the observer
and cancel the pending debounce timer there, so a source edited during a rebuild (e.g.
broken right after a good version was written) was silently never rebuilt.
"""

from __future__ import annotations

import threading
from pathlib import Path

from vgpt2.server.lsp.state import SourceWatcher

CEILING_S = 120.0


def _export(folder: Path) -> Path:
    folder.mkdir()
    (folder / "columns.json").write_text("[]", encoding="utf-8")
    return folder


def test_a_change_pending_when_the_server_rewatches_still_fires(tmp_path: Path) -> None:
    fired = threading.Event()
    watcher = SourceWatcher(fired.set, delay=0.2)
    export = _export(tmp_path / "export")
    try:
        watcher.watch([export])
        watcher._changed()  # an edit seen by the observer: the debounce timer is running
        watcher.watch([export])  # the reload that was already under way finishes
        assert fired.wait(CEILING_S), "the pending change was dropped by watch()"
    finally:
        watcher.stop()


def test_an_edit_on_disk_after_a_rewatch_is_seen(tmp_path: Path) -> None:
    fired = threading.Event()
    watcher = SourceWatcher(fired.set, delay=0.2)
    export = _export(tmp_path / "export")
    try:
        watcher.watch([export])
        watcher.watch([export])
        (export / "columns.json").write_text('[{"broken": ', encoding="utf-8")
        assert fired.wait(CEILING_S), "an edit to a watched source was not reported"
    finally:
        watcher.stop()


def test_stop_drops_a_pending_change(tmp_path: Path) -> None:
    fired = threading.Event()
    watcher = SourceWatcher(fired.set, delay=0.2)
    watcher.watch([_export(tmp_path / "export")])
    watcher._changed()
    watcher.stop()
    assert not fired.wait(1.0)  # the timer was cancelled; waiting longer only slows the test
