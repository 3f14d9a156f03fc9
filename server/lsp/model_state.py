"""The language server's model: its settings, its backend, and the worker that talks to it.

Generation is slow (seconds to a minute) and asynchronous, so it runs on an event
loop of its own, on a thread of its own: the server's loop keeps reading
messages (``$/cancelRequest``, keystrokes) and its runner keeps analyzing, so
diagnostics and completion never wait behind a model. Cancelling the server-side
task that awaits a job cancels the job on the model loop, which closes the
streamed HTTP request, which is what makes Ollama (and vLLM) stop generating.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.generation.backends.base import (
    BackendError,
    GenerationOptions,
    ModelBackend,
    ModelInfo,
)
from vgpt2.server.generation.backends.factory import (
    describe,
    generation_options,
    make_backend,
)
from vgpt2.server.generation.settings import ModelSettings

if TYPE_CHECKING:  # the examples reader is imported on first use (start-up time)
    from vgpt2.server.generation.examples import Example

_log = logging.getLogger(__name__)

T = TypeVar("T")


class ModelLoop:
    """One daemon thread running an asyncio loop for model requests."""

    def __init__(self, name: str = "vgpt2-model") -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)
        self._thread.start()

    async def run(self, job: Coroutine[Any, Any, T]) -> T:
        """Await ``job`` on the model loop; cancelling the caller cancels the job there."""
        future = asyncio.run_coroutine_threadsafe(job, self._loop)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            future.cancel()
            raise

    def stop(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)


Built = tuple[ModelBackend | None, BackendError | None]
"""A backend (None: the catalog backend, or off) or why the settings cannot make one."""


def build_backend(settings: ModelSettings, off: bool) -> Built:
    """The backend the settings describe; any thread (the language server uses its runner)."""
    if off:
        return None, None
    try:
        return make_backend(settings), None
    except BackendError as error:
        return None, error


@dataclass(frozen=True, slots=True)
class ModelStatus:
    """What ``vgpt2/modelStatus`` says and the status bar shows."""

    backend: str
    """``ollama``, ``openai``, ``catalog`` or ``off``."""
    model: str | None
    url: str | None
    reachable: bool
    present: bool
    fill_in_middle: bool
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"backend": self.backend, "model": self.model, "url": self.url,
                "reachable": self.reachable, "present": self.present,
                "fillInMiddle": self.fill_in_middle, "message": self.message}


class ModelState:
    """The configured model; rebuilt whenever the settings change (applied live)."""

    def __init__(self) -> None:
        self.loop = ModelLoop()
        self.settings = ModelSettings(backend="catalog")
        self.off = False
        self._backend: ModelBackend | None = None
        self._backend_error: BackendError | None = None
        self._info: ModelInfo | None = None
        self.generation = 0
        """Bumped on every change: a status check started before it is not published."""
        self._examples: tuple[tuple[object, ...], tuple[Example, ...]] | None = None
        self._closing: set[concurrent.futures.Future[None]] = set()
        """Backends being closed on the loop: ``stop`` lets them finish first."""

    @property
    def enabled(self) -> bool:
        """Whether generation features are offered at all (``backend = "off"`` hides them)."""
        return not self.off

    @property
    def backend(self) -> ModelBackend | None:
        """The backend, or None for the catalog backend (no model)."""
        if self._backend_error is not None:
            raise self._backend_error
        return self._backend

    @property
    def options(self) -> GenerationOptions:
        return generation_options(self.settings)

    @property
    def fill_in_middle(self) -> bool:
        """Whether inline completion may ask the model: Ollama with a ``.Suffix`` template,
        or an OpenAI-compatible server (FIM through the model's own tokens)."""
        if self._backend is None:
            return False
        if self._backend.name == "openai":
            return self._info is None or self._info.reachable
        return bool(self._info is not None and self._info.fill_in_middle)

    def differs(self, settings: ModelSettings, off: bool) -> bool:
        """Whether ``settings`` differ from the ones in use (always, before the first)."""
        return not (settings == self.settings and off == self.off and self.generation)

    def apply(self, settings: ModelSettings, off: bool, built: Built | None = None) -> bool:
        """Take new settings; True when they differ from the ones in use.

        ``built``: :func:`build_backend`'s result for them, made off the event loop (the
        first use of a backend imports its client library, hundreds of milliseconds)."""
        if not self.differs(settings, off):
            if built is not None and built[0] is not None:
                self.loop_close(built[0])
            return False
        old = self._backend
        self.settings, self.off = settings, off
        self._backend, self._backend_error = built or build_backend(settings, off)
        self._info = None
        self.generation += 1
        if old is not None:
            self.loop_close(old)
        return True

    def examples(self, catalog: Catalog) -> tuple[Example, ...]:
        """The ``examples`` file's checked few-shot pairs, as ``vgpt2 ask`` uses them (read
        again when the file, the settings or the catalog change). Raises ExampleError for a
        file that cannot be used; examples that fail their checks are left out."""
        from vgpt2.server.generation.examples import ExampleError, load_examples

        path = self.settings.examples
        if path is None or not self.settings.configured:
            return ()
        try:
            stamp: tuple[object, ...] = (path, path.stat().st_mtime_ns, id(catalog))
        except OSError as error:
            raise ExampleError(f"{path}: {error.strerror or error}") from None
        if self._examples is not None and self._examples[0] == stamp:
            return self._examples[1]
        loaded = tuple(load_examples(path, catalog).examples)
        self._examples = (stamp, loaded)
        return loaded

    def loop_close(self, backend: ModelBackend) -> concurrent.futures.Future[None]:
        async def close() -> None:
            with contextlib.suppress(Exception):
                await backend.aclose()

        closing = asyncio.run_coroutine_threadsafe(close(), self.loop._loop)
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)
        return closing

    async def check(self) -> ModelStatus:
        """Ask the server whether the model is there (on the model loop); never raises."""
        generation = self.generation
        if self.off:
            return ModelStatus("off", None, None, False, False, False,
                               "model features off (vgpt2.model.backend)")
        if self._backend_error is not None:
            error = self._backend_error
            return ModelStatus(self.settings.backend, self.settings.name,
                               self.settings.resolved_url(), False, False, False,
                               f"{error.message} ({error.hint})" if error.hint else error.message)
        backend = self._backend
        if backend is None:
            return ModelStatus("catalog", None, None, True, True, False, describe(self.settings))
        try:
            info = await self.loop.run(backend.info())
        except BackendError as error:
            return ModelStatus(backend.name, backend.model, self.settings.resolved_url(),
                               False, False, False, str(error))
        except Exception as error:  # a status check must never take the server down
            _log.exception("model status check failed")
            return ModelStatus(backend.name, backend.model, self.settings.resolved_url(),
                               False, False, False, f"model check failed: {error!r}")
        if generation == self.generation:
            self._info = info
        name = info.model or backend.model or "(the one served)"
        if not info.reachable:
            message = f"{backend.name} at {info.url} is not reachable"
        elif not info.present:
            message = f"{backend.name} at {info.url} has no model {name}"
        else:
            message = f"{name} ({backend.name} at {info.url})"
        return ModelStatus(backend.name, info.model or backend.model, info.url, info.reachable,
                           info.present, self.fill_in_middle, message)

    def stop(self) -> None:
        """Close the backends' connections, then stop the loop: stopped first, the loop would
        never run a close still queued (connections left open, a "never awaited" warning)."""
        if self._backend is not None:
            self.loop_close(self._backend)
        concurrent.futures.wait(list(self._closing), timeout=5)
        self.loop.stop()
