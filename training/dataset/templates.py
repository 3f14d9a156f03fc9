"""Question -> SQL candidates over the catalog's objects, in the patterns report writers use.

Each pattern renders gold T-SQL the way the engine's conventions say (views,
``WITH (NOLOCK)`` on every reference, the module's company as a declared
parameter, joins on the whole key from the engine's own join tree, ``Mth`` as
the first of a month, status codes only where the knowledge pack documents
their meaning) and phrases the question in several ways with the object's
synonyms from the knowledge pack. Column choices, companies, months and TOP
sizes vary with the seed, so the answers differ record by record.

Nothing here is trusted: every candidate still goes through the gates.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from vgpt2.catalog.catalog import Catalog
from vgpt2.catalog.model import CatalogObject, Column, ObjectType
from vgpt2.server.generation.jointree import JoinEdge, JoinTree, join_tree, neighbours
from vgpt2.server.generation.skeleton import alias_for, company_column
from vgpt2.training.dataset.records import Candidate

CHAINS: tuple[tuple[str, ...], ...] = (
    ("APTH", "APTL", "JCJM"), ("JCCM", "JCJM", "JCCP"), ("SLHD", "SLIT"), ("POHD", "POIT"),
    ("ARTH", "ARCM"), ("PRTH", "PREH"), ("APTH", "APTL"), ("APTH", "APVM"), ("JCJM", "JCJP"),
    ("JCCM", "JCCI"), ("APTL", "APTD"), ("SLHD", "APVM"), ("POHD", "APVM"), ("JCJP", "JCCP"),
    ("ARTH", "ARTL"), ("PRTH", "PRDT"), ("GLAC", "GLDT"), ("EMEM", "EMCD"), ("INMT", "INDT"),
    ("JCJM", "JCJP", "JCCP"), ("APTH", "APTL", "APTD"), ("POHD", "POIT", "APVM"),
    ("SLHD", "SLIT", "APVM"), ("ARTH", "ARTL", "ARCM"), ("PRTH", "PREH", "PRDT"),
)
"""Joins the dataset must teach, within and across modules (whole composite keys)."""
FIRST_MONTHS = tuple(f"{2024 + (6 + m) // 12}-{(6 + m) % 12 + 1:02d}-01" for m in range(12))
"""The first days of 2024-07 .. 2025-06: the months the sample databases hold."""
COMPANIES = (1, 2)
TOPS = (5, 10, 20, 25, 50, 100)
_NUMERIC = frozenset({"numeric", "decimal", "money", "smallmoney", "float", "real", "int",
                      "bigint", "smallint"})
_DATES = frozenset({"datetime", "smalldatetime", "date", "datetime2"})
_TEXT = frozenset({"varchar", "nvarchar", "char", "nchar"})
_SKIP_COLUMNS = frozenset({"KeyID", "UniqueAttchID", "Notes", "BatchId", "BatchSeq", "InUseBatchId",
                           "InUseMth", "Purge", "AuditYN"})
_REPORT_VIEW = re.compile(r"^(brv|vrv)")
_FIRST_CLAUSE = re.compile(r"^([^:.;(]{3,60})")


@dataclass(slots=True)
class ObjectInfo:
    name: str
    module: str
    company: str | None
    key: tuple[str, ...]
    nouns: tuple[str, ...]
    numeric: tuple[str, ...]
    text: tuple[str, ...]
    dates: tuple[str, ...]
    month: str | None
    statuses: tuple[tuple[str, str, str, str], ...]
    """(column, code, meaning, source) for documented codes."""
    report: bool
    numbers: frozenset[str] = frozenset()
    """Every column of a numeric type (key columns too): their codes are not quoted."""


def object_info(catalog: Catalog, obj: CatalogObject) -> ObjectInfo | None:
    """What the templates need of one view; None when it has too little to ask about."""
    columns = [c for c in obj.columns if c.name not in _SKIP_COLUMNS and not c.is_computed
               and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", c.name)]
    if len(columns) < 2:
        return None
    key = catalog.key_columns(obj.name)
    company = company_column(catalog, obj.name)
    if company is not None and not company.endswith("Co"):
        company = None  # a group-keyed master: filtered on its group below, not a company
    base = {c.name: _base(c) for c in columns}
    numeric = tuple(c.name for c in columns if base[c.name] in _NUMERIC and c.name not in key
                    and not c.name.endswith(("Co", "Group", "Seq", "Line", "ID", "Id")))
    dates = tuple(c.name for c in columns if base[c.name] in _DATES and c.data_type != "bMonth")
    month = next((c.name for c in columns if c.data_type == "bMonth" and c.name == "Mth"), None)
    text = tuple(c.name for c in columns if c.name not in key and c.name not in numeric
                 and c.name not in dates and c.name != month)
    statuses: list[tuple[str, str, str, str]] = []
    for column in columns:
        if any(h in column.name for h in ("Status", "Type", "YN", "Method", "Stat")):
            for code in catalog.status_codes(obj.name, column.name):
                if code.meaning.strip() and re.fullmatch(r"[\w -]{1,12}", code.code):
                    statuses.append((column.name, code.code, code.meaning, code.source))
    nouns = tuple(s for s in catalog.synonyms(obj.name) if 3 <= len(s) <= 40)
    if not nouns:
        clause = _FIRST_CLAUSE.match(obj.description or "")
        nouns = (clause.group(1).strip().lower(),) if clause else ()
    numbers = frozenset(c.name for c in columns if base[c.name] in _NUMERIC | {"tinyint"})
    return ObjectInfo(obj.name, obj.module, company, key, nouns, numeric, text, dates, month,
                      tuple(statuses), bool(_REPORT_VIEW.match(obj.name)), numbers)


def _base(column: Column) -> str:
    return (column.base_type or column.data_type).lower()


def objects_to_use(catalog: Catalog) -> list[str]:
    """Every view a report writer queries (base tables are reached through them), by name."""
    return sorted(h.name for h in catalog.headers()
                  if h.type is ObjectType.VIEW and catalog.preferred_name(h.name) == h.name)


def stable_hash(*parts: object) -> int:
    digest = hashlib.blake2b(":".join(str(p) for p in parts).encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big")


# -- rendering ------------------------------------------------------------------------------


def _declare(company: str | None, value: int) -> str:
    return f"DECLARE @{company} bCompany = {value};\n" if company else ""


def _where(alias: str, company: str | None, extra: Sequence[str] = ()) -> str:
    conditions = ([f"{alias}.{company} = @{company}"] if company else []) + list(extra)
    return ("WHERE " + "\n  AND ".join(conditions) + "\n") if conditions else ""


def _noun(info: ObjectInfo, rng: random.Random, named: bool) -> str:
    """A synonym (or the description's words), with the view's name when ``named``."""
    noun = rng.choice(info.nouns) if info.nouns else info.name
    if named or not info.nouns:
        return f"{noun} ({info.name})" if noun != info.name else info.name
    return noun


def _company_words(info: ObjectInfo, value: int) -> str:
    if not info.company:
        return ""
    module = info.company[:-2]
    return f" in {module} company {value}" if module else f" in company {value}"


def _pick(rng: random.Random, pool: Sequence[str], low: int, high: int) -> list[str]:
    if not pool:
        return []
    count = min(len(pool), rng.randint(low, high))
    chosen = rng.sample(list(pool), count)
    return sorted(chosen, key=list(pool).index)


def _and(items: Sequence[str]) -> str:
    """``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _words(column: str) -> str:
    """``InvTotal`` -> ``InvTotal``: column names stay exact, a report writer types them so."""
    return column


PatternFn = Callable[[ObjectInfo, random.Random, int], Candidate | None]


def _single(info: ObjectInfo, rng: random.Random, number: int) -> Candidate | None:
    columns = _pick(rng, info.text + info.numeric + info.dates, 2, 4)
    if not columns:
        return None
    a = alias_for(info.name, ())
    company = rng.choice(COMPANIES)
    select = [*info.key[len([info.company]) if info.company else 0:][:2], *columns]
    select = list(dict.fromkeys(select))
    sql = (_declare(info.company, company) + "SELECT " + ", ".join(f"{a}.{c}" for c in select)
           + f"\nFROM dbo.{info.name} AS {a} WITH (NOLOCK)\n" + _where(a, info.company))
    phrasing = rng.randrange(4)
    named = phrasing % 2 == 0
    noun = _noun(info, rng, named)
    cols = ", ".join(_words(c) for c in columns)
    where = _company_words(info, company)
    question = (f"List the {cols} of the {noun}{where}.",
                f"Show {noun}{where} with {cols}.",
                f"I need {cols} for every row of {noun}{where}.",
                f"Which {noun} are there{where}? Give {cols}.")[phrasing]
    return _candidate(info, question, sql, "single table", f"single.{phrasing}", select, number)


def _count(info: ObjectInfo, rng: random.Random, number: int) -> Candidate | None:
    group = _pick(rng, [c for c in info.text if c not in info.key][:6], 1, 1)
    if not group or not info.company:
        return None
    a = alias_for(info.name, ())
    company = rng.choice(COMPANIES)
    g = group[0]
    sql = (_declare(info.company, company) + f"SELECT {a}.{g}, COUNT(*) AS Records\n"
           f"FROM dbo.{info.name} AS {a} WITH (NOLOCK)\n" + _where(a, info.company)
           + f"GROUP BY {a}.{g}\n")
    phrasing = rng.randrange(3)
    noun = _noun(info, rng, phrasing != 1)
    where = _company_words(info, company)
    question = (f"How many {noun} are there per {g}{where}?",
                f"Count the {noun}{where} by {g}.",
                f"Number of {noun} for each {g}{where}.")[phrasing]
    return _candidate(info, question, sql, "aggregate", f"count.{phrasing}", [g], number)


def _aggregate(info: ObjectInfo, rng: random.Random, number: int) -> Candidate | None:
    if not info.numeric or not info.company:
        return None
    measure = rng.choice(info.numeric)
    keys = [k for k in info.key if k != info.company and k != "Mth"]
    pool = keys[:2] + [c for c in info.text[:6]]
    if not pool:
        return None
    group = rng.choice(pool)
    function = rng.choice(("SUM", "SUM", "MAX", "AVG"))
    word = {"SUM": "total", "MAX": "largest", "AVG": "average"}[function]
    a = alias_for(info.name, ())
    company = rng.choice(COMPANIES)
    label = f"{word.capitalize()}{measure}"
    sql = (_declare(info.company, company) + f"SELECT {a}.{group}, {function}({a}.{measure}) "
           f"AS {label}\nFROM dbo.{info.name} AS {a} WITH (NOLOCK)\n" + _where(a, info.company)
           + f"GROUP BY {a}.{group}\n")
    phrasing = rng.randrange(3)
    noun = _noun(info, rng, phrasing != 2)
    where = _company_words(info, company)
    question = (f"What is the {word} {measure} of the {noun} by {group}{where}?",
                f"{word.capitalize()} {measure} per {group} from {noun}{where}.",
                f"Summarize {noun}{where}: {word} {measure} for each {group}.")[phrasing]
    return _candidate(info, question, sql, "aggregate", f"aggregate.{phrasing}",
                      [group, measure], number)


def _month(info: ObjectInfo, rng: random.Random, number: int) -> Candidate | None:
    if not info.month:
        return None
    columns = _pick(rng, info.numeric + info.text, 1, 3)
    if not columns:
        return None
    a = alias_for(info.name, ())
    company = rng.choice(COMPANIES)
    ranged = rng.random() < 0.4
    first = rng.randrange(len(FIRST_MONTHS) - (3 if ranged else 0))
    month = FIRST_MONTHS[first]
    if ranged:
        last = FIRST_MONTHS[first + rng.randint(1, 3)]
        condition = f"{a}.Mth >= '{month}'\n  AND {a}.Mth <= '{last}'"
        when = f"from month {month[:7]} through {last[:7]}"
    else:
        condition = f"{a}.Mth = '{month}'"
        when = f"in month {month[:7]}"
    select = list(dict.fromkeys(["Mth", *info.key[1:3], *columns]))
    sql = (_declare(info.company, company) + "SELECT " + ", ".join(f"{a}.{c}" for c in select)
           + f"\nFROM dbo.{info.name} AS {a} WITH (NOLOCK)\n" + _where(a, info.company,
                                                                      [condition]))
    phrasing = rng.randrange(3)
    noun = _noun(info, rng, phrasing != 0)
    cols = ", ".join(columns)
    where = _company_words(info, company)
    question = (f"Show the {noun} posted {when}{where} with {cols}.",
                f"{noun}{where} {when}: {cols}.",
                f"Which {noun} fall {when}{where}? Include {cols}.")[phrasing]
    return _candidate(info, question, sql, "date/Mth logic", f"month.{phrasing}", select, number)


def _date(info: ObjectInfo, rng: random.Random, number: int) -> Candidate | None:
    if not info.dates:
        return None
    column = rng.choice(info.dates)
    columns = _pick(rng, info.numeric + info.text, 1, 2)
    a = alias_for(info.name, ())
    company = rng.choice(COMPANIES)
    start = rng.randrange(0, 9)
    low, high = FIRST_MONTHS[start], FIRST_MONTHS[start + 3]
    select = list(dict.fromkeys([*info.key[1:3], column, *columns]))
    sql = (_declare(info.company, company) + "SELECT " + ", ".join(f"{a}.{c}" for c in select)
           + f"\nFROM dbo.{info.name} AS {a} WITH (NOLOCK)\n"
           + _where(a, info.company, [f"{a}.{column} >= '{low}'", f"{a}.{column} < '{high}'"]))
    phrasing = rng.randrange(2)
    noun = _noun(info, rng, phrasing == 0)
    where = _company_words(info, company)
    question = (f"List {noun}{where} with {column} on or after {low} and before {high}.",
                f"Which {noun}{where} have a {column} between {low} and {high} (exclusive)?"
                )[phrasing]
    return _candidate(info, question, sql, "date/Mth logic", f"date.{phrasing}", select, number)


def _status(info: ObjectInfo, rng: random.Random, number: int) -> Candidate | None:
    if not info.statuses:
        return None
    column, code, meaning, _source = rng.choice(info.statuses)
    columns = _pick(rng, [c for c in info.numeric + info.text if c != column], 1, 3)
    a = alias_for(info.name, ())
    company = rng.choice(COMPANIES)
    select = list(dict.fromkeys([*info.key[1:3], column, *columns]))
    literal = code if re.fullmatch(r"-?\d+", code) and column in info.numbers else f"'{code}'"
    sql = (_declare(info.company, company) + "SELECT " + ", ".join(f"{a}.{c}" for c in select)
           + f"\nFROM dbo.{info.name} AS {a} WITH (NOLOCK)\n"
           + _where(a, info.company, [f"{a}.{column} = {literal}"]))
    phrasing = rng.randrange(3)
    noun = _noun(info, rng, phrasing == 1)
    short = meaning.split(":")[0].split("(")[0].strip().rstrip(".")
    where = _company_words(info, company)
    question = (f"Show the {noun}{where} whose {column} means {short}.",
                f"{noun}{where} with {column} {short!r}: list them.",
                f"Which {noun} are {short.lower()} ({column}){where}?")[phrasing]
    return _candidate(info, question, sql, "single table", f"status.{phrasing}", select, number)


def _top(info: ObjectInfo, rng: random.Random, number: int) -> Candidate | None:
    if not info.numeric:
        return None
    measure = rng.choice(info.numeric)
    columns = _pick(rng, info.text, 1, 2)
    n = rng.choice(TOPS)
    a = alias_for(info.name, ())
    company = rng.choice(COMPANIES)
    select = list(dict.fromkeys([*info.key[1:3], *columns, measure]))
    direction = rng.choice(("DESC", "DESC", "ASC"))
    sql = (_declare(info.company, company) + f"SELECT TOP ({n}) "
           + ", ".join(f"{a}.{c}" for c in select)
           + f"\nFROM dbo.{info.name} AS {a} WITH (NOLOCK)\n" + _where(a, info.company)
           + f"ORDER BY {a}.{measure} {direction}\n")
    word = "largest" if direction == "DESC" else "smallest"
    phrasing = rng.randrange(3)
    noun = _noun(info, rng, phrasing != 1)
    where = _company_words(info, company)
    question = (f"Top {n} {noun}{where} by {measure}, {word} first.",
                f"The {n} {noun} with the {word} {measure}{where}.",
                f"Give me the {n} {word} {noun} by {measure}{where}.")[phrasing]
    return _candidate(info, question, sql, "TOP/ORDER", f"top.{phrasing}", select, number)


def _report_view(info: ObjectInfo, rng: random.Random, number: int) -> Candidate | None:
    if not info.report:
        return None
    columns = _pick(rng, info.text + info.numeric + info.dates + info.key, 2, 5)
    a = alias_for(info.name, ())
    company = rng.choice(COMPANIES)
    co = info.company
    sql = (_declare(co, company) + "SELECT " + ", ".join(f"{a}.{c}" for c in columns)
           + f"\nFROM dbo.{info.name} AS {a} WITH (NOLOCK)\n" + _where(a, co))
    phrasing = rng.randrange(2)
    where = _company_words(info, company) if co else ""
    question = (f"From the reporting view {info.name}, show {', '.join(columns)}{where}.",
                f"Use the standard report view {info.name} to list {', '.join(columns)}{where}."
                )[phrasing]
    return _candidate(info, question, sql, "single table", f"report.{phrasing}", columns, number)


def _candidate(info: ObjectInfo, question: str, sql: str, pattern: str, template: str,
               columns: Sequence[str], number: int) -> Candidate:
    used = list(dict.fromkeys([*columns, *([info.company] if info.company else [])]))
    return Candidate(question=question, sql=sql.rstrip("\n") + ";\n", kind="generated",
                     pattern=pattern, template=template, objects=(info.name,), module=info.module,
                     columns=tuple((info.name, c) for c in used), number=number)


# -- joins ----------------------------------------------------------------------------------


def render_join(catalog: Catalog, tree: JoinTree, infos: dict[str, ObjectInfo],
                rng: random.Random, company: int) -> tuple[str, list[tuple[str, str]]] | None:
    """A SELECT over the tree's nodes joined on the tree's whole keys, filtered on the root."""
    if tree.root is None or len(tree.nodes) < 2 or tree.unreached:
        return None
    aliases: dict[str, str] = {}
    for node in tree.nodes:
        aliases[node] = alias_for(node, aliases.values())
    used: list[tuple[str, str]] = []
    select: list[str] = []
    named: set[str] = set()
    for node in tree.nodes:
        info = infos.get(node)
        if info is None:
            return None
        pool = [c for c in (*info.key[1:2], *info.text[:8], *info.numeric[:4])
                if c not in named]
        for column in _pick(rng, pool, 1, 2 if node != tree.root else 3):
            select.append(f"{aliases[node]}.{column}")
            named.add(column)
            used.append((node, column))
    root = infos[tree.root]
    lines = [_declare(root.company, company) + "SELECT " + ", ".join(select),
             f"FROM dbo.{tree.root} AS {aliases[tree.root]} WITH (NOLOCK)"]
    for edge in widest_edges(catalog, tree):
        lines.append(f"JOIN dbo.{edge.child} AS {aliases[edge.child]} WITH (NOLOCK)")
        lines.append("  ON " + edge.condition(aliases[edge.parent], aliases[edge.child])
                     .replace(" AND ", "\n AND "))
        used += [(edge.child, c) for _, c in edge.relationship.column_pairs]
        used += [(edge.parent, p) for p, _ in edge.relationship.column_pairs]
    sql = "\n".join(lines) + "\n" + _where(aliases[tree.root], root.company)
    if root.company:
        used.append((tree.root, root.company))
    return sql.rstrip("\n") + ";\n", used


def widest_edges(catalog: Catalog, tree: JoinTree) -> list[JoinEdge]:
    """The tree's edges, each child joined to the earlier node that shares most of its key.

    The engine's tree joins JCCP to JCJM (JCCo, Job) when JCJM came first, even with JCJP
    (JCCo, Job, PhaseGroup, Phase) in the tree: every JCCP row would then pair with every
    phase of the job. A gold joins each child on the widest key it shares with the query.
    """
    edges: list[JoinEdge] = []
    for index, node in enumerate(tree.nodes[1:], 1):
        edge = tree.parent_edge(node)
        if edge is None:
            continue
        for earlier in tree.nodes[:index]:
            relationship = neighbours(catalog, earlier).get(node)
            if relationship is not None and len(relationship.column_pairs) > len(
                    edge.relationship.column_pairs):
                edge = JoinEdge(earlier, node, relationship, edge.cost)
        edges.append(edge)
    return edges


def _join(catalog: Catalog, objects: Sequence[str], infos: dict[str, ObjectInfo],
          rng: random.Random, number: int) -> Candidate | None:
    tree = join_tree(catalog, objects)
    company = rng.choice(COMPANIES)
    rendered = render_join(catalog, tree, infos, rng, company)
    if rendered is None:
        return None
    sql, used = rendered
    root = infos[tree.root or ""]
    phrasing = rng.randrange(4)
    nouns = [_noun(infos[n], rng, phrasing % 2 == 0) for n in tree.nodes]
    where = _company_words(root, company)
    first, rest = nouns[0], nouns[1:]
    joined = " and ".join(rest)
    shown = _and([c.split(".", 1)[1] for c in sql.split("\nFROM", 1)[0].split("SELECT ", 1)[1]
                  .split(", ")])
    question = (f"List {first} with their {joined}{where}: {shown}.",
                f"Join {first} to {joined}{where} and show {shown}.",
                f"Show {shown} of {first} together with the matching {joined}{where}.",
                f"For each of the {first}{where}, give {shown} from the related {joined}."
                )[phrasing]
    pattern = "multi-join" if len(tree.nodes) > 2 else "join"
    return Candidate(question=question, sql=sql, kind="generated", pattern=pattern,
                     template=f"join.{phrasing}", objects=tuple(tree.nodes), module=root.module,
                     columns=tuple(dict.fromkeys(used)), number=number)


def _exists(catalog: Catalog, parent: str, child: str, infos: dict[str, ObjectInfo],
            rng: random.Random, number: int) -> Candidate | None:
    tree = join_tree(catalog, [parent, child])
    if len(tree.edges) != 1 or tree.unreached:
        return None
    edge = tree.edges[0]
    info = infos[parent]
    a = alias_for(parent, ())
    b = alias_for(child, (a,))
    columns = _pick(rng, [*info.key[1:3], *info.text[:6]], 1, 3)
    negate = rng.random() < 0.35
    company = rng.choice(COMPANIES)
    condition = edge.condition(a, b).replace(" AND ", "\n      AND ")
    sql = (_declare(info.company, company) + "SELECT " + ", ".join(f"{a}.{c}" for c in columns)
           + f"\nFROM dbo.{parent} AS {a} WITH (NOLOCK)\n"
           + _where(a, info.company, [f"{'NOT ' if negate else ''}EXISTS (SELECT 1 FROM dbo."
                                      f"{child} AS {b} WITH (NOLOCK)\n    WHERE {condition})"]))
    phrasing = rng.randrange(2)
    noun, other = _noun(info, rng, True), _noun(infos[child], rng, phrasing == 0)
    where = _company_words(info, company)
    verb = "have no" if negate else "have at least one"
    question = (f"Which {noun}{where} {verb} {other}?",
                f"{noun}{where} that {verb} matching {other}: show {', '.join(columns)}.")[phrasing]
    used = [(parent, c) for c in columns] + [(parent, p) for p, _ in
                                             edge.relationship.column_pairs]
    used += [(child, c) for _, c in edge.relationship.column_pairs]
    if info.company:
        used.append((parent, info.company))
    return Candidate(question=question, sql=sql.rstrip("\n") + ";\n", kind="generated",
                     pattern="nested/EXISTS", template=f"exists.{phrasing}",
                     objects=(parent, child), module=info.module,
                     columns=tuple(dict.fromkeys(used)), number=number)


KeyValues = Callable[[str, str, str, int], list[object]]
"""(object, key column, company column, company) -> values that occur in the sample data."""


def key_pattern(values: KeyValues) -> PatternFn:
    """Filter on the company and one value of the next key column (a job, a vendor, a PO),
    a value the sample databases hold, so the gold returns rows."""

    def _key(info: ObjectInfo, rng: random.Random, number: int) -> Candidate | None:
        keys = [k for k in info.key if k != info.company and k != "Mth"]
        if not info.company or not keys:
            return None
        column = keys[0]
        company = rng.choice(COMPANIES)
        found = [v for v in values(info.name, column, info.company, company)
                 if isinstance(v, int | str) and not isinstance(v, bool)
                 and re.fullmatch(r"[\w .,/-]{1,30}", str(v))]
        columns = _pick(rng, [c for c in info.text + info.numeric + info.dates
                              if c != column], 1, 4)
        if not found or not columns:
            return None
        value = rng.choice(found)
        literal = str(value) if column in info.numbers else f"'{value}'"
        a = alias_for(info.name, ())
        select = list(dict.fromkeys([*info.key[1:3], *columns]))
        sql = (_declare(info.company, company) + "SELECT " + ", ".join(f"{a}.{c}" for c in select)
               + f"\nFROM dbo.{info.name} AS {a} WITH (NOLOCK)\n"
               + _where(a, info.company, [f"{a}.{column} = {literal}"]))
        phrasing = rng.randrange(3)
        noun = _noun(info, rng, phrasing != 1)
        where = _company_words(info, company)
        cols = _and(columns)
        question = (f"Show {cols} of the {noun} with {column} {literal}{where}.",
                    f"For {column} {literal}{where}, list the {noun}: {cols}.",
                    f"What are the {cols} of {noun} where {column} is {literal}{where}?"
                    )[phrasing]
        return _candidate(info, question, sql, "single table", f"key.{phrasing}",
                          [*select, column], number)

    return _key


SINGLE_PATTERNS: tuple[PatternFn, ...] = (_single, _aggregate, _month, _top, _status, _count,
                                          _date, _report_view)


def generate(catalog: Catalog, seed: int, wanted: int,
             allowed: Callable[[str], bool] = lambda _name: True,
             values: KeyValues | None = None) -> Iterator[Candidate]:
    """Candidates in a deterministic order, round-robin over objects and patterns.

    ``wanted`` bounds the output (the gates drop some, so ask for more than you keep);
    ``values`` (sample-data lookups) adds the key-filter pattern.
    """
    patterns = (*SINGLE_PATTERNS, key_pattern(values)) if values else SINGLE_PATTERNS
    infos: dict[str, ObjectInfo] = {}
    for name in objects_to_use(catalog):
        obj = catalog.get(name)
        if obj is not None and allowed(name):
            info = object_info(catalog, obj)
            if info is not None:
                infos[name] = info
    order = sorted(infos, key=lambda n: stable_hash(seed, n))
    pairs = _join_pairs(catalog, infos)
    produced = 0
    number = 0
    for rnd in range(max(1, wanted)):
        progressed = False
        if rnd % 2 == 0:
            for chain in [*CHAINS, *pairs]:
                if produced >= wanted:
                    return
                if not all(n in infos for n in chain):
                    continue
                rng = random.Random(stable_hash(seed, "join", rnd, *chain))
                number += 1
                made = (_exists(catalog, chain[0], chain[1], infos, rng, number)
                        if len(chain) == 2 and rng.random() < 0.3
                        else _join(catalog, chain, infos, rng, number))
                if made is not None:
                    produced += 1
                    progressed = True
                    yield made
        for name in order:
            if produced >= wanted:
                return
            info = infos[name]
            rng = random.Random(stable_hash(seed, rnd, name))
            first = (rnd + stable_hash(name)) % len(patterns)
            if info.month and rnd % 3 == 1:
                first = patterns.index(_month)  # Mth handling is worth the extra share
            number += 1
            made = None
            for step in range(len(patterns)):  # the next pattern the object allows
                made = patterns[(first + step) % len(patterns)](info, rng, number)
                if made is not None:
                    break
            if made is not None:
                produced += 1
                progressed = True
                yield made
        if not progressed:
            return


def _join_pairs(catalog: Catalog, infos: dict[str, ObjectInfo]) -> list[tuple[str, str]]:
    """Header -> detail pairs within a module (one key the start of the other), deterministic."""
    pairs: list[tuple[str, str]] = []
    for name in sorted(infos):
        key = infos[name].key
        if len(key) < 2:
            continue
        for target, relationship in sorted(neighbours(catalog, name).items()):
            other = infos.get(target)
            if other is None or other.module != infos[name].module:
                continue
            left = tuple(a for a, _ in relationship.column_pairs)
            if left == key and other.key[:len(left)] == tuple(
                    b for _, b in relationship.column_pairs) and len(other.key) > len(key):
                pairs.append((name, target))
    return pairs
