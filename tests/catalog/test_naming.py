"""Vista naming: base-table prefixes and modules, as every importer and the analyzer read them."""

from __future__ import annotations

import pytest
from vgpt2.catalog.naming import base_name_variants, module_of, strip_base_prefix


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bJCCM", "JCCM"),
        ("vSMWorkOrder", "SMWorkOrder"),
        ("bHQCO", "HQCO"),
        ("JCCM", None),
        ("brvJCCost", None),  # a report view, not a base table
        ("vrvSMWorkOrderList", None),
        ("bspJCContractVal", None),  # a procedure
        ("budMyTable", None),  # a user table
        ("b", None),
        ("", None),
        ("bJ", None),
    ],
)
def test_strip_base_prefix(name: str, expected: str | None) -> None:
    assert strip_base_prefix(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bJCCM", "JC"),
        ("vSMWorkOrder", "SM"),
        ("JCCM", "JC"),
        ("APTH", "AP"),
        ("bHQCO", "HQ"),
        ("brvJCContStat", "JC"),
        ("vrvSMWorkOrderList", "SM"),
        ("bspJCContractVal", "JC"),
        ("vspPMProjectVal", "PM"),
        ("vfSMRateMaterial", "SM"),
        ("budMyTable", ""),
        ("Orders", ""),
        ("t", ""),
        ("", ""),
        ("AB", ""),
        ("JCcost", ""),
    ],
)
def test_module_of(name: str, expected: str) -> None:
    assert module_of(name) == expected


def test_base_name_variants() -> None:
    assert base_name_variants("bJCCM") == ("bJCCM", "JCCM")
    assert base_name_variants("JCCM") == ("JCCM", "bJCCM", "vJCCM")
    assert base_name_variants("brvJCCost") == ("brvJCCost",)
    assert base_name_variants("vSMWorkOrder") == ("vSMWorkOrder", "SMWorkOrder")
