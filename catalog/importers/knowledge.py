"""Knowledge packs: descriptions, synonyms, conventions and status codes in TOML.

vgpt2 ships one pack (``catalog/data/knowledge.toml``); a shop adds its own
files in the same format and they merge over it (:func:`merge_knowledge`).
The format::

    [pack]
    name = "..."
    sources = ["..."]

    [modules]
    AP = "Accounts Payable"

    [conventions]
    items = ["Query the views (JCCM), not the base tables (bJCCM)."]

    [objects.APTH]
    description = "AP transaction header ..."
    synonyms = ["ap invoices", "vendor invoices"]
    [objects.APTH.columns]
    APTrans = "AP transaction number, unique within APCo and Mth"

    [[status_codes]]
    object = "JCJM"
    column = "JobStatus"
    code = "1"
    meaning = "Open"
    source = "where this meaning is stated"

Loading never raises for a bad file: a TOML syntax error, an unknown key or a
value of the wrong type becomes a warning naming the file and line, and
everything else in the file still loads.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from vgpt2.catalog.model import ImportIssue, ImportResult, Knowledge, StatusCode

BUNDLED_FILE = "knowledge.toml"

_SECTIONS = ("pack", "modules", "conventions", "objects", "status_codes")
_PACK_KEYS = ("name", "sources")
_OBJECT_KEYS = ("description", "synonyms", "columns")
_STATUS_KEYS = ("object", "column", "code", "meaning", "source")


def bundled_knowledge_path() -> Path:
    """The knowledge pack that ships with vgpt2 (``vgpt2/catalog/data/knowledge.toml``)."""
    return Path(str(resources.files("vgpt2.catalog.data").joinpath(BUNDLED_FILE)))


def load_bundled_knowledge() -> ImportResult:
    return load_knowledge(bundled_knowledge_path())


def load_knowledge(path: Path) -> ImportResult:
    """Read one knowledge file; problems become warnings on the result, never exceptions."""
    result = ImportResult(source=path, knowledge=Knowledge())
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        result.issues.append(ImportIssue(path, None, f"cannot read knowledge file: {error}",
                                         "error"))
        return result

    locator = _Locator(text)
    try:
        data = tomllib.loads(text)
        status_lines: list[int | None] | None = None
    except tomllib.TOMLDecodeError as error:
        line = _error_line(error, text)
        result.warn(path, line, f"TOML syntax error: {error}; the rest of the file is "
                                "read table by table")
        salvaged = _salvage(text)
        for chunk_line, message, span in salvaged.errors:
            if line is None or line not in span:  # a second error, elsewhere in the file
                result.warn(path, chunk_line, f"TOML syntax error: {message}")
        data = salvaged.data
        status_lines = salvaged.status_lines

    reader = _PackReader(path, result, locator)
    reader.read(data, status_lines)
    return result


def merge_knowledge(base: Knowledge, overlay: Knowledge) -> Knowledge:
    """A new Knowledge: ``overlay`` over ``base``; neither input is changed.

    Descriptions, column descriptions and modules from the overlay replace the
    base's; synonyms are unioned (the overlay's first, no case-insensitive
    duplicates); status codes with the same (object, column, code) are replaced;
    conventions and sources are appended, skipping ones already present.
    """
    synonyms: dict[str, list[str]] = {}
    for name in [*base.synonyms, *(n for n in overlay.synonyms if n not in base.synonyms)]:
        synonyms[name] = _unique_words([*overlay.synonyms.get(name, ()),
                                        *base.synonyms.get(name, ())])
    return Knowledge(
        modules={**base.modules, **overlay.modules},
        descriptions={**base.descriptions, **overlay.descriptions},
        column_descriptions={**base.column_descriptions, **overlay.column_descriptions},
        synonyms=synonyms,
        status_codes={**base.status_codes, **overlay.status_codes},
        conventions=_append_unique(base.conventions, overlay.conventions),
        sources=_append_unique(base.sources, overlay.sources),
    )


# -- reading ------------------------------------------------------------------------------


class _PackReader:
    """Reads one knowledge pack: checks the parsed TOML entry by entry and fills the
    result's Knowledge."""

    def __init__(self, path: Path, result: ImportResult, locator: _Locator) -> None:
        self.path = path
        self.result = result
        self.locator = locator
        assert result.knowledge is not None
        self.knowledge: Knowledge = result.knowledge

    def warn(self, line: int | None, message: str) -> None:
        self.result.warn(self.path, line, message)

    def read(self, data: Mapping[str, object], status_lines: list[int | None] | None) -> None:
        for section, value in data.items():
            if section not in _SECTIONS:
                line = self.locator.table((section,)) or self.locator.key((), section)
                self.warn(line, f"unknown section {section!r} (expected one of "
                                f"{', '.join(_SECTIONS)}); ignored")
                continue
            if section == "status_codes":
                self.read_status_codes(value, status_lines)
            elif not isinstance(value, dict):
                self.warn(self.locator.key((), section),
                          f"[{section}] must be a table, not {_type_name(value)}; ignored")
            elif section == "pack":
                self.read_pack(value)
            elif section == "modules":
                self.read_modules(value)
            elif section == "conventions":
                self.read_conventions(value)
            else:
                self.read_objects(value)

    def read_pack(self, pack: Mapping[str, object]) -> None:
        for key, value in pack.items():
            line = self.locator.key(("pack",), key)
            if key == "name":
                if not isinstance(value, str):
                    self.warn(line, f"pack.name must be a string, not {_type_name(value)}")
            elif key == "sources":
                strings = self.string_list(value, "pack.sources", line)
                if strings is not None:
                    self.knowledge.sources = _append_unique(self.knowledge.sources, strings)
            else:
                self.warn(line, f"unknown key {key!r} in [pack] (expected "
                                f"{', '.join(_PACK_KEYS)}); ignored")

    def read_modules(self, modules: Mapping[str, object]) -> None:
        for code, name in modules.items():
            if isinstance(name, str) and name.strip():
                self.knowledge.modules[code.strip()] = name.strip()
            else:
                self.warn(self.locator.key(("modules",), code),
                          f"module {code!r} must have a non-empty string name, "
                          f"not {_type_name(name)}; ignored")

    def read_conventions(self, conventions: Mapping[str, object]) -> None:
        for key, value in conventions.items():
            line = self.locator.key(("conventions",), key)
            if key != "items":
                self.warn(line, f"unknown key {key!r} in [conventions] (expected items); ignored")
                continue
            strings = self.string_list(value, "conventions.items", line)
            if strings is not None:
                self.knowledge.conventions = _append_unique(self.knowledge.conventions, strings)

    def read_objects(self, objects: Mapping[str, object]) -> None:
        for name, entry in objects.items():
            table = ("objects", name)
            header = self.locator.table(table) or self.locator.key(("objects",), name)
            if not isinstance(entry, dict):
                self.warn(header, f"objects.{name} must be a table, not {_type_name(entry)}; "
                                  "ignored")
                continue
            for key, value in entry.items():
                line = self.locator.key(table, key)
                where = f"objects.{name}.{key}"
                if key == "description":
                    if isinstance(value, str) and value.strip():
                        self.knowledge.descriptions[name] = value.strip()
                    else:
                        self.warn(line, f"{where} must be a non-empty string, "
                                        f"not {_type_name(value)}; ignored")
                elif key == "synonyms":
                    words = self.string_list(value, where, line)
                    if words is not None:
                        self.knowledge.synonyms[name] = _unique_words(
                            [*self.knowledge.synonyms.get(name, ()), *words])
                elif key == "columns":
                    self.read_columns(name, value)
                else:
                    self.warn(line, f"unknown key {key!r} in objects.{name} (expected "
                                    f"{', '.join(_OBJECT_KEYS)}); ignored")

    def read_columns(self, name: str, columns: object) -> None:
        table = ("objects", name, "columns")
        if not isinstance(columns, dict):
            self.warn(self.locator.key(("objects", name), "columns"),
                      f"objects.{name}.columns must be a table of column = description, "
                      f"not {_type_name(columns)}; ignored")
            return
        for column, text in columns.items():
            if isinstance(text, str) and text.strip():
                self.knowledge.column_descriptions[(name, column)] = text.strip()
            else:
                self.warn(self.locator.key(table, column),
                          f"objects.{name}.columns.{column} must be a non-empty string, "
                          f"not {_type_name(text)}; ignored")

    def read_status_codes(self, entries: object,
                          status_lines: list[int | None] | None) -> None:
        if not isinstance(entries, list):
            self.warn(self.locator.key((), "status_codes"),
                      "status_codes must be an array of tables ([[status_codes]]), "
                      f"not {_type_name(entries)}; ignored")
            return
        lines = status_lines if status_lines is not None else self.locator.array_tables(
            "status_codes")
        if len(lines) != len(entries):
            lines = [None] * len(entries)
        seen: dict[tuple[str, str, str], int | None] = {}
        for number, (entry, line) in enumerate(zip(entries, lines, strict=True), start=1):
            code = self.read_status_code(entry, line, number)
            if code is None:
                continue
            key = (code.object, code.column, code.code)
            if key in seen:
                earlier = f" (line {seen[key]})" if seen[key] else ""
                self.warn(line, f"status code {code.object}.{code.column} = {code.code!r} "
                                f"is defined again; this one replaces the earlier{earlier}")
            seen[key] = line
            self.knowledge.status_codes[key] = code

    def read_status_code(self, entry: object, line: int | None, number: int) -> StatusCode | None:
        label = f"status_codes entry {number}"
        if not isinstance(entry, dict):
            self.warn(line, f"{label} must be a table, not {_type_name(entry)}; ignored")
            return None
        values: dict[str, str] = {}
        problems: list[str] = []
        for key, value in entry.items():
            if key not in _STATUS_KEYS:
                self.warn(self.locator.key_after(line, key) or line,
                          f"unknown key {key!r} in {label} (expected "
                          f"{', '.join(_STATUS_KEYS)}); ignored")
            elif key == "code" and isinstance(value, int) and not isinstance(value, bool):
                values[key] = str(value)  # code = 1 means the code "1"
            elif isinstance(value, str) and value.strip():
                values[key] = value.strip()
            else:
                problems.append(f"{key} must be a non-empty string, not {_type_name(value)}")
        missing = [key for key in _STATUS_KEYS if key not in values and key not in entry]
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if problems:
            what = f"{values.get('object', '?')}.{values.get('column', '?')}"
            self.warn(line, f"{label} ({what}): {'; '.join(problems)}; ignored (a status "
                            "code needs object, column, code, meaning and its source)")
            return None
        return StatusCode(object=values["object"], column=values["column"], code=values["code"],
                          meaning=values["meaning"], source=values["source"])

    def string_list(self, value: object, where: str, line: int | None) -> list[str] | None:
        if not isinstance(value, list):
            self.warn(line, f"{where} must be a list of strings, not {_type_name(value)}; "
                            "ignored")
            return None
        strings = [item.strip() for item in value if isinstance(item, str) and item.strip()]
        if len(strings) != len(value):
            self.warn(line, f"{where}: {len(value) - len(strings)} item(s) that are not "
                            "non-empty strings ignored")
        return strings


# -- locating entries in the text ---------------------------------------------------------

_HEADER = re.compile(r"""^[ \t]*(\[\[?)[ \t]*((?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
                     r"""(?:[ \t]*\.[ \t]*(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'))*)"""
                     r"""[ \t]*\]\]?[ \t]*(?:#.*)?$""")
_KEY_PART = re.compile(r"""[ \t]*(?:([A-Za-z0-9_-]+)|"((?:[^"\\]|\\.)*)"|'([^']*)')[ \t]*""")


def _split_dotted(text: str) -> tuple[str, ...]:
    parts: list[str] = []
    for piece in re.finditer(_KEY_PART.pattern + r"(?:\.|$)", text):
        bare, basic, literal = piece.group(1), piece.group(2), piece.group(3)
        if bare is not None:
            parts.append(bare)
        elif basic is not None:
            parts.append(basic.encode("latin-1", "backslashreplace").decode("unicode_escape"))
        elif literal is not None:
            parts.append(literal)
    return tuple(parts)


@dataclass(frozen=True, slots=True)
class _Header:
    line: int
    """1-based line number."""
    path: tuple[str, ...]
    array: bool


class _Locator:
    """Finds the line of a table header or a key, by searching the text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[_Header] = []
        for number, line in enumerate(self.lines, start=1):
            match = _HEADER.match(line)
            if match:
                self.headers.append(_Header(number, _split_dotted(match.group(2)),
                                            array=match.group(1) == "[["))

    def table(self, path: tuple[str, ...]) -> int | None:
        for header in self.headers:
            if header.path == path:
                return header.line
        return None

    def array_tables(self, name: str) -> list[int | None]:
        return [h.line for h in self.headers if h.array and h.path == (name,)]

    def key(self, table: tuple[str, ...], key: str) -> int | None:
        """The line of ``key`` in ``table`` (or written as a dotted key in a parent table)."""
        for depth in range(len(table), -1, -1):
            parent, rest = table[:depth], (*table[depth:], key)
            start = 1 if not parent else self.table(parent)
            if start is None:
                continue
            found = self._find_key(start if parent else 0, rest)
            if found is not None:
                return found
        return self.table(table)

    def key_after(self, header_line: int | None, key: str) -> int | None:
        if header_line is None:
            return None
        return self._find_key(header_line, (key,))

    def _find_key(self, header_line: int, dotted: tuple[str, ...]) -> int | None:
        """Search the lines after ``header_line`` (0: the top) up to the next header."""
        pattern = re.compile(r"^[ \t]*" + r"[ \t]*\.[ \t]*".join(
            rf"""(?:{re.escape(part)}|"{re.escape(part)}"|'{re.escape(part)}')"""
            for part in dotted) + r"[ \t]*=")
        for number in range(header_line + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if _HEADER.match(line):
                return None
            if pattern.match(line):
                return number
        return None


def _error_line(error: tomllib.TOMLDecodeError, text: str) -> int | None:
    lineno = getattr(error, "lineno", None)  # Python 3.14 adds lineno
    if isinstance(lineno, int):
        return lineno
    match = re.search(r"at line (\d+)", str(error))
    if match:
        return int(match.group(1))
    if "end of document" in str(error):
        return max(1, len(text.splitlines()))
    return None


# -- salvaging a file with a syntax error -------------------------------------------------


@dataclass(slots=True)
class _Salvage:
    data: dict[str, object] = field(default_factory=dict)
    errors: list[tuple[int, str, range]] = field(default_factory=list)
    """(line, message, the lines of the table it is in, plus the next header line)."""
    status_lines: list[int | None] = field(default_factory=list)


def _salvage(text: str) -> _Salvage:
    """Parse a broken file table by table, keeping every table that parses on its own."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if _HEADER.match(line)]
    bounds = sorted({0, *starts, len(lines)})
    salvage = _Salvage()
    for start, end in itertools.pairwise(bounds):
        chunk = "".join(lines[start:end])
        try:
            part = tomllib.loads(chunk)
        except tomllib.TOMLDecodeError as error:
            line = start + (_error_line(error, chunk) or 1)
            message = re.sub(r"at line \d+", f"at line {line}", str(error))
            salvage.errors.append((line, message, range(start + 1, end + 2)))
            continue
        entries = part.get("status_codes")
        if isinstance(entries, list):
            first = start + 1 if _HEADER.match(lines[start]) else None
            salvage.status_lines.extend([first] if len(entries) == 1 else [None] * len(entries))
        _deep_merge(salvage.data, part)
    return salvage


def _deep_merge(target: dict[str, object], source: Mapping[str, object]) -> None:
    for key, value in source.items():
        existing = target.get(key)
        if key not in target:
            target[key] = value
        elif isinstance(existing, dict) and isinstance(value, dict):
            _deep_merge(existing, value)
        elif isinstance(existing, list) and isinstance(value, list):
            existing.extend(value)
        # otherwise the first definition wins; tomllib already reported the duplicate


# -- small helpers ------------------------------------------------------------------------


def _unique_words(words: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    unique: list[str] = []
    for word in words:
        folded = word.casefold()
        if folded not in seen:
            seen.add(folded)
            unique.append(word)
    return unique


def _append_unique(base: Iterable[str], extra: Iterable[str]) -> list[str]:
    result = list(base)
    seen = {_normalized(item) for item in result}
    for item in extra:
        if _normalized(item) not in seen:
            seen.add(_normalized(item))
            result.append(item)
    return result


def _normalized(text: str) -> str:
    return " ".join(text.split()).casefold()


def _type_name(value: object) -> str:
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a float",
             list: "an array", dict: "a table"}
    for kind, name in names.items():
        if type(value) is kind:
            return name
    return type(value).__name__
