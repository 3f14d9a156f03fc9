"""The SQL text layer (vgpt2.catalog.sql): one tokenizer, one GO-batch scan, one line count.

Both the DDL importer and the analyzer cut scripts here, so these pin what a user
of either sees: where a script is cut with any line ending, that a GO inside a
multi-line comment or string does not cut, and that a lazily tokenized range
reads as the same tokens as the text it holds.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from vgpt2.catalog.importers.ddl import import_ddl
from vgpt2.catalog.model import ObjectType
from vgpt2.catalog.sql.batches import GO_LINE, batch_ranges, split_batches
from vgpt2.catalog.sql.lines import LineCounter, count_line_breaks
from vgpt2.catalog.sql.tokens import Kind, Token, iter_tokens, read_tokens, tokenize

SCRIPT = ("SELECT 1\nGO\n/* header\nGO\n*/ SELECT 2 -- GO\ngo 3 -- again\n"
          "SELECT 'a\nGO\nb'\n  GO\nGOTO x\n")


def reference_ranges(text: str) -> list[tuple[int, int]]:
    """GO lines as the tokenizer sees them: a GO inside a multi-line comment or string
    token does not split (the definition the lazy scan must agree with)."""
    protected = [(t.start, t.end) for t in tokenize(text, comments=True)
                 if t.kind in (Kind.COMMENT, Kind.STRING) and ("\n" in t.text or "\r" in t.text)]
    ranges, position = [], 0
    for match in GO_LINE.finditer(text):
        if any(start < match.start() < end for start, end in protected):
            continue
        ranges.append((position, match.start()))
        position = match.end()
    ranges.append((position, len(text)))
    return [(s, e) for s, e in ranges if text[s:e].strip()]


def test_go_lines_cut_with_every_line_ending() -> None:
    for newline in ("\n", "\r\n", "\r"):
        text = SCRIPT.replace("\n", newline)
        found = [b.text.strip() for b in split_batches(text)]
        assert found == ["SELECT 1",
                         f"/* header{newline}GO{newline}*/ SELECT 2 -- GO",
                         f"SELECT 'a{newline}GO{newline}b'",
                         "GOTO x"], newline


def test_blank_batches_are_dropped() -> None:
    assert batch_ranges("GO\n\nGO\n  \nGO") == []
    assert split_batches("GO\nSELECT 1\nGO")[0].offset == 2  # the GO line keeps no newline


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["SELECT 1", "GO", "go 2", "/*", "*/", "'", "[", "]", '"',
                                 "--", "\n", "\r\n", "\r", " ", "N'x'", "x"]),
                max_size=40).map("".join))
def test_lazy_scan_agrees_with_the_tokenizer(text: str) -> None:
    assert batch_ranges(text) == reference_ranges(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab[]'\"-/*\n\r @.,()0x9N", max_size=60), st.data())
def test_a_token_range_reads_as_its_own_text(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    ranged = [(t.kind, t.text, t.start - start, t.end - start, t.terminated)
              for t in iter_tokens(text, comments=True, start=start, end=end)]
    alone = [(t.kind, t.text, t.start, t.end, t.terminated)
             for t in tokenize(text[start:end], comments=True)]
    assert ranged == alone


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab[]'\"-/*\n\r @.,()0x9N", max_size=60), st.integers(1, 5),
       st.booleans())
def test_tokens_read_a_few_at_a_time_are_the_same_tokens(text: str, count: int,
                                                       comments: bool) -> None:
    """The DDL importer pulls tokens in small chunks (read_tokens): chunk edges change nothing."""
    chunked: list[Token] = []
    position = 0
    while position < len(text):
        position = read_tokens(text, position, len(text), chunked, count, comments=comments)
    assert chunked == tokenize(text, comments=comments)
    strings = [t for t in chunked if t.kind is Kind.STRING and t.terminated]
    for token in strings:
        assert "'" + token.literal.replace("'", "''") + "'" == token.text.lstrip("Nn")


def test_line_comments_end_at_a_lone_carriage_return() -> None:
    tokens = tokenize("SELECT 1 -- note\rFROM t", comments=True)
    assert [t.text for t in tokens] == ["SELECT", "1", "-- note", "FROM", "t"]


def test_lines_count_every_line_ending() -> None:
    text = "a\r\nb\rc\nd"
    assert count_line_breaks(text) == 3
    counter = LineCounter(text)
    assert [counter.line(text.index(c)) for c in "abcd"] == [1, 2, 3, 4]
    assert counter.line(0) == 1  # going back recounts
    assert LineCounter(text, line_base=10).line(text.index("d")) == 14


def test_ddl_import_reads_cr_only_scripts_like_lf(tmp_path: Path) -> None:
    """Old Mac line endings: the same objects, columns and issue lines as with LF."""
    script = ("/* header\nGO\n*/\nCREATE TABLE dbo.bT (\n  [A] int NOT NULL,\n"
              "  [B] varchar(NOT)\n)\nGO\n-- a view\nCREATE VIEW dbo.T AS\n"
              "SELECT a.* FROM dbo.bT a\nGO\n")
    results = {}
    for name, newline in (("lf", "\n"), ("cr", "\r"), ("crlf", "\r\n")):
        path = tmp_path / f"{name}.sql"
        path.write_bytes(script.replace("\n", newline).encode())
        imported = import_ddl(path)
        results[name] = (
            sorted((o.name, o.type, o.source.line if o.source else None,
                    tuple(c.name for c in o.columns)) for o in imported.objects),
            sorted((i.line, i.message) for i in imported.issues))
    assert results["lf"][0] == [("T", ObjectType.VIEW, 10, ("A",)),
                                ("bT", ObjectType.TABLE, 4, ("A",))]  # B is unreadable
    assert results["lf"][1] and results["cr"] == results["lf"] == results["crlf"]
