"""The checks behind the generation features, called directly on the bundled sample catalog:
which comments ask for a query, what the catalog continues, which model suggestions may be
shown, and what a fill-in-the-middle request sends."""

from __future__ import annotations

from pathlib import Path

import pytest
from vgpt2.catalog.build import open_catalog
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.lsp.generate_action import comment_at, statement_at, surrounding_batch
from vgpt2.server.lsp.inline import (
    SuggestionCache,
    acceptable,
    catalog_suggestions,
    clean,
    fim_input,
)

WHERE = "SELECT h.APRef, h.Vendor\nFROM APTH h WITH (NOLOCK)\nWHERE "


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return open_catalog([], Path(tmp_path_factory.mktemp("cache")), copy=True)


def test_a_run_of_line_comments_is_one_request_and_the_query_goes_below() -> None:
    text = "SELECT 1\n-- unpaid AP invoices\n--   by vendor\nSELECT 2\n"
    comment = comment_at(text, text.index("by vendor"))
    assert comment is not None
    assert comment.question == "unpaid AP invoices by vendor"
    assert text[comment.insert_at:] == "SELECT 2\n"
    assert comment_at(text, 2) is None, "a statement is not a comment"


def test_a_block_comment_on_its_own_lines_is_a_request() -> None:
    text = "/* customers with\n * open AR balances */\nSELECT 1\n"
    comment = comment_at(text, text.index("open AR"))
    assert comment is not None and comment.question == "customers with open AR balances"
    assert text[comment.insert_at:] == "SELECT 1\n"


@pytest.mark.parametrize("text", [
    "-- SELECT * FROM APTH\n",             # commented-out SQL
    "-- ------------------\n",             # a divider
    "SELECT 1 -- the first column\n",      # a trailing note on a statement
    "SELECT /* a note inside */ 1\n",      # a comment inside a statement
    "-- cannot answer: not in Vista\n",    # a refusal left in the file
])
def test_what_is_not_a_request(text: str) -> None:
    assert comment_at(text, text.index("-") if "--" in text else text.index("/*") + 3) is None


def test_the_batch_around_the_comment_is_the_context_without_the_comment() -> None:
    text = "SELECT 1\nGO\nDECLARE @Co int = 1\n-- AP invoices for the company\nGO\n"
    comment = comment_at(text, text.index("AP invoices"))
    assert comment is not None
    assert surrounding_batch(text, comment) == "DECLARE @Co int = 1"


def test_the_statement_of_a_finding() -> None:
    text = "SELECT 1\nSELECT h.Colour FROM APTH h\nSELECT 2\n"
    start, end = statement_at(text, text.index("Colour")) or (0, 0)
    assert text[start:end] == "SELECT h.Colour FROM APTH h"


def test_the_catalog_continues_an_on_and_a_table(catalog: Catalog) -> None:
    join = "SELECT *\nFROM APTH h WITH (NOLOCK)\nJOIN APTL l WITH (NOLOCK) ON "
    assert [s.text for s in catalog_suggestions(join, len(join), catalog)] == [
        "l.APCo = h.APCo AND l.Mth = h.Mth AND l.APTrans = h.APTrans"]
    table = "SELECT *\nFROM APTH h "
    assert [s.text for s in catalog_suggestions(table, len(table), catalog)] == ["WITH (NOLOCK)"]
    assert catalog_suggestions(table, len(table), catalog, nolock=False) == []
    assert catalog_suggestions("SELECT *\nFROM APTH h", 20, catalog) == [], "mid-word"


@pytest.mark.parametrize(("suggestion", "shown"), [
    ("h.APCo = 1 AND h.Vendor = 42", True),
    ("h.Colour = 'red'", False),                   # an invented column
    ("h.APCo IN (SELECT x.APCo FROM Invoicez x)", False),  # an invented table
])
def test_only_suggestions_with_real_names_are_shown(catalog: Catalog, suggestion: str,
                                                    shown: bool) -> None:
    assert acceptable(WHERE, len(WHERE), suggestion, catalog) is shown


def test_a_suggestion_that_breaks_a_statement_that_parsed_is_dropped(catalog: Catalog) -> None:
    text = "SELECT h.APRef FROM APTH h WITH (NOLOCK) WHERE h.APCo = 1\n"
    at = text.index(" WHERE")
    assert acceptable(text, at, ", h.Vendor", catalog) is False, "the cursor is past FROM"
    select = text.index(" FROM")
    assert acceptable(text, select, ", h.Vendor", catalog) is True
    assert acceptable(text, select, ", h.Vendor FROM (", catalog) is False


def test_the_fim_request_holds_the_batch_and_a_schema_header(catalog: Catalog) -> None:
    text = "SELECT 1\nGO\n" + WHERE + "\nORDER BY h.APRef\nGO\nSELECT 2\n"
    offset = text.index("WHERE ") + len("WHERE ")
    fim = fim_input(text, offset, catalog)
    assert fim.prefix == WHERE and fim.suffix == "\nORDER BY h.APRef\n"
    assert fim.header.startswith("-- Vista schema") and "-- APTH(APCo, Mth, APTrans" in fim.header
    assert fim.raw_prompt() == (f"<|fim_prefix|>{fim.header}{WHERE}<|fim_suffix|>"
                                "\nORDER BY h.APRef\n<|fim_middle|>")


def test_a_reply_is_cut_to_the_clause() -> None:
    assert clean("h.APCo = 1\n\nSELECT 2") == "h.APCo = 1"
    assert clean("h.APCo = 1<|fim_pad|>junk") == "h.APCo = 1"
    assert clean("h.APCo = 1\r\n  AND h.Vendor = 2  ") == "h.APCo = 1\n  AND h.Vendor = 2"


def test_the_cache_keeps_the_latest() -> None:
    cache = SuggestionCache(size=2)
    cache.put(("a", ""), "1")
    cache.put(("b", ""), "2")
    assert cache.get(("a", "")) == "1"
    cache.put(("c", ""), "3")
    assert cache.get(("b", "")) is None and cache.get(("a", "")) == "1"
