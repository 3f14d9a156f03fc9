"""Batches, statements and tokens: the layer that must work while the parser cannot.

``split_batches`` cuts on ``GO`` lines like SSMS (not inside block comments or
strings); ``split_statements`` finds the query-bearing statements of a batch
without semicolons; ``tokenize`` is total. The tests pin down the behaviour on
half-typed and tricky input.
"""

from __future__ import annotations

import pytest
from vgpt2.catalog.sql.tokens import Kind, Token, tokenize
from vgpt2.server.analysis.statements import (
    Statement,
    StatementKind,
    split_batches,
    split_statements,
)


def texts(batch: str) -> list[str]:
    """The raw text of each statement, as sliced from the batch."""
    return [batch[s.start:s.end] for s in split_statements(batch)]


def kinds(batch: str) -> list[StatementKind]:
    return [s.kind for s in split_statements(batch)]


def batches(text: str) -> list[str]:
    return [b.text for b in split_batches(text)]


# -- split_batches -------------------------------------------------------------------------------


def test_go_on_its_own_line_separates() -> None:
    assert batches("SELECT 1\nGO\nSELECT 2") == ["SELECT 1\n", "\nSELECT 2"]


@pytest.mark.parametrize("separator", [
    "GO", "go", "Go", "  GO  ", "\tgo\t", "GO 2", "GO 10", "GO -- run it", "GO 3 -- three times",
])
def test_go_line_variants_separate(separator: str) -> None:
    found = batches(f"SELECT 1\n{separator}\nSELECT 2")
    assert [b.strip() for b in found] == ["SELECT 1", "SELECT 2"]


def test_go_with_windows_line_endings() -> None:
    found = split_batches("SELECT 1\r\nGO\r\nSELECT 2\r\n")
    assert [b.text.strip() for b in found] == ["SELECT 1", "SELECT 2"]


@pytest.mark.parametrize("text", [
    "SELECT 1 GO",               # not on its own line
    "SELECT 1\nGO;\nSELECT 2",   # documented: 'GO;' is not a separator (sqlcmd wants GO alone)
    "SELECT 1\nGOTO done\ndone: SELECT 2",
    "SELECT 'GO' AS go\nFROM JCJM",
    "SELECT 1 -- GO\nSELECT 2",
    "SELECT 1\nGO x\nSELECT 2",
])
def test_not_a_separator(text: str) -> None:
    assert batches(text) == [text]


def test_go_on_its_own_line_inside_a_string_does_not_separate() -> None:
    text = "SELECT 'first\nGO\nsecond' AS s"
    assert batches(text) == [text]


def test_go_on_its_own_line_inside_a_block_comment_does_not_separate() -> None:
    """Vista procedures keep commented-out test scripts, GO lines and all, in headers."""
    text = "/* notes\nGO\n*/ SELECT 1\nGO\nSELECT 2"
    assert batches(text) == ["/* notes\nGO\n*/ SELECT 1\n", "\nSELECT 2"]


def test_batch_offsets_point_into_the_text() -> None:
    text = "USE Viewpoint\nGO\n\nSELECT 1\n  go  \n\nSELECT 2\nGO 2\n"
    found = split_batches(text)
    assert [b.text.strip() for b in found] == ["USE Viewpoint", "SELECT 1", "SELECT 2"]
    for batch in found:
        assert text[batch.offset:batch.offset + len(batch.text)] == batch.text


@pytest.mark.parametrize("text", ["", "GO", "\n\nGO\n\ngo\n", "   \n\t"])
def test_empty_batches_are_dropped(text: str) -> None:
    assert split_batches(text) == []


def test_no_go_is_one_batch() -> None:
    text = "SELECT 1\nSELECT 2"
    found = split_batches(text)
    assert len(found) == 1 and found[0].offset == 0 and found[0].text == text


# -- split_statements: plain queries -------------------------------------------------------------


def test_statements_without_semicolons() -> None:
    batch = "SELECT a FROM t SELECT b FROM u UPDATE t SET a = 1 DELETE FROM t WHERE a = 2"
    assert texts(batch) == ["SELECT a FROM t", "SELECT b FROM u", "UPDATE t SET a = 1",
                            "DELETE FROM t WHERE a = 2"]


def test_semicolons_and_empty_statements() -> None:
    assert texts("SELECT 1; SELECT 2;;\n;") == ["SELECT 1", "SELECT 2"]


def test_case_end_inside_select_does_not_end_anything() -> None:
    batch = ("SELECT CASE WHEN a = 1 THEN 'x' WHEN a = 2 THEN 'y' ELSE 'z' END AS c, "
             "CASE b WHEN 1 THEN 2 END FROM t SELECT 2")
    assert texts(batch) == [batch[:batch.index(" SELECT 2")], "SELECT 2"]


def test_case_inside_begin_end() -> None:
    batch = "BEGIN SELECT CASE WHEN a = 1 THEN 1 END FROM t END SELECT 2"
    assert texts(batch) == ["SELECT CASE WHEN a = 1 THEN 1 END FROM t", "SELECT 2"]


def test_string_containing_keywords() -> None:
    batch = "SELECT a FROM t WHERE b = 'END' AND c = 'SELECT' SELECT 2"
    assert texts(batch) == ["SELECT a FROM t WHERE b = 'END' AND c = 'SELECT'", "SELECT 2"]


def test_set_operations_stay_one_statement() -> None:
    batch = "SELECT a FROM t UNION SELECT b FROM u UNION ALL SELECT c FROM v EXCEPT SELECT d FROM w"
    assert texts(batch) == [batch]


def test_with_table_hint_is_not_a_cte() -> None:
    batch = "SELECT a FROM t WITH (NOLOCK) JOIN u WITH (NOLOCK, INDEX(ix)) ON u.a = t.a SELECT 2"
    assert texts(batch) == [batch[:batch.index(" SELECT 2")], "SELECT 2"]


def test_cte_after_semicolon() -> None:
    batch = "SELECT a FROM t WITH (NOLOCK); WITH c AS (SELECT 1 AS x) SELECT x FROM c"
    assert texts(batch) == ["SELECT a FROM t WITH (NOLOCK)",
                            "WITH c AS (SELECT 1 AS x) SELECT x FROM c"]


def test_leading_semicolon_cte() -> None:
    batch = ";WITH c AS (SELECT 1 AS x), d AS (SELECT x FROM c) SELECT x FROM d"
    assert texts(batch) == [batch[1:]]


@pytest.mark.parametrize("batch", [
    "SELECT a FROM t GROUP BY a WITH ROLLUP",
    "SELECT a FROM t GROUP BY a WITH CUBE",
    "SELECT TOP 5 WITH TIES a FROM t ORDER BY a",
    "SELECT TOP (5) WITH TIES a FROM t ORDER BY a",
])
def test_with_rollup_cube_ties_are_not_ctes(batch: str) -> None:
    assert texts(batch + " SELECT 2") == [batch, "SELECT 2"]




@pytest.mark.parametrize("body", [
    "INSERT INTO #t (x) SELECT x FROM c",
    "INSERT INTO #t SELECT x FROM c",
    "INSERT #t (x) SELECT x FROM c UNION ALL SELECT 2",
    "INSERT INTO #t (x) VALUES (1)",
])
def test_cte_followed_by_insert_is_one_statement(body: str) -> None:
    batch = f"WITH c AS (SELECT 1 AS x) {body}"
    assert texts(batch) == [batch]


@pytest.mark.parametrize("body", [
    "UPDATE t SET t.a = c.x FROM t JOIN c ON c.x = t.a",
    "DELETE t FROM t JOIN c ON c.x = t.a",
    "MERGE t USING c ON c.x = t.a WHEN MATCHED THEN DELETE",
    "SELECT x INTO #t FROM c",
])
def test_cte_followed_by_dml_is_one_statement(body: str) -> None:
    batch = f"WITH c AS (SELECT 1 AS x) {body}"
    assert texts(batch) == [batch]


def test_insert_select_and_values() -> None:
    batch = ("INSERT INTO #t (a) SELECT 1 UNION ALL SELECT 2 "
             "INSERT INTO t (a) VALUES (1), (2) INSERT INTO t DEFAULT VALUES SELECT 3")
    assert texts(batch) == ["INSERT INTO #t (a) SELECT 1 UNION ALL SELECT 2",
                            "INSERT INTO t (a) VALUES (1), (2)", "INSERT INTO t DEFAULT VALUES",
                            "SELECT 3"]


def test_insert_exec() -> None:
    statements = split_statements("INSERT #t EXEC dbo.p 1 SELECT 2")
    assert statements[0].kind is StatementKind.QUERY
    assert [s.kind for s in statements][-1] is StatementKind.QUERY
    assert any(s.kind is StatementKind.EXEC for s in statements)


def test_update_from_with_case() -> None:
    batch = ("UPDATE t SET a = CASE WHEN b = 1 THEN 2 ELSE 3 END, c = 1 FROM t "
             "JOIN u ON u.a = t.a WHERE t.b = 2 SELECT @x = 1")
    assert texts(batch) == [batch[:batch.index(" SELECT @x")], "SELECT @x = 1"]


def test_set_statement_after_update_is_a_new_statement() -> None:
    batch = "UPDATE t SET a = 1 FROM t JOIN u ON u.a = t.a WHERE t.b = 2\nSET @x = 1"
    assert texts(batch) == ["UPDATE t SET a = 1 FROM t JOIN u ON u.a = t.a WHERE t.b = 2",
                            "SET @x = 1"]
    assert kinds(batch) == [StatementKind.QUERY, StatementKind.DECLARE]


def test_merge_is_one_statement() -> None:
    batch = ("MERGE t USING s ON t.a = s.a WHEN MATCHED THEN UPDATE SET a = s.a "
             "WHEN NOT MATCHED THEN INSERT (a) VALUES (s.a) "
             "WHEN NOT MATCHED BY SOURCE THEN DELETE;")
    assert texts(batch) == [batch[:-1]]


def test_delete_with_subquery() -> None:
    batch = "DELETE t FROM t WHERE a IN (SELECT b FROM u) SELECT 3"
    assert texts(batch) == ["DELETE t FROM t WHERE a IN (SELECT b FROM u)", "SELECT 3"]


# -- split_statements: control flow ----------------------------------------------------------------


def test_if_exists_begin_end_else() -> None:
    batch = ("IF EXISTS (SELECT 1 FROM JCJM WHERE JCCo = 1)\nBEGIN\n  SELECT 1\nEND\n"
             "ELSE\nBEGIN\n  SELECT 2\nEND")
    statements = split_statements(batch)
    assert [s.kind for s in statements] == [StatementKind.CONDITION, StatementKind.QUERY,
                                            StatementKind.QUERY]
    condition = statements[0]
    assert batch[condition.start:condition.end] == "EXISTS (SELECT 1 FROM JCJM WHERE JCCo = 1)"
    assert condition.source(batch) == "SELECT 1 WHERE EXISTS (SELECT 1 FROM JCJM WHERE JCCo = 1)"
    assert texts(batch)[1:] == ["SELECT 1", "SELECT 2"]


def test_if_else_without_begin() -> None:
    batch = "IF @x = 1 SELECT 1 ELSE SELECT 2 SELECT 3"
    assert texts(batch) == ["@x = 1", "SELECT 1", "SELECT 2", "SELECT 3"]


def test_nested_if_else_if() -> None:
    batch = "IF @a = 1 BEGIN IF @b = 2 SELECT 1 ELSE SELECT 2 END ELSE IF @c = 3 SELECT 3"
    assert kinds(batch) == [StatementKind.CONDITION, StatementKind.CONDITION,
                            StatementKind.QUERY, StatementKind.QUERY,
                            StatementKind.CONDITION, StatementKind.QUERY]
    assert texts(batch)[-2:] == ["@c = 3", "SELECT 3"]


def test_if_with_subquery_and_case_in_condition() -> None:
    assert texts("IF (SELECT COUNT(*) FROM t) > 0 SELECT 1") == [
        "(SELECT COUNT(*) FROM t) > 0", "SELECT 1"]
    assert texts("IF CASE WHEN @a = 1 THEN 1 END = 1 SELECT 1") == [
        "CASE WHEN @a = 1 THEN 1 END = 1", "SELECT 1"]


def test_while_with_set() -> None:
    batch = "WHILE @i < 10 BEGIN SET @i = @i + 1 IF @i = 5 BREAK END"
    assert kinds(batch) == [StatementKind.CONDITION, StatementKind.DECLARE,
                            StatementKind.CONDITION]


def test_try_catch_and_transactions() -> None:
    batch = ("BEGIN TRY BEGIN TRAN SELECT 1 COMMIT TRAN END TRY "
             "BEGIN CATCH ROLLBACK TRANSACTION SELECT 2 END CATCH")
    assert texts(batch) == ["SELECT 1", "SELECT 2"]


def test_cursor_declaration_checks_its_select() -> None:
    batch = ("DECLARE c CURSOR LOCAL FAST_FORWARD FOR SELECT a FROM t "
             "OPEN c FETCH NEXT FROM c INTO @a CLOSE c DEALLOCATE c")
    assert texts(batch) == ["SELECT a FROM t"]


def test_a_cursor_for_update_of_columns_does_not_swallow_the_next_statement() -> None:
    batch = ("DECLARE c CURSOR FOR SELECT Vendor FROM APVM FOR UPDATE OF Name, APVM.SortName\n"
             "UPDATE APVM SET Name = 'x' WHERE CURRENT OF c\nSELECT 1")
    assert texts(batch) == ["SELECT Vendor FROM APVM",
                            "UPDATE APVM SET Name = 'x' WHERE CURRENT OF c", "SELECT 1"]


def test_a_name_spelt_like_a_statement_keyword_does_not_cut_the_statement() -> None:
    batch = "SELECT h.Enable, Enable, h.Open FROM HQDX h WHERE Enable = 'Y' ENABLE TRIGGER t ON x"
    assert texts(batch) == ["SELECT h.Enable, Enable, h.Open FROM HQDX h WHERE Enable = 'Y'"]


def test_declare_and_set_with_subqueries() -> None:
    batch = "DECLARE @x int = (SELECT MAX(a) FROM t) SET @y = (SELECT 1) SELECT @x"
    assert texts(batch) == ["DECLARE @x int = (SELECT MAX(a) FROM t)", "SET @y = (SELECT 1)",
                            "SELECT @x"]
    assert kinds(batch) == [StatementKind.DECLARE, StatementKind.DECLARE, StatementKind.QUERY]


def test_set_options_are_skipped_without_swallowing_the_next_statement() -> None:
    assert texts("SET NOCOUNT ON SELECT 1") == ["SELECT 1"]
    assert texts("SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED SELECT 1") == ["SELECT 1"]
    assert texts("SET @x = 1 SELECT 1") == ["SET @x = 1", "SELECT 1"]


def test_skipped_statements() -> None:
    batch = ("PRINT 'x' RAISERROR('e', 16, 1) DROP TABLE #t TRUNCATE TABLE #u "
             "WAITFOR DELAY '00:00:01' USE Viewpoint SELECT 1")
    assert texts(batch) == ["SELECT 1"]


def test_goto_label_and_return() -> None:
    assert texts("label1: SELECT 1 RETURN") == ["SELECT 1"]
    assert texts("RETURN (SELECT 1)") == ["SELECT 1"]


def test_create_procedure_body() -> None:
    batch = ("CREATE PROCEDURE dbo.p @a int = 1, @b varchar(10) OUTPUT WITH RECOMPILE AS "
             "BEGIN SET NOCOUNT ON; SELECT @a END")
    assert texts(batch) == ["SELECT @a"]


def test_create_procedure_with_parenthesised_parameters() -> None:
    batch = "CREATE PROC p (@a int, @b bMonth) AS SELECT @a, @b"
    assert texts(batch) == ["SELECT @a, @b"]


def test_create_view_function_and_trigger_bodies() -> None:
    assert texts("CREATE VIEW v AS SELECT a FROM t") == ["SELECT a FROM t"]
    assert texts("ALTER FUNCTION f (@x int) RETURNS TABLE AS RETURN (SELECT @x AS x)") == [
        "SELECT @x AS x"]
    assert texts("CREATE TRIGGER tr ON t FOR INSERT AS SELECT a FROM inserted") == [
        "SELECT a FROM inserted"]


def test_create_table_is_its_own_kind_and_create_index_is_skipped() -> None:
    batch = ("CREATE TABLE #t (a int, b varchar(10)) CREATE INDEX ix ON #t (a) "
             "INSERT #t VALUES (1, 'x')")
    assert kinds(batch) == [StatementKind.CREATE_TABLE, StatementKind.QUERY]
    assert texts(batch) == ["CREATE TABLE #t (a int, b varchar(10))", "INSERT #t VALUES (1, 'x')"]


def test_exec_statement() -> None:
    assert kinds("EXEC dbo.p 1 EXECUTE dbo.q @a = 2") == [StatementKind.EXEC, StatementKind.EXEC]


# -- split_statements: half-typed input ----------------------------------------------------------


@pytest.mark.parametrize("batch", [
    "SELECT", "SELECT j.", "SELECT j. FROM JCJM j", "SELECT * FROM", "SELECT * FROM JCJM j WHERE",
    "SELECT * FROM JCJM j JOIN", "SELECT * FROM JCJM j JOIN JCCM c ON", "SELECT (", "SELECT )",
    "IF", "IF (", "IF EXISTS (SELECT", "BEGIN", "END", "ELSE", "CREATE", "CREATE PROCEDURE",
    "CREATE PROCEDURE p AS", "WITH", "WITH c AS (", "WITH c AS (SELECT 1) ", "INSERT INTO",
    "UPDATE t SET", "MERGE", "DECLARE", "DECLARE @t TABLE (", "CASE WHEN", "END END END",
    ")))", "(((", ";;;", "SEL", "SELECT CASE WHEN a = 1 THEN",
])
def test_half_typed_statements_never_raise(batch: str) -> None:
    statements = split_statements(batch)
    for statement in statements:
        assert isinstance(statement, Statement)
        assert 0 <= statement.start <= statement.end <= len(batch)


def test_half_typed_select_is_still_a_statement() -> None:
    assert texts("SELECT j.Job FROM JCJM j WHERE") == ["SELECT j.Job FROM JCJM j WHERE"]
    assert texts("SEL") == []


def test_statement_tokens_cover_the_statement() -> None:
    batch = "SELECT a FROM t WHERE b = 'x' SELECT 2"
    first = split_statements(batch)[0]
    assert first.tokens[0].text == "SELECT"
    assert first.tokens[-1].text == "'x'"
    assert first.tokens[-1].end == first.end


# -- tokenize --------------------------------------------------------------------------------------


def kinds_and_texts(text: str, **options: bool) -> list[tuple[Kind, str]]:
    return [(t.kind, t.text) for t in tokenize(text, **options)]


def test_tokens_of_a_simple_query() -> None:
    assert kinds_and_texts("SELECT j.Job FROM JCJM j WITH (NOLOCK)") == [
        (Kind.WORD, "SELECT"), (Kind.WORD, "j"), (Kind.PUNCT, "."), (Kind.WORD, "Job"),
        (Kind.WORD, "FROM"), (Kind.WORD, "JCJM"), (Kind.WORD, "j"), (Kind.WORD, "WITH"),
        (Kind.PUNCT, "("), (Kind.WORD, "NOLOCK"), (Kind.PUNCT, ")"),
    ]


def test_token_offsets_slice_the_text() -> None:
    text = "SELECT [a b], 'it''s', N'x' -- c\n/* d */ FROM #t"
    for token in tokenize(text, comments=True):
        assert text[token.start:token.end] == token.text


def test_strings_and_quoted_names() -> None:
    tokens = tokenize("'it''s' N'x' [a]]b] \"c\"\"d\"")
    assert [(t.kind, t.value, t.terminated) for t in tokens] == [
        (Kind.STRING, "'it''s'", True), (Kind.STRING, "N'x'", True),
        (Kind.QUOTED, "a]b", True), (Kind.QUOTED, 'c"d', True),
    ]
    assert tokens[2].is_name() and not tokens[0].is_name()
    assert tokens[2].upper == ""  # only WORD tokens have an upper form


@pytest.mark.parametrize(("text", "kind"), [
    ("'abc", Kind.STRING), ("N'abc", Kind.STRING), ("'it''", Kind.STRING),
    ("[abc", Kind.QUOTED), ('"abc', Kind.QUOTED), ("[a]]", Kind.QUOTED),
])
def test_unterminated_strings_and_names(text: str, kind: Kind) -> None:
    tokens = tokenize(text)
    assert len(tokens) == 1
    assert tokens[0].kind is kind and not tokens[0].terminated
    assert tokens[0].end == len(text)


def test_comments_are_dropped_unless_asked_for() -> None:
    text = "a -- line\n/* block */ b"
    assert kinds_and_texts(text) == [(Kind.WORD, "a"), (Kind.WORD, "b")]
    assert kinds_and_texts(text, comments=True) == [
        (Kind.WORD, "a"), (Kind.COMMENT, "-- line"), (Kind.COMMENT, "/* block */"),
        (Kind.WORD, "b")]


def test_block_comments_nest() -> None:
    tokens = tokenize("/* a /* b */ c */ x", comments=True)
    assert [(t.kind, t.text) for t in tokens] == [(Kind.COMMENT, "/* a /* b */ c */"),
                                                  (Kind.WORD, "x")]
    unterminated = tokenize("/* a /* b */ SELECT 1", comments=True)
    assert len(unterminated) == 1 and not unterminated[0].terminated


def test_variables_temp_tables_and_system_functions_are_words() -> None:
    tokens = tokenize("@v @@ROWCOUNT #t ##g")
    assert [(t.kind, t.text) for t in tokens] == [
        (Kind.WORD, "@v"), (Kind.WORD, "@@ROWCOUNT"), (Kind.WORD, "#t"), (Kind.WORD, "##g")]


def test_column_names_with_hash_and_dollar() -> None:
    assert [t.text for t in tokenize("l.Receiver# $ x$y")] == ["l", ".", "Receiver#", "$", "x$y"]


def test_numbers_and_operators() -> None:
    assert kinds_and_texts("1.5e3 0x1F .5 42") == [
        (Kind.NUMBER, "1.5e3"), (Kind.NUMBER, "0x1F"), (Kind.NUMBER, ".5"), (Kind.NUMBER, "42")]
    assert [t.text for t in tokenize("a<>b>=c!=d<=e+=1")] == [
        "a", "<>", "b", ">=", "c", "!=", "d", "<=", "e", "+=", "1"]


def test_non_ascii_names() -> None:
    tokens = tokenize("SELECT Café FROM t")
    assert tokens[1] == Token(Kind.WORD, "Café", 7, 11)


def test_byte_order_mark_is_whitespace() -> None:
    assert [t.text for t in tokenize("\ufeffSELECT 1")] == ["SELECT", "1"]


@pytest.mark.parametrize("text", [
    "", " ", "\x00", "'", "[", '"', "/*", "--", "N'", "@", "#", "0x", "\ufffd\ufffd", "😀 SELECT",
    "SELECT '\n", "]]]", "'''", "/* */ */",
])
def test_tokenize_is_total(text: str) -> None:
    tokens = tokenize(text, comments=True)
    position = 0
    for token in tokens:
        assert position <= token.start < token.end <= len(text)
        position = token.end
