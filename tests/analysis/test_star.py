"""Expanding ``*`` into the catalog's column list, with the user's aliases."""

from __future__ import annotations

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis import analyze
from vgpt2.server.analysis.fixing import apply_edits
from vgpt2.server.analysis.star import expand_star


def test_star_over_one_view_lists_its_columns_in_order(sample_catalog: Catalog) -> None:
    text = "SELECT * FROM APVM v WITH (NOLOCK)"
    edit = expand_star(text, text.index("*"), sample_catalog)
    assert edit is not None
    columns = [c.name for c in sample_catalog.columns("APVM")]
    assert edit.new_text.split(",\n       ") == columns
    assert text[edit.start:edit.end] == "*"


def test_star_over_a_join_qualifies_every_column(sample_catalog: Catalog) -> None:
    text = ("SELECT *\nFROM APTH h WITH (NOLOCK)\nJOIN APTL l WITH (NOLOCK) ON l.APCo = h.APCo "
            "AND l.Mth = h.Mth AND l.APTrans = h.APTrans")
    edit = expand_star(text, text.index("*") + 1, sample_catalog)
    assert edit is not None
    names = edit.new_text.split(",\n       ")
    assert names[0] == "h.APCo"
    assert "l.APLine" in names
    expanded = apply_edits(text, [edit])
    assert "*" not in expanded
    assert analyze(expanded, sample_catalog) == []


def test_alias_star_expands_only_that_alias(sample_catalog: Catalog) -> None:
    text = "SELECT l.*, h.APRef FROM APTH h WITH (NOLOCK) JOIN APTL l WITH (NOLOCK) ON " \
           "l.APCo = h.APCo AND l.Mth = h.Mth AND l.APTrans = h.APTrans"
    edit = expand_star(text, text.index("*"), sample_catalog)
    assert edit is not None
    assert text[edit.start:edit.end] == "l.*"
    assert all(name.startswith("l.") for name in edit.new_text.split(",\n       "))


def test_no_expansion_when_columns_are_not_known(sample_catalog: Catalog) -> None:
    derived = "SELECT * FROM (SELECT 1 AS x) d"
    assert expand_star(derived, derived.index("*"), sample_catalog) is None
    count = "SELECT COUNT(*) FROM APTH WITH (NOLOCK)"
    assert expand_star(count, count.index("*"), sample_catalog) is None
    unknown = "SELECT * FROM NoSuchTable"
    assert expand_star(unknown, unknown.index("*"), sample_catalog) is None
    assert expand_star("SELECT 1", 3, sample_catalog) is None
