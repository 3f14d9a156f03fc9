"""The server's copy of each open document, kept identical to the editor's.

LSP lines end only at ``\\n``, ``\\r\\n`` and ``\\r``; U+2028, U+2029, U+0085, form
feed and vertical tab are ordinary characters (``str.splitlines``, which pygls's
own document model uses, breaks lines at them, so an edit after one lands on the
wrong line). A column counts code units of the position encoding pygls negotiates
at ``initialize`` (UTF-16 unless the client offered UTF-8 or UTF-32), counted by
pygls's position codec, and a column past the end of a line means the end of that
line (pygls's own conversion stops one character short there, so the line
splitting and clamping are ours). Every position the server reads or writes goes
through one :class:`LineIndex`.

Documents are keyed by a normalised URI, so ``file:///c%3A/x%20y.sql`` and
``file:///C:/x y.sql`` are the same document; replies use the URI the editor sent.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec, UnitCounter

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"

_BREAK = re.compile(r"\r\n|\r|\n")


def _counter(encoding: str) -> UnitCounter:
    """pygls's code-unit counter for the negotiated encoding (UTF-16 when unknown)."""
    return PositionCodec(encoding).impl


class LineIndex:
    """String offsets <-> LSP positions for one text, lines split as the spec says."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        self._counter = _counter(encoding)
        self._starts = [0]
        self._ends: list[int] = []  # where each line's content ends (before its break)
        if "\r" in text:
            for match in _BREAK.finditer(text):
                self._ends.append(match.start())
                self._starts.append(match.end())
        else:  # the common case, several times faster than the regular expression
            find, position = text.find, text.find("\n")
            while position != -1:
                self._ends.append(position)
                self._starts.append(position + 1)
                position = find("\n", position + 1)
        self._ends.append(len(text))

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_text(self, line: int) -> str:
        """Line ``line`` without its line break."""
        return self.text[self._starts[line]:self._ends[line]]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, max(0, min(offset, len(self.text)))) - 1

    def position(self, offset: int) -> types.Position:
        """The position of string offset ``offset`` (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        # An offset inside a "\r\n" pair belongs to the end of its line.
        offset = min(offset, self._ends[line])
        before = self.text[start:offset]
        return types.Position(line=line, character=len(before) if before.isascii()
                              else self._counter.num_units(before))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(max(start, end)))

    def offset(self, position: types.Position) -> int:
        """The string offset of ``position``: past the end of a line is its end, past the
        last line is the end of the text, and inside a character is its end."""
        if position.line >= len(self._starts):
            return len(self.text)
        start, end = self._starts[position.line], self._ends[position.line]
        wanted = position.character
        if wanted <= 0:
            return start
        if self.encoding == UTF32 or self.text.isascii():
            return min(start + wanted, end)
        units, size = 0, self._counter.code_units_for_char
        for column in range(start, end):
            units += size(self.text[column])
            if units >= wanted:
                return column + 1
        return end


@dataclass(slots=True)
class Document:
    """One open document: the editor's text, version and URI (as the editor spells it)."""

    uri: str
    text: str
    version: int | None
    encoding: str = UTF16
    _index: LineIndex | None = field(default=None, repr=False)

    @property
    def index(self) -> LineIndex:
        """The line index of the current text (built once per text)."""
        if self._index is None or self._index.text is not self.text:
            self._index = LineIndex(self.text, self.encoding)
        return self._index

    def apply(self, change: types.TextDocumentContentChangeEvent) -> None:
        """Apply one ``contentChanges`` entry; ranges refer to the text after the previous
        entry, as the spec says."""
        if isinstance(change, types.TextDocumentContentChangePartial):
            index = self.index
            start = index.offset(change.range.start)
            end = max(start, index.offset(change.range.end))
            self.text = self.text[:start] + change.text + self.text[end:]
        else:
            self.text = change.text
        self._index = None


def normalize_uri(uri: str) -> str:
    """One key per document however the editor encodes its URI.

    ``file:`` URIs are percent-decoded, the authority and a Windows drive letter
    lower-cased and the path re-encoded one canonical way; other schemes
    (``untitled:``) are only percent-decoded.
    """
    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri
    if parts.scheme.lower() != "file":
        return unquote(uri)
    path = unquote(parts.path)
    if len(path) >= 3 and path[0] == "/" and path[2] == ":" and path[1].isalpha():
        path = "/" + path[1].lower() + path[2:]
    elif len(path) >= 2 and path[1] == ":" and path[0].isalpha():  # file://c:/x (no slash)
        path = "/" + path[0].lower() + path[1:]
    netloc = unquote(parts.netloc).lower()
    if netloc == "localhost":
        netloc = ""
    return "file://" + quote(netloc) + quote(path, safe="/:@!$&'()*+,;=~-._")


class Documents:
    """The open documents; nothing here ever reads a file from disk."""

    def __init__(self) -> None:
        self._open: dict[str, Document] = {}
        self.encoding = UTF16

    def __contains__(self, uri: str) -> bool:
        return normalize_uri(uri) in self._open

    def __len__(self) -> int:
        return len(self._open)

    def get(self, uri: str) -> Document | None:
        return self._open.get(normalize_uri(uri))

    def uris(self) -> list[str]:
        """The normalised URIs of the open documents."""
        return list(self._open)

    def open(self, item: types.TextDocumentItem) -> Document:
        document = Document(item.uri, item.text, item.version, self.encoding)
        self._open[normalize_uri(item.uri)] = document
        return document

    def change(self, params: types.DidChangeTextDocumentParams) -> Document | None:
        document = self.get(params.text_document.uri)
        if document is None:
            return None
        for change in params.content_changes:
            document.apply(change)
        document.version = params.text_document.version
        return document

    def close(self, uri: str) -> Document | None:
        return self._open.pop(normalize_uri(uri), None)
