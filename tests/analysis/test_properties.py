"""Property tests: ``analyze`` is total and its findings are well-formed on any input.

Whatever the user has typed (random text, mis-decoded bytes, a file cut off
mid-token, a soup of SQL words, pathological nesting, a huge file), the
analyzer returns findings, never an exception, and every finding lies inside
the text, has a known code and fixes whose edits lie inside the text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.sql.tokens import tokenize
from vgpt2.server.analysis import RULES, Finding, Severity, analyze
from vgpt2.server.analysis.statements import split_batches, split_statements

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*/*.sql"))
TEXTS = {path.name: path.read_text(encoding="utf-8") for path in CORPUS}

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

VOCABULARY = [
    # statements and clauses
    "SELECT", "FROM", "WHERE", "JOIN", "INNER", "LEFT", "OUTER", "CROSS", "APPLY", "ON", "AND",
    "OR", "NOT", "IN", "EXISTS", "BETWEEN", "LIKE", "IS", "NULL", "GROUP", "BY", "HAVING",
    "ORDER", "DESC", "TOP", "DISTINCT", "UNION", "ALL", "EXCEPT", "INTERSECT", "AS", "WITH",
    "(NOLOCK)", "NOLOCK", "INDEX(ix)", "ROLLUP", "TIES", "OVER", "PARTITION", "ROWS", "PIVOT",
    "FOR", "CASE", "WHEN", "THEN", "ELSE", "END", "INSERT", "INTO", "VALUES", "DEFAULT",
    "UPDATE", "SET", "DELETE", "MERGE", "USING", "MATCHED", "OUTPUT", "OPTION",
    # T-SQL procedural
    "BEGIN", "IF", "WHILE", "BREAK", "RETURN", "RETURNS", "DECLARE", "CURSOR", "OPEN", "FETCH",
    "NEXT", "CLOSE", "DEALLOCATE", "EXEC", "EXECUTE", "CREATE", "ALTER", "DROP", "PROCEDURE",
    "PROC", "FUNCTION", "TRIGGER", "VIEW", "TABLE", "TRY", "CATCH", "TRAN", "COMMIT", "GOTO",
    "label:", "PRINT", "RAISERROR", "GO", "\nGO\n", "\ngo 2\n", "\n", "\r\n", "\t", ";",
    # names
    "JCJM", "JCCM", "JCCP", "APTH", "APTL", "APVM", "ARCM", "bJCCM", "[bJCCM]", "[JCJM]",
    "jcjm", "dbo.", "dbo.JCCM", "[dbo].[APTH]", "sys.objects", "INFORMATION_SCHEMA.COLUMNS",
    "OtherDb.dbo.X", "Customers", "STRING_SPLIT", "inserted", "deleted", "dbo.vfDateOnly()",
    "brptARAge", "j", "h", "l", "j.Job", "j.job", "Job", "h.Mth", "Mth", "l.APTrans",
    "h.APTrans", "h.APCo", "Description", "Receiver#", "@x", "@t", "@@ROWCOUNT", "#t", "##g",
    "bMonth", "int", "varchar(10)",
    # literals, operators, punctuation, comments
    "'2024-01-15'", "'2024-01'", "'2024-01-01'", "'x'", "'it''s'", "N'x'", "'", "N'", "[", "]",
    '"', "1", "0", "1.5e3", "0x1F", "=", "<>", ">=", "<", "+", "-", "*", "/", "%", ",", ".",
    "(", ")", "((", "))", "--", "-- vgpt2: disable=VG004\n", "-- vgpt2: disable-file=all\n",
    "/*", "*/", "/* c */", "\ufeff", "\x00", "é",
]


def check(text: str, findings: list[Finding]) -> None:
    """The invariants every analysis result keeps."""
    for finding in findings:
        assert finding.code in RULES, finding
        assert isinstance(finding.severity, Severity)
        assert finding.message
        assert 0 <= finding.start <= finding.end <= len(text), (finding, len(text))
        for fix in finding.fixes:
            for edit in fix.edits:
                assert 0 <= edit.start <= edit.end <= len(text), (fix, len(text))
    assert findings == sorted(findings, key=lambda f: (f.start, f.code, f.end))


def analyze_checked(text: str, catalog: Catalog) -> list[Finding]:
    findings = analyze(text, catalog)
    check(text, findings)
    return findings


@FAST
@given(text=st.text(max_size=300))
def test_random_text(text: str, real_catalog: Catalog) -> None:
    analyze_checked(text, real_catalog)


@FAST
@given(data=st.binary(max_size=300))
def test_random_bytes_decoded_with_replacement(data: bytes, real_catalog: Catalog) -> None:
    for encoding in ("utf-8", "utf-16-le", "cp1252"):
        analyze_checked(data.decode(encoding, errors="replace"), real_catalog)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(TEXTS)), data=st.data())
def test_truncated_corpus_files(name: str, data: st.DataObject, real_catalog: Catalog) -> None:
    """Every prefix of a real file is what the editor sends while the user types it."""
    text = TEXTS[name]
    cut = data.draw(st.integers(min_value=0, max_value=len(text)), label="cut")
    prefix = text[:cut]
    first = analyze_checked(prefix, real_catalog)
    assert analyze(prefix, real_catalog) == first  # deterministic, no state between calls


@FAST
@given(name=st.sampled_from(sorted(TEXTS)), data=st.data())
def test_corpus_files_with_a_random_edit(name: str, data: st.DataObject,
                                         real_catalog: Catalog) -> None:
    """Delete a random range and insert a random word: a user in the middle of an edit."""
    text = TEXTS[name]
    start = data.draw(st.integers(min_value=0, max_value=len(text)), label="start")
    end = data.draw(st.integers(min_value=start, max_value=min(len(text), start + 40)),
                    label="end")
    word = data.draw(st.sampled_from(VOCABULARY), label="word")
    analyze_checked(text[:start] + word + text[end:], real_catalog)


@FAST
@given(words=st.lists(st.sampled_from(VOCABULARY), max_size=60),
       separators=st.sampled_from([" ", "", "\n"]))
def test_token_soups(words: list[str], separators: str, real_catalog: Catalog) -> None:
    analyze_checked(separators.join(words), real_catalog)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(VOCABULARY), max_size=40))
def test_token_soups_against_the_sample_catalog(words: list[str],
                                                sample_catalog: Catalog) -> None:
    analyze_checked(" ".join(words), sample_catalog)


@FAST
@given(text=st.text(alphabet=st.sampled_from("SELECT FROM()[]'\"-/*\n;GO.,@#N"), max_size=200))
def test_splitting_layers_are_total(text: str) -> None:
    tokens = tokenize(text, comments=True)
    for token in tokens:
        assert text[token.start:token.end] == token.text
    for batch in split_batches(text):
        assert text[batch.offset:batch.offset + len(batch.text)] == batch.text
        for statement in split_statements(batch.text):
            assert 0 <= statement.start <= statement.end <= len(batch.text)


def _signature(text: str, findings: list[Finding], shift: int = 0) -> list[tuple[str, int, str]]:
    return [(f.code, f.start - shift, text[f.start:f.end]) for f in findings]


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(TEXTS)),
       comment=st.text(alphabet=st.characters(blacklist_characters="\n\r",
                                              blacklist_categories=("Cs",)),
                       max_size=40).filter(lambda s: "vgpt2" not in s.lower()),
       blank_lines=st.integers(min_value=0, max_value=3))
def test_a_leading_comment_only_shifts_the_findings(name: str, comment: str, blank_lines: int,
                                                   real_catalog: Catalog) -> None:
    """Metamorphic: a comment line (any characters) before a file only shifts every span."""
    text = TEXTS[name]
    prefix = "-- " + comment + "\n" * (blank_lines + 1)
    shifted = prefix + text
    expected = _signature(text, analyze(text, real_catalog))
    assert _signature(shifted, analyze_checked(shifted, real_catalog), len(prefix)) == expected


# -- pathological shapes -------------------------------------------------------------------------

DEPTH = 5000


@pytest.mark.parametrize("text", [
    pytest.param("SELECT " + "(" * DEPTH + "1" + ")" * DEPTH, id="balanced-parens"),
    pytest.param("SELECT " + "(" * DEPTH, id="open-parens"),
    pytest.param("SELECT 1" + ")" * DEPTH, id="close-parens"),
    pytest.param("SELECT " + "(SELECT " * DEPTH + "1" + ")" * DEPTH, id="nested-subqueries"),
    pytest.param("SELECT j.Job FROM JCJM j WITH (NOLOCK) WHERE " + "(" * DEPTH
                 + "j.JCCo = 1" + ")" * DEPTH, id="nested-where"),
    pytest.param("SELECT " + "CASE WHEN 1 = 1 THEN " * 2000 + "1" + " END" * 2000,
                 id="nested-case"),
    pytest.param("SELECT 1 WHERE " + "NOT " * 3000 + "1 = 1", id="not-chain"),
    pytest.param("SELECT " + " + ".join(["1"] * 20000), id="long-sum"),
    pytest.param("SELECT " + ".".join(["a"] * 5000), id="long-dotted-name"),
    pytest.param("BEGIN " * 3000 + "SELECT 1" + " END" * 3000, id="nested-begin"),
    pytest.param("IF 1 = 1 " * 3000 + "SELECT 1", id="nested-if"),
    pytest.param(" UNION ALL ".join(["SELECT j.Job FROM JCJM j WITH (NOLOCK)"] * 2000),
                 id="long-union"),
    pytest.param("WITH " + ", ".join(f"c{i} AS (SELECT 1 AS x)" for i in range(1000))
                 + " SELECT x FROM c999", id="many-ctes"),
    pytest.param("SELECT 1 FROM JCJM j WITH (NOLOCK) WHERE j.Job IN ("
                 + ",".join(f"'{i}'" for i in range(20000)) + ")", id="long-in-list"),
    pytest.param("SELECT '" + "x" * 500_000 + "'", id="long-string"),
    pytest.param("SELECT " + "a" * 100_000 + " FROM JCJM WITH (NOLOCK)", id="long-name"),
    pytest.param("/*" * DEPTH + "*/" * DEPTH + " SELECT 1", id="nested-comments"),
    pytest.param("[" * DEPTH, id="open-brackets"),
    pytest.param("'" * (DEPTH + 1), id="quotes"),
])
def test_pathological_input_never_raises(text: str, real_catalog: Catalog) -> None:
    analyze_checked(text, real_catalog)


def test_deep_nesting_is_reported(real_catalog: Catalog) -> None:
    text = "SELECT " + "(" * DEPTH + "1" + ")" * DEPTH
    findings = analyze_checked(text, real_catalog)
    assert [f.code for f in findings] == ["VG000"]
    assert "nested" in findings[0].message


def test_fifty_thousand_line_file(real_catalog: Catalog) -> None:
    """A long maintenance script built by repetition finishes with consistent findings."""
    unit = TEXTS["proc_cursor_while.sql"] + "\nGO\n" + TEXTS["ap_aging_no_nolock.sql"] + "\nGO\n"
    copies = 50_000 // unit.count("\n") + 1
    text = unit * copies
    assert text.count("\n") >= 50_000
    findings = analyze_checked(text, real_catalog)
    # ap_aging_no_nolock.sql has three VG004 findings; every copy keeps them, nothing else.
    assert [f.code for f in findings] == ["VG004"] * (3 * copies)
    last = findings[-1]
    assert text[last.start:last.end] == "APVM"
