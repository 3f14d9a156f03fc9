"""Schema context: compact blocks, the budget decides, and what is left out is recorded."""

from __future__ import annotations

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.generation.context import build_context, estimate_tokens, object_block
from vgpt2.server.generation.jointree import join_tree


def test_block_has_key_matching_columns_types_and_base_table(sample_catalog: Catalog) -> None:
    block = object_block(sample_catalog, "APTH", "invoices by vendor and due date")
    assert block is not None
    lines = block.short.splitlines()
    assert lines[0].startswith("## APTH (view, AP Accounts Payable)")
    assert "key: APCo, Mth, APTrans" in lines
    assert "base table (do not query): bAPTH" in lines
    assert any(line.startswith("- Vendor ") for line in lines)
    assert any(line.startswith("- DueDate ") for line in lines)
    assert "other columns:" in block.full and "other columns:" not in block.short
    assert block.columns_total == len(sample_catalog.columns("APTH"))


def test_status_codes_carry_meaning_and_source(sample_catalog: Catalog) -> None:
    block = object_block(sample_catalog, "APTD", "status of open AP")
    assert block is not None
    status = next(line for line in block.short.splitlines() if line.startswith("- Status "))
    assert "[codes: 1 = " in status and "(source: " in status


def test_everything_fits_a_generous_budget(sample_catalog: Catalog) -> None:
    tree = join_tree(sample_catalog, ["APTH", "APTL"])
    context = build_context(sample_catalog, "invoice lines", ["APTH", "APTL", "APVM"], tree,
                            budget=100_000)
    assert context.objects == ["APTH", "APTL", "APVM"]
    assert context.left_out == []
    assert "APTH JOIN APTL ON APTL.APCo = APTH.APCo" in context.joins
    assert "WITH (NOLOCK)" in context.conventions
    assert context.tokens <= 100_000


def test_a_tight_budget_records_what_it_left_out(sample_catalog: Catalog) -> None:
    tree = join_tree(sample_catalog, ["APTH", "APTL"])
    objects = ["APTH", "APTL", "APVM", "APTD", "JCJM"]
    full = build_context(sample_catalog, "invoice lines", objects, tree, budget=100_000)
    tight = build_context(sample_catalog, "invoice lines", objects, tree,
                          budget=full.tokens // 2)
    assert tight.tokens <= full.tokens // 2
    assert tight.left_out
    shown = set(tight.objects)
    for item in tight.left_out:
        if item.what == "object":
            assert item.object not in shown
        elif item.what == "columns":
            assert item.object in shown and " of " in item.detail
    # Tree objects come first: they are the last to go.
    assert tight.objects[: len(shown & {"APTH", "APTL"})] == [
        o for o in ("APTH", "APTL") if o in shown]


def test_zero_budget_leaves_out_everything_and_says_so(sample_catalog: Catalog) -> None:
    context = build_context(sample_catalog, "jobs", ["JCJM"], join_tree(sample_catalog, []), 0)
    assert context.schema == "" and context.objects == []
    whats = {item.what for item in context.left_out}
    assert whats == {"object", "conventions"}


def test_counter_is_used(sample_catalog: Catalog) -> None:
    seen: list[str] = []

    def count(text: str) -> int:
        seen.append(text)
        return 1

    build_context(sample_catalog, "jobs", ["JCJM"], join_tree(sample_catalog, ["JCJM"]), 1000,
                  count)
    assert seen


def test_estimate_is_conservative() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abcd") == 2
    assert estimate_tokens("x" * 300) == 100


def test_sources_are_cited_short() -> None:
    from vgpt2.server.generation.context import short_sources

    cited = ("repo: Databases/Viewpoint/Stored Procedures/dbo.bspAPHBPost.sql ('1 = open'); "
             "https://help.trimble.com/en/some/page (Status 1-Open); repo: Databases/Viewpoint/"
             "Stored Procedures/dbo.bspAPHBPost.sql (again)")
    assert short_sources(cited) == ["dbo.bspAPHBPost.sql", "help.trimble.com"]
    assert short_sources("Vista documentation") == ["Vista documentation"]
    assert short_sources("") == []


def test_real_status_codes_stay_compact(real_catalog: Catalog) -> None:
    block = object_block(real_catalog, "APTD", "open AP by status")
    assert block is not None
    status = next(line for line in block.short.splitlines() if line.startswith("- Status "))
    assert "(source: " in status and len(status) < 400


def test_join_lines_say_how_many_rows_each_join_brings(sample_catalog: Catalog) -> None:
    from vgpt2.server.generation.context import join_lines

    text = join_lines(join_tree(sample_catalog, ["APTH", "APTL", "APVM"]), sample_catalog)
    assert "(many APTL rows per APTH row)" in text
    assert "(one APVM row per APTH row)" in text
    text = join_lines(join_tree(sample_catalog, ["PREH", "PREA", "PRSQ"]), sample_catalog)
    assert "PREA and PRSQ are both many rows per row" in text
