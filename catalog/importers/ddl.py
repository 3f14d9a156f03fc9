"""Import a folder of T-SQL scripts: SQL Source Control, SSMS "Generate Scripts", or one big file.

Tables, user types, indexes and constraints are read by a small tolerant reader
of our own (sqlglot gives up on many real ``CREATE TABLE`` statements); only
view bodies go to sqlglot, to find what they read and which columns they
return. Procedure and function bodies are never tokenized past their header,
which keeps a folder of thousands of files to a few seconds.

Every problem becomes an issue on the result naming the file and line; nothing
in the scripts makes :func:`import_ddl` raise.
"""

from __future__ import annotations

import dataclasses
import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import sqlglot
from sqlglot import exp
from vgpt2.catalog.model import (
    CatalogObject,
    Column,
    ForeignKey,
    ImportIssue,
    ImportResult,
    Key,
    KeyKind,
    ObjectType,
    Parameter,
    SourceLocation,
    UserType,
)
from vgpt2.catalog.naming import module_of
from vgpt2.catalog.sqltypes import SQL_TYPES

__all__ = ["decode_sql_bytes", "import_ddl", "looks_binary", "split_batches"]

UNKNOWN = "unknown"
COMPUTED = "computed"

# --------------------------------------------------------------------------- text


def decode_sql_bytes(data: bytes) -> str:
    """Text of a script file: UTF-8 (BOM or not), UTF-16 (SSMS's "Unicode"), else cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if len(data) >= 2 and len(data) % 2 == 0 and data.count(0) * 3 >= len(data):
        encoding = "utf-16-le" if data[1::2].count(0) >= data[0::2].count(0) else "utf-16-be"
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode("cp1252", errors="replace")


_CONTROL = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\r\f\v") | {"\ufffd"}


def looks_binary(text: str, sample: int = 65536) -> bool:
    """Whether decoded "text" is really binary data: a NUL, or many control characters.

    A script never holds a NUL once decoded (UTF-16 is decoded first); random bytes
    decoded as Windows-1252 are one part in eight controls or replacement marks.
    """
    head = text[:sample]
    if "\x00" in head:
        return True
    return bool(head) and sum(c in _CONTROL for c in head) * 20 > len(head)


_GO = re.compile(r"\n[ \t]*[gG][oO](?:[ \t]+\d+)?[ \t]*(?:--[^\r\n]*)?\r?(?=\n|\Z)")
_GO_FIRST = re.compile(r"[ \t]*[gG][oO](?:[ \t]+\d+)?[ \t]*(?:--[^\r\n]*)?\r?(?=\n|\Z)")


def split_batches(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` offsets of each batch between ``GO`` lines, as SSMS and sqlcmd split.

    A ``GO`` line is ``GO`` alone on its line (any case), optionally with a repeat
    count and a ``--`` comment.
    """
    start = 0
    first = _GO_FIRST.match(text)
    if first is not None:
        yield 0, 0
        start = first.end()
    for match in _GO.finditer(text, start):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


class _Tok(NamedTuple):
    kind: str
    """``word``, ``br`` ([name]), ``qi`` ("name"), ``str``, ``num`` or ``op``."""
    text: str
    start: int
    end: int
    upper: str
    """Upper-cased text of a word (keywords compare on it); empty for other kinds."""


_TOKEN = re.compile(
    r"""
    (?:\s+|--[^\n]*+)*+
    (?:
     (?P<bc>/\*)
    |(?P<br>\[(?:[^\]]|\]\])*+(?:\]|\Z))
    |(?P<qi>"(?:[^"]|"")*+(?:"|\Z))
    |(?P<str>[Nn]?'(?:[^']|'')*+(?:'|\Z))
    |(?P<num>0[xX][0-9A-Fa-f]*|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    |(?P<word>[^\W\d][\w@#$]*|[@#][\w@#$]*)
    |(?P<op>.)
    |(?P<eof>\Z)
    )
    """,
    re.VERBOSE | re.DOTALL,
)
_BLOCK = re.compile(r"/\*|\*/")
_IDENT_KINDS = frozenset({"word", "br", "qi"})


def _block_comment_end(text: str, pos: int, end: int) -> int:
    """End of the block comment opening at ``pos``; T-SQL block comments nest."""
    depth, index = 1, pos + 2
    while depth:
        match = _BLOCK.search(text, index, end)
        if match is None:
            return end
        depth += 1 if match.group() == "/*" else -1
        index = match.end()
    return index


class _Stream:
    """Lazily tokenizes ``text[pos:end]``; comments and whitespace are skipped.

    Tokens are pulled only as far as a reader looks, so a procedure body after
    its header is never tokenized.
    """

    __slots__ = ("_iter", "_toks", "end", "index", "text")

    def __init__(self, text: str, pos: int, end: int) -> None:
        self.text = text
        self.end = end
        self.index = 0
        self._toks: list[_Tok] = []
        self._iter: Iterator[re.Match[str]] | None = _TOKEN.finditer(text, pos, end)

    def _pull(self) -> bool:
        """Tokenize a few more tokens (more each time: headers stay cheap, tables fast)."""
        iterator = self._iter
        if iterator is None:
            return False
        toks, text, end = self._toks, self.text, self.end
        before = len(toks)
        wanted = before + min(16 + before, 512)
        new = tuple.__new__
        while len(toks) < wanted:
            match = next(iterator, None)
            kind = match.lastgroup or "op" if match is not None else "eof"
            if match is None or kind == "eof":
                self._iter = None
                break
            start = match.start(kind)
            if kind == "bc":
                resume = _block_comment_end(text, start, end)
                self._iter = iterator = _TOKEN.finditer(text, resume, end)
                continue
            value = match.group(kind)
            toks.append(new(_Tok, (kind, value, start, match.end(),
                                   value.upper() if kind == "word" else "")))
        return len(toks) > before

    def peek(self, ahead: int = 0) -> _Tok | None:
        index = self.index + ahead
        toks = self._toks
        while index >= len(toks):
            if not self._pull():
                return None
        return toks[index]

    def next(self) -> _Tok | None:
        tok = self.peek()
        if tok is not None:
            self.index += 1
        return tok

    def peek_word(self, ahead: int = 0) -> str | None:
        tok = self.peek(ahead)
        return tok.upper if tok is not None and tok.kind == "word" else None

    def accept(self, *words: str) -> str | None:
        word = self.peek_word()
        if word is not None and word in words:
            self.next()
            return word
        return None

    def accept_op(self, op: str) -> _Tok | None:
        tok = self.peek()
        if tok is not None and tok.kind == "op" and tok.text == op:
            return self.next()
        return None

    def position(self) -> int:
        """Offset of the next unread token (or of the end)."""
        tok = self.peek()
        return tok.start if tok is not None else self.end

    def skip_group(self) -> int | None:
        """After a consumed ``(``: skip to the matching ``)``; its end, or None if unterminated."""
        depth = 1
        while True:
            tok = self.next()
            if tok is None:
                return None
            if tok.kind == "op":
                if tok.text == "(":
                    depth += 1
                elif tok.text == ")":
                    depth -= 1
                    if depth == 0:
                        return tok.end


def _is_op(tok: _Tok | None, op: str) -> bool:
    return tok is not None and tok.kind == "op" and tok.text == op


def _ident_text(tok: _Tok) -> str:
    if tok.kind == "br":
        inner = tok.text[1:-1] if tok.text.endswith("]") and len(tok.text) > 1 else tok.text[1:]
        return inner.replace("]]", "]")
    if tok.kind == "qi":
        inner = tok.text[1:-1] if tok.text.endswith('"') and len(tok.text) > 1 else tok.text[1:]
        return inner.replace('""', '"')
    return tok.text


def _string_value(tok: _Tok) -> str:
    body = tok.text[1:] if tok.text[0] in "Nn" else tok.text
    body = body[1:-1] if body.endswith("'") and len(body) > 1 else body[1:]
    return body.replace("''", "'")


class _SyntaxError(Exception):
    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


class _Source:
    """One script's text; turns offsets into 1-based lines (cheaply, for mostly rising offsets)."""

    __slots__ = ("_line", "_pos", "line_base", "path", "text")

    def __init__(self, path: Path, text: str, line_base: int = 0) -> None:
        self.path = path
        self.text = text
        self.line_base = line_base
        self._pos = 0
        self._line = 1

    def line(self, pos: int) -> int:
        if pos >= self._pos:
            self._line += self.text.count("\n", self._pos, pos)
        else:
            self._line = 1 + self.text.count("\n", 0, pos)
        self._pos = pos
        return self._line + self.line_base


# --------------------------------------------------------------------------- types

_TYPE_SYNONYMS = {"integer": "int", "dec": "decimal", "character": "char"}
_SIZED = frozenset({"char", "varchar", "nchar", "nvarchar", "binary", "varbinary"})
_FRACTIONAL = frozenset({"time", "datetime2", "datetimeoffset"})


class _TypeRef(NamedTuple):
    name: str
    """As declared, without schema or brackets; SQL types lower-cased."""
    args: tuple[str, ...]

    def text(self) -> str:
        return f"{self.name}({','.join(self.args)})" if self.args else self.name


class _Sizes(NamedTuple):
    base_type: str
    max_length: int | None
    precision: int | None
    scale: int | None


def _to_int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _sql_type_sizes(name: str, args: tuple[str, ...]) -> _Sizes:
    """Sizes of a built-in type as SQL Server applies them (``varchar`` alone is ``varchar(1)``)."""
    first = args[0] if args else None
    if name == "sysname":
        return _Sizes("nvarchar", 128, None, None)
    if name in _SIZED:
        if first is None:
            return _Sizes(name, 1, None, None)
        return _Sizes(name, -1 if first.lower() == "max" else _to_int(first), None, None)
    if name in ("decimal", "numeric"):
        precision = _to_int(first) if first else 18
        scale = _to_int(args[1]) if len(args) > 1 else 0
        return _Sizes(name, None, precision, scale)
    if name == "float" and first:
        return _Sizes(name, None, _to_int(first), None)
    if name in _FRACTIONAL and first:
        return _Sizes(name, None, None, _to_int(first))
    return _Sizes(name, None, None, None)


def _parse_type_text(text: str) -> _TypeRef | None:
    """``VARCHAR(30)``, ``[dbo].[bCompany]`` -> a type reference; None when it is not one."""
    stream = _Stream(text, 0, len(text))
    try:
        ref = _read_type(stream)
    except _SyntaxError:
        return None
    return ref if stream.peek() is None else None


def _read_name_parts(stream: _Stream) -> tuple[list[str], _Tok]:
    """``[db].[dbo].[name]`` -> its parts (raw, unstripped) and the first token."""
    first = stream.next()
    if first is None:
        raise _SyntaxError("expected a name, found the end of the statement", stream.end)
    if first.kind not in _IDENT_KINDS:
        raise _SyntaxError(f"expected a name, found {first.text!r}", first.start)
    parts = [_ident_text(first)]
    while _is_op(stream.peek(), "."):
        stream.next()
        tok = stream.peek()
        if tok is not None and tok.kind in _IDENT_KINDS:
            stream.next()
            parts.append(_ident_text(tok))
        elif _is_op(tok, "."):
            parts.append("")
        else:
            raise _SyntaxError("expected a name after '.'", stream.position())
    return parts, first


def _read_type(stream: _Stream) -> _TypeRef:
    parts, first = _read_name_parts(stream)
    name = parts[-1].strip()
    if not name:
        raise _SyntaxError("empty type name", first.start)
    if name.lower() == "double" and stream.accept("PRECISION"):
        name = "float"
    lowered = _TYPE_SYNONYMS.get(name.lower(), name.lower())
    if lowered in SQL_TYPES:
        name = lowered
        if name in ("char", "nchar") and stream.accept("VARYING"):
            name = "n" * (name == "nchar") + "varchar"
    args: list[str] = []
    if stream.accept_op("("):
        while True:
            tok = stream.next()
            if tok is None:
                raise _SyntaxError(f"unterminated size of type {name!r}", stream.end)
            if _is_op(tok, ")"):
                break
            if _is_op(tok, ","):
                continue
            if tok.kind == "num" or (tok.kind == "word" and tok.text.lower() == "max"):
                args.append(tok.text.lower())
                continue
            raise _SyntaxError(f"expected a size in type {name!r}, found {tok.text!r}", tok.start)
    if stream.accept("VARYING"):
        pass
    return _TypeRef(name, tuple(args))


# --------------------------------------------------------------------------- drafts


@dataclass(slots=True)
class _ColumnDraft:
    name: str
    line: int
    type: _TypeRef | None
    """None for a computed column."""
    nullable: bool | None = None
    identity: bool = False
    description: str | None = None


@dataclass(slots=True)
class _Draft:
    schema: str
    name: str
    type: ObjectType
    path: Path
    line: int
    definition: str | None = None
    description: str | None = None
    columns: list[_ColumnDraft] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)
    select: str | None = None
    """A view's SELECT (or an inline function's RETURN query), resolved after all files."""
    select_line: int = 0
    column_aliases: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _PendingKey:
    table: str
    key: Key
    path: Path
    line: int


@dataclass(slots=True)
class _PendingForeignKey:
    name: str
    table: str
    columns: tuple[str, ...]
    target: str
    target_columns: tuple[str, ...] | None
    path: Path
    line: int


@dataclass(slots=True)
class _PendingColumns:
    table: str
    columns: list[_ColumnDraft]
    keys: list[Key]
    path: Path
    line: int


class _Query(NamedTuple):
    tree: exp.Expr | None
    base_objects: tuple[str, ...]
    trivial: tuple[str, str] | None
    """``(object, alias)`` for ``SELECT a.* FROM object a``: no sqlglot needed."""
    problem: str | None


_STATEMENT_WORDS = frozenset({
    "CREATE", "ALTER", "GRANT", "DENY", "REVOKE", "EXEC", "EXECUTE", "SET", "IF", "PRINT",
    "SELECT", "INSERT", "UPDATE", "DELETE", "DECLARE", "BEGIN", "END", "USE", "DROP",
    "TRUNCATE", "RETURN", "WHILE", "COMMIT", "ROLLBACK",
})
_LIST_ENDING_WORDS = _STATEMENT_WORDS - {"SET"}
_CONSTRAINT_WORDS = frozenset({"CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "INDEX"})
_TABLE_LEVEL_WORDS = _CONSTRAINT_WORDS | {"PERIOD"}
_EXT_PROPERTY_ARGS = (
    "@name", "@value", "@level0type", "@level0name", "@level1type", "@level1name",
    "@level2type", "@level2name",
)
_CREATE_IN_STRING = re.compile(
    r"^\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*(?:create|alter)\s", re.IGNORECASE | re.DOTALL
)
_DESCRIPTION_LABEL = re.compile(
    r"^(?:purpose|description|desc|usage|summary)\s*:\s*(.*)$", re.IGNORECASE
)
_LABEL_LINE = re.compile(r"^[A-Za-z][\w ./()-]{0,40}:")
_COMMENT = re.compile(r"/\*.*?\*/|--[^\n]*", re.DOTALL)
_DECORATION = " \t*-=#/\\|~+"
_CHECK_OPTION = re.compile(r"\bwith\s+check\s+option\s*;?\s*$", re.IGNORECASE)
_NAME = r"(?:\[[^\]]+\]|\"[^\"]+\"|[A-Za-z_@#][\w@#$]*)"
_QUALIFIED = rf"{_NAME}(?:\s*\.\s*{_NAME}){{0,3}}"
_TRIVIAL_VIEW = re.compile(
    rf"^\s*select\s+(?:(?P<qualifier>{_NAME})\s*\.\s*)?\*\s+from\s+(?P<name>{_QUALIFIED})"
    rf"(?:\s+(?:as\s+)?(?P<alias>{_NAME}))??"
    r"(?:\s+with\s*\(\s*nolock\s*\))?\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_FROM_JOIN = re.compile(rf"\b(?:from|join)\s+(?P<name>{_QUALIFIED})", re.IGNORECASE)
_NOT_TABLES = frozenset({"select", "where", "on", "as", "with"})
_VIEW_BATCH = re.compile(r"^\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*(?:create|alter)\s+view\b",
                         re.IGNORECASE | re.DOTALL)


def _last_part(qualified: str) -> str:
    parts = re.findall(_NAME, qualified)
    last = parts[-1] if parts else qualified
    if last[:1] in "[\"":
        last = last[1:-1]
    return last.strip()


# --------------------------------------------------------------------------- reader


class _Reader:
    def __init__(self, result: ImportResult) -> None:
        self.result = result
        self.objects: dict[str, _Draft] = {}
        self.pending_keys: list[_PendingKey] = []
        self.pending_fks: list[_PendingForeignKey] = []
        self.pending_columns: list[_PendingColumns] = []
        self.descriptions: dict[tuple[str, str | None], str] = {}
        self.trigger_descriptions: dict[str, str] = {}
        self._spaced: set[tuple[Path, str]] = set()
        self._view_columns: dict[str, tuple[Column, ...] | None] = {}
        self._queries: dict[str, _Query] = {}
        self._resolving: set[str] = set()
        self._table_columns: dict[str, tuple[Column, ...]] = {}
        self._folded_objects: dict[str, _Draft] | None = None

    # ---- files and batches

    def read_file(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as error:
            self.result.issues.append(ImportIssue(path, None, f"cannot read: {error}", "error"))
            return
        text = decode_sql_bytes(data)
        if looks_binary(text):
            self.result.issues.append(ImportIssue(
                path, None, "a binary file, not a T-SQL script (a compiled catalog, an archive, "
                "a spreadsheet?); skipped", "error"))
            return
        self.read_text(_Source(path, text))

    def read_text(self, src: _Source) -> None:
        for start, end in split_batches(src.text):
            self.read_batch(src, start, end)

    def _collect_reads(self, text: str) -> None:
        """The objects a batch reads together, for the join-frequency prior.

        Views count through their base objects; every other batch (a procedure, a
        function, a shop's report query in a .sql file) counts here.
        """
        if _VIEW_BATCH.match(text):
            return
        names = _regex_base_objects(text)
        read = tuple(sorted({n for n in names if not n.startswith("#")}))
        if len(read) >= 2:
            self.result.read_together.append(read)

    def read_batch(self, src: _Source, start: int, end: int) -> None:
        self._collect_reads(src.text[start:end])
        stream = _Stream(src.text, start, end)
        while True:
            tok = stream.next()
            if tok is None:
                return
            if tok.kind != "word":
                continue
            word = tok.upper
            try:
                if word in ("CREATE", "ALTER"):
                    if self._read_create(src, stream, tok, start):
                        return
                elif word in ("EXEC", "EXECUTE"):
                    self._read_exec(src, stream)
                elif word in ("GRANT", "DENY", "REVOKE"):
                    _skip_permission(stream)
            except _SyntaxError as error:
                self.result.warn(src.path, src.line(error.pos), error.message)
            except Exception as error:  # a reader bug must not lose the rest of the import
                self.result.warn(
                    src.path, src.line(tok.start), f"internal error reading statement: {error!r}"
                )
                return

    def _clean(self, raw: str, src: _Source, tok: _Tok, what: str = "name") -> str:
        name = raw.strip()
        if not name:
            raise _SyntaxError(f"empty {what}", tok.start)
        if name != raw and (src.path, raw) not in self._spaced:
            self._spaced.add((src.path, raw))
            self.result.warn(
                src.path, src.line(tok.start),
                f"{what} [{raw}] has leading or trailing spaces; using {name!r}",
            )
        return name

    def _object_name(self, src: _Source, stream: _Stream) -> tuple[str, str, _Tok]:
        parts, first = _read_name_parts(stream)
        name = self._clean(parts[-1], src, first)
        schema = parts[-2].strip() if len(parts) >= 2 and parts[-2].strip() else "dbo"
        return schema, name, first

    def _add(self, draft: _Draft) -> None:
        previous = self.objects.pop(draft.name, None)
        if previous is not None:
            self.result.warn(
                draft.path, draft.line,
                f"{draft.name} is defined again; this definition replaces the one at "
                f"{previous.path}:{previous.line}",
            )
        self.objects[draft.name] = draft

    # ---- statements

    def _read_create(self, src: _Source, stream: _Stream, create: _Tok, batch_start: int) -> bool:
        """Read one CREATE/ALTER statement; True when it takes the rest of the batch."""
        is_alter = create.upper == "ALTER"
        if not is_alter and stream.accept("OR"):
            stream.accept("ALTER")
        kind = stream.peek_word()
        if kind is None:
            return False
        if kind == "TABLE":
            stream.next()
            if is_alter:
                self._read_alter_table(src, stream)
            else:
                self._read_table(src, stream, create)
            return False
        if kind in ("VIEW", "PROC", "PROCEDURE", "FUNCTION", "TRIGGER"):
            # These own the rest of the batch: an error in the header ends the batch too,
            # so a body is never read as statements of its own.
            stream.next()
            try:
                if kind == "VIEW":
                    self._read_view(src, stream, create, batch_start)
                elif kind == "TRIGGER":
                    self._read_trigger(src, stream, batch_start)
                else:
                    self._read_routine(src, stream, create, batch_start, kind == "FUNCTION")
            except _SyntaxError as error:
                self.result.warn(src.path, src.line(error.pos), error.message)
            return True
        if is_alter:
            return False
        if kind in ("UNIQUE", "CLUSTERED", "NONCLUSTERED", "INDEX"):
            self._read_index(src, stream)
        elif kind == "TYPE":
            stream.next()
            self._read_create_type(src, stream)
        return False

    def _read_trigger(self, src: _Source, stream: _Stream, batch_start: int) -> None:
        """Only the title a trigger's header gives its table; the body is never tokenized."""
        _read_name_parts(stream)
        if not stream.accept("ON"):
            return
        _, table, _ = self._object_name(src, stream)
        if table not in self.trigger_descriptions:
            description = _trigger_description(src.text, batch_start, stream.end, table)
            if description:
                self.trigger_descriptions[table] = description

    def _read_table(self, src: _Source, stream: _Stream, create: _Tok) -> None:
        schema, name, _ = self._object_name(src, stream)
        draft = _Draft(schema, name, ObjectType.TABLE, src.path, src.line(create.start))
        if not stream.accept_op("("):
            tok = stream.peek()
            found = tok.text if tok is not None else "the end of the statement"
            raise _SyntaxError(f"CREATE TABLE {name}: expected '(', found {found!r}",
                               stream.position())
        end = self._read_column_list(src, stream, draft.name, draft.columns, draft.keys)
        while True:  # ON [PRIMARY], TEXTIMAGE_ON [PRIMARY], WITH (...), ;
            word = stream.peek_word()
            if word in ("ON", "TEXTIMAGE_ON", "FILESTREAM_ON"):
                stream.next()
                target = stream.next()
                if target is None:
                    break
                end = target.end
                if stream.accept_op("("):
                    end = stream.skip_group() or stream.end
            elif word == "WITH" and _is_op(stream.peek(1), "("):
                stream.next()
                stream.next()
                end = stream.skip_group() or stream.end
            elif _is_op(stream.peek(), ";"):
                tok = stream.next()
                end = tok.end if tok is not None else end
            else:
                break
        draft.definition = src.text[create.start:end].strip()
        if not name.startswith(("#", "@")):  # temporary tables are not part of the schema
            self._add(draft)

    def _read_column_list(
        self, src: _Source, stream: _Stream, table: str, columns: list[_ColumnDraft],
        keys: list[Key],
    ) -> int:
        """Read column and constraint definitions after ``(``; the offset after ``)``."""
        while True:
            tok = stream.peek()
            if tok is None:
                self.result.warn(src.path, src.line(stream.end),
                                 f"{table}: column list not closed with ')'")
                return stream.end
            if _is_op(tok, ")"):
                stream.next()
                return tok.end
            if _is_op(tok, ","):
                stream.next()
                continue
            if tok.kind == "word" and tok.upper in _LIST_ENDING_WORDS:
                self.result.warn(src.path, src.line(tok.start),
                                 f"{table}: column list not closed with ')' before {tok.text}")
                return tok.start
            try:
                self._read_table_item(src, stream, table, columns, keys)
            except _SyntaxError as error:
                self.result.warn(src.path, src.line(error.pos), f"{table}: {error.message}")
                _skip_item(stream)

    def _read_table_item(
        self, src: _Source, stream: _Stream, table: str, columns: list[_ColumnDraft],
        keys: list[Key],
    ) -> None:
        tok = stream.peek()
        if tok is not None and tok.kind == "word" and tok.upper in _TABLE_LEVEL_WORDS and (
                tok.upper != "PERIOD" or stream.peek_word(1) == "FOR"):
            self._read_table_constraint(src, stream, table, keys)
        else:
            columns.append(self._read_column(src, stream, table, keys))
        _skip_item(stream)

    def _read_column(
        self, src: _Source, stream: _Stream, table: str, keys: list[Key]
    ) -> _ColumnDraft:
        name_tok = stream.next()
        if name_tok is None or name_tok.kind not in _IDENT_KINDS:
            found = name_tok.text if name_tok is not None else "the end"
            raise _SyntaxError(f"expected a column name, found {found!r}",
                               name_tok.start if name_tok else stream.end)
        name = self._clean(_ident_text(name_tok), src, name_tok, "column name")
        column = _ColumnDraft(name, src.line(name_tok.start), None)
        if stream.accept("AS"):
            _skip_expression(stream)
        else:
            column.type = _read_type(stream)
        constraint_name = ""
        while True:
            tok = stream.peek()
            if tok is None or _is_op(tok, ",") or _is_op(tok, ")") or _is_op(tok, ";"):
                break
            word = tok.upper if tok.kind == "word" else None
            if word in _STATEMENT_WORDS:
                break
            stream.next()
            if _is_op(tok, "("):
                stream.skip_group()
            elif word == "NOT":
                if stream.accept("NULL"):
                    column.nullable = False
            elif word == "NULL":
                column.nullable = True
            elif word == "IDENTITY":
                column.identity = True
                if stream.accept_op("("):
                    stream.skip_group()
            elif word == "COLLATE":
                stream.next()
            elif word == "DEFAULT":
                _skip_value(stream)
            elif word == "CONSTRAINT":
                name_part = stream.next()
                if name_part is not None and name_part.kind in _IDENT_KINDS:
                    constraint_name = self._clean(_ident_text(name_part), src, name_part,
                                                  "constraint name")
            elif word in ("PRIMARY", "UNIQUE"):
                kind = KeyKind.PRIMARY
                if word == "PRIMARY":
                    stream.accept("KEY")
                    stream.accept("CLUSTERED", "NONCLUSTERED")
                else:
                    clustered = stream.accept("CLUSTERED", "NONCLUSTERED") == "CLUSTERED"
                    kind = KeyKind.UNIQUE_CLUSTERED if clustered else KeyKind.UNIQUE
                keys.append(Key(constraint_name, kind, (name,)))
            elif word in ("FOREIGN", "REFERENCES"):
                if word == "FOREIGN":
                    stream.accept("KEY")
                    if not stream.accept("REFERENCES"):
                        continue
                self._read_references(src, stream, table, (name,), constraint_name,
                                      src.line(tok.start))
        return column

    def _read_table_constraint(
        self, src: _Source, stream: _Stream, table: str, keys: list[Key]
    ) -> None:
        name = ""
        start = stream.peek()
        line = src.line(start.start) if start is not None else src.line(stream.end)
        if stream.accept("CONSTRAINT"):
            parts, tok = _read_name_parts(stream)
            name = self._clean(parts[-1], src, tok, "constraint name")
        word = stream.accept("PRIMARY", "UNIQUE", "FOREIGN", "INDEX", "CHECK", "DEFAULT", "PERIOD")
        if word in ("PRIMARY", "UNIQUE"):
            if word == "PRIMARY":
                stream.accept("KEY")
            clustered = stream.accept("CLUSTERED", "NONCLUSTERED")
            if word == "PRIMARY":
                kind = KeyKind.PRIMARY
            else:
                kind = KeyKind.UNIQUE_CLUSTERED if clustered == "CLUSTERED" else KeyKind.UNIQUE
            columns = self._read_column_names(src, stream)
            keys.append(Key(name, kind, columns))
        elif word == "FOREIGN":
            stream.accept("KEY")
            columns = self._read_column_names(src, stream)
            if not stream.accept("REFERENCES"):
                raise _SyntaxError(f"FOREIGN KEY {name}: expected REFERENCES", stream.position())
            self._read_references(src, stream, table, columns, name, line)
        elif word == "INDEX":
            parts, tok = _read_name_parts(stream)
            index_name = self._clean(parts[-1], src, tok, "index name")
            unique = stream.accept("UNIQUE") is not None
            is_clustered = stream.accept("CLUSTERED", "NONCLUSTERED") == "CLUSTERED"
            columns = self._read_column_names(src, stream)
            if unique:
                kind = KeyKind.UNIQUE_CLUSTERED if is_clustered else KeyKind.UNIQUE
                keys.append(Key(index_name, kind, columns))
        # CHECK (...), DEFAULT (...) FOR col, PERIOD FOR SYSTEM_TIME (...): nothing to keep

    def _read_column_names(self, src: _Source, stream: _Stream) -> tuple[str, ...]:
        if not stream.accept_op("("):
            raise _SyntaxError("expected '(' before a column list", stream.position())
        names: list[str] = []
        while True:
            tok = stream.next()
            if tok is None:
                raise _SyntaxError("column list not closed with ')'", stream.end)
            if _is_op(tok, ")"):
                break
            if _is_op(tok, ","):
                continue
            if tok.kind in _IDENT_KINDS and tok.upper not in ("ASC", "DESC"):
                names.append(self._clean(_ident_text(tok), src, tok, "column name"))
            elif tok.kind == "word":
                continue
            else:
                raise _SyntaxError(f"unexpected {tok.text!r} in a column list", tok.start)
        if not names:
            raise _SyntaxError("empty column list", stream.position())
        return tuple(names)

    def _read_references(
        self, src: _Source, stream: _Stream, table: str, columns: tuple[str, ...], name: str,
        line: int,
    ) -> None:
        _, target, _ = self._object_name(src, stream)
        target_columns: tuple[str, ...] | None = None
        if _is_op(stream.peek(), "("):
            target_columns = self._read_column_names(src, stream)
        while stream.accept("ON"):  # ON DELETE CASCADE, ON UPDATE SET NULL, ...
            stream.accept("DELETE", "UPDATE")
            if stream.accept("NO"):
                stream.accept("ACTION")
            elif stream.accept("SET"):
                stream.accept("NULL", "DEFAULT")
            else:
                stream.accept("CASCADE")
        if target_columns is not None and len(target_columns) != len(columns):
            raise _SyntaxError(
                f"foreign key {name or table}: {len(columns)} columns reference "
                f"{len(target_columns)}", stream.position())
        self.pending_fks.append(
            _PendingForeignKey(name, table, columns, target, target_columns, src.path, line)
        )

    def _read_alter_table(self, src: _Source, stream: _Stream) -> None:
        _, table, first = self._object_name(src, stream)
        line = src.line(first.start)
        if stream.accept("WITH"):
            stream.accept("CHECK", "NOCHECK")
        if not stream.accept("ADD"):
            return  # CHECK CONSTRAINT, DROP, ALTER COLUMN, SET (...): nothing to keep
        added = _PendingColumns(table, [], [], src.path, line)
        while True:
            tok = stream.peek()
            if tok is None or (tok.kind == "word" and tok.upper in _STATEMENT_WORDS):
                break
            try:
                self._read_table_item(src, stream, table, added.columns, added.keys)
            except _SyntaxError as error:
                self.result.warn(src.path, src.line(error.pos), f"{table}: {error.message}")
                _skip_item(stream)
            if not stream.accept_op(","):
                break
        if added.columns or added.keys:
            self.pending_columns.append(added)

    def _read_index(self, src: _Source, stream: _Stream) -> None:
        unique = stream.accept("UNIQUE") is not None
        clustered = stream.accept("CLUSTERED", "NONCLUSTERED") == "CLUSTERED"
        if not stream.accept("INDEX"):
            return  # COLUMNSTORE, XML, SPATIAL indexes
        parts, name_tok = _read_name_parts(stream)
        name = self._clean(parts[-1], src, name_tok, "index name")
        if not stream.accept("ON"):
            raise _SyntaxError(f"CREATE INDEX {name}: expected ON", stream.position())
        _, table, _ = self._object_name(src, stream)
        columns = self._read_column_names(src, stream)
        if stream.accept("INCLUDE") and stream.accept_op("("):
            stream.skip_group()
        if stream.peek_word() == "WHERE" or not unique:
            return  # a filtered unique index does not make a key
        kind = KeyKind.UNIQUE_CLUSTERED if clustered else KeyKind.UNIQUE
        self.pending_keys.append(
            _PendingKey(table, Key(name, kind, columns), src.path, src.line(name_tok.start))
        )

    def _read_create_type(self, src: _Source, stream: _Stream) -> None:
        _, name, first = self._object_name(src, stream)
        if not stream.accept("FROM"):
            return  # AS TABLE (...) and CLR types are not column types
        type_tok = stream.peek()
        base = _read_type(stream)
        nullable = True
        if stream.accept("NOT"):
            nullable = stream.accept("NULL") is None
        self._add_type(src, first, name, base, nullable, type_tok)

    def _add_type(
        self, src: _Source, where: _Tok, name: str, base: _TypeRef, nullable: bool,
        type_tok: _Tok | None,
    ) -> None:
        if base.name not in SQL_TYPES:
            self.result.warn(src.path, src.line((type_tok or where).start),
                             f"type {name}: base type {base.name!r} is not a SQL Server type")
            return
        sizes = _sql_type_sizes(base.name, base.args)
        self.result.types[name] = UserType(
            name=name, base_type=sizes.base_type, max_length=sizes.max_length,
            precision=sizes.precision, scale=sizes.scale, nullable=nullable,
        )

    def _read_view(self, src: _Source, stream: _Stream, create: _Tok, batch_start: int) -> None:
        schema, name, _ = self._object_name(src, stream)
        draft = _Draft(schema, name, ObjectType.VIEW, src.path, src.line(create.start))
        if _is_op(stream.peek(), "("):  # CREATE VIEW v (a, b) AS ...
            draft.column_aliases = list(self._read_column_names(src, stream))
        if stream.accept("WITH"):
            while stream.accept("SCHEMABINDING", "ENCRYPTION", "VIEW_METADATA"):
                if not stream.accept_op(","):
                    break
        as_tok = stream.peek()
        if as_tok is None or as_tok.kind != "word" or as_tok.upper != "AS":
            found = as_tok.text if as_tok is not None else "the end of the batch"
            raise _SyntaxError(f"CREATE VIEW {name}: expected AS, found {found!r}",
                               as_tok.start if as_tok is not None else stream.end)
        stream.next()
        select = src.text[as_tok.end:stream.end]
        draft.select = _CHECK_OPTION.sub("", select).strip()
        draft.select_line = src.line(as_tok.end + len(select) - len(select.lstrip()))
        draft.definition = src.text[create.start:stream.end].strip()
        draft.description = _header_description(
            src.text, batch_start, stream.position(), stream.end  # header comments after AS too
        )
        self._add(draft)

    def _read_routine(
        self, src: _Source, stream: _Stream, create: _Tok, batch_start: int, function: bool
    ) -> None:
        schema, name, _ = self._object_name(src, stream)
        kind = ObjectType.FUNCTION if function else ObjectType.PROCEDURE
        draft = _Draft(schema, name, kind, src.path, src.line(create.start))
        if _is_op(stream.peek(), ";"):  # numbered procedures: name;1
            stream.next()
            stream.next()
        header_end = stream.position()
        try:
            self._read_parameters(stream, name, draft.parameters)
            header_end = stream.position()
            if function:
                header_end = self._read_returns(src, stream, draft)
        except _SyntaxError as error:  # keep the routine with what its header gave
            self.result.warn(src.path, src.line(error.pos), error.message)
        draft.definition = src.text[create.start:stream.end].strip()
        draft.description = _header_description(
            src.text, batch_start, min(stream.end, header_end + 4000), stream.end
        )
        self._add(draft)

    def _read_parameters(self, stream: _Stream, routine: str, into: list[Parameter]) -> None:
        """``(@a bCompany, @b varchar(30) = null OUTPUT)``, with or without the parentheses."""
        parenthesized = stream.accept_op("(") is not None
        while True:
            tok = stream.peek()
            if tok is None:
                return
            if _is_op(tok, ","):
                stream.next()
                continue
            if parenthesized and _is_op(tok, ")"):
                stream.next()
                return
            if tok.kind != "word" or not tok.text.startswith("@"):
                if parenthesized:
                    raise _SyntaxError(f"{routine}: expected a parameter, found {tok.text!r}",
                                       tok.start)
                return
            stream.next()
            stream.accept("AS")
            param_type = _read_type(stream)
            into.append(Parameter(tok.text, param_type.text()))
            if stream.accept_op("="):
                _skip_value(stream)
            while stream.accept("OUT", "OUTPUT", "READONLY"):
                pass

    def _read_returns(self, src: _Source, stream: _Stream, draft: _Draft) -> int:
        """After a function's parameters: its result table, if it has one."""
        if not stream.accept("RETURNS"):
            return stream.position()
        tok = stream.peek()
        if tok is not None and tok.kind == "word" and tok.text.startswith("@"):
            stream.next()
            if stream.accept("TABLE") and stream.accept_op("("):
                self._read_column_list(src, stream, draft.name, draft.columns, draft.keys)
            return stream.position()
        if stream.accept("TABLE") is None:
            return stream.position()
        if stream.accept("WITH"):
            while stream.peek_word() not in (None, "AS", "RETURN"):
                stream.next()
        stream.accept("AS")
        ret = stream.peek()
        if ret is not None and ret.kind == "word" and ret.upper == "RETURN":
            stream.next()
            query = src.text[ret.end:stream.end].strip()
            draft.select = query
            draft.select_line = src.line(ret.end)
        return stream.position()

    def _read_exec(self, src: _Source, stream: _Stream) -> None:
        """Extended properties (descriptions), ``sp_addtype`` and scripts run through strings."""
        tok = stream.peek()
        if tok is not None and tok.text.startswith("@") and _is_op(stream.peek(1), "="):
            stream.next()  # EXEC @rc = procedure
            stream.next()
        if _is_op(stream.peek(), "("):  # EXEC ('CREATE VIEW ...')
            stream.next()
            inner = stream.next()
            if inner is not None and inner.kind == "str" and _is_op(stream.peek(), ")"):
                self._read_string_script(src, inner)
            return
        try:
            parts, _ = _read_name_parts(stream)
        except _SyntaxError:
            return
        procedure = parts[-1].strip().lower()
        args: list[tuple[str | None, str | None, _Tok]] = []
        while True:
            tok = stream.peek()
            if tok is None:
                break
            param: str | None = None
            if tok.kind == "word" and tok.text.startswith("@") and _is_op(stream.peek(1), "="):
                param = tok.text.lower()
                stream.next()
                stream.next()
                tok = stream.peek()
                if tok is None:
                    break
            if tok.kind == "str":
                args.append((param, _string_value(tok), tok))
            elif tok.kind in ("num", "word") and (tok.upper not in _STATEMENT_WORDS):
                args.append((param, None if tok.upper == "NULL" else tok.text, tok))
            else:
                break
            stream.next()
            if not stream.accept_op(","):
                break
        if procedure in ("sp_addextendedproperty", "sp_updateextendedproperty"):
            self._read_extended_property(args)
        elif procedure == "sp_addtype":
            self._read_addtype(src, args)
        elif procedure == "sp_executesql":
            for _, _, string_tok in args[:1]:
                if string_tok.kind == "str":
                    self._read_string_script(src, string_tok)

    def _read_string_script(self, src: _Source, tok: _Tok) -> None:
        script = _string_value(tok)
        if not _CREATE_IN_STRING.match(script):
            return
        inner = _Source(src.path, script, line_base=src.line(tok.start) - 1)
        self.read_text(inner)

    def _read_extended_property(self, args: list[tuple[str | None, str | None, _Tok]]) -> None:
        values: dict[str, str | None] = {}
        for index, (param, value, _) in enumerate(args):
            key = param or (_EXT_PROPERTY_ARGS[index] if index < len(_EXT_PROPERTY_ARGS) else "")
            values[key] = value
        if (values.get("@name") or "").lower() != "ms_description":
            return
        text, owner = values.get("@value"), values.get("@level1name")
        if not text or not owner:
            return
        column = values.get("@level2name") if (values.get("@level2type") or "").upper() in (
            "COLUMN", "PARAMETER") else None
        if values.get("@level2type") and column is None:
            return  # indexes, constraints, triggers
        self.descriptions[(owner.strip(), column.strip() if column else None)] = text.strip()

    def _read_addtype(self, src: _Source, args: list[tuple[str | None, str | None, _Tok]]) -> None:
        values = {param or name: (value, tok) for (param, value, tok), name in
                  zip(args, ("@typename", "@phystype", "@nulltype"), strict=False)}
        name, name_tok = values.get("@typename", (None, None))
        phys, phys_tok = values.get("@phystype", (None, None))
        if not name or not phys or name_tok is None:
            return
        base = _parse_type_text(phys)
        if base is None:
            self.result.warn(src.path, src.line(name_tok.start),
                             f"sp_addtype {name}: cannot read base type {phys!r}")
            return
        nulltype = (values.get("@nulltype", (None, None))[0] or "").strip().upper()
        self._add_type(src, name_tok, name.strip(), base,
                       nulltype.replace(" ", "") != "NOTNULL", phys_tok)

    # ---- after all files

    def finish(self) -> None:
        types = self.result.types
        folded = {name.lower(): user_type for name, user_type in types.items()}
        unknown: dict[str, list[tuple[str, str, Path, int]]] = {}

        for pending in self.pending_columns:
            draft = self.objects.get(pending.table)
            if draft is None or draft.type is not ObjectType.TABLE:
                self.result.warn(pending.path, pending.line,
                                 f"ALTER TABLE {pending.table}: no CREATE TABLE for it")
                continue
            draft.columns.extend(pending.columns)
            draft.keys.extend(pending.keys)
        for pending_key in self.pending_keys:
            draft = self.objects.get(pending_key.table)
            if draft is None:
                self.result.warn(pending_key.path, pending_key.line,
                                 f"index {pending_key.key.name} is on {pending_key.table}, "
                                 "which is not defined in these scripts")
                continue
            draft.keys.append(pending_key.key)

        for draft in self.objects.values():
            if draft.columns:
                self._table_columns[draft.name] = self._resolve_columns(draft, types, folded,
                                                                        unknown)
        for type_name, uses in unknown.items():
            table, column, path, line = uses[0]
            others = f" (and {len(uses) - 1} more columns)" if len(uses) > 1 else ""
            self.result.warn(path, line, f"unknown type {type_name!r} for {table}.{column}"
                             f"{others}; kept with base type 'unknown'")

        for draft in self.objects.values():
            self.result.objects.append(self._build(draft))
        self._build_foreign_keys()

    def _resolve_columns(
        self, draft: _Draft, types: dict[str, UserType], folded: dict[str, UserType],
        unknown: dict[str, list[tuple[str, str, Path, int]]],
    ) -> tuple[Column, ...]:
        primary = {c for k in draft.keys if k.kind is KeyKind.PRIMARY for c in k.columns}
        columns: list[Column] = []
        seen: set[str] = set()
        for ordinal, col in enumerate(draft.columns, start=1):
            if col.name in seen:
                self.result.warn(draft.path, col.line,
                                 f"{draft.name}: column {col.name} is declared twice")
            seen.add(col.name)
            nullable = col.nullable
            if nullable is None and (col.identity or col.name in primary):
                nullable = False
            description = self.descriptions.get((draft.name, col.name))
            if col.type is None:
                columns.append(Column(
                    name=col.name, ordinal=ordinal, data_type=COMPUTED, base_type=COMPUTED,
                    nullable=True if nullable is None else nullable, is_computed=True,
                    description=description,
                ))
                continue
            ref = col.type
            user_type = None if ref.name in SQL_TYPES else (
                types.get(ref.name) or folded.get(ref.name.lower()))
            if ref.name in SQL_TYPES:
                sizes = _sql_type_sizes(ref.name, ref.args)
            elif user_type is not None:
                sizes = _Sizes(user_type.base_type, user_type.max_length, user_type.precision,
                               user_type.scale)
                if nullable is None:
                    nullable = user_type.nullable
            else:
                unknown.setdefault(ref.name, []).append(
                    (draft.name, col.name, draft.path, col.line))
                sizes = _Sizes(UNKNOWN, None, None, None)
            columns.append(Column(
                name=col.name, ordinal=ordinal, data_type=ref.name, base_type=sizes.base_type,
                max_length=sizes.max_length, precision=sizes.precision, scale=sizes.scale,
                nullable=True if nullable is None else nullable, is_identity=col.identity,
                description=description,
            ))
        return tuple(columns)

    def _build(self, draft: _Draft) -> CatalogObject:
        columns = self._table_columns.get(draft.name, ())
        base_objects: tuple[str, ...] = ()
        if draft.select is not None:
            query = self._query(draft)
            if draft.type is ObjectType.VIEW:
                base_objects = query.base_objects
            resolved = self._object_columns(draft.name)
            if resolved is not None:
                columns = resolved
            elif not columns:
                missing = [b for b in query.base_objects if self._object_columns(b) is None]
                reason = query.problem or (
                    f"the columns of {', '.join(missing)} are not known (not defined in these "
                    "scripts, or not resolved)" if missing
                    else "its SELECT list has an expression without a name or an unknown source")
                self.result.issues.append(ImportIssue(
                    draft.path, draft.select_line or draft.line,
                    f"columns of {draft.name} not resolved: {reason}", severity="info",
                ))
        if draft.type is not ObjectType.TABLE and self.descriptions:
            columns = tuple(
                dataclasses.replace(c, description=self.descriptions[(draft.name, c.name)])
                if (draft.name, c.name) in self.descriptions else c
                for c in columns
            )
        titled = self.trigger_descriptions.get(draft.name)
        if titled is not None and any(c.name.lower() == titled.lower() for c in columns):
            titled = None  # "bJCCM (JCCo)" names a column, not the table
        description = self.descriptions.get((draft.name, None)) or draft.description or titled
        return CatalogObject(
            schema=draft.schema,
            name=draft.name,
            type=draft.type,
            module=module_of(draft.name),
            description=description,
            columns=columns,
            keys=_unique_keys(draft.keys),
            base_objects=base_objects,
            parameters=tuple(draft.parameters),
            definition=draft.definition,
            source=SourceLocation(str(draft.path), draft.line),
        )

    def _build_foreign_keys(self) -> None:
        for fk in self.pending_fks:
            target_columns = fk.target_columns
            if target_columns is None:
                target = self.objects.get(fk.target)
                primary = [k for k in (target.keys if target else []) if
                           k.kind is KeyKind.PRIMARY]
                if not primary or len(primary[0].columns) != len(fk.columns):
                    self.result.warn(fk.path, fk.line,
                                     f"foreign key {fk.name or fk.table}: cannot tell which "
                                     f"columns of {fk.target} it references")
                    continue
                target_columns = primary[0].columns
            self.result.foreign_keys.append(ForeignKey(
                name=fk.name, from_object=fk.table, from_columns=fk.columns,
                to_object=fk.target, to_columns=target_columns,
                source=SourceLocation(str(fk.path), fk.line),
            ))

    # ---- view columns

    def _query(self, draft: _Draft) -> _Query:
        cached = self._queries.get(draft.name)
        if cached is None:
            cached = _parse_query(draft.select or "")
            self._queries[draft.name] = cached
        return cached

    def _object_columns(self, name: str) -> tuple[Column, ...] | None:
        """Columns of a table, view or function by name; None when they cannot be known."""
        draft = self.objects.get(name)
        if draft is None:
            if self._folded_objects is None:
                self._folded_objects = {}
                for object_name, candidate in self.objects.items():
                    self._folded_objects.setdefault(object_name.lower(), candidate)
            draft = self._folded_objects.get(name.lower())
            if draft is None:
                return None
        if draft.select is None:
            return self._table_columns.get(draft.name) if draft.columns else None
        if draft.name in self._view_columns:
            return self._view_columns[draft.name]
        if draft.name in self._resolving:
            return None  # a cycle of views
        self._resolving.add(draft.name)
        try:
            columns = self._resolve_query(self._query(draft), draft.column_aliases)
        finally:
            self._resolving.discard(draft.name)
        self._view_columns[draft.name] = columns
        return columns

    def _resolve_query(self, query: _Query, aliases: list[str]) -> tuple[Column, ...] | None:
        found: list[Column] | None
        if query.trivial is not None:
            source = self._object_columns(query.trivial[0])
            found = list(source) if source is not None else None
        elif query.tree is not None:
            try:
                found = self._select_columns(query.tree, {}, 0, unnamed_ok=bool(aliases))
            except RecursionError:
                found = None
        else:
            found = None
        if found is None or not found:
            return None
        if aliases and len(aliases) != len(found):
            return None
        names = aliases or [c.name for c in found]
        return tuple(
            c if c.ordinal == i and c.name == name else _renamed(c, name, i)
            for i, (c, name) in enumerate(zip(found, names, strict=True), start=1)
        )

    def _select_columns(
        self, node: exp.Expr, ctes: dict[str, exp.Expr], depth: int, unnamed_ok: bool = False
    ) -> list[Column] | None:
        """The columns a query returns, typed from its sources; None when they cannot be told.

        ``unnamed_ok``: the view names its columns itself (``CREATE VIEW v (a, b)``).
        """
        if depth > 20:
            return None
        while isinstance(node, exp.Subquery | exp.Paren):
            node = node.this
        ctes = dict(ctes)
        with_ = node.args.get("with_") or node.args.get("with")
        if isinstance(with_, exp.With):
            for cte in with_.expressions:
                if isinstance(cte, exp.CTE):
                    ctes[cte.alias_or_name] = cte.this
        while isinstance(node, exp.SetOperation):
            node = node.this
            while isinstance(node, exp.Subquery | exp.Paren):
                node = node.this
        if not isinstance(node, exp.Select):
            return None

        sources: list[tuple[str, str, list[Column] | None]] = []
        from_ = node.args.get("from_") or node.args.get("from")
        items = [from_.this] if isinstance(from_, exp.From) else []
        items += [join.this for join in node.args.get("joins") or [] if isinstance(join, exp.Join)]
        for item in items:
            alias = item.alias_or_name
            columns: list[Column] | None = None
            if isinstance(item, exp.Table) and isinstance(item.this, exp.Anonymous):
                resolved = self._object_columns(item.this.name)  # a table-valued function
                sources.append((alias, alias, list(resolved) if resolved is not None else None))
            elif isinstance(item, exp.Table) and isinstance(item.this, exp.Identifier):
                table = item.name.strip()
                if table in ctes and not item.db:
                    others = {k: v for k, v in ctes.items() if k != table}
                    columns = self._select_columns(ctes[table], others, depth + 1)
                else:
                    resolved = self._object_columns(table)
                    columns = list(resolved) if resolved is not None else None
                sources.append((alias.strip(), table, columns))
            elif isinstance(item, exp.Subquery):
                columns = self._select_columns(item.this, ctes, depth + 1)
                sources.append((alias, alias, columns))
            else:
                sources.append((alias, alias, None))

        scope = _Scope(sources)
        out: list[Column] = []
        for projection in node.selects:
            if isinstance(projection, exp.Star):
                for _, _, columns in sources:
                    if columns is None:
                        return None
                    out.extend(columns)
                continue
            if isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
                known, columns = scope.lookup(projection.table)
                if not known or columns is None:
                    return None
                out.extend(columns)
                continue
            named = _projection_name(projection)
            if named is None:
                if not unnamed_ok:
                    return None
                named = ("", projection)
            out.append(self._typed_column(named[0], named[1], scope))
        return out

    def _typed_column(self, name: str, inner: exp.Expr, scope: _Scope) -> Column:
        """A view column: the source column's type for a plain reference or a CAST."""
        unknown = Column(name=name, ordinal=0, data_type=UNKNOWN, base_type=UNKNOWN)
        if isinstance(inner, exp.Column) and not isinstance(inner.this, exp.Star):
            candidates: list[list[Column] | None]
            if inner.table:
                known, columns = scope.lookup(inner.table)
                candidates = [columns] if known else []
            else:
                candidates = [columns for _, _, columns in scope.sources]
            for columns in candidates:
                match = _find_column(columns or [], inner.name)
                if match is not None:
                    return _renamed(match, name, match.ordinal)
            return unknown
        if isinstance(inner, exp.Cast | exp.Convert):
            to = inner.args.get("to") if isinstance(inner, exp.Cast) else inner.this
            if isinstance(to, exp.DataType):
                try:
                    ref = _parse_type_text(to.sql(dialect="tsql"))
                except Exception:  # sqlglot cannot print every type it parses
                    ref = None
                if ref is not None:
                    return self._cast_column(name, ref) or unknown
        return unknown

    def _cast_column(self, name: str, ref: _TypeRef) -> Column | None:
        if ref.name in SQL_TYPES:
            sizes = _sql_type_sizes(ref.name, ref.args)
            data_type = ref.name
        else:
            user_type = self.result.types.get(ref.name)
            if user_type is None:
                return None
            sizes = _Sizes(user_type.base_type, user_type.max_length, user_type.precision,
                           user_type.scale)
            data_type = user_type.name
        return Column(name=name, ordinal=0, data_type=data_type, base_type=sizes.base_type,
                      max_length=sizes.max_length, precision=sizes.precision, scale=sizes.scale)


class _Scope:
    """The FROM sources of one SELECT: ``(alias, object name, columns or None)``."""

    def __init__(self, sources: list[tuple[str, str, list[Column] | None]]) -> None:
        self.sources = sources

    def lookup(self, qualifier: str) -> tuple[bool, list[Column] | None]:
        for alias, _, columns in self.sources:
            if alias == qualifier:
                return True, columns
        lowered = qualifier.lower()
        for alias, table, columns in self.sources:
            if table == qualifier or alias.lower() == lowered or table.lower() == lowered:
                return True, columns
        return False, None


def _projection_name(projection: exp.Expr) -> tuple[str, exp.Expr] | None:
    """``(name, expression)`` of one SELECT-list item, as SQL Server names it; None if unnamed."""
    if isinstance(projection, exp.Alias):
        return (projection.alias, projection.this) if projection.alias else None
    if isinstance(projection, exp.EQ):  # 'Name' = expr, [Name] = expr
        left = projection.this
        if (isinstance(left, exp.Literal) and left.is_string) or (
                isinstance(left, exp.Column) and not left.table):
            return (left.name, projection.expression) if left.name else None
        return None
    inner = projection
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if isinstance(inner, exp.Column) and not isinstance(inner.this, exp.Star):
        return inner.name, inner
    alias = projection.alias
    return (alias, projection) if alias else None


def _renamed(column: Column, name: str, ordinal: int) -> Column:
    return Column(
        name=name, ordinal=ordinal, data_type=column.data_type, base_type=column.base_type,
        max_length=column.max_length, precision=column.precision, scale=column.scale,
        nullable=column.nullable, is_identity=column.is_identity,
        is_computed=column.is_computed, description=column.description,
    )


def _find_column(columns: list[Column], name: str) -> Column | None:
    for column in columns:
        if column.name == name:
            return column
    lowered = name.lower()
    for column in columns:
        if column.name.lower() == lowered:
            return column
    return None


def _unique_keys(keys: list[Key]) -> tuple[Key, ...]:
    seen: set[tuple[KeyKind, tuple[str, ...]]] = set()
    out: list[Key] = []
    for key in keys:
        if (key.kind, key.columns) not in seen:
            seen.add((key.kind, key.columns))
            out.append(key)
    return tuple(out)


def _parse_query(select: str) -> _Query:
    bare = _COMMENT.sub(" ", select) if "--" in select or "/*" in select else select
    if "'" not in bare:
        match = _TRIVIAL_VIEW.match(bare)
        if match is not None:
            table = _last_part(match.group("name"))
            alias = _last_part(match.group("alias")) if match.group("alias") else table
            qualifier = match.group("qualifier")
            if qualifier is None or _last_part(qualifier) in (alias, table):
                return _Query(None, (table,), (table, alias), None)
    try:
        trees = sqlglot.parse(select, read="tsql")
    except Exception as error:  # sqlglot raises ParseError, TokenError and others
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        return _Query(None, _regex_base_objects(select), None, f"sqlglot: {message[:200]}")
    tree = next((t for t in trees if t is not None), None)
    if tree is None:
        return _Query(None, (), None, "empty query")
    cte_names: set[str] = set()
    tables: list[exp.Table] = []
    for node in tree.walk():
        if isinstance(node, exp.Table):
            tables.append(node)
        elif isinstance(node, exp.CTE):
            cte_names.add(node.alias_or_name)
    names: list[str] = []
    for node in tables:
        if not isinstance(node.this, exp.Identifier):
            continue
        name = node.name.strip()
        if name and not (name in cte_names and not node.db) and name not in names:
            names.append(name)
    return _Query(tree, tuple(names), None, None)


def _regex_base_objects(select: str) -> tuple[str, ...]:
    names: list[str] = []
    for match in _FROM_JOIN.finditer(_COMMENT.sub(" ", select)):
        name = _last_part(match.group("name"))
        if name and name.lower() not in _NOT_TABLES and not name.startswith("@") \
                and name not in names:
            names.append(name)
    return tuple(names)


def _skip_permission(stream: _Stream) -> None:
    """GRANT ... TO principal: skip its words (``GRANT CREATE TABLE TO x`` creates nothing)."""
    while True:
        tok = stream.next()
        if tok is None or _is_op(tok, ";"):
            return
        if tok.kind == "word" and tok.upper in ("TO", "FROM"):
            stream.next()
            return


def _skip_item(stream: _Stream) -> None:
    """Skip to the ``,`` or ``)`` that ends a column or constraint, without consuming it."""
    while True:
        tok = stream.peek()
        if tok is None or _is_op(tok, ",") or _is_op(tok, ")") or _is_op(tok, ";"):
            return
        if tok.kind == "word" and tok.upper in _STATEMENT_WORDS:
            return
        stream.next()
        if _is_op(tok, "("):
            stream.skip_group()


def _skip_expression(stream: _Stream) -> None:
    """A computed column's expression: up to the next ``,``/``)`` at this depth, or PERSISTED."""
    while True:
        tok = stream.peek()
        if tok is None or _is_op(tok, ",") or _is_op(tok, ")") or _is_op(tok, ";"):
            return
        if tok.kind == "word" and tok.upper in ("PERSISTED", "NOT", "NULL", "CONSTRAINT"):
            return
        stream.next()
        if _is_op(tok, "("):
            stream.skip_group()


def _skip_value(stream: _Stream) -> None:
    """A default value: ``((0))``, ``-1``, ``'x'``, ``getdate()``, ``null``."""
    tok = stream.next()
    if tok is None:
        return
    if _is_op(tok, "("):
        stream.skip_group()
        return
    if _is_op(tok, "-") or _is_op(tok, "+"):
        stream.next()
        return
    if tok.kind in _IDENT_KINDS and stream.accept_op("("):
        stream.skip_group()


def _header_description(text: str, start: int, end: int, limit: int) -> str | None:
    """A ``Purpose:``/``Description:``/``Usage:`` line in the comments of a header."""
    window = text[start:min(end, limit)]
    if "purpose" not in window.lower() and "desc" not in window.lower() \
            and "usage" not in window.lower() and "summary" not in window.lower():
        return None
    for comment in _COMMENT.finditer(window):
        lines = [line.strip(_DECORATION) for line in comment.group().splitlines()]
        for index, line in enumerate(lines):
            match = _DESCRIPTION_LABEL.match(line)
            if match is None:
                continue
            parts = [match.group(1).strip()] if match.group(1).strip() else []
            for following in lines[index + 1:index + 8]:
                if not following or _LABEL_LINE.match(following) or (
                        len(following) > 3 and following.isupper()):
                    break
                parts.append(following)
            description = " ".join(" ".join(parts).split())
            if description and not (description.startswith("<") and description.endswith(">")):
                return description
    return None


def _trigger_description(text: str, start: int, end: int, table: str) -> str | None:
    """``This trigger rejects delete in bHQCP (HQ Compliance Codes)``: the table's title."""
    window = text[start:min(end, start + 6000)]
    if table not in window:
        return None
    pattern = re.compile(rf"(?<![\w\]])\[?{re.escape(table)}\]?\s*\(([^(),@=\n]{{2,80}})\)")
    for comment in _COMMENT.finditer(window):
        match = pattern.search(comment.group())
        if match is not None:
            description = " ".join(match.group(1).split())
            if (description and any(c.islower() for c in description)) or " " in description:
                return description
    return None


def _sql_files(path: Path, result: ImportResult) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        result.warn(path, None, "no such file or folder")
        return []
    try:
        files = [p for p in path.rglob("*") if p.suffix.lower() == ".sql" and p.is_file()]
    except OSError as error:
        result.warn(path, None, f"cannot list: {error}")
        return []
    return sorted(files, key=lambda p: (p.relative_to(path).as_posix().lower(), p.as_posix()))


def import_ddl(path: Path) -> ImportResult:
    """Import every ``*.sql`` under ``path`` (or the one script ``path``) into records.

    Tables (columns with UDTs resolved, keys, foreign keys), views (base objects,
    columns resolved through their SELECT), procedures and functions
    (parameters), and user types. Problems become issues naming file and line.
    """
    path = Path(path)
    result = ImportResult(source=path)
    reader = _Reader(result)
    # The import allocates millions of small, long-lived objects (and sqlglot's linked
    # trees); cyclic collections in the middle of it rescan them all and cost a fifth
    # of the time. Nothing here needs them: pause the collector, restore it after.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for file in _sql_files(path, result):
            reader.read_file(file)
        reader.finish()
    finally:
        if collecting:
            gc.enable()
    return result
