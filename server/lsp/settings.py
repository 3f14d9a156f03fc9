"""Editor settings (initializationOptions, workspace/configuration) merged over the config file.

The editor sends ``vgpt2.*`` settings; a value the user set in the editor wins
over ``vgpt2.toml``, which wins over the defaults. ``origins`` records where
each setting came from, for ``vgpt2 doctor``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from vgpt2.server.config import ConfigError, RuleLevel, Settings, load_settings


class EditorSettings(BaseModel):
    """What an editor may send under the ``vgpt2`` section (camelCase, as VS Code writes it)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    catalog: list[str] | str | None = None
    rules: dict[str, RuleLevel] | None = None
    nolock_on_completion: bool | None = Field(default=None, alias="nolockOnCompletion")
    diagnostics_delay_ms: int | None = Field(default=None, alias="diagnosticsDelayMs", ge=0,
                                             le=5000)


class ResolvedSettings(BaseModel):
    """Everything the server runs with, and where each piece came from."""

    file: Settings
    nolock_on_completion: bool = True
    diagnostics_delay_ms: int = 250
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
    return resolved
