"""Server state that outlives one request: the loaded catalog and its source watcher.

The catalog is swapped atomically: readers take a reference and keep using it
while a rebuild runs in the background; a failed rebuild keeps the last good
catalog and says why.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vgpt2.catalog.build import open_catalog, source_files
from vgpt2.catalog.catalog import Catalog, CatalogError
from vgpt2.server.config import Settings
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CatalogStatus:
    loaded: bool
    objects: int
    message: str
    """One line for a status bar: "Vista catalog: 3,374 objects" or why there is none."""


class CatalogHolder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._catalog: Catalog | None = None
        self._error: str | None = None
        self._settings: Settings | None = None

    @property
    def catalog(self) -> Catalog | None:
        return self._catalog

    @property
    def error(self) -> str | None:
        return self._error

    def load(self, settings: Settings) -> CatalogStatus:
        """(Re)build and open the configured catalog; on failure keep the previous one."""
        started = time.perf_counter()
        try:
            catalog = open_catalog(settings.catalog, settings.resolved_cache_dir())
        except (CatalogError, OSError) as error:
            with self._lock:
                self._error = str(error)
                self._settings = settings
            _log.warning("catalog not loaded: %s", error)
            return self.status()
        with self._lock:
            self._catalog, self._error, self._settings = catalog, None, settings
        _log.info("catalog loaded in %.2f s", time.perf_counter() - started)
        return self.status()

    def status(self) -> CatalogStatus:
        catalog, error = self._catalog, self._error
        if catalog is None:
            return CatalogStatus(False, 0, f"Vista catalog not loaded: {error or 'loading'}")
        stats = catalog.stats()
        objects = stats["tables"] + stats["views"] + stats["procedures"] + stats["functions"]
        where = "bundled sample" if self._settings is not None and not self._settings.catalog \
            else str(catalog.path or "in memory")
        message = f"Vista catalog: {objects:,} objects ({where})"
        if error:
            message += f"; last rebuild failed, still using the previous one: {error}"
        return CatalogStatus(True, objects, message)


class SourceWatcher:
    """Calls ``on_change`` (debounced) when a catalog source file changes on disk."""

    def __init__(self, on_change: Callable[[], None], delay: float = 1.0) -> None:
        self._on_change = on_change
        self._delay = delay
        self._observer: Observer | None = None  # type: ignore[valid-type]
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def watch(self, sources: list[Path]) -> None:
        self.stop()
        folders = {s if s.is_dir() else s.parent for s in sources if s.exists()}
        if not folders:
            return
        watched = {f.resolve() for s in sources for f in source_files(s)}
        handler = _Handler(self._changed, watched, {s.resolve() for s in sources if s.is_dir()})
        observer = Observer()
        for folder in folders:
            observer.schedule(handler, str(folder), recursive=True)
        observer.daemon = True
        observer.start()
        self._observer = observer

    def _changed(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self._delay, self._on_change)
            self._timer.daemon = True
            self._timer.start()

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer = None
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None


class _Handler(FileSystemEventHandler):
    def __init__(self, changed: Callable[[], None], files: set[Path], folders: set[Path]) -> None:
        self._changed = changed
        self._files = files
        self._folders = folders

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type in ("opened", "closed_no_write"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = Path(str(raw)).resolve()
            if path in self._files or (
                path.suffix.lower() in (".json", ".sql", ".toml")
                and any(folder in path.parents for folder in self._folders)
            ):
                self._changed()
                return
