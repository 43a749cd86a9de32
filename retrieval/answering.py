"""Extractive grounded answers: the sentences that answer, with citations, or an honest abstention."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from retrieval.errors import InvalidQueryError
from retrieval.evidence import (
    QueryProfile,
    Window,
    best_window,
    has_quantity,
    profile_query,
    synonyms,
)
from retrieval.hybrid import HybridSearcher, prepare_query
from retrieval.preference import KNOWLEDGE, kind_preference, missing_measure
from retrieval.tagging import gazetteer
from retrieval.textutil import match_key, stopwords
from retrieval.types import Answer, Citation, Hit

__all__ = ["ExtractiveAnswerer", "KeyEntities", "key_entities", "messages"]

_QUOTED = re.compile(r"[“\"「『《]([^”\"」』》]{2,30})[”\"」』》]")
_TERM_TAGS = {"n", "nz", "l", "vn"}  # nouns and fixed phrases: 注册资本, 资产负债率
_NAME_TAGS = {"ns", "nt", "nz", "nr", "nrt", "eng"}  # "j" only from 3 characters: 中排, 研发 are words
_CLAUSE = re.compile(r"(?<=[，,；;：:])")


@lru_cache(maxsize=1)
def messages() -> dict[str, str]:
    """User-facing answer texts (data file)."""
    raw = resources.files("retrieval.data").joinpath("messages.yaml").read_text(encoding="utf-8")
    return {str(k): str(v) for k, v in (yaml.safe_load(raw) or {}).items()}


@dataclass(frozen=True)
class KeyEntities:
    """What a question is specifically about: places, quoted names, proper names."""

    places: tuple[str, ...]
    quoted: tuple[str, ...]
    names: tuple[str, ...]
    terms: tuple[str, ...] = ()  # content words of four characters or more
    rules: bool = False  # a rules question (condition, threshold, indicator, procedure)


def key_entities(question: str) -> KeyEntities:
    """Places from the gazetteer, quoted terms, and proper-noun tokens (jieba POS tags)."""
    import rjieba

    gaz = gazetteer()
    places = tuple(gaz.mentions(question))
    quoted = tuple(m.group(1).strip() for m in _QUOTED.finditer(question))
    place_keys = {match_key(p) for p in places}
    stop = stopwords()
    names: list[str] = []
    for word, tag in rjieba.tag(question):
        w = word.strip()
        is_name = (tag in _NAME_TAGS and len(w) >= 2) or (tag == "j" and len(w) >= 3)
        is_name = is_name and w not in stop
        if is_name and not any(match_key(w) in pk for pk in place_keys):
            names.append(w)
    terms = tuple(dict.fromkeys(
        w for w, tag in rjieba.tag(question)
        if len(w) >= 4 and tag in _TERM_TAGS and w not in stop and not any(w in p for p in places)
    ))
    rules = kind_preference(question).rules
    return KeyEntities(places, quoted, tuple(dict.fromkeys(names)), terms, rules)


# Single characters the segmenter sometimes glues onto a following name ("项目中六特" -> 中六特).
_GLUED_PREFIXES = frozenset("中的在和与及对从向于把被将为")


def _in_hits(term: str, hits: list[Hit]) -> bool:
    key = match_key(term)
    return any(key in match_key(h.text) or key in match_key(h.title) for h in hits)


def _name_in_hits(name: str, hits: list[Hit]) -> bool:
    """A proper name is present as written, or without a function character glued in front."""
    if _in_hits(name, hits):
        return True
    return len(name) >= 3 and name[0] in _GLUED_PREFIXES and _in_hits(name[1:], hits)


def _place_in_hits(place: str, hits: list[Hit]) -> bool:
    """A briefing names the place anywhere; a policy summary only in its title (its regional facts)."""
    return any(
        place in h.regions or (place in h.title if h.kind == KNOWLEDGE else _in_hits(place, [h]))
        for h in hits
    )


def _trim(window: Window, profile: QueryProfile, limit: int) -> str:
    """Shorten a long sentence to the clauses that carry the question's terms (numbers kept whole)."""
    text = window.text.strip()
    if len(text) <= limit:
        return text
    clauses = [c for c in _CLAUSE.split(text) if c]
    best, best_score = text[:limit], -1.0
    for i in range(len(clauses)):
        span = ""
        for j in range(i, len(clauses)):
            if len(span) + len(clauses[j]) > limit:
                break
            span += clauses[j]
            key = match_key(span)
            score = sum(w for t, w in profile.weights.items() if t in key)
            if profile.quantity and re.search(r"\d", span):
                score += 0.5
            if score > best_score or (score == best_score and len(span) < len(best)):
                best, best_score = span, score
    best = best.strip().rstrip("，,；;：:")
    return best + ("" if best.endswith(("。", "！", "？", "”")) else "…")


class ExtractiveAnswerer:
    """Answers from the best sentence window of the top passages; abstains when evidence is missing."""

    def __init__(
        self,
        searcher: HybridSearcher,
        k: int = 5,
        max_chars: int = 150,
        min_coverage: float = 0.3,
        max_citations: int = 3,
    ) -> None:
        self.searcher = searcher
        self.k = k
        self.max_chars = max_chars
        self.min_coverage = min_coverage
        self.max_citations = max_citations

    def missing_entities(self, question: str, hits: list[Hit]) -> list[str]:
        """Key entities of the question that the retrieved passages never mention."""
        return self._missing(key_entities(question), hits)

    def _missing(self, ents: KeyEntities, hits: list[Hit]) -> list[str]:
        missing = [p for p in ents.places if not _place_in_hits(p, hits)]
        missing += [q for q in ents.quoted if not _in_hits(q, hits)]
        idf = self.searcher.idf
        for name in ents.names:
            if not _name_in_hits(name, hits) and idf.df(name.lower()) == 0:
                missing.append(name)
        # a rules question about a term the whole corpus never uses (注册资本): no rule covers it
        if ents.rules:
            missing += [t for t in ents.terms if idf.df(t) == 0 and not _in_hits(t, hits)]
        return list(dict.fromkeys(missing))

    def abstain(self, hits: list[Hit], missing: list[str]) -> Answer:
        """The honest "not in the corpus" answer, with the nearest sources."""
        msg = messages()
        what = "、".join(dict.fromkeys(missing))
        text = msg["not_found_about"].format(what=what) if what else msg["not_found"]
        nearest = self._distinct(hits)[:2]
        if nearest:
            text += msg["nearest_sources"].format(
                sources="；".join(f"《{h.title}》（{h.source}）" for h in nearest)
            )
        return Answer(text, False, [Citation.from_hit(h) for h in nearest])

    def _general_rule(self, question: str, places: list[str]) -> Answer | None:
        """A place the corpus does not cover: the national rule, said to be only that (never
        another region's figure passed off as the asked one)."""
        general = question
        for place in places:
            general = general.replace(place, "")
        try:
            general = prepare_query(general)
        except InvalidQueryError:
            return None
        national = [h for h in self.searcher.search(general, self.k) if h.kind == KNOWLEDGE and not h.regions]
        if not national:
            return None
        profile = profile_query(general, self.searcher.idf)
        window, hit = max(
            ((best_window(profile, h.text, context=h.title), h) for h in national), key=lambda t: t[0].score
        )
        if window.coverage < self.min_coverage or missing_measure(general, window.text, synonyms()):
            return None
        text = messages()["region_general"].format(
            what="、".join(places), answer=_trim(window, profile, self.max_chars).rstrip("。…；;，,"),
            title=hit.title, source=hit.source,
        )
        return Answer(text, False, [Citation.from_hit(hit)])

    @staticmethod
    def _distinct(hits: list[Hit]) -> list[Hit]:
        seen: set[str] = set()
        out: list[Hit] = []
        for h in hits:
            if h.doc_id not in seen:
                seen.add(h.doc_id)
                out.append(h)
        return out

    def answer(self, question: str) -> Answer:
        """A short grounded answer with citations, or an abstention; bad input gets a clear message."""
        try:
            q = prepare_query(question)
        except InvalidQueryError:
            return Answer(messages()["empty_question"], False, [])
        hits = self.searcher.search(q, self.k)
        if not hits:
            return Answer(messages()["empty_index"], False, [])
        ents = key_entities(q)
        missing = self._missing(ents, hits)
        if missing:
            general = self._general_rule(q, missing) if set(missing) <= set(ents.places) else None
            return general or self.abstain(hits, missing)
        # a question about a place or a named programme is answered from passages that name it
        present = [n for n in (*ents.quoted, *ents.names) if _in_hits(n, hits)]
        local = [
            h for h in hits
            if all(_place_in_hits(p, [h]) for p in ents.places) and all(_in_hits(n, [h]) for n in present)
        ]
        candidates = local or hits
        profile = profile_query(q, self.searcher.idf)
        prefer = kind_preference(q, names_place=bool(ents.places))
        scored = []
        for rank, hit in enumerate(candidates):
            window = best_window(profile, hit.text, context=hit.title)
            scored.append((window.score - 0.03 * rank + prefer.bonus(hit.kind), window, hit))
        _, window, source = max(scored, key=lambda t: t[0])
        if window.coverage < self.min_coverage:
            return self.abstain(hits, [])
        if profile.quantity and not has_quantity(window.text) and not re.search(r"\d", window.text):
            return self.abstain(hits, [])  # asked for a figure, and the evidence states none
        measure = missing_measure(q, window.text, synonyms())
        if measure is not None:  # asked for a rate, the evidence states another figure
            return self.abstain(hits, [*ents.places, measure])
        # a policy summary's paragraph is written to answer whole (all revenue bands): keep it
        if source.kind == KNOWLEDGE and len(source.text) <= 2 * self.max_chars:
            text = source.text
        else:
            text = _trim(window, profile, self.max_chars)
        if text.endswith(("；", ";", "，", ",", "：", ":")):
            text = text[:-1] + "。"
        # other articles are cited only when they also bear on the question (no filler sources)
        bar = max(self.min_coverage, 0.75 * window.coverage)
        cited = [source]
        for _, w, h in sorted(scored, key=lambda t: -t[0]):
            # one policy summary section is the rule; more sections would only be filler
            same_summary = h.kind == KNOWLEDGE and source.kind == KNOWLEDGE
            if w.coverage >= bar and h.doc_id not in {c.doc_id for c in cited} and not same_summary:
                cited.append(h)
        return Answer(text, True, [Citation.from_hit(h) for h in cited[: self.max_citations]])
