"""The DDL reader: files -> batches -> statements, then the catalog records.

Each ``GO`` batch (cut by the shared SQL text layer) is read statement by
statement; CREATE/ALTER go to the table, routine and type readers, EXEC to
extended properties, ``sp_addtype`` and scripts run through strings. After the
last file, pending keys and columns join their tables, user types resolve, view
columns resolve, and the records are built.
"""

from __future__ import annotations

import dataclasses
import gc
import re
from pathlib import Path

from vgpt2.catalog.importers.ddl.decoding import decode_sql_bytes, looks_binary, sql_files
from vgpt2.catalog.importers.ddl.descriptions import extended_property
from vgpt2.catalog.importers.ddl.drafts import _Draft
from vgpt2.catalog.importers.ddl.reads import batch_reads
from vgpt2.catalog.importers.ddl.routines import _RoutineReader
from vgpt2.catalog.importers.ddl.stream import (
    _STATEMENT_WORDS,
    _is_op,
    _read_name_parts,
    _skip_permission,
    _Source,
    _Stream,
    _SyntaxError,
)
from vgpt2.catalog.importers.ddl.types import (
    COMPUTED,
    UNKNOWN,
    _parse_type_text,
    _Sizes,
    _sql_type_sizes,
)
from vgpt2.catalog.importers.ddl.views import _ViewResolver
from vgpt2.catalog.model import (
    CatalogObject,
    Column,
    ForeignKey,
    ImportIssue,
    ImportResult,
    Key,
    KeyKind,
    ObjectType,
    SourceLocation,
    UserType,
)
from vgpt2.catalog.naming import module_of
from vgpt2.catalog.sql.batches import iter_batch_ranges
from vgpt2.catalog.sql.tokens import NUMBER, STRING, WORD, Token
from vgpt2.catalog.sqltypes import SQL_TYPES

_CREATE_IN_STRING = re.compile(
    r"^\s*(?:(?:--[^\r\n]*+|/\*.*?\*/)\s*)*(?:create|alter)\s", re.IGNORECASE | re.DOTALL
)
"""A string that EXEC runs holding a script of its own (``EXEC('CREATE VIEW ...')``)."""


class _ScriptReader(_RoutineReader, _ViewResolver):
    """One import of a SQL Source Control folder: reads its scripts in order, then
    :meth:`finish` builds the records."""

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
        for start, end in iter_batch_ranges(src.text):
            self.read_batch(src, start, end)

    def read_batch(self, src: _Source, start: int, end: int) -> None:
        read = batch_reads(src.text[start:end])
        if read is not None:
            self.result.read_together.append(read)
        stream = _Stream(src.text, start, end)
        while True:
            tok = stream.next()
            if tok is None:
                return
            if tok.kind is not WORD:
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

    def _read_create(self, src: _Source, stream: _Stream, create: Token, batch_start: int) -> bool:
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

    def _read_exec(self, src: _Source, stream: _Stream) -> None:
        """Extended properties (descriptions), ``sp_addtype`` and scripts run through strings."""
        tok = stream.peek()
        if tok is not None and tok.text.startswith("@") and _is_op(stream.peek(1), "="):
            stream.next()  # EXEC @rc = procedure
            stream.next()
        if _is_op(stream.peek(), "("):  # EXEC ('CREATE VIEW ...')
            stream.next()
            inner = stream.next()
            if inner is not None and inner.kind is STRING and _is_op(stream.peek(), ")"):
                self._read_string_script(src, inner)
            return
        try:
            parts, _ = _read_name_parts(stream)
        except _SyntaxError:
            return
        procedure = parts[-1].strip().lower()
        args: list[tuple[str | None, str | None, Token]] = []
        while True:
            tok = stream.peek()
            if tok is None:
                break
            param: str | None = None
            if tok.kind is WORD and tok.text.startswith("@") and _is_op(stream.peek(1), "="):
                param = tok.text.lower()
                stream.next()
                stream.next()
                tok = stream.peek()
                if tok is None:
                    break
            if tok.kind is STRING:
                args.append((param, tok.literal, tok))
            elif tok.kind in (NUMBER, WORD) and (tok.upper not in _STATEMENT_WORDS):
                args.append((param, None if tok.upper == "NULL" else tok.text, tok))
            else:
                break
            stream.next()
            if not stream.accept_op(","):
                break
        if procedure in ("sp_addextendedproperty", "sp_updateextendedproperty"):
            found = extended_property([(param, value) for param, value, _ in args])
            if found is not None:
                self.descriptions[found[0]] = found[1]
        elif procedure == "sp_addtype":
            self._read_addtype(src, args)
        elif procedure == "sp_executesql":
            for _, _, string_tok in args[:1]:
                if string_tok.kind is STRING:
                    self._read_string_script(src, string_tok)

    def _read_string_script(self, src: _Source, tok: Token) -> None:
        script = tok.literal
        if not _CREATE_IN_STRING.match(script):
            return
        inner = _Source(src.path, script, line_base=src.line(tok.start) - 1)
        self.read_text(inner)

    def _read_addtype(self, src: _Source, args: list[tuple[str | None, str | None, Token]]) -> None:
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

def _unique_keys(keys: list[Key]) -> tuple[Key, ...]:
    seen: set[tuple[KeyKind, tuple[str, ...]]] = set()
    out: list[Key] = []
    for key in keys:
        if (key.kind, key.columns) not in seen:
            seen.add((key.kind, key.columns))
            out.append(key)
    return tuple(out)


def import_ddl(path: Path) -> ImportResult:
    """Import every ``*.sql`` under ``path`` (or the one script ``path``) into records.

    Tables (columns with UDTs resolved, keys, foreign keys), views (base objects,
    columns resolved through their SELECT), procedures and functions
    (parameters), and user types. Problems become issues naming file and line.
    """
    path = Path(path)
    result = ImportResult(source=path)
    reader = _ScriptReader(result)
    # The import allocates millions of small, long-lived objects (and sqlglot's linked
    # trees); cyclic collections in the middle of it rescan them all and cost a fifth
    # of the time. Nothing here needs them: pause the collector, restore it after.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for file in sql_files(path, result):
            reader.read_file(file)
        reader.finish()
    finally:
        if collecting:
            gc.enable()
    return result
