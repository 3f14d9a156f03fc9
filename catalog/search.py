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
import math
import re
import threading
import weakref
from dataclasses import dataclass, field

from vgpt2.catalog.catalog import Catalog, SearchRow
from vgpt2.catalog.model import ObjectType
from vgpt2.catalog.ranking import Tier
from vgpt2.catalog.store import split_identifier

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*|\d+")
_STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "each", "for", "from",
    "get", "give", "has", "have", "how", "i", "in", "is", "it", "its", "list", "me", "my", "of",
    "on", "or", "our", "per", "please", "show", "that", "the", "their", "them", "these", "this",
    "those", "to", "was", "we", "what", "when", "where", "which", "who", "whose", "why", "will",
    "with", "all", "any", "find", "want", "need", "table", "tables", "view", "views", "query",
    # Filler a report writer says around what they mean: matching it finds coincidences.
    "about", "also", "based", "been", "being", "could", "did", "done", "every", "had", "into",
    "just", "last", "let", "like", "look", "many", "more", "most", "much", "next", "not",
    "only", "over", "report", "see", "should", "some", "tell", "than", "there", "today",
    "us", "using", "versus", "vs", "week", "would", "yet", "you", "your", "so", "up", "out",
})


@dataclass(frozen=True, slots=True)
class SearchHit:
    name: str
    type: str
    score: float
    why: str
    description: str = ""
    """The object's description (knowledge pack first), as ``catalog search`` shows it."""
    module: str = ""


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
    dimensions = _dimensions([w.lower() for w in _WORD.findall(question)])
    rows = catalog.search_rows(match, limit=max(60, limit * 4))
    seen = {r.family for r in rows}
    # Whatever a synonym names is a candidate, however long its description.
    rows += [r for r in catalog.search_rows(f"synonyms : ({match})", limit=20)
             if r.family not in seen]
    if dimensions:
        # The masters a question groups by ("by vendor") are candidates however many
        # other objects carry a Vendor column.
        wanted = " OR ".join(f'"{d}"' for d in sorted(dimensions) if '"' not in d)
        rows += [r for r in catalog.search_rows(f"synonyms : ({wanted})", limit=10)
                 if r.family not in seen]
    rows += catalog.search_rows(match, limit=limit, routines=True)
    if not rows:
        return []
    question_words = [w.lower() for w in _WORD.findall(question)]
    asked = set(question_words)
    padded = " " + " ".join(question_words) + " "
    padded_stems = " " + _stem_phrase(" ".join(question_words)) + " "
    best = -min(r.rank for r in rows) or 1.0
    stems = {_stem(w) for w in question_words}
    content = {_stem(t) for t in terms if not t.isdigit()} or {""}
    modules = ({w.upper() for w in asked} & set(catalog.modules())) | {
        code for phrase, code in _module_phrases(catalog) if f" {phrase} " in padded_stems}

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
            # A synonym said in full, worth more the more of the question it says.
            said = len(candidate.synonym.split()) / len(content)
            candidate.score += 0.5 + 0.8 * min(said, 1.0)
        else:
            # Words of a synonym said apart ("payroll hours" ~ "labor hours") weigh more
            # than a column name that happens to contain a word of the question.
            candidate.score += 0.2 * min(_synonym_words(row, stems), 3)
        dimension = bool(dimensions) and _names_dimension(row, dimensions)
        if dimension:
            # "... by vendor": the master that lists vendors is part of the answer,
            # whichever module it belongs to.
            candidate.score += 0.9
        # How much of the question the object's name, description and synonyms say: a
        # column name that happens to contain a word of the question does not count.
        candidate.score += 1.5 * len(_described_stems(row) & content) / len(content)
        if modules and header.module and not dimension:
            # "AR invoices", "payroll hours": the module said outright outweighs the
            # shared word.
            candidate.score += 0.35 if header.module in modules else -0.35
        if row.synonyms:
            candidate.score += 0.15  # in the knowledge pack: one of the objects people query
        if header.type is ObjectType.VIEW:
            candidate.score += 0.1
        elif header.type is not ObjectType.TABLE:
            candidate.score -= 1.0  # procedures and functions answer "how", not "where is X"
        rank = catalog.object_rank(header.name)
        if rank is not None:
            if rank.tier is Tier.SECONDARY and not (candidate.named or candidate.synonym):
                # Batch, work-file, audit and reporting objects: only when asked for.
                candidate.score -= 0.5
            candidate.score += 0.05 * math.log1p(rank.popularity)
        scored[row.family] = candidate

    _reward_related(catalog, scored)
    ranked = sorted(scored.items(), key=lambda item: (-item[1].score, item[0]))[:limit]
    hits = []
    for name, c in ranked:
        header = catalog.header(name)
        hits.append(SearchHit(name=name, type=c.type.value, score=round(c.score, 3),
                              why=c.why(stems),
                              description=(header.description or "") if header else "",
                              module=header.module if header else ""))
    return hits


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
        else:
            said = _matched(self.row.synonyms.replace(";", " "), question_stems)
            if said:
                reasons.append("synonyms: " + ", ".join(said))
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


_DIMENSION_SKIP = frozenset({"a", "an", "the", "each", "every", "our", "their", "its"})


def _dimensions(words: list[str]) -> set[str]:
    """What the question groups by: the words after each "by" / "per", split at "and".

    "job cost by phase and cost type" groups by "phase" and "cost type"; each group
    is kept whole and by its first word, stemmed.
    """
    found: set[str] = set()
    for position, word in enumerate(words):
        if word not in ("by", "per"):
            continue
        group: list[str] = []
        for following in [*words[position + 1:position + 6], "."]:
            if following in _DIMENSION_SKIP and not group:
                continue
            if following in _STOPWORDS or following == ".":
                if group:
                    found.add(_stem_phrase(" ".join(group[:2])))
                    found.add(_stem(group[0]))
                group = []
                if following != "and":
                    break
                continue
            group.append(following)
    return found


def _names_dimension(row: SearchRow, dimensions: set[str]) -> bool:
    """Whether one of the object's synonyms is exactly a grouping word ("vendor", "job")."""
    return any(_stem_phrase(s.strip().lower()) in dimensions for s in row.synonyms.split(" ; "))


def _described_stems(row: SearchRow) -> frozenset[str]:
    """Stems of the words in an object's names, description and synonyms (not columns)."""
    return _text_stems(f"{row.names} {row.description} {row.synonyms}")


@functools.lru_cache(maxsize=8192)
def _text_stems(text: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in _WORD.findall(text.lower()))


def _synonym_words(row: SearchRow, question_stems: set[str]) -> int:
    """How many words of the question occur in the object's synonyms."""
    return len((_text_stems(row.synonyms) - _STOPWORDS) & question_stems)


_MODULE_PHRASES: weakref.WeakKeyDictionary[Catalog, list[tuple[str, str]]] = (
    weakref.WeakKeyDictionary())
_MODULE_LOCK = threading.Lock()
_GENERIC_MODULE_WORDS = frozenset({"management", "ledger"})


def _module_phrases(catalog: Catalog) -> list[tuple[str, str]]:
    """Stemmed module names a question may say ("payroll", "job cost", "accounts payable").

    From the catalog's own module list: the name before any parenthesis, and without
    a trailing generic word ("Equipment Management" is also "equipment").
    """
    found = _MODULE_PHRASES.get(catalog)
    if found is None:
        found = []
        for code, name in catalog.modules().items():
            words = [w.lower() for w in _WORD.findall(name.split("(")[0])]
            if not words:
                continue
            found.append((_stem_phrase(" ".join(words)), code))
            if len(words) > 1 and words[-1] in _GENERIC_MODULE_WORDS:
                found.append((_stem_phrase(" ".join(words[:-1])), code))
        with _MODULE_LOCK:
            _MODULE_PHRASES[catalog] = found
    return found


def _stem_phrase(phrase: str) -> str:
    return " ".join(_stem(w) for w in phrase.split())


def _matched(text: str, question_stems: set[str]) -> list[str]:
    return [word for word, stem in _explainable_words(text) if stem in question_stems]


@functools.lru_cache(maxsize=8192)
def _explainable_words(text: str) -> tuple[tuple[str, str], ...]:
    """The distinct words of a text that can explain a match, with their stems (cached:
    the same descriptions come back question after question)."""
    found: dict[str, str] = {}
    for word in text.split():
        cleaned = word.strip(".,;:()'\"").lower()
        if len(cleaned) > 2 and cleaned not in _STOPWORDS and cleaned not in found:
            found[cleaned] = _stem(cleaned)
    return tuple(found.items())


def _reward_related(catalog: Catalog, scored: dict[str, _Candidate]) -> None:
    """Strong hits that join to each other belong together in one answer."""
    top = sorted(scored, key=lambda n: -scored[n].score)[:6]
    for name in top:
        related = sorted(catalog.related_names(name) & set(top) - {name})
        if related:
            scored[name].score += 0.1 * len(related)
            scored[name].joins = related
