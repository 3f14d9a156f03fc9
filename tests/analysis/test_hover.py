"""Hover: what a user sees when the mouse rests on a name."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.bounds import context_at
from vgpt2.server.analysis.hover import Hover, hover
from vgpt2.server.analysis.locate import batch_at, batches
from vgpt2.server.analysis.statements import Batch, split_batches
from vgpt2.server.analysis.target import target_at

from .cursors import NAMES, TEXTS, cursors


def at(text: str, needle: str, shift: int = 0, occurrence: int = 0) -> int:
    """Offset of ``needle`` (its ``occurrence``-th appearance) plus ``shift``."""
    position = -1
    for _ in range(occurrence + 1):
        position = text.index(needle, position + 1)
    return position + shift


def hover_on(text: str, needle: str, catalog: Catalog, shift: int = 0,
             occurrence: int = 0) -> Hover:
    result = hover(text, at(text, needle, shift, occurrence), catalog)
    assert result is not None, f"no hover on {needle!r}"
    return result


# -- objects -------------------------------------------------------------------------------


def test_view_in_from_shows_description_key_and_base_table(sample_catalog: Catalog) -> None:
    text = "SELECT * FROM JCCM c WITH (NOLOCK)"
    result = hover_on(text, "JCCM", sample_catalog, 2)
    assert (result.start, result.end) == (14, 18)
    assert result.markdown.startswith("**JCCM** · view · JC (Job Cost)")
    assert "contract master" in result.markdown
    assert "**Key**: `JCCo`, `Contract`" in result.markdown
    assert "View over base table `bJCCM`." in result.markdown
    assert "**Columns**: " in result.markdown


def test_object_hover_lists_joins_with_the_whole_key(sample_catalog: Catalog) -> None:
    result = hover_on("SELECT * FROM APTH h WITH (NOLOCK)", "APTH", sample_catalog)
    assert "`APTL` (shared key): `APTH.APCo = APTL.APCo AND APTH.Mth = APTL.Mth AND " \
           "APTH.APTrans = APTL.APTrans`" in result.markdown
    listed = [line for line in result.markdown.splitlines() if line.startswith("- `")]
    assert 0 < len(listed) <= 12


def test_base_table_says_to_query_the_view(sample_catalog: Catalog) -> None:
    result = hover_on("SELECT * FROM bJCCM WITH (NOLOCK)", "bJCCM", sample_catalog)
    assert "**Base table**: query the view `JCCM` instead." in result.markdown
    assert "table" in result.markdown.splitlines()[0]


def test_wrong_case_object_shows_the_catalog_spelling(sample_catalog: Catalog) -> None:
    result = hover_on("select * from jccm c with (nolock)", "jccm", sample_catalog)
    assert result.markdown.startswith("**JCCM**")
    assert "Written `jccm`; the catalog spells it `JCCM`" in result.markdown


def test_alias_hover_shows_its_object(sample_catalog: Catalog) -> None:
    text = "SELECT c.Contract FROM JCCM c WITH (NOLOCK)"
    for offset in (at(text, "c.Contract"), at(text, "c WITH")):
        result = hover(text, offset, sample_catalog)
        assert result is not None
        assert result.markdown.startswith("**JCCM**")
        assert "`c` is an alias for `JCCM`" in result.markdown
        assert result.end - result.start == 1


def test_update_alias_target_resolves_through_from(sample_catalog: Catalog) -> None:
    text = "UPDATE r SET r.Notes = '' FROM JCCM r WHERE r.JCCo = 1"
    result = hover_on(text, "r SET", sample_catalog)
    assert result.markdown.startswith("**JCCM**")


def test_procedure_and_function_hover_show_parameters(sample_catalog: Catalog) -> None:
    result = hover_on("EXEC dbo.brptAPTax @APCo = 1", "brptAPTax", sample_catalog)
    assert "procedure" in result.markdown.splitlines()[0]
    assert "`@APCo bCompany`" in result.markdown and "`@EndMth bMonth`" in result.markdown
    result = hover_on("SELECT dbo.vfDateCreate(1, 2, 2024)", "vfDateCreate", sample_catalog)
    assert "function" in result.markdown.splitlines()[0]
    assert "`@Year smallint`" in result.markdown


def test_bracketed_and_schema_qualified_names(sample_catalog: Catalog) -> None:
    text = "SELECT * FROM [dbo].[JCCM] c WITH (NOLOCK)"
    result = hover_on(text, "JCCM", sample_catalog)
    assert (result.start, result.end) == (20, 26)
    assert result.markdown.startswith("**JCCM**")
    assert hover(text, at(text, "dbo", 1), sample_catalog) is None


# -- columns -------------------------------------------------------------------------------


def test_status_codes_with_sources(real_catalog: Catalog) -> None:
    text = "SELECT c.ContractStatus FROM JCCM c WITH (NOLOCK)"
    result = hover_on(text, "ContractStatus", real_catalog, 3)
    assert (result.start, result.end) == (9, 23)
    assert result.markdown.startswith("**JCCM.ContractStatus**")
    assert "Type: `tinyint` · NOT NULL" in result.markdown
    assert "- 1 = Open — source: " in result.markdown
    codes = [line for line in result.markdown.splitlines() if line.startswith("- ")]
    assert len(codes) >= 3
    assert all(" — source: " in line and line.split(" — source: ")[1].strip()
               for line in codes)


def test_column_shows_udt_and_base_type(sample_catalog: Catalog) -> None:
    result = hover_on("SELECT h.Mth FROM APTH h WITH (NOLOCK)", "Mth", sample_catalog)
    assert "Type: `bMonth (smalldatetime)` · NOT NULL" in result.markdown
    assert "first day of the month" in result.markdown
    assert "Part of the key: `APCo`, `Mth`, `APTrans`" in result.markdown


def test_wrong_case_column(sample_catalog: Catalog) -> None:
    text = "select c.contractstatus from JCCM c with (nolock)"
    result = hover_on(text, "contractstatus", sample_catalog)
    assert result.markdown.startswith("**JCCM.ContractStatus**")
    assert "Written `contractstatus`; the catalog spells it `ContractStatus`" in result.markdown


def test_unqualified_column_found_in_the_sources_in_scope(sample_catalog: Catalog) -> None:
    text = "SELECT Contract, Description FROM JCCM WITH (NOLOCK)"
    result = hover_on(text, "Contract", sample_catalog)
    assert result.markdown.startswith("**JCCM.Contract**")


def test_ambiguous_unqualified_column_lists_every_holder(sample_catalog: Catalog) -> None:
    text = ("SELECT JCCo FROM JCJM j WITH (NOLOCK) "
            "JOIN JCCM c WITH (NOLOCK) ON c.JCCo = j.JCCo AND c.Contract = j.Contract")
    result = hover_on(text, "JCCo", sample_catalog)
    assert "more than one source in scope (`JCJM`, `JCCM`)" in result.markdown
    assert "**JCJM.JCCo**" in result.markdown and "**JCCM.JCCo**" in result.markdown


def test_subquery_alias_hides_the_outer_one(sample_catalog: Catalog) -> None:
    text = ("SELECT j.Job FROM JCJM j WITH (NOLOCK) WHERE EXISTS (SELECT 1 FROM JCCD j "
            "WITH (NOLOCK) WHERE j.CostType = 1) AND j.JobStatus = 1")
    inner = target_at(text, at(text, "CostType"), sample_catalog)
    outer = target_at(text, at(text, "JobStatus"), sample_catalog)
    assert inner is not None and inner.objects == ("JCCD",)
    assert outer is not None and outer.objects == ("JCJM",)


def test_aliases_do_not_leak_between_batches(sample_catalog: Catalog) -> None:
    text = "SELECT v.Name FROM APVM v WITH (NOLOCK)\nGO\nSELECT v.Name FROM ARCM v WITH (NOLOCK)"
    first = target_at(text, at(text, "Name"), sample_catalog)
    second = target_at(text, at(text, "Name", occurrence=1), sample_catalog)
    assert first is not None and first.objects == ("APVM",)
    assert second is not None and second.objects == ("ARCM",)


def test_column_traced_through_a_cte_projection(sample_catalog: Catalog) -> None:
    text = TEXTS["jc_wip_cte.sql"]
    target = target_at(text, at(text, "w.Job", 3), sample_catalog)
    assert target is not None and target.objects == ("JCJM",) and target.via == "cte"
    result = hover(text, at(text, "w.Job", 3), sample_catalog)
    assert result is not None and "Read through CTE `w`" in result.markdown
    # A computed column of the CTE has no catalog column behind it.
    assert hover(text, at(text, "w.CostToDate", 3), sample_catalog) is None


def test_column_traced_through_a_derived_table(sample_catalog: Catalog) -> None:
    text = "SELECT d.Job FROM (SELECT j.Job FROM JCJM j WITH (NOLOCK)) d"
    target = target_at(text, at(text, "d.Job", 2), sample_catalog)
    assert target is not None and target.objects == ("JCJM",) and target.via == "derived"


# -- half-typed text and things that are not names -----------------------------------------


@pytest.mark.parametrize("text, needle", [
    ("SELECT c.ContractStatus, c. FROM JCCM c WITH (NOLOCK) WHERE", "ContractStatus"),
    ("SELECT c.ContractStatus FROM JCCM c WITH (NOLOCK) WHERE c.ContractStatus = 1 AND (",
     "ContractStatus"),
    ("SELECT c.ContractStatus FROM JCCM c WITH (NOLOCK) WHERE c.", "ContractStatus"),
    ("SELECT c.ContractStatus FROM JCCM c WITH (NOLOC", "ContractStatus"),
    ("SELECT c.ContractStatus FROM JCCM c JOIN ", "ContractStatus"),
    ("IF EXISTS (SELECT 1 FROM JCCM c WHERE c.ContractStatus = 1", "ContractStatus"),
])
def test_half_typed_statements_still_hover(text: str, needle: str,
                                           sample_catalog: Catalog) -> None:
    result = hover_on(text, needle, sample_catalog)
    assert result.markdown.startswith("**JCCM.ContractStatus**")


def test_cursor_right_after_a_name_still_hovers_it(sample_catalog: Catalog) -> None:
    text = "SELECT * FROM JCCM"
    result = hover(text, len(text), sample_catalog)
    assert result is not None and result.markdown.startswith("**JCCM**")


@pytest.mark.parametrize("text, needle", [
    ("SELECT 'JCCM' AS x", "JCCM"),
    ("SELECT 1 -- JCCM\n", "JCCM"),
    ("/* JCCM */ SELECT 1", "JCCM"),
    ("SELECT * FROM JCCM c WHERE c.ContractStatus = @Status", "@Status"),
    ("SELECT * FROM #JCCM", "JCCM"),
    ("SELECT * FROM NoSuchTable", "NoSuch"),
    ("SELECT c.NoSuchColumn FROM JCCM c", "NoSuch"),
    ("SELECT * FROM JCCM", "FROM"),
    ("SELECT GETDATE()", "GETDATE"),
])
def test_nothing_to_say(text: str, needle: str, sample_catalog: Catalog) -> None:
    assert hover(text, at(text, needle, 1), sample_catalog) is None


@pytest.mark.parametrize("offset", [-1, 10_000])
def test_offsets_outside_the_text(offset: int, sample_catalog: Catalog) -> None:
    assert hover("SELECT * FROM JCCM", offset, sample_catalog) is None


# -- batches and speed ---------------------------------------------------------------------


def test_batches_match_split_batches_on_the_corpus() -> None:
    for text in [*TEXTS.values(), "\nGO\n".join(TEXTS.values())]:
        assert [(b.offset, b.text) for b in batches(text)] == [
            (b.offset, b.text) for b in split_batches(text)]


def reference_batch_at(text: str, offset: int,
                       split: list[Batch] | None = None) -> tuple[int, str] | None:
    for batch in split_batches(text) if split is None else split:
        if batch.offset <= offset <= batch.offset + len(batch.text):
            return batch.offset, batch.text
    return None


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("GOgo \t\n\r-/*'[]\"N2x;")), max_size=120),
       data=st.data())
def test_batches_match_split_batches_on_any_text(text: str, data: st.DataObject) -> None:
    assert [(b.offset, b.text) for b in batches(text)] == [
        (b.offset, b.text) for b in split_batches(text)]
    offset = data.draw(st.integers(min_value=0, max_value=len(text)), label="offset")
    found = batch_at(text, offset)
    assert (None if found is None else (found.offset, found.text)) == reference_batch_at(
        text, offset)


def test_batch_at_matches_split_batches_on_the_corpus() -> None:
    text = "\nGO\n".join(TEXTS.values())
    split = split_batches(text)
    for offset in range(0, len(text), 29):
        found = batch_at(text, offset)
        assert (None if found is None else (found.offset, found.text)) == reference_batch_at(
            text, offset, split)


def test_context_covers_only_the_current_batch() -> None:
    text = "SELECT 1\nGO\nSELECT c.Contract FROM JCCM c\nGO\nSELECT 2"
    context = context_at(text, at(text, "Contract"))
    assert context is not None
    assert context.text.strip() == "SELECT c.Contract FROM JCCM c"
    assert context.base + context.text.index("SELECT") == text.index("SELECT c.")


# -- no crash anywhere ---------------------------------------------------------------------


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, data=st.data())
def test_any_offset_in_a_corpus_file(name: str, data: st.DataObject,
                                     sample_catalog: Catalog) -> None:
    for source, offset in cursors(name, data):
        result = hover(source, offset, sample_catalog)
        if result is not None:
            assert 0 <= result.start <= offset <= result.end <= len(source)
            assert result.markdown


def test_unqualified_call_is_a_built_in_not_a_catalog_function(sample_catalog: Catalog) -> None:
    assert hover("SELECT vfDateCreate(1, 2, 3)", 10, sample_catalog) is None
    assert hover("SELECT dbo.vfDateCreate(1, 2, 3)", 14, sample_catalog) is not None


def test_merge_target_alias(sample_catalog: Catalog) -> None:
    text = ("MERGE JCCM t USING #src s ON t.JCCo = s.JCCo "
            "WHEN MATCHED THEN UPDATE SET t.Notes = s.Notes "
            "WHEN NOT MATCHED THEN INSERT (JCCo) VALUES (s.JCCo);")
    target = target_at(text, at(text, "t.Notes", 2), sample_catalog)
    assert target is not None and target.objects == ("JCCM",) and target.column == "Notes"


def test_update_top_target_and_a_column_that_looks_like_an_object(
        sample_catalog: Catalog) -> None:
    text = "UPDATE TOP (500) JCCD SET Description = '' WHERE JCCo = 1"
    target = target_at(text, at(text, "JCCo"), sample_catalog)
    assert target is not None and target.kind == "column" and target.objects == ("JCCD",)
    # Without a source in scope, JCCo is not taken for the JCCO view.
    assert hover("SELECT 1 WHERE JCCo = 1", 16, sample_catalog) is None
