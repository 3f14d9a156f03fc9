"""Schema linking: rank catalog objects for a plain-language question.

FTS5 finds candidates by names, descriptions, synonyms and column words (bm25,
porter stemming). The ranking then adds what bm25 cannot see: an object named
outright, a synonym phrase said in full, the core objects the knowledge pack
describes, and objects related to other strong hits (a question about vendors
and invoices wants APVM and APTH, which join). A view and its base table are
one result, under the view's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vgpt2.catalog.catalog import Catalog, SearchRow
from vgpt2.catalog.model import ObjectType
from vgpt2.catalog.store import split_identifier

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*|\d+")
_STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "each", "for", "from",
    "get", "give", "has", "have", "how", "i", "in", "is", "it", "its", "list", "me", "my", "of",
    "on", "or", "our", "per", "please", "show", "that", "the", "their", "them", "these", "this",
    "those", "to", "was", "we", "what", "when", "where", "which", "who", "whose", "why", "will",
    "with", "all", "any", "find", "want", "need", "table", "tables", "view", "views", "query",
})


@dataclass(frozen=True, slots=True)
class SearchHit:
    name: str
    type: str
    score: float
    why: str


def question_terms(question: str) -> list[str]:
    """Lower-case words of the question, identifiers split (``APTrans`` -> ``ap``, ``trans``)."""
    terms: list[str] = []
    for word in _WORD.findall(question):
        parts = [word, *split_identifier(word)] if not word.islower() else [word]
        for part in parts:
            lowered = part.lower()
            if lowered not in _STOPWORDS and lowered not in terms and len(lowered) > 1:
                terms.append(lowered)
    return terms


def words_in_question(question: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(question)}


def _stem(word: str) -> str:
    """A light English stem, only to explain matches ("invoices" ~ "invoice")."""
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + replacement
    return word


def search(catalog: Catalog, question: str, limit: int = 10) -> list[SearchHit]:
    terms = question_terms(question)
    if not terms:
        return []
    match = " OR ".join('"' + t.replace('"', "") + '"' for t in terms)
    rows = catalog.search_rows(match, limit=max(60, limit * 4))
    seen = {r.family for r in rows}
    # Whatever a synonym names is a candidate, however long its description.
    rows += [r for r in catalog.search_rows(f"synonyms : ({match})", limit=20)
             if r.family not in seen]
    rows += catalog.search_rows(match, limit=limit, routines=True)
    if not rows:
        return []
    question_lower = " " + " ".join(w.lower() for w in _WORD.findall(question)) + " "
    question_stems = {_stem(w) for w in question_lower.split()}
    asked = words_in_question(question)
    best = -min(r.rank for r in rows) or 1.0
    modules = {w.upper() for w in words_in_question(question)} & set(catalog.modules())

    scored: dict[str, tuple[float, list[str]]] = {}
    for row in rows:
        header = catalog.header(row.family)
        if header is None:
            continue
        score = (-row.rank) / best
        why: list[str] = []
        names = row.names.split()
        own_names = {header.name, *catalog.base_tables_of(header.name)}
        if any(n.lower() in asked for n in own_names):
            score += 2.0
            why.append("named in the question")
        phrase = _synonym_phrase(row, question_lower)
        if phrase:
            score += 1.0 + 0.1 * len(phrase.split())
            why.append(f"synonym '{phrase}'")
        described = _matched(row.description, question_stems)
        if described:
            why.append("description: " + ", ".join(described))
        named = _matched(" ".join(names[1:]), question_stems)
        if named and "named in the question" not in why:
            why.append("name: " + ", ".join(named))
        columns = _matched(row.columns, question_stems)
        if columns:
            why.append("columns: " + ", ".join(columns[:4]))
        if modules and header.module:
            # "AR invoices": the module said outright outweighs the shared word.
            score += 0.3 if header.module in modules else -0.3
        if row.synonyms:
            score += 0.15  # described by the knowledge pack: one of the objects people query
        if header.type is ObjectType.VIEW:
            score += 0.1
        elif header.type is not ObjectType.TABLE:
            score -= 1.0  # procedures and functions answer "how", rarely "where is X"
        if header.name.startswith(("brv", "vrv")):
            score -= 0.1  # report views: useful, but rarely the table someone means
        scored[row.family] = (score, why or ["weak text match"])

    _reward_related(catalog, scored)
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return [
        SearchHit(name=name, type=catalog.header(name).type.value,  # type: ignore[union-attr]
                  score=round(score, 3), why="; ".join(why))
        for name, (score, why) in ranked
    ]


def _synonym_phrase(row: SearchRow, question_lower: str) -> str | None:
    best: str | None = None
    for synonym in row.synonyms.split(" ; "):
        phrase = synonym.strip().lower()
        if not phrase:
            continue
        variants = {phrase, _stem_phrase(phrase)}
        question_stemmed = " " + _stem_phrase(question_lower.strip()) + " "
        if any(f" {v} " in question_lower or f" {v} " in question_stemmed for v in variants) and (
            best is None or len(phrase) > len(best)
        ):
            best = phrase
    return best


def _stem_phrase(phrase: str) -> str:
    return " ".join(_stem(w) for w in phrase.split())


def _matched(text: str, question_stems: set[str]) -> list[str]:
    found: list[str] = []
    for word in text.split():
        cleaned = word.strip(".,;:()'\"").lower()
        if len(cleaned) > 2 and _stem(cleaned) in question_stems and cleaned not in found:
            found.append(cleaned)
    return found


def _reward_related(catalog: Catalog, scored: dict[str, tuple[float, list[str]]]) -> None:
    """Strong hits that join to each other belong together in one answer."""
    top = sorted(scored, key=lambda n: -scored[n][0])[:6]
    for name in top:
        related = {r.to_object for r in catalog.relationships(name)} & set(top)
        related.discard(name)
        if related:
            score, why = scored[name]
            scored[name] = (score + 0.1 * len(related),
                            [*why, "joins " + ", ".join(sorted(related))])
