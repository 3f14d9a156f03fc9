"""Dotted names (vgpt2.catalog.sql.names): the one reader of ``[dbo].[APTH]``, ``dbo.bAPTH``,
``"x"."y"`` and ``server.db.schema.object`` that the DDL importer and the analyzer share.

The property tests write a name the ways SQL Server accepts it (bare, bracketed with ``]]``,
double-quoted with ``""``, spaces and comments around the dots) and check that every
spelling reads back as the same parts, inside a statement as well as alone.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from vgpt2.catalog.importers.ddl import import_ddl
from vgpt2.catalog.sql.names import (
    DOTTED_PATTERN,
    dotted_start,
    last_part,
    qualifier_before,
    read_name,
    split_name,
)
from vgpt2.catalog.sql.tokens import tokenize
from vgpt2.catalog.sqltypes import normalize_type

BARE = st.from_regex(r"[A-Za-z_][A-Za-z0-9_$#@]{0,12}", fullmatch=True)
QUOTABLE = st.text(st.characters(codec="utf-8", exclude_characters="\x00\r\n"),
                   min_size=1, max_size=12)
PLAIN_SEPARATORS = [".", " . ", "\n.\n", ". \t"]
SEPARATORS = [*PLAIN_SEPARATORS, ". /* a.b */ ", " -- c.d\n. "]


@st.composite
def written_part(draw: st.DrawFn) -> tuple[str, str]:
    """(the part's name, one way SQL Server lets it be written)."""
    style = draw(st.sampled_from(["bare", "bracket", "dquote"]))
    if style == "bare":
        name = draw(BARE)
        return name, name
    name = draw(QUOTABLE)
    if style == "bracket":
        return name, "[" + name.replace("]", "]]") + "]"
    return name, '"' + name.replace('"', '""') + '"'


@st.composite
def written_name(draw: st.DrawFn, comments: bool = True) -> tuple[tuple[str, ...], str]:
    parts = draw(st.lists(written_part(), min_size=1, max_size=4))
    separators = st.sampled_from(SEPARATORS if comments else PLAIN_SEPARATORS)
    text = parts[0][1]
    for _, written in parts[1:]:
        text += draw(separators) + written
    return tuple(name for name, _ in parts), text


@settings(max_examples=300, deadline=None)
@given(written_name())
def test_every_spelling_of_a_name_reads_back_as_its_parts(
        case: tuple[tuple[str, ...], str]) -> None:
    parts, text = case
    assert split_name(text) == parts


@settings(max_examples=300, deadline=None)
@given(written_name(comments=False))
def test_the_regex_for_long_text_reads_the_same_names(
        case: tuple[tuple[str, ...], str]) -> None:
    """The importer's FROM/JOIN scan of long text finds names with DOTTED_PATTERN."""
    parts, text = case
    assert re.fullmatch(DOTTED_PATTERN, text)
    assert last_part(text) == parts[-1].strip()


@settings(max_examples=300, deadline=None)
@given(written_name())
def test_a_name_inside_a_statement_ends_where_it_ends(case: tuple[tuple[str, ...], str]) -> None:
    parts, text = case
    tokens = tokenize(f"SELECT * FROM {text} WHERE x = 1")
    name = read_name(tokens, 3)
    assert name is not None and name.parts == parts and not name.dangling
    assert tokens[name.stop].upper == "WHERE"
    assert name.name == parts[-1]
    assert name.schema == (parts[-2] if len(parts) > 1 else "")


@settings(max_examples=200, deadline=None)
@given(written_name())
def test_a_qualifier_is_found_from_what_follows_it(case: tuple[tuple[str, ...], str]) -> None:
    parts, text = case
    tokens = tokenize(f"SELECT {text}.* FROM t")
    star = next(i for i, t in enumerate(tokens) if t.text == "*")
    qualifier = qualifier_before(tokens, star)
    assert qualifier is not None and qualifier.parts == parts and qualifier.dangling
    assert qualifier.first == 1 and qualifier.stop == star
    assert dotted_start(tokens, star - 2) == 1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "[b]", '"c"', ".", "..", " ", "*", "(", "'s'", "--x\n",
                                 "[", '"', "/*"]), max_size=12).map("".join))
def test_the_reader_is_total(text: str) -> None:
    """Half-typed SQL: any tokens at any index give a name or None, never an error."""
    tokens = tokenize(text)
    for index in range(len(tokens) + 1):
        name = read_name(tokens, index)
        if name is not None:
            assert index < name.stop <= len(tokens)
        if index < len(tokens):
            assert dotted_start(tokens, index) <= index
        qualifier_before(tokens, index)


def test_an_omitted_part_and_a_dangling_dot() -> None:
    assert split_name("Viewpoint..bAPTH") == ("Viewpoint", "", "bAPTH")
    assert split_name("srv.Viewpoint.dbo.bAPTH") == ("srv", "Viewpoint", "dbo", "bAPTH")
    tokens = tokenize("SELECT dbo.")
    name = read_name(tokens, 1)
    assert name is not None and name.dangling and name.parts == ("dbo",)
    assert split_name("dbo.") is None
    assert split_name("dbo.APTH x") is None
    assert split_name("'APTH'") is None


def test_the_ddl_importer_reads_object_names_through_it(tmp_path: Path) -> None:
    script = tmp_path / "t.sql"
    script.write_text('CREATE TABLE [dbo] . /* c */ [bAP]]X] (APCo tinyint NOT NULL)\nGO\n'
                      'CREATE TABLE "ap"."bAPY" (APCo tinyint NOT NULL)\nGO\n'
                      'CREATE TABLE Viewpoint..bAPZ (APCo tinyint NOT NULL)\nGO\n'
                      'CREATE TABLE dbo. (APCo tinyint)\nGO\n', encoding="utf-8")
    result = import_ddl(script)
    schemas = {o.name: o.schema for o in result.objects}
    assert schemas == {"bAP]X": "dbo", "bAPY": "ap", "bAPZ": "dbo"}
    assert any("expected a name after '.'" in i.message and i.line == 7 for i in result.issues)


def test_type_names_are_read_as_names() -> None:
    assert normalize_type("[dbo].[bCompany]") == "bCompany"
    assert normalize_type("VARCHAR(30)") == "varchar"
    assert normalize_type("[nvarchar](max)") == "nvarchar"
    assert normalize_type('"dbo"."bYN"') == "bYN"
