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
    sample: bool = False
    """The catalog in use is the bundled sample (193 objects), not the shop's own schema."""
    fallback: bool = False
    """The sample stands in for a configured catalog that could not be loaded."""

    def payload(self) -> dict[str, object]:
        """The ``vgpt2/catalogStatus`` notification and command result editors read."""
        return {"loaded": self.loaded, "objects": self.objects, "message": self.message,
                "sample": self.sample, "fallback": self.fallback}


class CatalogHolder:
    """The catalog in use, a private in-memory copy of the file, so it is always intact.

    A failed (re)load keeps the catalog in use; with none yet, the bundled sample
    takes its place, so syntax checking, completion and hover keep working, and the
    status says why. :meth:`load` never raises: a server must not stay "loading".
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._catalog: Catalog | None = None
        self._error: str | None = None
        self._settings: Settings | None = None
        self._sample_fallback = False

    @property
    def catalog(self) -> Catalog | None:
        return self._catalog

    @property
    def error(self) -> str | None:
        """Why the catalog in use is not the configured one as it is now (None: it is)."""
        return self._error

    def load(self, settings: Settings) -> CatalogStatus:
        """(Re)build and open the configured catalog; on failure keep the previous one."""
        started = time.perf_counter()
        try:
            catalog = open_catalog(settings.catalog, settings.resolved_cache_dir(), copy=True)
        except (CatalogError, OSError) as error:
            return self._failed(settings, str(error))
        except Exception as error:  # a bug must not leave the server "loading" forever
            _log.exception("loading the catalog failed")
            return self._failed(settings, f"internal error: {error!r}")
        # The replaced catalog is not closed: a request may still be reading it.
        with self._lock:
            self._catalog, self._settings = catalog, settings
            self._error, self._sample_fallback = catalog.fallback, False
        _log.info("catalog loaded in %.2f s", time.perf_counter() - started)
        return self.status()

    def _failed(self, settings: Settings, reason: str) -> CatalogStatus:
        _log.warning("catalog not loaded: %s", reason)
        with self._lock:
            self._error, self._settings = reason, settings
            keep = self._catalog is not None and not self._sample_fallback
        if keep:
            return self.status()
        try:
            sample = open_catalog([], settings.resolved_cache_dir(), copy=True)
        except Exception as error:  # reported in the status, never raised
            _log.exception("the bundled sample did not load either")
            with self._lock:
                self._error = f"{reason}; the bundled sample did not load either: {error}"
            return self.status()
        with self._lock:
            self._catalog, self._sample_fallback = sample, True
        return self.status()

    def status(self) -> CatalogStatus:
        with self._lock:
            catalog, error = self._catalog, self._error
            sample_fallback, settings = self._sample_fallback, self._settings
        if catalog is None:
            return CatalogStatus(False, 0, f"Vista catalog not loaded: {error or 'loading'}")
        try:
            stats = catalog.stats()
            _, problems = catalog.import_problems()
        except CatalogError as failure:
            return CatalogStatus(False, 0, f"Vista catalog unreadable: {failure}")
        objects = stats["tables"] + stats["views"] + stats["procedures"] + stats["functions"]
        if sample_fallback:
            return CatalogStatus(True, objects, f"Vista catalog: {objects:,} objects (bundled "
                                 "sample, in place of the configured catalog, which could not "
                                 f"be loaded: {error})", sample=True, fallback=True)
        sample = settings is not None and not settings.catalog
        where = "bundled sample" if sample else str(catalog.path or "in memory")
        message = f"Vista catalog: {objects:,} objects ({where})"
        for notice in catalog.notices:
            if notice != catalog.fallback:
                message += f"; {notice}"
        if problems["error"]:
            message += (f"; built with {problems['error']:,} import error(s) and "
                        f"{problems['warning']:,} warning(s), see `vgpt2 doctor`")
        elif problems["warning"]:
            message += f"; {problems['warning']:,} import warning(s), see `vgpt2 doctor`"
        if catalog.read_error:
            message += f"; reading it failed: {catalog.read_error}"
        if error and error == catalog.fallback:
            message += f"; {error}"
        elif error:
            message += f"; last rebuild failed, still using the previous one: {error}"
        return CatalogStatus(True, objects, message, sample=sample)


class SourceWatcher:
    """Calls ``on_change`` (debounced) when a catalog source file changes on disk."""

    def __init__(self, on_change: Callable[[], None], delay: float = 1.0) -> None:
        self._on_change = on_change
        self._delay = delay
        self._observer: Observer | None = None  # type: ignore[valid-type]
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._plan: tuple[frozenset[Path], ...] | None = None
        """What the running observer watches; an unchanged plan keeps the observer."""

    def watch(self, sources: list[Path]) -> None:
        """Watch existing sources, and the nearest existing folder above a missing one.

        A configured export that does not exist yet is picked up when it appears
        (the server runs on the bundled sample meanwhile).
        """
        folders = {s if s.is_dir() else s.parent for s in sources if s.exists()}
        missing = {s.resolve() for s in sources if not s.exists()}
        anchors = {_existing_ancestor(m) for m in missing} - folders - {None}
        watched = {f.resolve() for s in sources for f in source_files(s)}
        plan = (frozenset(folders), frozenset(missing), frozenset(a for a in anchors if a),
                frozenset(watched))
        # The server calls this after every (re)load. Restarting the observer each time
        # would drop an edit made while the rebuild ran (its debounce timer cancelled, or
        # its event falling between two observers), so the same plan keeps both.
        if plan == self._plan and self._observer is not None:
            return
        self._stop_observer()
        if not folders and not anchors:
            return
        self._plan = plan
        handler = _Handler(self._changed, watched, {s.resolve() for s in sources if s.is_dir()},
                           missing, {a for a in anchors if a is not None})
        observer = Observer()
        for folder in folders:
            observer.schedule(handler, str(folder), recursive=True)
        for anchor in anchors:
            observer.schedule(handler, str(anchor), recursive=False)
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

    def _stop_observer(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer = None
        self._plan = None

    def stop(self) -> None:
        """Stop watching and drop a pending change notification."""
        self._stop_observer()
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None


def _existing_ancestor(path: Path) -> Path | None:
    for parent in path.parents:
        if parent.is_dir():
            return parent
    return None


class _Handler(FileSystemEventHandler):
    def __init__(self, changed: Callable[[], None], files: set[Path], folders: set[Path],
                 missing: set[Path] | None = None, anchors: set[Path] | None = None) -> None:
        self._changed = changed
        self._files = files
        self._folders = folders
        self._missing = missing or set()
        self._anchors = anchors or set()
        """The watched folders above missing sources: their own changes are no news."""

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [Path(str(raw)).resolve()
                 for raw in (event.src_path, getattr(event, "dest_path", "")) if raw]
        if any(p not in self._anchors and p.exists()
               and (p in self._missing or any(p in m.parents for m in self._missing))
               for p in paths):
            self._changed()  # a missing source (or a folder on its way) appeared
            return
        if event.is_directory:
            return
        for path in paths:
            if path in self._files or (
                path.suffix.lower() in (".json", ".sql", ".toml")
                and any(folder in path.parents for folder in self._folders)
            ):
                self._changed()
                return
