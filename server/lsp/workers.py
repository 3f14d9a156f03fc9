"""The server's one background runner for slow work (analysis, symbols, code actions,
catalog loads), so the event loop stays free to read messages, honour
``$/cancelRequest`` and answer completion at once.

Jobs run on daemon threads (a job still running never keeps the process alive after
``exit``). A job whose awaiting coroutine is cancelled before it starts is never run;
one already running finishes and its result is dropped.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")

_STOP = object()


class Runner:
    """A fixed set of daemon worker threads behind one queue."""

    def __init__(self, workers: int = 2, name: str = "vgpt2") -> None:
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._work, name=f"{name}-{n}", daemon=True)
                         for n in range(workers)]
        self._stopped = False
        for thread in self._threads:
            thread.start()

    def submit(self, function: Callable[..., T], *args: Any) -> Future[T]:
        """Queue ``function(*args)``; the returned future may be cancelled until it starts."""
        future: Future[T] = Future()
        if self._stopped:
            future.cancel()
            return future
        self._jobs.put((future, function, args))
        return future

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run ``function(*args)`` on a worker and await it; cancelling the awaiting task
        cancels the job if it has not started."""
        return await asyncio.wrap_future(self.submit(function, *args))

    def stop(self) -> None:
        """Drop queued jobs and let the threads end after their current job."""
        self._stopped = True
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not _STOP:
                job[0].cancel()
        for _ in self._threads:
            self._jobs.put(_STOP)

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            future, function, args = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = function(*args)
            except BaseException as error:  # handed to the awaiting coroutine
                future.set_exception(error)
            else:
                future.set_result(result)
