"""Views, procedures, functions and triggers: their headers, never their bodies.

A view's SELECT is kept for column resolution (:mod:`.views`); a routine gives its
parameters (and a function its result table or inline query); a trigger only the
table title its header comment names. The body after the header is never
tokenized, which keeps a folder of thousands of procedures to seconds.
"""

from __future__ import annotations

from vgpt2.catalog.importers.ddl.descriptions import _header_description, _trigger_description
from vgpt2.catalog.importers.ddl.drafts import _Draft
from vgpt2.catalog.importers.ddl.stream import (
    _is_op,
    _read_name_parts,
    _skip_value,
    _Source,
    _Stream,
    _SyntaxError,
)
from vgpt2.catalog.importers.ddl.tables import _TableReader
from vgpt2.catalog.importers.ddl.types import _read_type
from vgpt2.catalog.importers.ddl.views import _CHECK_OPTION
from vgpt2.catalog.model import ObjectType, Parameter
from vgpt2.catalog.sql.tokens import WORD, Token


class _RoutineReader(_TableReader):
    """``CREATE VIEW / PROCEDURE / FUNCTION / TRIGGER`` headers."""

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

    def _read_view(self, src: _Source, stream: _Stream, create: Token, batch_start: int) -> None:
        schema, name, _ = self._object_name(src, stream)
        draft = _Draft(schema, name, ObjectType.VIEW, src.path, src.line(create.start))
        if _is_op(stream.peek(), "("):  # CREATE VIEW v (a, b) AS ...
            draft.column_aliases = list(self._read_column_names(src, stream))
        if stream.accept("WITH"):
            while stream.accept("SCHEMABINDING", "ENCRYPTION", "VIEW_METADATA"):
                if not stream.accept_op(","):
                    break
        as_tok = stream.peek()
        if as_tok is None or as_tok.kind is not WORD or as_tok.upper != "AS":
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
        self, src: _Source, stream: _Stream, create: Token, batch_start: int, function: bool
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
            if tok.kind is not WORD or not tok.text.startswith("@"):
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
        if tok is not None and tok.kind is WORD and tok.text.startswith("@"):
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
        if ret is not None and ret.kind is WORD and ret.text.upper() == "RETURN":
            stream.next()
            query = src.text[ret.end:stream.end].strip()
            draft.select = query
            draft.select_line = src.line(ret.end)
        return stream.position()
