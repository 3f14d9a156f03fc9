"""The ``[model]`` table of ``vgpt2.toml``: which model server answers, and how.

No model named means no model configured: vgpt2 then answers with the
``catalog`` backend (a query skeleton from the join tree) and says so, rather
than guessing at a server that may not exist.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

BackendName = Literal["ollama", "openai", "catalog"]

DEFAULT_URLS: dict[str, str] = {
    "ollama": "http://127.0.0.1:11434",
    "openai": "http://127.0.0.1:8000/v1",
}
"""Where each server listens out of the box (``ollama serve``; ``vllm serve``)."""

KEY_ENV_PREFIX = "VGPT2_"
"""api_key_env may only name a variable the user set for vgpt2: a vgpt2.toml or
.vscode/settings.json in a cloned repository could otherwise name AWS_SECRET_ACCESS_KEY
and a url of its choosing."""

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ModelSettings(BaseModel):
    """The model backend's settings; the same keys serve the editor settings."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)
    """Errors never echo a value: someone may have pasted an API key in the wrong key."""

    backend: BackendName = Field(
        default="ollama",
        description='"ollama" (default), "openai" (any OpenAI-compatible server: vLLM, '
        'llama.cpp, Ollama /v1, transformers serve) or "catalog" (no model).')
    url: str | None = Field(
        default=None,
        description="The server: Ollama's http://127.0.0.1:11434, or an OpenAI base URL "
        "such as http://gpu01:8000/v1. Empty: OLLAMA_HOST (Ollama), else the local default.")
    name: str | None = Field(
        default=None,
        description="The model, e.g. qwen2.5-coder:7b. Empty: no model configured "
        "(the catalog backend), except that an openai server serving one model needs none.")
    num_ctx: int = Field(
        default=8192, gt=0,
        description="Context window sent on every request (Ollama reloads the model "
        "when it changes); the prompt budget is taken from it.")
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    max_tokens: int = Field(
        default=1024, ge=16, le=32768,
        description="The most tokens one reply may have; the prompt gets num_ctx less this.")
    timeout: float = Field(default=60.0, gt=0.0,
                           description="Seconds one model request may take, start to end.")
    keep_alive: str | float = Field(
        default="30m",
        description='How long Ollama keeps the model loaded after a request: "30m", "2h", '
        "seconds, or -1 for always.")
    api_key_env: str | None = Field(
        default=None,
        description="The NAME of an environment variable holding the API key (the key "
        "itself never goes in a file).")
    examples: Path | None = Field(
        default=None,
        description="A JSONL file of {\"question\", \"sql\"} pairs used as few-shot "
        "examples; relative to the config file.")
    repair_rounds: int = Field(default=2, ge=0, le=5)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https:// (got {value!r})")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return value.strip() or None

    @field_validator("api_key_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        """Only a variable name: a pasted key is refused without echoing it back."""
        if value is None or not value.strip():
            return None
        name = value.strip()
        if not _ENV_NAME.fullmatch(name):
            raise ValueError("api_key_env must be the name of an environment variable "
                             "(letters, digits, _), not the key itself")
        if not name.startswith(KEY_ENV_PREFIX):
            raise ValueError(f"api_key_env must name a variable starting with "
                             f"{KEY_ENV_PREFIX} (e.g. VGPT2_API_KEY): a repository's "
                             "settings must not be able to send any other secret to a server")
        return name

    def with_base(self, base: Path) -> ModelSettings:
        """These settings with a relative ``examples`` path resolved against ``base``."""
        if self.examples is None or self.examples.is_absolute():
            return self
        return self.model_copy(update={"examples": base / self.examples})

    @model_validator(mode="after")
    def _room_for_the_prompt(self) -> ModelSettings:
        if self.max_tokens >= self.num_ctx:
            raise ValueError(f"max_tokens ({self.max_tokens}) must be less than num_ctx "
                             f"({self.num_ctx}): the prompt gets num_ctx less max_tokens")
        return self

    @property
    def configured(self) -> bool:
        """Whether a model server is meant to answer (else: the catalog backend)."""
        if self.backend == "catalog":
            return False
        return self.name is not None or (self.backend == "openai" and self.url is not None)

    def resolved_url(self) -> str:
        """``url``, else OLLAMA_HOST for Ollama (as its own CLI does), else the local default."""
        if self.url:
            return self.url
        if self.backend == "ollama" and (host := os.environ.get("OLLAMA_HOST", "").strip()):
            return _ollama_host(host)
        return DEFAULT_URLS.get(self.backend, "")


def _ollama_host(host: str) -> str:
    """OLLAMA_HOST as a URL: ``gpu01`` or ``0.0.0.0:11434`` gain http:// and the default port;
    a bind-all address means this machine."""
    if "://" not in host:
        host = f"http://{host}"
    try:
        parts = urlsplit(host)
        port = parts.port or (443 if parts.scheme == "https" else 11434)
    except ValueError:  # not a host[:port] at all: Ollama's own default
        return DEFAULT_URLS["ollama"]
    name = parts.hostname or "127.0.0.1"
    if name in ("0.0.0.0", "::"):
        name = "127.0.0.1"
    if ":" in name:
        name = f"[{name}]"
    return f"{parts.scheme}://{name}:{port}{parts.path.rstrip('/')}"
