"""Finding the SQL in a model's reply."""

from __future__ import annotations

import pytest
from vgpt2.server.generation.extract import extract_sql, is_degenerate

QUERY = "SELECT j.Job FROM JCJM j WITH (NOLOCK) WHERE j.JCCo = @JCCo"


def test_fenced_block_with_prose_around() -> None:
    reply = f"Sure! Here it is:\n\n```sql\n{QUERY}\n```\n\nThis lists the jobs."
    assert extract_sql(reply).sql == QUERY + ";\n"


def test_first_sql_fence_wins_over_other_languages() -> None:
    reply = f"```python\nprint('SELECT 1')\n```\n```tsql\n{QUERY}\n```\n```sql\nSELECT 2\n```"
    assert extract_sql(reply).sql == QUERY + ";\n"


def test_unterminated_fence() -> None:
    assert extract_sql(f"```sql\n{QUERY}\n").sql == QUERY + ";\n"


def test_inline_query_after_prose_and_prose_after_it() -> None:
    reply = f"The query is: {QUERY}\nIt returns one row per job of the company."
    assert extract_sql(reply).sql == QUERY + ";\n"


def test_markdown_bullets_after_the_query_are_cut() -> None:
    reply = f"{QUERY}\n\n- `JCJM` holds the jobs\n- filter on the company"
    assert extract_sql(reply).sql == QUERY + ";\n"


def test_multi_line_query_is_kept_whole() -> None:
    query = ("SELECT h.APRef,\n       l.GrossAmt\nFROM APTH h WITH (NOLOCK)\n"
             "JOIN APTL l WITH (NOLOCK)\n  ON l.APCo = h.APCo\n AND l.Mth = h.Mth\n"
             "WHERE h.APCo = @APCo\nORDER BY h.APRef")
    assert extract_sql(query).sql == query + ";\n"


def test_several_statements_keep_declares_and_the_first_query() -> None:
    reply = (f"DECLARE @JCCo bCompany = 1;\nSET @JCCo = 2;\n{QUERY};\nSELECT 1;\n"
             "DELETE FROM JCJM;")
    extraction = extract_sql(reply)
    assert extraction.sql == f"DECLARE @JCCo bCompany = 1;\nSET @JCCo = 2;\n{QUERY};\n"
    assert extraction.dropped == ("SELECT", "DELETE")


def test_cte_query() -> None:
    query = "WITH open_jobs AS (SELECT Job FROM JCJM WITH (NOLOCK)) SELECT Job FROM open_jobs"
    assert extract_sql(query).sql == query + ";\n"


def test_only_data_changes_is_no_sql() -> None:
    extraction = extract_sql("UPDATE JCJM SET Description = 'x'")
    assert extraction.sql is None and extraction.problem == "no-sql"


@pytest.mark.parametrize(("reply", "problem"), [
    ("", "empty"), ("  \n\t", "empty"), ("!!!!", "degenerate"), ("!!!!!!!!!!!!!!!!", "degenerate"),
    ("the the the the the", "degenerate"), ("abcabcabcabcabc", "degenerate"),
    ("I don't know.", "no-sql"), ("Sure, what would you like?", "no-sql"),
])
def test_useless_replies_are_named(reply: str, problem: str) -> None:
    extraction = extract_sql(reply)
    assert extraction.sql is None and extraction.problem == problem
    assert extraction.describe()


def test_real_sql_is_not_degenerate() -> None:
    assert not is_degenerate(QUERY)
    assert not is_degenerate("SELECT 1")


def test_go_batches_are_split_and_use_dropped() -> None:
    reply = f"USE Viewpoint;\nGO\n{QUERY}\nGO\n"
    assert extract_sql(reply).sql == QUERY + ";\n"


def test_one_line_query_is_laid_out_by_clause() -> None:
    from vgpt2.server.generation.layout import lay_out

    line = ("SELECT LEFT(v.Name, 3) AS N, h.APRef FROM APTH h WITH (NOLOCK) LEFT JOIN APVM v "
            "WITH (NOLOCK) ON v.Vendor = h.Vendor WHERE h.APRef IN (SELECT x FROM y) "
            "AND h.Description = ' FROM  WHERE ' ORDER BY h.APRef;")
    assert lay_out(line) == (
        "SELECT LEFT(v.Name, 3) AS N, h.APRef\nFROM APTH h WITH (NOLOCK)\n"
        "LEFT JOIN APVM v WITH (NOLOCK) ON v.Vendor = h.Vendor\n"
        "WHERE h.APRef IN (SELECT x FROM y) AND h.Description = ' FROM  WHERE '\n"
        "ORDER BY h.APRef;")
    assert lay_out(line).split() == line.split()  # only whitespace between tokens changed


def test_layout_leaves_short_commented_and_multiline_text_alone() -> None:
    from vgpt2.server.generation.layout import lay_out

    long_tail = " AND x = 1" * 10
    for text in ("SELECT 1 FROM x WHERE y = 2",
                 "SELECT a FROM b -- FROM here" + long_tail,
                 "SELECT 'line one\nFROM still the string' FROM b WHERE c = 1" + long_tail):
        assert lay_out(text) == text


def test_reasoning_is_not_the_answer() -> None:
    reply = ("<think>Maybe ```sql\nSELECT * FROM Customers\n``` no, the view is JCJM.</think>\n"
             f"```sql\n{QUERY}\n```")
    assert extract_sql(reply).sql == QUERY + ";\n"
    assert extract_sql("<think>SELECT Job FROM JCJM and then").problem == "empty"
