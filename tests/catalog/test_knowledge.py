"""The bundled Vista knowledge pack and the knowledge loader: format, warnings, merging."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from vgpt2.catalog.importers.knowledge import (
    bundled_knowledge_path,
    load_knowledge,
    merge_knowledge,
)
from vgpt2.catalog.model import ImportIssue, Knowledge, StatusCode

VISTA_SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "vista-schema"


@pytest.fixture(scope="module")
def pack() -> Knowledge:
    result = load_knowledge(bundled_knowledge_path())
    assert result.knowledge is not None
    return result.knowledge


@pytest.fixture(scope="module")
def schema() -> dict[str, object]:
    """objects.json, columns.json and indexes.json of the real Vista export, when present."""
    if not (VISTA_SCHEMA / "columns.json").is_file():
        pytest.skip("../shared/vista-schema not present")
    objects = {o["ObjectName"]: o for o in json.loads((VISTA_SCHEMA / "objects.json").read_text())}
    columns: dict[str, set[str]] = defaultdict(set)
    for column in json.loads((VISTA_SCHEMA / "columns.json").read_text()):
        columns[column["ObjectName"]].add(column["ColumnName"])
    unique: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for index in json.loads((VISTA_SCHEMA / "indexes.json").read_text()):
        if index["IsUnique"] or index["IsPrimaryKey"]:
            unique[index["ObjectName"].strip()].append(tuple(index["Columns"]))
    return {"objects": objects, "columns": columns, "unique": unique}


def write(tmp_path: Path, text: str, name: str = "shop.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


# -- the bundled pack ---------------------------------------------------------------------


def test_bundled_pack_is_a_packaged_file() -> None:
    path = bundled_knowledge_path()
    assert path.name == "knowledge.toml"
    assert path.is_file()


def test_bundled_pack_loads_with_zero_issues() -> None:
    result = load_knowledge(bundled_knowledge_path())
    assert result.issues == []
    assert result.source == bundled_knowledge_path()


def test_bundled_pack_covers_the_core_modules(pack: Knowledge) -> None:
    assert len(pack.descriptions) >= 150
    assert all(len(text) >= 20 for text in pack.descriptions.values())
    for module in ("AP", "AR", "CM", "EM", "GL", "HQ", "HR", "IN", "JB", "JC", "MS", "PM", "PO",
                   "PR", "SL", "SM"):
        assert module in pack.modules
        assert any(name.startswith(module) for name in pack.descriptions), module
    assert len(pack.conventions) >= 10
    assert any("NOLOCK" in c for c in pack.conventions)
    assert any("bJCCM" in c for c in pack.conventions)
    assert pack.sources
    assert len(pack.column_descriptions) >= 150


def test_bundled_pack_describes_views_not_base_tables(pack: Knowledge) -> None:
    for name in pack.descriptions:
        assert not re.fullmatch(r"[bv][A-Z]{2}[A-Za-z]+", name), name


def test_every_status_code_has_a_source(pack: Knowledge) -> None:
    assert len(pack.status_codes) >= 50
    for key, code in pack.status_codes.items():
        assert key == (code.object, code.column, code.code)
        assert code.meaning.strip()
        assert code.source.strip(), key
        assert "mckinstry-commits/ViewPoint" in code.source or "https://" in code.source, key


def test_well_known_status_codes(pack: Knowledge) -> None:
    assert pack.status_codes[("JCJM", "JobStatus", "1")].meaning == "Open"
    assert "Soft" in pack.status_codes[("JCJM", "JobStatus", "2")].meaning
    assert "Paid" in pack.status_codes[("APTD", "Status", "3")].meaning
    assert pack.status_codes[("POHD", "Status", "3")].meaning.startswith("Pending")
    assert pack.status_codes[("GLAC", "AcctType", "A")].meaning == "Asset"
    assert "DISAGREES" in pack.status_codes[("CMDT", "CMTransType", "3")].source


def test_synonyms_are_lowercase_and_unique(pack: Knowledge) -> None:
    for name, words in pack.synonyms.items():
        assert words, name
        assert all(w == w.lower() and w == w.strip() and w for w in words), name
        assert len({w for w in words}) == len(words), name
        assert name in pack.descriptions, name


@pytest.mark.parametrize(("word", "expected"), [
    ("customers", {"ARCM"}),
    ("vendors", {"APVM"}),
    ("suppliers", {"APVM"}),
    ("jobs", {"JCJM"}),
    ("projects", {"JCJM"}),
    ("contracts", {"JCCM"}),
    ("invoices", {"APTH", "ARTH"}),
    ("employees", {"PREH"}),
    ("timecards", {"PRTH"}),
    ("timesheets", {"PRTH"}),
    ("purchase orders", {"POHD"}),
    ("subcontracts", {"SLHD"}),
    ("equipment", {"EMEM"}),
    ("general ledger accounts", {"GLAC"}),
    ("cost types", {"JCCT"}),
    ("phases", {"JCJP", "JCPM"}),
    ("change orders", {"PMOH", "PMOI", "JCOH"}),
    ("work orders", {"SMWorkOrder"}),
    ("companies", {"HQCO"}),
])
def test_synonyms_map_where_a_user_expects(pack: Knowledge, word: str, expected: set[str]) -> None:
    owners = {name for name, words in pack.synonyms.items() if word in words}
    assert expected <= owners, (word, owners)


def test_every_described_object_and_column_exists(pack: Knowledge,
                                                  schema: dict[str, object]) -> None:
    objects = schema["objects"]
    columns = schema["columns"]
    assert isinstance(objects, dict) and isinstance(columns, dict)
    missing = sorted(n for n in {*pack.descriptions, *pack.synonyms} if n not in objects)
    assert missing == []
    missing_columns = sorted(f"{o}.{c}" for o, c in pack.column_descriptions
                             if c not in columns.get(o, set()))
    assert missing_columns == []
    missing_status = sorted({f"{o}.{c}" for o, c, _ in pack.status_codes
                             if c not in columns.get(o, set())})
    assert missing_status == []


def test_described_keys_are_real_unique_indexes(pack: Knowledge,
                                                schema: dict[str, object]) -> None:
    objects, unique = schema["objects"], schema["unique"]
    assert isinstance(objects, dict) and isinstance(unique, dict)
    wrong = []
    for name, text in pack.descriptions.items():
        tables = [p + name for p in ("b", "v") if p + name in objects] or [name]
        indexes = {frozenset(cols) for t in tables for cols in unique.get(t, [])}
        for match in re.finditer(r"(?:keyed by|unique on) ((?:[A-Z]\w*, )*[A-Z]\w*)", text):
            key = frozenset(match.group(1).split(", "))
            if key not in indexes:
                wrong.append(f"{name}: {match.group(0)}")
    assert wrong == []


# -- user files and merging ---------------------------------------------------------------

OVERLAY = """\
[pack]
name = "Acme overrides"
sources = ["Acme report-writing guide, 2025"]

[modules]
UD = "Acme custom tables"

[conventions]
items = [
    "Acme: exclude job 99- (overhead jobs) from WIP reports.",
    "NOLOCK_CONVENTION",
]

[objects.APTH]
description = "Acme: AP invoices, one per vendor bill."
synonyms = ["Bills To Pay", "AP INVOICES"]
[objects.APTH.columns]
APRef = "Acme: the vendor's invoice number as printed"

[objects.udAcmeSafety]
description = "Acme safety observations, one row per observation."
synonyms = ["safety observations"]

[[status_codes]]
object = "JCJM"
column = "JobStatus"
code = "1"
meaning = "Active job"
source = "Acme job setup procedure, section 2"

[[status_codes]]
object = "udAcmeSafety"
column = "Severity"
code = 3
meaning = "Lost-time incident"
source = "Acme safety manual 4.1"
""".replace("NOLOCK_CONVENTION", (  # a convention the pack already has: not appended twice
    "put with (nolock) on every table and view reference in a select: report queries run "
    "against the live Vista database and   must not block posting."))


def test_user_overlay_merges_over_the_pack(tmp_path: Path, pack: Knowledge) -> None:
    result = load_knowledge(write(tmp_path, OVERLAY))
    assert result.issues == []
    assert result.knowledge is not None
    overlay = result.knowledge
    assert overlay.status_codes[("udAcmeSafety", "Severity", "3")].code == "3"

    merged = merge_knowledge(pack, overlay)

    # descriptions, column descriptions and modules: the overlay replaces
    assert merged.descriptions["APTH"] == "Acme: AP invoices, one per vendor bill."
    assert merged.descriptions["ARTH"] == pack.descriptions["ARTH"]
    assert merged.descriptions["udAcmeSafety"].startswith("Acme safety")
    assert merged.column_descriptions[("APTH", "APRef")].startswith("Acme:")
    assert merged.column_descriptions[("APTH", "APTrans")] == pack.column_descriptions[
        ("APTH", "APTrans")]
    assert merged.modules["UD"] == "Acme custom tables"
    assert merged.modules["AP"] == pack.modules["AP"]
    # synonyms: union, the overlay's first, no case-insensitive duplicates
    words = merged.synonyms["APTH"]
    assert words[:2] == ["Bills To Pay", "AP INVOICES"]
    assert "ap invoices" not in words
    assert "vendor invoices" in words
    assert len({w.casefold() for w in words}) == len(words)
    assert merged.synonyms["udAcmeSafety"] == ["safety observations"]
    # status codes: replaced by (object, column, code), others kept
    assert merged.status_codes[("JCJM", "JobStatus", "1")].meaning == "Active job"
    assert merged.status_codes[("JCJM", "JobStatus", "2")] == pack.status_codes[
        ("JCJM", "JobStatus", "2")]
    assert len(merged.status_codes) == len(pack.status_codes) + 1
    # conventions and sources: appended, without duplicates
    assert merged.conventions[:len(pack.conventions)] == pack.conventions
    assert merged.conventions[len(pack.conventions):] == [
        "Acme: exclude job 99- (overhead jobs) from WIP reports."]
    assert merged.sources == [*pack.sources, "Acme report-writing guide, 2025"]


def test_merge_changes_neither_input() -> None:
    base = Knowledge(
        modules={"AP": "Accounts Payable"}, descriptions={"APTH": "base"},
        synonyms={"APTH": ["ap invoices"]}, conventions=["one"], sources=["s1"],
        status_codes={("APTD", "Status", "1"): StatusCode("APTD", "Status", "1", "Open", "src")})
    overlay = Knowledge(descriptions={"APTH": "overlay"}, synonyms={"APTH": ["bills"]},
                        conventions=["two"], sources=["s2"])
    merged = merge_knowledge(base, overlay)
    assert merged.synonyms["APTH"] == ["bills", "ap invoices"]
    assert base.synonyms["APTH"] == ["ap invoices"] and overlay.synonyms["APTH"] == ["bills"]
    assert base.descriptions["APTH"] == "base" and base.conventions == ["one"]
    assert base.sources == ["s1"] and merged.sources == ["s1", "s2"]
    assert merged.conventions == ["one", "two"]
    merged.synonyms["APTH"].append("x")
    assert base.synonyms["APTH"] == ["ap invoices"]


def test_merge_over_empty_knowledge_is_the_pack(pack: Knowledge) -> None:
    merged = merge_knowledge(Knowledge(), pack)
    assert merged.descriptions == pack.descriptions
    assert merged.synonyms == pack.synonyms
    assert merged.status_codes == pack.status_codes
    assert merged.conventions == pack.conventions


# -- bad files ----------------------------------------------------------------------------


def only(issues: list[ImportIssue], fragment: str) -> ImportIssue:
    matching = [i for i in issues if fragment in i.message]
    assert len(matching) == 1, (fragment, [str(i) for i in issues])
    return matching[0]


SYNTAX_ERROR = """\
[modules]
AP = "Accounts Payable"

[objects.APTH]
description = "AP transaction header"
synonyms = ["ap invoices"

[objects.ARCM]
description = "AR customers"
synonyms = ["customers"]

[[status_codes]]
object = "JCJM"
column = "JobStatus"
code = "1"
meaning = "Open"
source = "somewhere"
"""


def test_syntax_error_warns_with_file_and_line_and_the_rest_loads(tmp_path: Path) -> None:
    path = write(tmp_path, SYNTAX_ERROR)
    result = load_knowledge(path)
    assert len(result.issues) == 1
    issue = result.issues[0]
    assert issue.path == path
    assert issue.severity == "warning"
    assert "syntax error" in issue.message
    assert issue.line is not None
    assert line_of(SYNTAX_ERROR, 'synonyms = ["ap invoices"') <= issue.line <= line_of(
        SYNTAX_ERROR, "[objects.ARCM]")
    assert str(issue).startswith(f"{path}:{issue.line}: warning:")
    knowledge = result.knowledge
    assert knowledge is not None
    assert "APTH" not in knowledge.descriptions
    assert knowledge.descriptions["ARCM"] == "AR customers"
    assert knowledge.synonyms["ARCM"] == ["customers"]
    assert knowledge.modules == {"AP": "Accounts Payable"}
    assert knowledge.status_codes[("JCJM", "JobStatus", "1")].meaning == "Open"


def test_syntax_error_in_a_status_code_keeps_the_other_status_codes(tmp_path: Path) -> None:
    text = SYNTAX_ERROR.replace('synonyms = ["ap invoices"\n', 'synonyms = ["ap invoices"]\n')
    text += '\n[[status_codes]]\nobject = "JCJM"\ncolumn = "JobStatus\ncode = "2"\n'
    result = load_knowledge(write(tmp_path, text))
    assert len(result.issues) == 1
    broken = [n for n, line in enumerate(text.splitlines(), start=1)
              if line == 'column = "JobStatus']
    assert result.issues[0].line == broken[0]
    knowledge = result.knowledge
    assert knowledge is not None
    assert set(knowledge.status_codes) == {("JCJM", "JobStatus", "1")}
    assert knowledge.descriptions["APTH"] == "AP transaction header"


WRONG_TYPES = """\
[pack]
name = "shop"
author = "someone"

[modules]
AP = 5

[objects.APTH]
description = 42
synonyms = "ap invoices"
colour = "blue"
[objects.APTH.columns]
APRef = "vendor invoice number"
APTrans = ["not", "a", "string"]

[objects.ARCM]
description = "AR customers"
synonyms = ["customers", 7]

[objects.JCJM]
description = "jobs"
columns = "Job"

[[status_codes]]
object = "JCJM"
column = "JobStatus"
code = "1"
meaning = "Open"

[[status_codes]]
object = "JCJM"
column = "JobStatus"
code = "2"
meaning = "Soft-closed"
source = "help page"
note = "extra"

[widgets]
count = 3
"""


def test_wrong_types_and_unknown_keys_warn_with_line_and_the_rest_loads(tmp_path: Path) -> None:
    path = write(tmp_path, WRONG_TYPES)
    result = load_knowledge(path)
    issues = result.issues
    assert all(issue.path == path and issue.severity == "warning" for issue in issues)
    expectations = {
        "'author'": line_of(WRONG_TYPES, "author ="),
        "module 'AP'": line_of(WRONG_TYPES, "AP = 5"),
        "objects.APTH.description": line_of(WRONG_TYPES, "description = 42"),
        "objects.APTH.synonyms": line_of(WRONG_TYPES, 'synonyms = "ap invoices"'),
        "'colour'": line_of(WRONG_TYPES, "colour ="),
        "objects.APTH.columns.APTrans": line_of(WRONG_TYPES, "APTrans = ["),
        "objects.ARCM.synonyms": line_of(WRONG_TYPES, 'synonyms = ["customers", 7]'),
        "objects.JCJM.columns": line_of(WRONG_TYPES, 'columns = "Job"'),
        "missing source": line_of(WRONG_TYPES, "[[status_codes]]"),
        "'note'": line_of(WRONG_TYPES, "note ="),
        "'widgets'": line_of(WRONG_TYPES, "[widgets]"),
    }
    for fragment, line in expectations.items():
        assert only(issues, fragment).line == line, fragment
    assert len(issues) == len(expectations)

    knowledge = result.knowledge
    assert knowledge is not None
    assert "APTH" not in knowledge.descriptions
    assert "APTH" not in knowledge.synonyms
    assert knowledge.column_descriptions == {("APTH", "APRef"): "vendor invoice number"}
    assert knowledge.descriptions == {"ARCM": "AR customers", "JCJM": "jobs"}
    assert knowledge.synonyms["ARCM"] == ["customers"]
    assert knowledge.modules == {}
    assert list(knowledge.status_codes) == [("JCJM", "JobStatus", "2")]


def test_an_empty_source_is_not_a_source(tmp_path: Path) -> None:
    text = ('[[status_codes]]\nobject = "JCJM"\ncolumn = "JobStatus"\ncode = "0"\n'
            'meaning = "Pending"\nsource = "  "\n')
    result = load_knowledge(write(tmp_path, text))
    assert only(result.issues, "source must be a non-empty string").line == 1
    assert result.knowledge is not None and result.knowledge.status_codes == {}


def test_duplicate_status_code_in_one_file_warns_and_the_later_wins(tmp_path: Path) -> None:
    entry = ('[[status_codes]]\nobject = "JCJM"\ncolumn = "JobStatus"\ncode = "1"\n'
             'meaning = "{m}"\nsource = "s"\n\n')
    text = entry.format(m="Open") + entry.format(m="Active")
    result = load_knowledge(write(tmp_path, text))
    issue = only(result.issues, "defined again")
    assert issue.line == 8
    assert "line 1" in issue.message
    assert result.knowledge is not None
    assert result.knowledge.status_codes[("JCJM", "JobStatus", "1")].meaning == "Active"


def test_missing_file_is_a_warning_not_an_exception(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    result = load_knowledge(path)
    assert len(result.issues) == 1
    assert result.issues[0].path == path and result.issues[0].line is None
    assert result.knowledge == Knowledge()


def test_dotted_keys_and_quoted_names_are_located(tmp_path: Path) -> None:
    text = ('[objects]\nAPTH.description = 3\n\n[objects."SMWorkOrder"]\n'
            'description = "work orders"\n"synonyms" = 5\n')
    result = load_knowledge(write(tmp_path, text))
    assert only(result.issues, "objects.APTH.description").line == 2
    assert only(result.issues, "objects.SMWorkOrder.synonyms").line == 6
    assert result.knowledge is not None
    assert result.knowledge.descriptions == {"SMWorkOrder": "work orders"}
