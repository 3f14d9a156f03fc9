"""Signature help: which parameter the argument being typed fills."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.signature import Signature, signature_help

from .cursors import NAMES, cursors

AP_TAX = ("brptAPTax @APCo bCompany, @BeginTaxCode bTaxCode, @EndTaxCode bTaxCode, "
          "@BeginMth bMonth, @EndMth bMonth")


def help_at_end(text: str, catalog: Catalog) -> Signature:
    result = signature_help(text, len(text), catalog)
    assert result is not None, text
    return result


def active_label(signature: Signature) -> str:
    start, end, _ = signature.parameters[signature.active_parameter]
    return signature.label[start:end]


@pytest.mark.parametrize("text, expected", [
    ("EXEC brptAPTax ", "@APCo bCompany"),
    ("EXEC brptAPTax 1, ", "@BeginTaxCode bTaxCode"),
    ("EXECUTE dbo.brptAPTax 1, 'A', ", "@EndTaxCode bTaxCode"),
    ("EXEC brptAPTax 1, 'A', 'Z', '2024-01-01", "@BeginMth bMonth"),
    ("EXEC @rc = brptAPTax 1, ", "@BeginTaxCode bTaxCode"),
    ("exec BRPTAPTAX 1,", "@BeginTaxCode bTaxCode"),
    ("EXEC Vista.dbo.brptAPTax 1, ", "@BeginTaxCode bTaxCode"),
    ("EXEC Vista..brptAPTax 1, ", "@BeginTaxCode bTaxCode"),  # db..name: the default schema
])
def test_positional_arguments(text: str, expected: str, sample_catalog: Catalog) -> None:
    signature = help_at_end(text, sample_catalog)
    assert signature.label == AP_TAX
    assert signature.name == "brptAPTax"
    assert active_label(signature) == expected


@pytest.mark.parametrize("text, expected", [
    ("EXEC brptAPTax @APCo = 1, ", "@BeginTaxCode bTaxCode"),
    ("EXEC brptAPTax @APCo = 1, @EndMth = ", "@EndMth bMonth"),
    ("EXEC brptAPTax @APCo = 1, @EndMth = '2024-06-01', ", "@BeginTaxCode bTaxCode"),
    ("EXEC brptAPTax @EndMth = '2024-06-01', @APCo = 1, ", "@BeginTaxCode bTaxCode"),
    ("EXEC brptAPTax @APCo = 1, @BeginM", "@BeginMth bMonth"),
    ("EXEC brptAPTax @apco=1,@begintaxcode=", "@BeginTaxCode bTaxCode"),
])
def test_named_arguments_select_their_parameter(text: str, expected: str,
                                                sample_catalog: Catalog) -> None:
    assert active_label(help_at_end(text, sample_catalog)) == expected


def test_parameters_already_given_are_reported(sample_catalog: Catalog) -> None:
    signature = help_at_end("EXEC brptAPTax @EndMth = '2024-06-01', 1, ", sample_catalog)
    assert signature.arguments == ["@EndMth", "@APCo"]
    assert active_label(signature) == "@BeginTaxCode bTaxCode"


def test_unknown_name_and_too_many_arguments_highlight_nothing(
        sample_catalog: Catalog) -> None:
    signature = help_at_end("EXEC brptAPTax @Nope = ", sample_catalog)
    assert signature.active_parameter == len(signature.parameters)
    signature = help_at_end("EXEC brptAPTax 1, 2, 3, 4, 5, ", sample_catalog)
    assert signature.active_parameter == len(signature.parameters)


def test_parameter_documentation(sample_catalog: Catalog) -> None:
    signature = help_at_end("EXEC brptAPTax 1, 'A', 'Z', ", sample_catalog)
    assert signature.parameters[3][2] == "@BeginMth bMonth: the first day of a month, " \
        "e.g. '2024-06-01'"
    assert signature.documentation.startswith("procedure · AP")


def test_catalog_function_call(sample_catalog: Catalog) -> None:
    text = "SELECT dbo.vfDateCreate(6, "
    signature = help_at_end(text, sample_catalog)
    assert signature.label == "vfDateCreate(@Month tinyint, @Day tinyint, @Year smallint)"
    assert active_label(signature) == "@Day tinyint"
    # Nested calls of built-ins inside the arguments do not confuse the count.
    text = "SELECT dbo.vfDateCreate(ISNULL(@m, 1), DATEPART(day, GETDATE()), "
    assert active_label(help_at_end(text, sample_catalog)) == "@Year smallint"
    # The cursor inside the built-in call: still the catalog function around it.
    text = "SELECT dbo.vfDateCreate(6, ISNULL(@d, "
    assert active_label(help_at_end(text, sample_catalog)) == "@Day tinyint"


def test_cursor_in_the_middle_of_a_call(sample_catalog: Catalog) -> None:
    text = "EXEC brptAPTax 1, 'A', 'Z'\nSELECT 1"
    signature = signature_help(text, text.index("'A'") + 1, sample_catalog)
    assert signature is not None and active_label(signature) == "@BeginTaxCode bTaxCode"


@pytest.mark.parametrize("text", [
    "EXEC brptAPTax",                      # still typing the name
    "EXEC brptAPT",
    "EXEC dbo.",
    "EXEC NoSuchProc 1, ",                 # not in the catalog
    "EXEC sp_executesql N'SELECT 1', ",
    "EXEC (@sql",                           # dynamic SQL
    "EXEC brptAPTax 1; SELECT ",           # the call ended
    "EXEC brptAPTax 1\nSELECT * FROM JCCM WHERE ",
    "SELECT dbo.vfDateCreate(1, 2, 3) ",   # the call is closed
    "SELECT ISNULL(1, ",                   # a built-in
    "SELECT * FROM JCCM",
    "",
])
def test_no_signature(text: str, sample_catalog: Catalog) -> None:
    assert signature_help(text, len(text), sample_catalog) is None


def test_real_catalog_report_procedure(real_catalog: Catalog) -> None:
    text = "EXEC dbo.brptARAge @Company = 1, @Month = '2024-06-01', @AgeDate = "
    signature = help_at_end(text, real_catalog)
    assert active_label(signature) == "@AgeDate bDate"


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, data=st.data())
def test_any_offset_in_a_corpus_file(name: str, data: st.DataObject,
                                     sample_catalog: Catalog) -> None:
    for source, offset in cursors(name, data):
        signature = signature_help(source, offset, sample_catalog)
        if signature is not None:
            assert 0 <= signature.active_parameter <= len(signature.parameters)
            for start, end, _ in signature.parameters:
                assert 0 <= start < end <= len(signature.label)


def test_unqualified_calls_are_built_ins_but_from_allows_them(sample_catalog: Catalog) -> None:
    assert signature_help("SELECT vfDateCreate(1, ", 23, sample_catalog) is None
    text = "SELECT * FROM vfDateCreate(1, "
    signature = signature_help(text, len(text), sample_catalog)
    assert signature is not None and signature.active_parameter == 1
