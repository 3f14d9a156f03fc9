"""Editor settings (initializationOptions, workspace/configuration) merged over the config file.

The editor sends ``vgpt2.*`` settings; a value the user set in the editor wins
over ``vgpt2.toml``, which wins over the defaults. ``origins`` records where
each setting came from, for ``vgpt2 doctor``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from vgpt2.server.config import ConfigError, RuleLevel, Settings, load_settings
from vgpt2.server.generation.settings import ModelSettings

EditorBackend = Literal["ollama", "openai", "catalog", "off"]
"""``off`` is the editor's own: no generation at all (``catalog`` still offers skeletons)."""


class EditorModel(BaseModel):
    """``vgpt2.model.*``: the ``[model]`` keys of vgpt2.toml, in the editor's camelCase."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    backend: EditorBackend | None = None
    url: str | None = None
    name: str | None = None
    num_ctx: int | None = Field(default=None, alias="numCtx", gt=0)
    timeout_seconds: float | None = Field(default=None, alias="timeoutSeconds", gt=0)
    api_key_env: str | None = Field(default=None, alias="apiKeyEnv")


class EditorInline(BaseModel):
    """``vgpt2.inlineCompletion.*``: ghost-text suggestions."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    enabled: bool | None = None
    debounce_ms: int | None = Field(default=None, alias="debounceMs", ge=0, le=5000)
    budget_ms: int | None = Field(default=None, alias="budgetMs", ge=50, le=60000)


class InlineSettings(BaseModel):
    """What inline completion runs with."""

    enabled: bool = True
    debounce_ms: int = 300
    """Continue debounces 350 ms; a little less keeps the grey text close to the typing."""
    budget_ms: int = 1500
    """Nothing is shown after this long (a suggestion that late is for text already typed)."""


class EditorSettings(BaseModel):
    """What an editor may send under the ``vgpt2`` section (camelCase, as VS Code writes it)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    catalog: list[str] | str | None = None
    rules: dict[str, RuleLevel] | None = None
    nolock_on_completion: bool | None = Field(default=None, alias="nolockOnCompletion")
    diagnostics_delay_ms: int | None = Field(default=None, alias="diagnosticsDelayMs", ge=0,
                                             le=5000)
    model: EditorModel | None = None
    inline_completion: EditorInline | None = Field(default=None, alias="inlineCompletion")


class ResolvedSettings(BaseModel):
    """Everything the server runs with, and where each piece came from."""

    file: Settings
    nolock_on_completion: bool = True
    diagnostics_delay_ms: int = 250
    model_off: bool = False
    """``vgpt2.model.backend = "off"``: no generation features (the model settings keep the
    file's values, for doctor)."""
    inline: InlineSettings = Field(default_factory=InlineSettings)
    origins: dict[str, str] = Field(default_factory=dict)


def resolve(editor: dict[str, Any] | None, workspace: Path | None) -> ResolvedSettings:
    """Merge editor settings over the config file found from ``workspace``.

    Raises :class:`ConfigError` naming the file or the editor setting that is wrong.
    """
    file_settings = load_settings(workspace)
    where = str(file_settings.origin) if file_settings.origin else "defaults"
    origins = {"catalog": where, "rules": where, "nolockOnCompletion": "defaults",
               "diagnosticsDelayMs": "defaults"}
    try:
        sent = EditorSettings.model_validate(editor or {})
    except ValidationError as error:
        problems = "; ".join(f"vgpt2.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                             for e in error.errors())
        raise ConfigError(f"editor settings: {problems}") from None
    updates: dict[str, Any] = {}
    if sent.catalog:
        paths = [sent.catalog] if isinstance(sent.catalog, str) else sent.catalog
        base = workspace or Path.cwd()
        updates["catalog"] = [p if p.is_absolute() else base / p for p in map(Path, paths)]
        origins["catalog"] = "editor settings"
    if sent.rules:
        try:
            merged = Settings.model_validate({"rules": {**file_settings.rules, **sent.rules}})
        except ValidationError as error:
            raise ConfigError(f"editor settings: vgpt2.rules: {error.errors()[0]['msg']}") from None
        updates["rules"] = merged.rules
        origins["rules"] = "editor settings over " + where
    resolved = ResolvedSettings(file=file_settings.model_copy(update=updates), origins=origins)
    if sent.nolock_on_completion is not None:
        resolved.nolock_on_completion = sent.nolock_on_completion
        origins["nolockOnCompletion"] = "editor settings"
    if sent.diagnostics_delay_ms is not None:
        resolved.diagnostics_delay_ms = sent.diagnostics_delay_ms
        origins["diagnosticsDelayMs"] = "editor settings"
    if sent.model is not None:
        _merge_model(resolved, sent.model, where)
    if sent.inline_completion is not None:
        given = sent.inline_completion.model_dump(exclude_none=True)
        resolved.inline = resolved.inline.model_copy(update=given)
        if given:
            origins["inlineCompletion"] = "editor settings"
    return resolved


_MODEL_KEYS = {"url": "url", "name": "name", "num_ctx": "num_ctx",
               "timeout_seconds": "timeout", "api_key_env": "api_key_env"}
"""Editor key (snake_case here) -> ``[model]`` key."""


def _merge_model(resolved: ResolvedSettings, sent: EditorModel, where: str) -> None:
    """``vgpt2.model.*`` over ``[model]`` of vgpt2.toml, checked by the same rules
    (an api key env without the VGPT2_ prefix, a url that is not http(s), ...)."""
    updates: dict[str, Any] = {
        target: getattr(sent, key) for key, target in _MODEL_KEYS.items()
        if getattr(sent, key) is not None}
    if sent.backend == "off":
        resolved.model_off = True
    elif sent.backend is not None:
        updates["backend"] = sent.backend
    if not updates and not resolved.model_off:
        return
    current = resolved.file.model.model_dump()
    try:
        model = ModelSettings.model_validate({**current, **updates})
    except ValidationError as error:
        problems = "; ".join(f"vgpt2.model: {e['msg']}" for e in error.errors())
        raise ConfigError(f"editor settings: {problems}") from None
    resolved.file = resolved.file.model_copy(update={"model": model})
    resolved.origins["model"] = f"editor settings over {where}"
