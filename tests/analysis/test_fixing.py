"""The fix engine: safe fixes only, no overlaps, a fixed point, faithful bytes <-> text."""

from __future__ import annotations

import codecs

import pytest
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis import fixing
from vgpt2.server.analysis.analyzer import RuleSettings, analyze
from vgpt2.server.analysis.findings import Edit, Finding, Fix, LineIndex
from vgpt2.server.analysis.fixing import (
    BinaryFileError,
    apply_edits,
    apply_fixes,
    choose_fixes,
    decode_source,
    detect_newline,
    fix_text,
)
from vgpt2.server.analysis.report import Span, lsp_position, span

FIXABLE = {"VG003", "VG004", "VG005", "VG006"}

QUERIES = [
    "select apref from bapth",
    "SELECT h.APRef FROM bAPTH h JOIN APTL l ON h.APCo = l.APCo",
    "SELECT * FROM APTH h WITH (ROWLOCK) JOIN APTL l ON l.APCo = h.APCo",
    "SELECT * FROM [bAPTH] AS h INNER JOIN APTL AS l ON h.APCo = l.APCo AND h.Mth = l.Mth",
    "WITH x AS (SELECT * FROM jccd) SELECT * FROM x",
    "SELECT * FROM JCCD d JOIN JCJM j ON d.JCCo = j.JCCo",
    "SELECT (SELECT MAX(Mth) FROM APTH WHERE APTH.APCo = t.APCo) FROM APTL t",
    "INSERT INTO #t SELECT * FROM APVM",
    "SELECT job FROM jcjm\nGO\nSELECT Job FROM bJCJM j JOIN JCCM c ON j.JCCo = c.JCCo",
]


@pytest.mark.parametrize("sql", QUERIES)
def test_safe_fixes_remove_their_findings_and_a_second_run_is_a_no_op(
        sample_catalog: Catalog, sql: str) -> None:
    assert {f.code for f in analyze(sql, sample_catalog)} & FIXABLE
    result = fix_text(sql, sample_catalog)
    assert result.applied > 0 and result.settled
    assert not {f.code for f in analyze(result.text, sample_catalog)} & FIXABLE
    assert result.remaining == analyze(result.text, sample_catalog)
    assert apply_fixes(result.text, sample_catalog) == (result.text, 0)


def test_fixes_that_uncover_fixes_are_applied_in_later_rounds(sample_catalog: Catalog) -> None:
    text, applied = apply_fixes("select apref from bapth", sample_catalog)
    # bapth -> bAPTH (case) first, then bAPTH -> APTH (view): two rounds, one result
    assert text == "select APRef from APTH WITH (NOLOCK)"
    assert applied == 4


def test_a_whole_join_is_completed(sample_catalog: Catalog) -> None:
    text, _ = apply_fixes("SELECT h.APRef FROM APTH h JOIN APTL l ON h.APCo = l.APCo",
                          sample_catalog)
    assert text == ("SELECT h.APRef FROM APTH h WITH (NOLOCK) JOIN APTL l WITH (NOLOCK) "
                    "ON h.APCo = l.APCo AND h.Mth = l.Mth AND h.APTrans = l.APTrans")


def test_unsafe_suggestions_are_never_applied(sample_catalog: Catalog) -> None:
    sql = "SELECT APRef FROM APTH WITH (NOLOCK) WHERE Mth = '2024-03-15' AND Foo = 1"
    text, applied = apply_fixes(sql, sample_catalog)
    assert (text, applied) == (sql, 0)
    assert {f.code for f in analyze(sql, sample_catalog)} == {"VG002", "VG007"}


def test_select_limits_the_rules_whose_fixes_apply(sample_catalog: Catalog) -> None:
    sql = "SELECT APRef FROM bAPTH"
    text, applied = apply_fixes(sql, sample_catalog, select={"VG004"})
    assert (text, applied) == ("SELECT APRef FROM bAPTH WITH (NOLOCK)", 1)
    text, _ = apply_fixes(sql, sample_catalog, select={"VG005"})
    assert text == "SELECT APRef FROM APTH"


def test_rules_turned_off_are_not_fixed(sample_catalog: Catalog) -> None:
    off = RuleSettings(disabled={"VG004"})
    assert apply_fixes("SELECT APRef FROM bAPTH", sample_catalog, off) == (
        "SELECT APRef FROM APTH", 1)
    assert apply_fixes("SELECT APRef FROM APTH", sample_catalog,
                       RuleSettings(ignore={"VG004"})) == ("SELECT APRef FROM APTH", 0)


def test_inline_suppression_is_respected(sample_catalog: Catalog) -> None:
    sql = "SELECT APRef FROM APTH -- vgpt2: disable=VG004\n"
    assert apply_fixes(sql, sample_catalog) == (sql, 0)


def test_crlf_text_stays_crlf(sample_catalog: Catalog) -> None:
    sql = "SELECT *\r\nFROM APTH h\r\nJOIN APTL l\r\n  ON h.APCo = l.APCo\r\n"
    text, applied = apply_fixes(sql, sample_catalog)
    assert applied == 3
    assert text.count("\r\n") == 4 and "\n" not in text.replace("\r\n", "")
    assert "h.APTrans = l.APTrans\r\n" in text


def test_inserted_line_breaks_follow_the_file(monkeypatch: pytest.MonkeyPatch,
                                              sample_catalog: Catalog) -> None:
    calls = []

    def fake(text: str, catalog: Catalog, settings: RuleSettings | None = None) -> list[Finding]:
        calls.append(text)
        if "--" in text:
            return []
        return [Finding("VG004", "x", 0, 1, fixes=(Fix("t", (Edit(1, 1, "\n-- a\n"),)),))]

    monkeypatch.setattr(fixing, "analyze", fake)
    text, applied = apply_fixes("A\r\nB\r\n", sample_catalog)
    assert (text, applied) == ("A\r\n-- a\r\n\r\nB\r\n", 1)


def test_fixes_that_undo_each_other_stop(monkeypatch: pytest.MonkeyPatch,
                                         sample_catalog: Catalog) -> None:
    def flip(text: str, catalog: Catalog, settings: RuleSettings | None = None) -> list[Finding]:
        other = "b" if text == "a" else "a"
        return [Finding("VG003", "x", 0, 1, fixes=(Fix("t", (Edit(0, 1, other),)),))]

    monkeypatch.setattr(fixing, "analyze", flip)
    result = fix_text("a", sample_catalog)
    assert not result.settled and result.rounds <= fixing.MAX_ROUNDS


def test_endless_fixes_stop_after_max_rounds(monkeypatch: pytest.MonkeyPatch,
                                             sample_catalog: Catalog) -> None:
    def grow(text: str, catalog: Catalog, settings: RuleSettings | None = None) -> list[Finding]:
        return [Finding("VG004", "x", 0, 0, fixes=(Fix("t", (Edit(len(text), len(text), "x"),)),))]

    monkeypatch.setattr(fixing, "analyze", grow)
    result = fix_text("", sample_catalog)
    assert result.text == "x" * fixing.MAX_ROUNDS
    assert result.rounds == fixing.MAX_ROUNDS and not result.settled


def _finding(code: str, *fixes: Fix) -> Finding:
    return Finding(code, "m", 0, 1, fixes=fixes)


def test_choose_fixes_takes_the_first_safe_fix_and_skips_overlaps() -> None:
    unsafe = Fix("unsafe", (Edit(0, 3, "zzz"),), safe=False)
    first = Fix("first", (Edit(0, 3, "abc"),))
    overlapping = Fix("overlap", (Edit(2, 5, "x"),))
    touching = Fix("touching", (Edit(3, 3, " WITH (NOLOCK)"),))
    chosen = choose_fixes([_finding("VG003", unsafe, first), _finding("VG005", overlapping),
                           _finding("VG004", touching)])
    assert chosen == [first, touching]


def test_choose_fixes_rejects_two_insertions_at_one_point_and_counts_duplicates_once() -> None:
    one = Fix("one", (Edit(4, 4, "a"),))
    other = Fix("other", (Edit(4, 4, "b"),))
    same = Fix("same edits, other finding", (Edit(4, 4, "a"),))
    assert choose_fixes([_finding("VG004", one), _finding("VG004", other),
                         _finding("VG006", same)]) == [one]


def test_choose_fixes_drops_a_whole_fix_when_one_of_its_edits_overlaps() -> None:
    first = Fix("first", (Edit(10, 12, "x"),))
    two_edits = Fix("two", (Edit(0, 1, "a"), Edit(11, 11, "b")))
    assert choose_fixes([_finding("VG003", first), _finding("VG006", two_edits)]) == [first]


def test_choose_fixes_honours_select() -> None:
    fix = Fix("f", (Edit(0, 0, "x"),))
    assert choose_fixes([_finding("VG004", fix)], select={"VG005"}) == []
    assert choose_fixes([_finding("VG004", fix)], select={"VG004"}) == [fix]


def test_apply_edits_from_the_end_with_insertions_before_replacements() -> None:
    text = "FROM jcjm j"
    edits = [Edit(5, 9, "JCJM"), Edit(11, 11, " WITH (NOLOCK)"), Edit(5, 5, "dbo.")]
    assert apply_edits(text, edits) == "FROM dbo.JCJM j WITH (NOLOCK)"
    assert apply_edits(text, []) == text


@pytest.mark.parametrize(("text", "newline"), [
    ("a\r\nb\nc", "\r\n"), ("a\nb\r\n", "\n"), ("one line", "\n"), ("old\rmac", "\r"),
])
def test_detect_newline(text: str, newline: str) -> None:
    assert detect_newline(text) == newline


@pytest.mark.parametrize(("data", "encoding", "bom"), [
    ("SELECT 'café'".encode(), "utf-8", b""),
    (codecs.BOM_UTF8 + "SELECT 'café'".encode(), "utf-8", codecs.BOM_UTF8),
    (codecs.BOM_UTF16_LE + "SELECT 'café'".encode("utf-16-le"), "utf-16-le",
     codecs.BOM_UTF16_LE),
    (codecs.BOM_UTF16_BE + "SELECT 'café'".encode("utf-16-be"), "utf-16-be",
     codecs.BOM_UTF16_BE),
    ("SELECT 'café' -- “quoted”".encode("cp1252"), "cp1252", b""),
    (b"SELECT '\x81\x8d'", "latin-1", b""),
])
def test_decode_source_round_trips(data: bytes, encoding: str, bom: bytes) -> None:
    source = decode_source(data)
    assert (source.encoding, source.bom) == (encoding, bom)
    assert source.text.startswith("SELECT '")
    assert source.encode() == data
    assert source.encode(source.text + " -- x").startswith(bom)


def test_decode_source_refuses_binary() -> None:
    with pytest.raises(BinaryFileError, match="NUL"):
        decode_source(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(BinaryFileError, match="UTF-16"):
        decode_source(codecs.BOM_UTF16_LE + b"\x00\xd8\x00")  # a lone surrogate


def test_positions_are_one_based_for_people_and_utf16_for_lsp() -> None:
    text = "SELECT '😀', x\r\nFROM APTH"
    index = LineIndex(text)
    start = text.index("APTH")
    assert span(index, start, start + 4) == Span(2, 6, 2, 10)
    emoji_line_x = text.index("x")
    assert span(index, emoji_line_x, emoji_line_x + 1).column == 13
    assert lsp_position(index, emoji_line_x) == (0, 13)  # the emoji is two UTF-16 units

