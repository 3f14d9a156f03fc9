"""vgpt2's one configuration file: ``vgpt2.toml``, or ``[tool.vgpt2]`` in ``pyproject.toml``.

The nearest file up from the working folder wins (``VGPT2_CONFIG`` names one
explicitly). Relative paths in it are relative to the file, so a shop can keep
its schema export beside its SQL in one repository.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from vgpt2.server.analysis.analyzer import RuleSettings
from vgpt2.server.analysis.findings import Severity
from vgpt2.server.analysis.rules import RULES
from vgpt2.server.generation.settings import ModelSettings

CONFIG_FILE = "vgpt2.toml"
ENV_CONFIG = "VGPT2_CONFIG"
ENV_CACHE = "VGPT2_CACHE_DIR"


class ConfigError(Exception):
    """A configuration file that cannot be used; ``problems`` lists each one as
    ``FILE:LINE: what is wrong`` (all of them, not only the first)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


RuleLevel = Literal["error", "warning", "info", "hint", "off"]
"""A rule's setting in ``[rules]``: a severity, or ``off``."""
RULE_LEVELS = ("error", "warning", "info", "hint", "off")


class Settings(BaseModel):
    """Resolved settings; ``origin`` says which file they came from (None: defaults)."""

    model_config = ConfigDict(extra="forbid")

    catalog: list[Path] = Field(
        default_factory=list,
        description="A compiled .vgpt2db file, or sources (export folders, DDL folders, "
        "knowledge .toml files) compiled on demand. Empty: the bundled sample.")
    cache_dir: Path | None = Field(
        default=None, description="Where compiled catalogs are cached; honoured only in the "
        "file VGPT2_CONFIG names (a repository's own vgpt2.toml cannot move the cache).")
    rules: dict[str, RuleLevel] = Field(
        default_factory=dict,
        description='Per-rule severity or "off", e.g. {"VG004": "error", "VG007": "off"}.')
    model: ModelSettings = Field(
        default_factory=ModelSettings,
        description="The [model] table: which model server answers `vgpt2 ask` (none: the "
        "catalog backend).")
    origin: Path | None = Field(default=None, exclude=True)

    @field_validator("catalog", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("rules", mode="before")
    @classmethod
    def _rule_codes(cls, value: Any) -> Any:
        """Codes in any case; unknown codes are an error, so a typo never silently does nothing."""
        if not isinstance(value, dict):
            return value
        normalized: dict[str, Any] = {}
        for code, level in value.items():
            key = str(code).strip().upper()
            if key not in RULES:
                raise ValueError(f"unknown rule code {code!r} (known: {', '.join(RULES)})")
            normalized[key] = level.strip().lower() if isinstance(level, str) else level
        return normalized

    def rule_settings(self, select: set[str] | None = None,
                      ignore: set[str] | None = None) -> RuleSettings:
        """The analyzer's :class:`RuleSettings`: these rules plus a command's --select/--ignore."""
        return RuleSettings(
            select=set(select) if select else None,
            ignore=set(ignore or ()),
            severity={code: Severity(level) for code, level in self.rules.items()
                      if level != "off"},
            disabled={code for code, level in self.rules.items() if level == "off"},
        )

    def resolved_cache_dir(self) -> Path:
        if self.cache_dir is not None:
            return self.cache_dir
        if os.environ.get(ENV_CACHE):
            return Path(os.environ[ENV_CACHE])
        return Path(platformdirs.user_cache_dir("vgpt2", appauthor=False))


def find_config_file(start: Path) -> Path | None:
    explicit = os.environ.get(ENV_CONFIG)
    if explicit:
        return Path(explicit)
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _tool_table(pyproject) is not None:
            return pyproject
    return None


def _tool_table(pyproject: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    table = data.get("tool", {}).get("vgpt2")
    return table if isinstance(table, dict) else None


def load_settings(start: Path | None = None) -> Settings:
    """Settings from the nearest config file, or defaults. Raises ConfigError naming the file."""
    path = find_config_file((start or Path.cwd()).resolve())
    if path is None:
        return Settings()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text (byte {error.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = _TOML_POSITION.search(str(error))
        line = f":{where.group(1)}" if where else ""
        message = _TOML_POSITION.sub("", str(error)).strip()
        raise ConfigError(f"{path}{line}: {message}", [f"{path}{line}: {message}"]) from None
    pyproject = path.name == "pyproject.toml"
    table = data.get("tool", {}).get("vgpt2", {}) if pyproject else data
    settings = _validate(table, path, text, ("tool", "vgpt2") if pyproject else ())
    base = path.parent
    cache_dir = settings.cache_dir
    if not os.environ.get(ENV_CONFIG):
        # A file found beside the SQL belongs to its repository, which must not choose
        # where we write (it could point the cache into itself, at links it ships): only
        # the user's own configuration (VGPT2_CONFIG, VGPT2_CACHE_DIR) moves the cache.
        cache_dir = None
    return settings.model_copy(update={
        "catalog": [p if p.is_absolute() else base / p for p in settings.catalog],
        "cache_dir": (cache_dir if cache_dir is None
                      or cache_dir.is_absolute() else base / cache_dir),
        "model": settings.model.with_base(base),
        "origin": path,
    })


# --- every problem of a file, each with its line ---------------------------------------------

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)")
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_KEY = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER_LINE = re.compile(rf"^\s*\[\[?\s*({_KEY})\s*\]\]?")
_KEY_LINE = re.compile(rf"^\s*({_KEY})\s*=")


def _key_parts(key: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in re.findall(_KEY_PART, key))


def key_lines(text: str) -> list[tuple[tuple[str, ...], int]]:
    """(full key path, 1-based line) of every table header and ``key =`` line of a TOML
    text; enough to say where a value that failed validation was written."""
    found: list[tuple[tuple[str, ...], int]] = []
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER_LINE.match(line)
        if header:
            table = _key_parts(header.group(1))
            found.append((table, number))
            continue
        key = _KEY_LINE.match(line)
        if key:
            found.append(((*table, *_key_parts(key.group(1))), number))
    return found


def line_of(location: tuple[str | int, ...], lines: list[tuple[tuple[str, ...], int]],
            prefix: tuple[str, ...] = ()) -> int | None:
    """The line that wrote ``location`` (a validation error's ``loc``), or the line of the
    nearest enclosing key or table."""
    wanted = (*prefix, *(str(part) for part in location if not isinstance(part, int)))
    best: tuple[int, int] | None = None
    for path, number in lines:
        if wanted[:len(path)] == path and (best is None or len(path) > best[0]):
            best = (len(path), number)
    return best[1] if best else None


def _validate(table: Any, path: Path, text: str, prefix: tuple[str, ...]) -> Settings:
    """Settings from one file's table, or a ConfigError listing every problem with its line.

    Unknown rule codes and bad levels are checked here one by one (the model's own
    validator stops at the first), the rest by the model.
    """
    lines = key_lines(text)
    problems: list[tuple[int, str]] = []

    def problem(location: tuple[str | int, ...], message: str) -> None:
        problems.append((line_of(location, lines, prefix) or 0, message))

    if isinstance(table, dict) and isinstance(table.get("rules"), dict):
        kept: dict[str, Any] = {}
        for code, level in table["rules"].items():
            if str(code).strip().upper() not in RULES:
                problem(("rules", code), f"rules.{code}: unknown rule code {code!r} "
                        f"(known: {', '.join(RULES)})")
            elif not isinstance(level, str) or level.strip().lower() not in RULE_LEVELS:
                problem(("rules", code), f"rules.{code}: {level!r} is not a rule level "
                        f"({', '.join(RULE_LEVELS)})")
            else:
                kept[code] = level
        table = {**table, "rules": kept}
    settings: Settings | None = None
    try:
        settings = Settings.model_validate(table)
    except ValidationError as error:
        for detail in error.errors():
            where = ".".join(str(p) for p in detail["loc"])
            problem(tuple(detail["loc"]), f"{where}: {detail['msg']}" if where
                    else str(detail["msg"]))
    if problems or settings is None:
        listed = [f"{path}:{line}: {message}" if line else f"{path}: {message}"
                  for line, message in sorted(problems, key=lambda p: p[0])]
        raise ConfigError("\n".join(listed), listed)
    return settings
