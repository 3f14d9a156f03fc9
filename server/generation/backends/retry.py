"""What both HTTP backends share: one deadline per request, one retry, stop strings.

A request gets one retry, and only after a failure that a second try can cure
(an HTTP 5xx, a connection dropped mid-reply); a refused connection, an unknown
model or a timeout is reported at once. The retry runs inside the same deadline,
so ``--timeout`` bounds the request whatever happens inside it.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar
from urllib.parse import urlsplit

from vgpt2.server.generation.backends.base import BackendError, BackendErrorKind

T = TypeVar("T")

RETRY_PAUSE_S = 0.25
"""Breathing room before the one retry: a server that just returned 500 is often reloading."""

MESSAGE_LIMIT = 300
"""Server error texts are cut to this length: one line for the user, not a dump."""


class TransientError(Exception):
    """A failure worth one more try; carries the error to report if the retry fails too."""

    def __init__(self, error: BackendError) -> None:
        super().__init__(error.message)
        self.error = error


async def request_with_retry(attempt: Callable[[], Awaitable[T]], *, timeout: float,
                             on_timeout: Callable[[], BackendError]) -> T:
    """Run ``attempt`` under one deadline, retrying once on :class:`TransientError`.

    When the deadline passes, the running attempt is cancelled (which closes its
    streamed connection, so the server stops generating) and ``on_timeout()`` is raised.
    """
    try:
        async with asyncio.timeout(timeout):
            try:
                return await attempt()
            except TransientError:
                await asyncio.sleep(RETRY_PAUSE_S)
            try:
                return await attempt()
            except TransientError as second:
                raise second.error from None
    except TimeoutError:
        raise on_timeout() from None


def cut_at_stop(text: str, stop: Sequence[str]) -> str:
    """The text before the first stop string: some servers (transformers serve) leave it in."""
    cut = len(text)
    for marker in stop:
        if marker:
            index = text.find(marker)
            if 0 <= index < cut:
                cut = index
    return text[:cut]


def one_line(text: str, secret: str | None = None) -> str:
    """A server's error text as one short line, with ``secret`` (an API key) blanked out."""
    if secret:
        text = text.replace(secret, "***")
    flat = " ".join(text.split())
    return flat if len(flat) <= MESSAGE_LIMIT else flat[:MESSAGE_LIMIT - 1] + "…"


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def plain_http_warning(url: str) -> str | None:
    """A warning for ``http://`` to another machine: the schema and any API key travel in clear."""
    if urlsplit(url).scheme == "http" and not is_loopback(url):
        return (f"{url} is plain http:// to another machine: the schema, your questions and "
                "any API key travel unencrypted; use https:// or an SSH tunnel")
    return None


def timeout_error(what: str, url: str, timeout: float) -> BackendError:
    return BackendError(
        BackendErrorKind.TIMEOUT, f"{what} at {url} gave no complete reply within {timeout:g} s",
        "raise `timeout` in [model] of vgpt2.toml (or pass --timeout), or use a smaller model")
