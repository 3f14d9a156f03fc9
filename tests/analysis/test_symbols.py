"""Document symbols: the outline a user sees of a script."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from vgpt2.server.analysis.symbols import Symbol, document_symbols

from .cursors import TEXTS

SCRIPT = """\
USE Viewpoint
GO
-- The report procedure
CREATE PROCEDURE [dbo].[mckspJobReport]
    @JCCo bCompany,
    @Mth bMonth
AS
SET NOCOUNT ON

CREATE TABLE #Jobs (JCCo tinyint NOT NULL, Job varchar(10) NOT NULL)

INSERT INTO #Jobs (JCCo, Job)
SELECT j.JCCo, j.Job FROM JCJM j WITH (NOLOCK) WHERE j.JCCo = @JCCo

;WITH Cost AS (
    SELECT d.JCCo, d.Job, SUM(d.ActualCost) AS Cost
    FROM JCCD d WITH (NOLOCK)
    WHERE d.Mth <= @Mth
    GROUP BY d.JCCo, d.Job
), Budget AS (
    SELECT p.JCCo, p.Job, SUM(p.CurrEstCost) AS Budget
    FROM JCCP p WITH (NOLOCK)
    GROUP BY p.JCCo, p.Job
)
SELECT t.Job, c.Cost, b.Budget
INTO #Report
FROM #Jobs t
JOIN Cost c ON c.JCCo = t.JCCo AND c.Job = t.Job
JOIN Budget b ON b.JCCo = t.JCCo AND b.Job = t.Job

UPDATE h SET h.Notes = NULL FROM APTH h WHERE h.APCo = @JCCo

IF EXISTS (SELECT 1 FROM #Report)
    SELECT * FROM #Report r ORDER BY r.Job
GO
SELECT j.Job, d.ActualCost FROM JCJM j WITH (NOLOCK)
JOIN JCCD d WITH (NOLOCK) ON d.JCCo = j.JCCo AND d.Job = j.Job
GO
CREATE VIEW dbo.mckvJobs AS SELECT j.JCCo, j.Job FROM JCJM j
GO
CREATE FUNCTION dbo.mckfJobName (@JCCo bCompany, @Job bJob) RETURNS varchar(60)
AS BEGIN RETURN (SELECT j.Description FROM JCJM j WHERE j.JCCo = @JCCo AND j.Job = @Job) END
"""


def outline(symbols: list[Symbol] | tuple[Symbol, ...]) -> list[object]:
    return [(s.kind, s.name, outline(s.children)) if s.children else (s.kind, s.name)
            for s in symbols]


def test_multi_batch_script_outline() -> None:
    assert outline(document_symbols(SCRIPT)) == [
        ("batch", "Batch 1"),
        ("procedure", "dbo.mckspJobReport", [
            ("temp_table", "#Jobs"),
            ("statement", "INSERT #Jobs"),
            ("statement", "SELECT #Jobs, Cost, Budget INTO #Report", [
                ("cte", "Cost"),
                ("cte", "Budget"),
                ("temp_table", "#Report"),
            ]),
            ("statement", "UPDATE APTH"),
            ("statement", "IF #Report"),
            ("statement", "SELECT #Report"),
        ]),
        ("batch", "Batch 3", [("statement", "SELECT JCJM, JCCD")]),
        ("view", "dbo.mckvJobs", [("statement", "SELECT JCJM")]),
        ("function", "dbo.mckfJobName", [("statement", "SELECT JCJM")]),
    ]


def test_ranges_and_selections_point_at_the_text() -> None:
    symbols = document_symbols(SCRIPT)
    procedure = symbols[1]
    assert SCRIPT[procedure.selection_start:procedure.selection_end] == \
        "[dbo].[mckspJobReport]"
    assert SCRIPT[procedure.start:].startswith("-- The report procedure")
    assert SCRIPT[:procedure.end].endswith("ORDER BY r.Job")
    cte = procedure.children[2].children[0]
    assert SCRIPT[cte.selection_start:cte.selection_end] == "Cost"
    assert SCRIPT[cte.start:cte.end].startswith("Cost AS (")
    assert SCRIPT[cte.start:cte.end].endswith("GROUP BY d.JCCo, d.Job\n)")
    condition = procedure.children[4]
    assert SCRIPT[condition.selection_start:condition.selection_end] == "IF"
    temp = procedure.children[0]
    assert SCRIPT[temp.start:temp.end].startswith("CREATE TABLE #Jobs")
    assert SCRIPT[temp.selection_start:temp.selection_end] == "#Jobs"


def test_declare_exec_and_delete_names() -> None:
    text = ("DECLARE @Co bCompany = 1, @Mth bMonth = '2024-01-01'\n"
            "EXEC dbo.brptAPTax @APCo = @Co\n"
            "DELETE FROM #t WHERE x = 1\n"
            "SET @Co = 2\n")
    names = [s.name for s in document_symbols(text)[0].children]
    assert names == ["DECLARE @Co, @Mth", "EXEC brptAPTax", "DELETE #t", "SET @Co"]


def test_many_sources_are_cut_short() -> None:
    text = "SELECT 1 FROM A a, B b, C c, D d, E e"
    assert document_symbols(text)[0].children[0].name == "SELECT A, B, C, D, …"


def test_empty_and_comment_only_files() -> None:
    assert document_symbols("") == []
    assert document_symbols("  \n\t") == []
    symbols = document_symbols("-- just a comment\n")
    assert [(s.kind, s.name, s.children) for s in symbols] == [("batch", "Batch 1", ())]


def check(text: str, symbols: list[Symbol] | tuple[Symbol, ...], low: int, high: int) -> None:
    for symbol in symbols:
        assert low <= symbol.start <= symbol.selection_start <= symbol.selection_end \
            <= symbol.end <= high, symbol
        assert symbol.name
        check(text, symbol.children, symbol.start, symbol.end)


def test_every_corpus_file_has_a_well_formed_outline() -> None:
    for text in TEXTS.values():
        symbols = document_symbols(text)
        assert symbols
        check(text, symbols, 0, len(text))


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(TEXTS)), data=st.data())
def test_any_cut_of_a_corpus_file(name: str, data: st.DataObject) -> None:
    """The outline of the file as it is being typed, cut at any offset."""
    text = TEXTS[name]
    cut = data.draw(st.integers(min_value=0, max_value=len(text)), label="cut")
    extra = data.draw(st.sampled_from(["", " (", " WITH x AS (", ")", " GO\n", "'", "/*"]))
    edited = text[:cut] + extra
    check(edited, document_symbols(edited), 0, len(edited))
