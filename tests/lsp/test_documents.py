"""The server's document model against the spec's (tests/lsp/spec_text.py): random edits
with the characters str.splitlines breaks at but LSP does not, CR-only and CRLF text,
positions past the end of a line, and every position encoding."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types
from vgpt2.server.lsp.documents import Document, Documents, LineIndex, normalize_uri

from tests.lsp import spec_text

ENCODINGS = ["utf-16", "utf-8", "utf-32"]
PIECES = ["SELECT ", "h.APRef", " FROM APTH h", "\n", "\r\n", "\r", "é", "\N{MONEY BAG}",
          "\u2028", "\u2029", "\u0085", "\x0c", "\x0b", "x", " ", "--c", "'"]
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
positions = st.builds(types.Position, line=st.integers(0, 12), character=st.integers(0, 40))


@st.composite
def changes(draw: st.DrawFn) -> types.TextDocumentContentChangePartial:
    start, end = sorted([draw(positions), draw(positions)], key=lambda p: (p.line, p.character))
    return types.TextDocumentContentChangePartial(
        range=types.Range(start=start, end=end), text=draw(texts))


@settings(max_examples=300, deadline=None)
@given(text=texts, edits=st.lists(changes(), min_size=1, max_size=8),
       encoding=st.sampled_from(ENCODINGS))
def test_incremental_edits_keep_the_editors_text(text: str, edits: list[
        types.TextDocumentContentChangePartial], encoding: str) -> None:
    document = Document("file:///x.sql", text, 1, encoding)
    expected = text
    for change in edits:
        expected = spec_text.apply_change(expected, change, encoding)
        document.apply(change)
        assert document.text == expected


@settings(max_examples=200, deadline=None)
@given(text=texts, encoding=st.sampled_from(ENCODINGS))
def test_every_offset_maps_to_the_spec_position_and_back(text: str, encoding: str) -> None:
    index = LineIndex(text, encoding)
    for offset in range(len(text) + 1):
        where = index.position(offset)
        assert where == spec_text.position(text, offset, encoding)
        back = index.offset(where)
        inside_crlf = 0 < offset < len(text) and text[offset - 1:offset + 1] == "\r\n"
        assert back == (offset - 1 if inside_crlf else offset)


def test_odd_line_separators_are_ordinary_characters() -> None:
    text = "SELECT 1 \u2028 x\x0c\x0b\u0085\u2029 FROM APTH\nWHERE 1 = 1"
    index = LineIndex(text)
    assert index.line_count == 2
    assert index.position(text.index("WHERE")) == types.Position(line=1, character=0)
    apth = text.index("APTH")
    assert index.position(apth) == types.Position(line=0, character=apth)


def test_cr_only_text_has_one_line_per_cr() -> None:
    text = "SELECT h.APRef\rFROM APTH h\rWHERE 1 = 1\r"
    index = LineIndex(text)
    assert index.line_count == 4
    assert index.position(text.index("APTH")) == types.Position(line=1, character=5)
    assert index.offset(types.Position(line=2, character=0)) == text.index("WHERE")


def test_a_column_past_the_end_of_a_line_is_its_end() -> None:
    text = "ab\r\ncd"
    index = LineIndex(text)
    assert index.offset(types.Position(line=0, character=99)) == 2
    assert index.offset(types.Position(line=7, character=0)) == len(text)
    document = Document("file:///x.sql", text, 1)
    document.apply(types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=0, character=50),
                          end=types.Position(line=0, character=60)), text="!"))
    assert document.text == "ab!\r\ncd"


def test_columns_count_the_negotiated_encoding() -> None:
    text = "N'\N{MONEY BAG}é' x"
    x = text.index("x")
    assert LineIndex(text, "utf-16").position(x).character == 7
    assert LineIndex(text, "utf-8").position(x).character == 10
    assert LineIndex(text, "utf-32").position(x).character == 6
    # a column inside a character means that character's end
    assert LineIndex(text, "utf-8").offset(types.Position(line=0, character=4)) == 3


def test_every_spelling_of_a_uri_is_one_document() -> None:
    spellings = ["file:///c%3A/Work/my%20reports/a.sql", "file:///C:/Work/my reports/a.sql",
                 "file:///c:/Work/my%20reports/a.sql", "file://localhost/C%3A/Work/my%20reports/a.sql"]
    assert len({normalize_uri(u) for u in spellings}) == 1
    assert normalize_uri("file:///tmp/A.sql") != normalize_uri("file:///tmp/a.sql")
    documents = Documents()
    documents.open(types.TextDocumentItem(uri=spellings[0], language_id="sql", version=1,
                                          text="SELECT 1"))
    for uri in spellings:
        found = documents.get(uri)
        assert found is not None and found.uri == spellings[0]
    assert documents.get("file:///c%3A/Work/other.sql") is None
