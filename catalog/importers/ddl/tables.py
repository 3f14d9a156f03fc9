"""Tables, their columns, keys and foreign keys; indexes; user types.

``CREATE TABLE`` (and ``ALTER TABLE ... ADD``) is read by this small tolerant
reader rather than sqlglot, which gives up on many real Vista table scripts;
an unreadable column or constraint becomes an issue and the rest of the table
is kept.
"""

from __future__ import annotations

from vgpt2.catalog.importers.ddl.drafts import (
    _ColumnDraft,
    _Draft,
    _PendingColumns,
    _PendingForeignKey,
    _PendingKey,
    _ReaderState,
)
from vgpt2.catalog.importers.ddl.stream import (
    _ITEM_END,
    _LIST_ENDING_WORDS,
    _STATEMENT_WORDS,
    _TABLE_LEVEL_WORDS,
    _is_op,
    _read_name_parts,
    _skip_expression,
    _skip_item,
    _skip_value,
    _Source,
    _Stream,
    _SyntaxError,
)
from vgpt2.catalog.importers.ddl.types import _read_type, _sql_type_sizes, _TypeRef
from vgpt2.catalog.model import Key, KeyKind, ObjectType, UserType
from vgpt2.catalog.sql.tokens import PUNCT, WORD, Token
from vgpt2.catalog.sqltypes import SQL_TYPES


class _TableReader(_ReaderState):
    """``CREATE TABLE``, ``ALTER TABLE ... ADD``, ``CREATE [UNIQUE] INDEX``, ``CREATE TYPE``."""

    def _read_table(self, src: _Source, stream: _Stream, create: Token) -> None:
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
            if tok.kind is WORD and tok.text.upper() in _LIST_ENDING_WORDS:
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
        if tok is not None and tok.kind is WORD and tok.text.upper() in _TABLE_LEVEL_WORDS and (
                tok.upper != "PERIOD" or stream.peek_word(1) == "FOR"):
            self._read_table_constraint(src, stream, table, keys)
        else:
            columns.append(self._read_column(src, stream, table, keys))
        _skip_item(stream)

    def _read_column(
        self, src: _Source, stream: _Stream, table: str, keys: list[Key]
    ) -> _ColumnDraft:
        name_tok = stream.next()
        if name_tok is None or not name_tok.is_name():
            found = name_tok.text if name_tok is not None else "the end"
            raise _SyntaxError(f"expected a column name, found {found!r}",
                               name_tok.start if name_tok else stream.end)
        name = self._clean(name_tok.value, src, name_tok, "column name")
        column = _ColumnDraft(name, src.line(name_tok.start), None)
        if stream.accept("AS"):
            _skip_expression(stream)
        else:
            column.type = _read_type(stream)
        constraint_name = ""
        while True:
            tok = stream.peek()
            if tok is None or (tok.kind is PUNCT and tok.text in _ITEM_END):
                break
            word = tok.text.upper() if tok.kind is WORD else None
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
                if name_part is not None and name_part.is_name():
                    constraint_name = self._clean(name_part.value, src, name_part,
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
            if tok.is_name() and tok.upper not in ("ASC", "DESC"):
                names.append(self._clean(tok.value, src, tok, "column name"))
            elif tok.kind is WORD:
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
            if tok is None or (tok.kind is WORD and tok.text.upper() in _STATEMENT_WORDS):
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
        self, src: _Source, where: Token, name: str, base: _TypeRef, nullable: bool,
        type_tok: Token | None,
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
