"""The completion context of half-typed T-SQL: what the cursor wants, read from tokens."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from vgpt2.server.analysis import context as context_module
from vgpt2.server.analysis.context import CompletionContext, ContextKind, read_context
from vgpt2.server.analysis.refs import RefKind

CLEAN = sorted((Path(__file__).parent / "corpus" / "clean").glob("*.sql"))


def at(marked: str) -> CompletionContext:
    """The context at the ``|`` of ``marked`` (the bar is removed)."""
    offset = marked.index("|")
    return read_context(marked[:offset] + marked[offset + 1:], offset)


def refs(context: CompletionContext) -> list[tuple[str, str | None]]:
    return [(r.name, r.alias) for r in context.refs]


# -- object positions -------------------------------------------------------------------------


def test_after_from_nothing_typed() -> None:
    context = at("SELECT * FROM |")
    assert context.kind is ContextKind.OBJECT
    assert context.clause == "FROM"
    assert (context.prefix, context.prefix_start, context.replace_end) == ("", 14, 14)
    assert context.read
    assert context.refs == ()


def test_after_from_with_a_prefix() -> None:
    context = at("SELECT * FROM JC|")
    assert context.kind is ContextKind.OBJECT
    assert (context.prefix, context.prefix_start, context.replace_end) == ("JC", 14, 16)


def test_the_whole_word_under_the_cursor_is_replaced() -> None:
    context = at("SELECT * FROM JC|JM j")
    assert (context.prefix, context.prefix_start, context.replace_end) == ("JC", 14, 18)
    assert context.tail  # an alias already follows: insert the bare name


@pytest.mark.parametrize(("marked", "clause", "read"), [
    ("SELECT * FROM APTH h JOIN |", "JOIN", True),
    ("SELECT * FROM APTH h LEFT OUTER JOIN |", "JOIN", True),
    ("SELECT * FROM APTH h CROSS APPLY |", "APPLY", True),
    ("SELECT * FROM APTH h, |", "FROM", True),
    ("INSERT INTO |", "INTO", False),
    ("UPDATE |", "UPDATE", False),
    ("MERGE INTO |", "INTO", False),
    ("MERGE JCCM AS t USING |", "USING", False),
    ("DELETE FROM |", "FROM", False),
    ("INSERT INTO #t (a) SELECT x FROM |", "FROM", True),
    ("UPDATE h SET Notes = 'x' FROM bAPTH h JOIN |", "JOIN", False),
    ("SELECT * INTO #x FROM |", "FROM", True),
    ("SELECT * FROM APTH h WHERE EXISTS (SELECT 1 FROM |", "FROM", True),
    ("EXEC |", "EXEC", False),
    ("EXECUTE brpt|", "EXEC", False),
    ("EXEC @rc = |", "EXEC", False),
])
def test_object_clauses(marked: str, clause: str, read: bool) -> None:
    context = at(marked)
    assert context.kind is ContextKind.OBJECT, context
    assert context.clause == clause
    assert context.read is read


def test_schema_qualifier_in_object_position() -> None:
    context = at("SELECT * FROM dbo.AP|")
    assert context.kind is ContextKind.OBJECT
    assert (context.qualifier, context.prefix, context.prefix_start) == ("dbo", "AP", 18)
    context = at("SELECT * FROM APTH h JOIN dbo.|")
    assert context.qualifier == "dbo"
    assert refs(context) == [("APTH", "h")]  # the half-written dbo. is not a reference


def test_bracketed_prefix() -> None:
    context = at("SELECT * FROM [APT|")
    assert context.kind is ContextKind.OBJECT
    assert (context.prefix, context.quote, context.prefix_start) == ("APT", "[", 14)
    closed = at("SELECT * FROM [APT|] h")
    assert (closed.prefix, closed.prefix_start, closed.replace_end) == ("APT", 14, 19)


def test_an_open_bracket_does_not_swallow_the_rest_of_the_statement() -> None:
    context = at("SELECT x.| FROM [JCJM] x WHERE x.Job = 1")
    assert refs(context) == [("JCJM", "x")]
    context = at("SELECT * FROM [APT| h WHERE h.[Job] = 1")
    assert (context.kind, context.prefix, context.quote) == (ContextKind.OBJECT, "APT", "[")
    assert context.prefix_start == 14
    assert context.replace_end == 18


# -- columns ----------------------------------------------------------------------------------


def test_alias_dot_before_the_from_clause() -> None:
    context = at("SELECT h.| FROM APTH h")
    assert context.kind is ContextKind.COLUMN_OF
    assert context.qualifier == "h"
    assert refs(context) == [("APTH", "h")]  # read from the text after the cursor
    assert context.resolve("H") is context.refs[0]


def test_alias_dot_with_a_prefix_in_a_half_typed_join() -> None:
    context = at("SELECT h.AP| FROM APTH h JOIN APTL l ON ")
    assert context.kind is ContextKind.COLUMN_OF
    assert (context.qualifier, context.prefix, context.prefix_start) == ("h", "AP", 9)
    assert refs(context) == [("APTH", "h"), ("APTL", "l")]


def test_select_list_and_where_of_the_same_statement() -> None:
    text = "SELECT  FROM APTH h WHERE h."
    context = read_context(text, 7)
    assert context.kind is ContextKind.COLUMN
    assert context.clause == "SELECT"
    assert refs(context) == [("APTH", "h")]
    context = read_context(text, len(text))
    assert context.kind is ContextKind.COLUMN_OF
    assert (context.qualifier, context.clause) == ("h", "WHERE")


@pytest.mark.parametrize(("marked", "clause"), [
    ("SELECT h.APCo, | FROM APTH h", "SELECT"),
    ("SELECT * FROM APTH h WHERE h.APCo = 1 AND |", "WHERE"),
    ("SELECT * FROM APTH h WHERE |", "WHERE"),
    ("SELECT h.Vendor FROM APTH h GROUP BY |", "GROUP BY"),
    ("SELECT * FROM APTH h ORDER BY h.Mth, |", "ORDER BY"),
    ("SELECT COUNT(*) FROM APTH h GROUP BY h.Vendor HAVING |", "HAVING"),
    ("SELECT * FROM APTH h JOIN APTL l ON l.APCo = h.APCo AND |", "ON"),
    ("UPDATE APTH SET |", "SET"),
    ("SELECT SUM(|) FROM APTH h", "SELECT"),
    ("SELECT TOP 10 |", "SELECT"),
    ("SELECT CASE WHEN | THEN 1 END FROM APTH h", "SELECT"),
])
def test_expression_positions(marked: str, clause: str) -> None:
    context = at(marked)
    assert context.kind is ContextKind.COLUMN, context
    assert context.clause == clause


def test_join_condition_right_after_on() -> None:
    context = at("SELECT h.AP FROM APTH h JOIN APTL l ON |")
    assert context.kind is ContextKind.JOIN_CONDITION
    assert context.last_joined is not None
    assert (context.last_joined.name, context.last_joined.alias) == ("APTL", "l")
    assert refs(context) == [("APTH", "h"), ("APTL", "l")]


def test_last_joined_is_the_reference_before_the_cursor() -> None:
    context = at("SELECT * FROM APTH h JOIN APTL l ON l.APCo = h.APCo JOIN APVM v ON |"
                 "\nWHERE h.APCo = 1")
    assert context.last_joined is not None and context.last_joined.alias == "v"
    assert refs(context) == [("APTH", "h"), ("APTL", "l"), ("APVM", "v")]


def test_join_with_nothing_after_it_keeps_the_earlier_references() -> None:
    context = at("SELECT * FROM APTH h JOIN |")
    assert context.kind is ContextKind.OBJECT
    assert context.clause == "JOIN"
    assert refs(context) == [("APTH", "h")]
    assert context.last_joined is not None and context.last_joined.alias == "h"


def test_incomplete_join_followed_by_where() -> None:
    context = at("SELECT | FROM APTH h JOIN \nWHERE h.APCo = 1")
    assert refs(context) == [("APTH", "h")]


@pytest.mark.parametrize("target", ["APTH", "dbo.APTH", "Vista.dbo.APTH", "Vista..APTH"])
def test_insert_column_list(target: str) -> None:
    context = at(f"INSERT INTO {target} (APCo, |")
    assert context.kind is ContextKind.COLUMN_OF
    assert context.qualifier == "APTH"
    assert context.clause == "INSERT_COLUMNS"


# -- references -------------------------------------------------------------------------------


def test_reference_shapes() -> None:
    text = ("SELECT  FROM dbo.APTH AS h WITH (NOLOCK) JOIN [APTL] l ON 1 = 1 "
            "LEFT JOIN APVM (NOLOCK) JOIN JCJM WITH (NOLOCK) ON 1 = 1 "
            "CROSS APPLY dbo.vfSplit(h.Notes) s, @t tv, #tmp")
    context = read_context(text, 7)
    assert refs(context) == [("APTH", "h"), ("APTL", "l"), ("APVM", None), ("JCJM", None),
                             ("vfSplit", "s"), ("@t", "tv"), ("#tmp", None)]
    kinds = [r.kind for r in context.refs]
    assert kinds == [RefKind.OBJECT] * 4 + [RefKind.FUNCTION, RefKind.VARIABLE, RefKind.TEMP]
    assert [r.hinted for r in context.refs][:4] == [True, False, True, True]
    assert context.refs[0].schema == "dbo"
    first = context.refs[0]
    assert text[first.start:first.end] == "dbo.APTH AS h"


def test_derived_tables_and_their_columns() -> None:
    context = at("SELECT x.| FROM (SELECT a.APCo, a.Mth AS M, SUM(a.InvTotal) Total "
                 "FROM APTH a GROUP BY a.APCo, a.Mth) x")
    (ref,) = context.refs
    assert (ref.name, ref.kind, ref.columns) == ("x", RefKind.DERIVED, ("APCo", "M", "Total"))
    star = at("SELECT x.| FROM (SELECT * FROM APTH a) x")
    assert star.refs[0].star == ("APTH",)
    values = at("SELECT v.| FROM (VALUES (1, 'a')) v (Code, Name)")
    assert values.refs[0].columns == ("Code", "Name")


def test_ctes_are_references() -> None:
    context = at("WITH c AS (SELECT JCCo, Job AS J, Total = SUM(x) FROM JCJM GROUP BY JCCo, Job)"
                 " SELECT c.| FROM c JOIN JCJM j ON j.JCCo = c.JCCo")
    assert [c.name for c in context.ctes] == ["c"]
    assert refs(context) == [("c", None), ("JCJM", "j")]
    assert context.refs[0].kind is RefKind.CTE
    assert context.refs[0].columns == ("JCCo", "J", "Total")
    listed = at("WITH a (Co, Job) AS (SELECT 1, 2), b AS (SELECT * FROM JCCM) "
                "SELECT * FROM a JOIN b ON |")
    assert [(c.name, c.columns, c.star) for c in listed.ctes] == [
        ("a", ("Co", "Job"), ()), ("b", (), ("JCCM",))]
    assert [r.kind for r in listed.refs] == [RefKind.CTE, RefKind.CTE]


def test_inside_a_cte_body_only_its_own_references() -> None:
    context = at("WITH c AS (SELECT p.| FROM JCCP p) SELECT * FROM c JOIN JCJM j ON 1 = 1")
    assert refs(context) == [("JCCP", "p")]


def test_correlated_subquery_sees_outer_references() -> None:
    context = at("SELECT * FROM JCJM j WHERE EXISTS (SELECT 1 FROM JCCP p "
                 "WHERE p.JCCo = j.JCCo AND |)")
    assert [(r.name, r.outer) for r in context.refs] == [("JCCP", False), ("JCJM", True)]
    assert context.resolve("j") is context.refs[1]
    assert [r.name for r in context.own_refs] == ["JCCP"]


def test_union_branches_have_their_own_references() -> None:
    text = "SELECT | FROM APTH h UNION ALL SELECT  FROM APTL l"
    assert refs(at(text)) == [("APTH", "h")]
    second = text.replace("|", "")
    assert refs(read_context(second, second.rindex("  FROM") + 1)) == [("APTL", "l")]


def test_update_target_that_names_a_from_alias_is_not_repeated() -> None:
    context = at("UPDATE h SET | FROM APTH h JOIN APVM v ON v.Vendor = h.Vendor")
    assert refs(context) == [("APTH", "h"), ("APVM", "v")]
    plain = at("UPDATE APTH SET | WHERE APCo = 1")
    assert refs(plain) == [("APTH", None)]
    assert plain.refs[0].clause == "UPDATE"


def test_merge_target_and_source() -> None:
    context = at("MERGE INTO JCCM AS t USING #src s ON |")
    assert context.kind is ContextKind.JOIN_CONDITION
    assert refs(context) == [("JCCM", "t"), ("#src", "s")]


def test_unbound_qualifiers() -> None:
    context = at("SELECT h.APRef, v.Name, dbo.vfX(1) FROM |")
    assert context.unbound_qualifiers == ("h", "v")
    assert at("SELECT h.APRef FROM APTH h JOIN |").unbound_qualifiers == ()


# -- statements and batches -------------------------------------------------------------------


def test_statements_without_semicolons() -> None:
    text = "SELECT * FROM APTH h WHERE |\nSELECT 1 FROM JCJM j\nUPDATE x SET y = 1"
    context = at(text)
    assert (context.kind, context.clause) == (ContextKind.COLUMN, "WHERE")
    assert refs(context) == [("APTH", "h")]
    second = at("SELECT * FROM APTH h\nSELECT j.| FROM JCJM j\nUPDATE x SET y = 1")
    assert refs(second) == [("JCJM", "j")]


def test_after_a_semicolon_a_new_statement_starts() -> None:
    context = at("SELECT * FROM APTH h;\n|")
    assert (context.kind, context.clause) == (ContextKind.KEYWORD, "START")
    assert context.refs == ()


def test_control_flow_around_statements() -> None:
    text = ("IF EXISTS (SELECT 1 FROM APTH h WHERE h.|)\nBEGIN\n  SELECT * FROM JCJM j\nEND\n"
            "ELSE\n  DELETE FROM bJCCD WHERE JCCo = 1")
    context = at(text)
    assert context.kind is ContextKind.COLUMN_OF
    assert refs(context) == [("APTH", "h")]
    inner = at("BEGIN TRY\n  UPDATE h SET h.Notes = 'x' FROM bAPTH h WHERE h.|\nEND TRY")
    assert refs(inner) == [("bAPTH", "h")]


def test_go_batches() -> None:
    text = ("SELECT * FROM APTL l\nGO\nSELECT h.| FROM APTH h\ngo 2 -- twice\n"
            "SELECT * FROM APVM v\nGO")
    context = at(text)
    assert refs(context) == [("APTH", "h")]
    assert context.kind is ContextKind.COLUMN_OF
    # A GO line inside a block comment does not split the batch.
    commented = at("SELECT h.| FROM APTH h\n/*\nGO\n*/\nJOIN APTL l ON 1 = 1")
    assert refs(commented) == [("APTH", "h"), ("APTL", "l")]


def test_typing_on_a_go_line_is_not_completed() -> None:
    assert at("SELECT 1\nGO|\nSELECT 2").kind is ContextKind.NONE


@pytest.mark.parametrize("marked", [
    "SELECT 'ab|c' FROM APTH",
    "SELECT 'it''s| here'",
    "SELECT * FROM APTH WHERE Notes = 'unterminated |",
    "SELECT 1 -- a comment |\nFROM APTH",
    "SELECT 1 /* block | */ FROM APTH",
    "SELECT 1 /* nested /* inner */ still | */ FROM APTH",
    "/* never closed SELECT * FROM |",
    "SELECT N'x|' FROM APTH",
    "SELECT 12|3",
    "SELECT @va|r",
    "SELECT * FROM APTH AS |",
])
def test_nothing_to_complete(marked: str) -> None:
    assert at(marked).kind is ContextKind.NONE


def test_just_outside_strings_and_comments() -> None:
    assert at("SELECT 'abc'|").kind is not ContextKind.NONE
    assert at("SELECT 1 /* c */|").kind is not ContextKind.NONE
    assert at("-- comment\n|").kind is ContextKind.KEYWORD


@pytest.mark.parametrize(("marked", "clause"), [
    ("|", "START"),
    ("|SELECT 1", "START"),
    ("SEL|", "START"),
    ("SELECT * FROM APTH h |", "FROM"),
    ("SELECT * FROM APTH h WITH (NOLOCK) |", "FROM"),
    ("SELECT * FROM APTH h LEFT |", "LEFT"),
    ("SELECT * FROM APTH h GROUP |", "GROUP"),
    ("SELECT * FROM APTH h WITH (|", "HINT"),
    ("SELECT * FROM APTH h WHERE h.APCo = 1 |", "WHERE"),
    ("SELECT h.APCo |", "SELECT"),
    ("SELECT * |", "SELECT"),
    ("BEGIN\n|", "START"),
])
def test_keyword_positions(marked: str, clause: str) -> None:
    context = at(marked)
    assert context.kind is ContextKind.KEYWORD, context
    assert context.clause == clause


def test_cursor_at_both_ends_and_out_of_range() -> None:
    text = CLEAN[0].read_text(encoding="utf-8")
    assert read_context(text, 0).kind is ContextKind.KEYWORD
    end = read_context(text, len(text))
    assert end.offset == len(text)
    assert read_context(text, len(text) + 50).offset == len(text)
    assert read_context(text, -3).offset == 0
    assert read_context("", 0).kind is ContextKind.KEYWORD


def test_offsets_are_document_offsets_in_later_batches() -> None:
    text = "SELECT 1\nGO\nSELECT * FROM APTH h WHERE h.Ven"
    context = read_context(text, len(text))
    assert text[context.prefix_start:context.replace_end] == "Ven"
    assert text[context.refs[0].start:context.refs[0].end] == "APTH h"


def test_a_long_batch_is_read_through_a_window_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A very long batch is tokenized only round the cursor; the answer must not change."""
    text = "\n".join(line for path in CLEAN for line in path.read_text(encoding="utf-8")
                     .splitlines() if line.strip().upper()[:2] != "GO")
    offsets = sorted(random.Random(7).sample(range(len(text)), 120))

    def summary(context: CompletionContext) -> tuple[object, ...]:
        return (context.kind, context.prefix, context.prefix_start, context.qualifier,
                context.clause, context.read, refs(context),
                context.last_joined.binding if context.last_joined else None)

    monkeypatch.setattr(context_module, "_WINDOW_LIMIT", 10**9)
    whole = [summary(read_context(text, o)) for o in offsets]
    monkeypatch.setattr(context_module, "_WINDOW_LIMIT", 500)
    windowed = [summary(read_context(text, o)) for o in offsets]
    assert windowed == whole
