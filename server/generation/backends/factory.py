"""From ``[model]`` settings to a backend, or None for the catalog backend.

None means "no model": the engine then renders the join tree as a query
skeleton. Callers say so to the user (``describe``) instead of failing, so
vgpt2 is useful before anyone has installed a model.
"""

from __future__ import annotations

from vgpt2.server.generation.backends.base import GenerationOptions, ModelBackend
from vgpt2.server.generation.backends.retry import plain_http_warning
from vgpt2.server.generation.settings import ModelSettings

CATALOG_ONLY = ("no model configured: answering with the catalog backend (a query skeleton "
                "from the join tree); set [model] in vgpt2.toml to use Ollama or an "
                "OpenAI-compatible server")


def make_backend(settings: ModelSettings) -> ModelBackend | None:
    """The configured backend; None for ``catalog`` or when no model is configured.

    Raises :class:`BackendError` for a setting that cannot work (an unset API key variable).
    The client libraries are imported here, not at module level: the ``openai`` client
    alone takes about 400 ms to import, which every language-server start and every
    ``vgpt2 check`` would otherwise pay with no model configured.
    """
    if not settings.configured:
        return None
    url = settings.resolved_url()
    if settings.backend == "ollama" and settings.name is not None:
        from vgpt2.server.generation.backends.ollama import OllamaBackend

        return OllamaBackend(url, settings.name, keep_alive=settings.keep_alive,
                             timeout=settings.timeout)
    from vgpt2.server.generation.backends.openai_compat import OpenAICompatBackend

    return OpenAICompatBackend(url, settings.name, api_key_env=settings.api_key_env,
                               timeout=settings.timeout)


def generation_options(settings: ModelSettings) -> GenerationOptions:
    """The per-request options the settings imply (the same num_ctx on every call)."""
    return GenerationOptions(num_ctx=settings.num_ctx, temperature=settings.temperature,
                             max_tokens=settings.max_tokens, timeout=settings.timeout)


def describe(settings: ModelSettings) -> str:
    """One line for the user: which backend answers, and where."""
    if not settings.configured:
        return CATALOG_ONLY if settings.backend != "catalog" else "catalog backend (no model)"
    return f"{settings.backend} model {settings.name or '(the one served)'} at " \
           f"{settings.resolved_url()}"


def url_warning(settings: ModelSettings) -> str | None:
    """The plain-http warning for a configured server on another machine."""
    return plain_http_warning(settings.resolved_url()) if settings.configured else None
