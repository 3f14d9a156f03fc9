"""Refusals and their counterweight, balanced one for one.

A refusal asks for an object or a column Vista does not have ("the Customers
table") and is answered with the prompt's refusal line naming the nearest real
objects, found the way the engine finds them (the analyzer's did-you-mean:
Customers -> ARCM). For every refusal there is an "exists" record: a question
about a real object whose name looks invented (``JCCP``, ``brvJCContrMinJob``)
answered with a query over it, so the model never learns to deny real tables.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.generation.repair import closest_objects
from vgpt2.server.generation.skeleton import alias_for, company_column
from vgpt2.training.dataset.records import Candidate
from vgpt2.training.dataset.templates import objects_to_use, stable_hash

REFUSAL_LINE = "-- cannot answer: "
_OBJECT_QUESTIONS = (
    "Select everything from the {name} table for this year.",
    "Write a query over [{name}] that lists every row.",
    "Show all rows of the {name} table with their totals.",
    "Pull the {name} view for company 1.",
)
_COLUMN_QUESTIONS = (
    "Show the {column} of every row in {obj}.",
    "List {obj} with its {column} column.",
)
_EXISTS_QUESTIONS = (
    "Does Vista have a {name} view? Show me a few rows of it.",
    "Is {name} a real table? Query it.",
    "What is {name}? Give me a query over it.",
)
_INVENTED_COLUMNS = ("EmailAddress", "CustomerName", "TotalCost", "IsDeleted", "CreatedBy",
                     "ProjectName", "InvoiceAmount", "LastModified")


def _camel(phrase: str) -> str:
    words = re.findall(r"[A-Za-z]+", phrase)
    return "".join(w.upper() if len(w) <= 2 else w.capitalize() for w in words)


Nearest = Callable[[str], list[str]]
"""An invented name -> the nearest real objects (:func:`closest_objects` on the catalog)."""


def _refusal_order(catalog: Catalog, seed: int) -> list[str]:
    names = objects_to_use(catalog)
    return sorted(names, key=lambda n: stable_hash(seed, "refuse", n)) * 3


def _invented(catalog: Catalog, name: str, rng: random.Random) -> str:
    synonyms = catalog.synonyms(name)
    phrase = rng.choice(synonyms) if synonyms else None
    invented = _camel(phrase) if phrase else f"{name}Data"
    return rng.choice((invented, f"tbl{invented}", invented + "Master"))


def invented_names(catalog: Catalog, seed: int) -> Iterator[str]:
    """The invented names :func:`refusal_candidates` asks the nearest objects of, in its order
    (each once), so that a builder can compute them ahead, in parallel."""
    seen: set[str] = set()
    for number, name in enumerate(_refusal_order(catalog, seed)):
        if number % 4 == 3:
            continue
        invented = _invented(catalog, name, random.Random(stable_hash(seed, "refusal", number)))
        if invented not in seen and not catalog.lookup(invented) and len(invented) >= 4:
            seen.add(invented)
            yield invented


def refusal_candidates(catalog: Catalog, seed: int, count: int,
                       nearest: Nearest | None = None) -> Iterator[Candidate]:
    """Questions naming invented objects (three in four) or invented columns."""
    find = nearest or (lambda name: closest_objects(catalog, name))
    made = 0
    seen: set[str] = set()
    for number, name in enumerate(_refusal_order(catalog, seed)):
        if made >= count:
            return
        rng = random.Random(stable_hash(seed, "refusal", number))
        if number % 4 != 3:
            invented = _invented(catalog, name, rng)
            if invented in seen or catalog.lookup(invented) or len(invented) < 4:
                continue
            closest = find(invented)
            if not closest:
                continue
            seen.add(invented)
            template = rng.randrange(len(_OBJECT_QUESTIONS))
            question = _OBJECT_QUESTIONS[template].format(name=invented)
            answer = (f"{REFUSAL_LINE}Vista has no object named {invented}; closest real "
                      f"objects: {', '.join(closest)}")
            made += 1
            yield Candidate(question=question, sql=None, kind="refusal", pattern="refusal",
                            template=f"refusal.object.{template}", objects=(invented,),
                            answer=answer, number=number)
        else:
            columns = {c.name for c in catalog.columns(name)}
            column = next((c for c in rng.sample(_INVENTED_COLUMNS, len(_INVENTED_COLUMNS))
                           if c not in columns), None)
            if column is None or f"{name}.{column}" in seen:
                continue
            seen.add(f"{name}.{column}")
            template = rng.randrange(len(_COLUMN_QUESTIONS))
            question = _COLUMN_QUESTIONS[template].format(column=column, obj=name)
            shown = ", ".join(list(catalog.key_columns(name))[:4]) or name
            answer = (f"{REFUSAL_LINE}{name} has no column {column}; closest real objects: "
                      f"{name} (key {shown})")
            made += 1
            yield Candidate(question=question, sql=None, kind="refusal", pattern="refusal",
                            template=f"refusal.column.{template}",
                            objects=(f"{name}.{column}",), answer=answer, number=number)


def exists_candidates(catalog: Catalog, seed: int, count: int) -> Iterator[Candidate]:
    """Real objects with names that look invented, each answered with a query over it."""
    names = [n for n in objects_to_use(catalog) if catalog.key_columns(n)]
    # names a reader cannot decode first: four-letter codes and report or user views
    order = sorted(names, key=lambda n: (not (re.fullmatch(r"[A-Z]{4}", n)
                                              or n.startswith(("brv", "vrv", "ud"))),
                                         stable_hash(seed, "exists", n)))
    made = 0
    for number, name in enumerate(order):
        if made >= count:
            return
        obj = catalog.get(name)
        if obj is None:
            continue
        rng = random.Random(stable_hash(seed, "exists", number))
        key = list(catalog.key_columns(name))
        a = alias_for(name, ())
        columns = list(dict.fromkeys([*key, *[c.name for c in obj.columns[:8]
                                               if c.name not in key][:3]]))
        company = company_column(catalog, name)
        declare = where = ""
        if company and company.endswith("Co"):
            declare = f"DECLARE @{company} bCompany = 1;\n"
            where = f"WHERE {a}.{company} = @{company}\n"
        about = (obj.description or f"a {obj.type.value} of the {obj.module or 'Vista'} module")
        about = " ".join(about.split())
        about = about.split(". ")[0].split(": ")[0].rstrip(".")[:100]
        sql = (f"-- {name} exists: {about}\n{declare}SELECT TOP (10) "
               + ", ".join(f"{a}.{c}" for c in columns)
               + f"\nFROM dbo.{name} AS {a} WITH (NOLOCK)\n{where}ORDER BY "
               + ", ".join(f"{a}.{c}" for c in key) + ";\n")
        template = rng.randrange(len(_EXISTS_QUESTIONS))
        made += 1
        used = [*columns, *([company] if declare and company else [])]
        yield Candidate(question=_EXISTS_QUESTIONS[template].format(name=name), sql=sql,
                        kind="exists", pattern="exists", template=f"exists-answer.{template}",
                        objects=(name,), module=obj.module,
                        columns=tuple((name, c) for c in dict.fromkeys(used)), number=number)
