"""Schema linking: rank catalog objects for a plain-language question.

FTS5 finds candidates by names, descriptions, synonyms and column words (bm25,
porter stemming). The ranking then adds what bm25 cannot see: an object named
outright, a synonym phrase said in full, the core objects the knowledge pack
describes, and objects related to other strong hits (a question about vendors
and invoices wants APVM and APTH, which join). A view and its base table are
one result, under the view's name.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

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


@functools.lru_cache(maxsize=65536)
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
    question_words = [w.lower() for w in _WORD.findall(question)]
    asked = set(question_words)
    padded = " " + " ".join(question_words) + " "
    padded_stems = " " + _stem_phrase(" ".join(question_words)) + " "
    best = -min(r.rank for r in rows) or 1.0
    modules = {w.upper() for w in asked} & set(catalog.modules())

    scored: dict[str, _Candidate] = {}
    for row in rows:
        header = catalog.header(row.family)
        if header is None:
            continue
        candidate = _Candidate(row, header.type, (-row.rank) / best)
        own_names = {header.name, *catalog.base_tables_of(header.name)}
        if any(n.lower() in asked for n in own_names):
            candidate.score += 2.0
            candidate.named = True
        candidate.synonym = _synonym_phrase(row, padded, padded_stems)
        if candidate.synonym:
            candidate.score += 1.0 + 0.1 * len(candidate.synonym.split())
        if modules and header.module:
            # "AR invoices": the module said outright outweighs the shared word.
            candidate.score += 0.3 if header.module in modules else -0.3
        if row.synonyms:
            candidate.score += 0.15  # in the knowledge pack: one of the objects people query
        if header.type is ObjectType.VIEW:
            candidate.score += 0.1
        elif header.type is not ObjectType.TABLE:
            candidate.score -= 1.0  # procedures and functions answer "how", not "where is X"
        if header.name.startswith(("brv", "vrv")):
            candidate.score -= 0.1  # report views: useful, but rarely the table someone means
        scored[row.family] = candidate

    _reward_related(catalog, scored)
    ranked = sorted(scored.items(), key=lambda item: (-item[1].score, item[0]))[:limit]
    stems = {_stem(w) for w in question_words}
    return [SearchHit(name=name, type=c.type.value, score=round(c.score, 3), why=c.why(stems))
            for name, c in ranked]


@dataclass(slots=True)
class _Candidate:
    row: SearchRow
    type: ObjectType
    score: float
    named: bool = False
    synonym: str | None = None
    joins: list[str] = field(default_factory=list)

    def why(self, question_stems: set[str]) -> str:
        """The evidence, in words; computed only for the hits that are returned."""
        reasons = []
        if self.named:
            reasons.append("named in the question")
        if self.synonym:
            reasons.append(f"synonym '{self.synonym}'")
        described = _matched(self.row.description, question_stems)
        if described:
            reasons.append("description: " + ", ".join(described))
        named = _matched(" ".join(self.row.names.split()[1:]), question_stems)
        if named and not self.named:
            reasons.append("name: " + ", ".join(named))
        columns = _matched(self.row.columns, question_stems)
        if columns:
            reasons.append("columns: " + ", ".join(columns[:4]))
        if self.joins:
            reasons.append("joins " + ", ".join(self.joins))
        return "; ".join(reasons) or "weak text match"


def _synonym_phrase(row: SearchRow, padded: str, padded_stems: str) -> str | None:
    best: str | None = None
    for synonym in row.synonyms.split(" ; "):
        phrase = synonym.strip().lower()
        if not phrase or (best is not None and len(phrase) <= len(best)):
            continue
        if f" {phrase} " in padded or f" {_stem_phrase(phrase)} " in padded_stems:
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


def _reward_related(catalog: Catalog, scored: dict[str, _Candidate]) -> None:
    """Strong hits that join to each other belong together in one answer."""
    top = sorted(scored, key=lambda n: -scored[n].score)[:6]
    for name in top:
        related = sorted(catalog.related_names(name) & set(top) - {name})
        if related:
            scored[name].score += 0.1 * len(related)
            scored[name].joins = related
