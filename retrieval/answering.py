"""Extractive grounded answers: the sentences that hold what was asked, a truthful partial, or a refusal."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from retrieval.answer_texts import messages, not_given
from retrieval.aspects import asked_aspects, aspect_fit, relates_whole
from retrieval.compare import compare, comparison
from retrieval.entities import (
    KeyEntities,
    in_hits,
    key_entities,
    missing_entities,
    place_in_hits,
)
from retrieval.errors import InvalidQueryError
from retrieval.evidence import QueryProfile, profile_query
from retrieval.explain import Explanation
from retrieval.holding import (
    HELD_COVERAGE,
    about,
    decide,
    distinct,
    holding,
    rarest_word,
    subject_of,
)
from retrieval.hybrid import HybridSearcher, prepare_query
from retrieval.preference import KNOWLEDGE, kind_preference
from retrieval.recent import asks_whats_new, whats_new
from retrieval.scope import (
    asks_national,
    figure_of_nothing,
    kind_bonus,
    other_places,
    region_label,
    regional_cost,
)
from retrieval.selection import Candidate, candidates, combine, rarest_terms, trim, with_subject
from retrieval.spread import regional_spread, set_locally
from retrieval.targets import Ask, detect_targets, is_subject_word, target_rules
from retrieval.textutil import CJK, normalize_query
from retrieval.types import Answer, Citation, Hit, SearchFilters
from retrieval.verdict import with_verdict
from retrieval.years import asked_years, checked_for_year

__all__ = ["ExtractiveAnswerer", "KeyEntities", "key_entities", "messages"]

_CJK_CHAR = re.compile(f"[{CJK}]")
_RARE_DF = 3  # a question word this rare that no passage about the subject uses: the subject lacks it
_RULE_SHARE = 0.36  # a rules question's subject may be a common domain word (积分, 指标)
_COMMON_SHARE = 0.12  # a word in more than this share of passages (政策, 项目) asks nothing specific
_WHOLE_SUMMARY = 2.6  # × max_chars: a policy summary's threshold table this short is shown whole, not cut


class ExtractiveAnswerer:
    """Answers from the sentences that hold the asked value; says exactly what is missing otherwise."""

    def __init__(
        self,
        searcher: HybridSearcher,
        k: int = 5,
        max_chars: int = 150,
        min_coverage: float = 0.29,
        max_citations: int = 3,
        max_question_chars: int = 200,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.searcher = searcher
        self.today = today  # the clock seam: what is "最近" and "今年" (tests pass a fixed day)
        self.k = k
        self.max_chars = max_chars
        self.min_coverage = min_coverage
        self.max_citations = max_citations
        self.max_question_chars = max_question_chars

    # --- the LLM answerer shares these ------------------------------------------------------------
    def missing_entities(self, question: str, hits: list[Hit]) -> list[str]:
        """Key entities of the question that no article of the catalogue mentions."""
        del hits  # the whole catalogue is checked, not only the retrieved passages
        return missing_entities(key_entities(question), self.searcher.catalogue, self.searcher.variants)

    def by_shape(self, question: str) -> Answer | None:
        """A what's-new or comparison question answered by its shape; None for any other question."""
        try:
            q = prepare_query(question)
        except InvalidQueryError:
            return None
        shaped = self._by_shape(self.searcher.variants.correct(q).text)
        return shaped[1] if shaped is not None else None

    def _by_shape(self, text: str) -> tuple[str, Answer] | None:
        if asks_whats_new(text):
            return "what's new: briefings by their dates", whats_new(text, self.searcher.store, self.today())
        pair = comparison(text)
        if pair is not None and relates_whole(text, self.searcher.search(text, 1), pair.sides):
            return None  # 科小和高企有啥区别: the summary section on how the two relate answers it whole
        if pair is not None:  # each side asked on its own: one side's passage never answers both
            return f"comparison: {' / '.join(pair.questions)}", compare(pair, self.answer)
        return None

    def abstain(self, hits: list[Hit], missing: list[str]) -> Answer:
        """The honest "not in the corpus" answer, with the nearest sources."""
        msg = messages()
        what = "、".join(dict.fromkeys(missing))
        text = msg["not_found_about"].format(what=what) if what else msg["not_found"]
        return self._with_sources(text, hits)

    def _with_sources(self, text: str, hits: list[Hit]) -> Answer:
        nearest = distinct(hits)[:2]
        if nearest:
            text += messages()["nearest_sources"].format(
                sources="；".join(f"《{h.title}》（{h.source}）" for h in nearest)
            )
        return Answer(text, False, [Citation.from_hit(h) for h in nearest])

    # --- answering ----------------------------------------------------------------------------------
    def answer(self, question: str) -> Answer:
        """A short grounded answer with citations, a truthful partial, or a refusal; never a crash."""
        return self.explain(question).answer

    def explain(self, question: str) -> Explanation:
        """The answer together with every step that led to it (`innobot ask --explain`)."""
        ex = Explanation(question)
        try:
            q = prepare_query(question)
        except InvalidQueryError:
            return decide(ex, "empty question", Answer(messages()["empty_question"], False, []))
        bad = self._bad_input(question, q)
        if bad:
            key = "too_long" if bad == "too long" else "bad_input"
            return decide(ex, f"bad input: {bad}", Answer(messages()[key], False, []))
        corr = self.searcher.variants.correct(q)
        ex.corrected, ex.fixes = corr.text, corr.fixes
        shaped = self._by_shape(corr.text)
        if shaped is not None:
            return decide(ex, *shaped)
        idf = self.searcher.idf
        profile = profile_query(corr.text, idf)
        unknown = not profile.weights or all(idf.df(t) == 0 for t in profile.weights)
        if unknown and not key_entities(corr.text).places:
            return decide(ex, "bad input: no known word", Answer(messages()["bad_input"], False, []))
        ex.hits, ex.traces = self.searcher.search_traced(corr.text, self.k)
        if not ex.hits:
            return decide(ex, "empty index", Answer(messages()["empty_index"], False, []))
        ents = key_entities(corr.text)
        if not self._informative(profile, ents) or (not ents.all and figure_of_nothing(profile, detect_targets(corr.text))):
            return decide(ex, "bad input: too vague", self._vague(ents))
        missing = missing_entities(ents, self.searcher.catalogue, self.searcher.variants)
        if missing:
            general = self._general_rule(corr.text, missing) if set(missing) <= set(ents.places) else None
            if general is not None:
                return decide(ex, f"place not covered, national rule: {'、'.join(missing)}", general)
            return decide(ex, f"entity not in catalogue: {'、'.join(missing)}", self.abstain(ex.hits, missing))
        ex = self._from_evidence(ex, corr.text, profile, ents)
        return checked_for_year(ex, asked_years(corr.text, self.today()))

    def _general_rule(self, question: str, places: list[str], what: str = "") -> Answer | None:
        """A place no source covers: the national rule, said to be only that (never another
        region's figure passed off as the asked one)."""
        general = question
        for place in places:
            general = re.sub(f"{re.escape(place)}(?:市|省|区|县)?的?", "", general)
        try:
            general = prepare_query(general)
        except InvalidQueryError:
            return None
        ex = Explanation(general)
        ex.hits = [h for h in self.searcher.search(general, self.k) if h.kind == KNOWLEDGE and not h.regions]
        if not ex.hits:
            return None
        ents = KeyEntities((), (), ())
        found = self._from_evidence(ex, general, profile_query(general, self.searcher.idf), ents).answer
        if not found.grounded or not found.citations:
            return None
        cite = found.citations[0]
        # a national summary may quote one region's figure (广州): then it is labelled as such
        key = "region_others" if other_places(found.answer, places) else "region_general"
        text = messages()[key].format(
            what=what or "、".join(f"“{p}”" for p in places), answer=found.answer.rstrip("。…；;，,"), title=cite.title,
            source=cite.source,
        )
        return Answer(text, False, found.citations[:1])

    def _bad_input(self, raw: str, q: str) -> str:
        if len(normalize_query(raw)) > self.max_question_chars:
            return "too long"
        if not _CJK_CHAR.search(q):
            return "not Chinese"
        return ""

    def _informative(self, profile: QueryProfile, ents: KeyEntities) -> bool:
        """Something specific is asked: a name, or a word that not every other passage uses."""
        if ents.quoted or ents.names:
            return True
        idf = self.searcher.idf
        skip = set(ents.places) | target_rules().generic
        cap = max(3, int(_COMMON_SHARE * idf.n))
        if any(len(t) >= 2 and 0 < idf.df(t) <= cap and t not in skip for t in profile.weights):
            return True
        # a rules question (怎么算, 几项指标) over a domain word the summaries answer is specific enough
        if kind_preference(profile.text).rules and any(
            len(t) >= 2 and 0 < idf.df(t) <= _RULE_SHARE * idf.n and t not in skip for t in profile.weights
        ):
            return True
        return any(t not in skip for t in self._domain_terms(profile.text))

    def _domain_terms(self, text: str) -> list[str]:
        """Corpus and domain terms of 3+ characters in the question (积分贷, segmented as 积分 + 贷)."""
        vocab = self.searcher.variants.vocabulary
        found = [text[i : i + n] for n in range(6, 2, -1) for i in range(len(text) - n + 1) if text[i : i + n] in vocab]
        return [t for t in found if not any(t != o and t in o for o in found)]

    def _vague(self, ents: KeyEntities) -> Answer:
        """A vague question: say what the briefings hold about its place, or how to ask."""
        msg = messages()
        for place in ents.places:
            hits = self.searcher.search(place, 8, SearchFilters(regions=(place,)))
            titles = "、".join(f"《{h.title}》" for h in distinct(hits)[:3])
            if titles:
                return Answer(msg["vague_place"].format(place=place, titles=titles), False,
                              [Citation.from_hit(h) for h in distinct(hits)[:3]])
        return Answer(msg["vague"], False, [])

    def _local(self, text: str, hits: list[Hit], ents: KeyEntities) -> list[Hit]:
        """Passages about the question's places and names; searched by region when top-k has none."""
        pool = list(hits)
        absent = [p for p in ents.places if not place_in_hits(p, hits)]
        if absent:
            extra = self.searcher.search(text, self.k, SearchFilters(regions=tuple(absent)))
            pool += [h for h in extra if h.chunk_id not in {p.chunk_id for p in pool}]
        names = [n for n in (*ents.quoted, *ents.names) if in_hits(n, pool)]
        return [
            h for h in pool
            if all(place_in_hits(p, [h]) for p in ents.places) and all(in_hits(n, [h]) for n in names)
        ]

    def _from_evidence(self, ex: Explanation, text: str, profile: QueryProfile, ents: KeyEntities) -> Explanation:
        idf = self.searcher.idf
        local = self._local(text, ex.hits, ents)
        pool = local or ex.hits
        ask = detect_targets(text)
        ex.targets = ask.targets
        keep = (*ents.quoted, *ents.names, *rarest_terms(profile, idf, ents.places),
                *[t for t in self._domain_terms(text) if t not in ents.places][:2])
        # rules beat news for rules questions: the preferred kind wins near-ties, never far gaps
        prefer = kind_preference(text, names_place=bool(ents.places))
        national = asks_national(text)
        ranked = candidates(profile, ask, pool, idf, ents.places, tuple(dict.fromkeys(keep)))
        asked = asked_aspects(text)  # conditions, procedure, validity…: the section about it wins near-ties
        ex.candidates = sorted(
            (replace(c, score=c.score + kind_bonus(prefer, c.hit, ents.places) + aspect_fit(asked, c.hit.title, c.hit.kind)
                     - regional_cost(c.hit, bool(ents.all), national))
             for c in ranked), key=lambda c: -c.score
        )
        top = max((c.coverage for c in ex.candidates), default=0.0)
        held = any(c.holds and c.coverage >= HELD_COVERAGE for c in ex.candidates)
        if not ex.candidates or (top < self.min_coverage and not held):
            return decide(ex, "low coverage: no sentence shares enough of the question", self.abstain(pool, []))
        best = ex.candidates[0]
        uncovered = [
            t for t in rarest_terms(profile, idf, ents.places, n=3)
            if idf.df(t) <= _RARE_DF and local
            and not any(in_hits(a, local, loose=True) for a in (t, *profile.alternatives.get(t, ())))
        ]
        # a rules question about a term no passage ever uses (注册资本): no rule covers it
        unseen = [t for t in profile.weights if len(t) >= 4 and idf.df(t) == 0 and is_subject_word(t, text)]
        # a place's passages share little with the question and never name its rarest word (宁波 +
        # 贴息): that place's detail is not known; the national rule is, and is said to be only that
        topic = rarest_word(profile, idf, ents.places)
        if ents.places and local and topic and not uncovered and best.coverage < 0.5 and not any(
            in_hits(a, local, loose=True) for a in (topic, *profile.alternatives.get(topic, ()))
        ):
            what = "、".join(ents.places) + f"的“{topic}”"
            general = self._general_rule(text, list(ents.places), what)
            if general is not None:
                return decide(ex, f"place found, '{topic}' not said about it: national rule", general)
            uncovered = [topic]
        if unseen and prefer.rules and not uncovered:
            text_ = messages()["partial_term"].format(said=self._said(best, ents, profile), what=unseen[0])
            return decide(ex, f"rules question about '{unseen[0]}', never said", self._with_sources(text_, pool))
        if uncovered and ents.all:
            said = self._said(best, ents, profile)
            text_ = messages()["partial_term"].format(said=said, what=uncovered[0])
            return decide(ex, f"subject found, '{uncovered[0]}' not said about it", self._with_sources(text_, pool))
        if ask.strict:
            subject = subject_of(profile, idf, ents, ask.strict[0])
            holders = holding(ex.candidates, top, subject, profile, national and not ents.all)
            if not holders:
                said = self._said(about(ask.strict[0], ex.candidates, best), ents, profile)
                text_ = not_given(said, ask.strict[0], ents)
                return decide(ex, f"target {ask.strict[0].kind} not in evidence", self._with_sources(text_, pool))
            best = holders[0]
            spread = regional_spread(ask, holders, ents.all, kind_preference(text).rules)
            if spread:
                return decide(ex, "answered: figure varies by region", self._spread(spread, ask, profile, ents))
            rule_ = set_locally(ex.candidates, best, ents.all)
            if rule_ is not None:  # 高企补贴多少钱: no national figure, then one place's, labelled
                shown = self._grounded(best, ex.candidates, ask, profile, ents)
                rule = rule_.hit.text if len(rule_.hit.text) <= _WHOLE_SUMMARY * self.max_chars else rule_.text
                text_ = messages()["set_locally"].format(rule=rule, example=shown.answer)
                cited = list({c.title: c for c in (Citation.from_hit(rule_.hit), *shown.citations)}.values())
                return decide(ex, "answered: no national figure, one region's example",
                              Answer(text_, True, cited[: self.max_citations]))
        return decide(ex, "answered: " + ("target held" if ask.strict else "best coverage"),
                       with_verdict(text, self._grounded(best, ex.candidates, ask, profile, ents), best.hit))

    def _spread(self, shown: list[Candidate], ask: Ask, profile: QueryProfile, ents: KeyEntities) -> Answer:
        """A figure each region sets for itself: say so, then the regions' own figures, short."""
        idf, limit = self.searcher.idf, self.max_chars // len(shown)
        keep = rarest_terms(profile, idf, ents.places)
        text = "".join(trim(c.text, ask, idf, keep, limit, c.clauses, profile) for c in shown).rstrip("；;，,：:")
        text = text if text.endswith(("。", "…", "”")) else text + "。"
        answer = messages()["varies_by_region"].format(answer=text)
        return Answer(answer, True, [Citation.from_hit(h) for h in distinct([c.hit for c in shown])])

    def _said(self, best: Candidate, ents: KeyEntities, profile: QueryProfile) -> str:
        """What the briefings do say about the subject, short (the first half of a partial answer)."""
        text = with_subject(best, ents.all, 120)
        said = trim(text, Ask(()), self.searcher.idf, list(ents.all), 90, profile=profile).rstrip("，,；;：:")
        return said if said.endswith(("。", "…", "！", "？", "”")) else said + "。"

    def _grounded(
        self, best: Candidate, ranked: list[Candidate], ask: Ask, profile: QueryProfile, ents: KeyEntities
    ) -> Answer:
        idf = self.searcher.idf
        picked = combine(best, ranked, ask, int(self.max_chars * 1.4))
        keep = rarest_terms(profile, idf, ents.places)
        if best.hit.kind == KNOWLEDGE and len(best.hit.text) <= _WHOLE_SUMMARY * self.max_chars:
            # a policy summary's paragraph is written to answer whole (all three revenue bands)
            picked, text = [best], best.hit.text
        elif len(picked) == 1:
            text = with_subject(best, ents.all, self.max_chars)  # a subject that would be trimmed away is no help
            text = trim(text, ask, idf, keep, self.max_chars, best.clauses, profile)
        else:
            limit = self.max_chars // 2 + 20
            text = "".join(trim(c.text, ask, idf, keep, limit, c.clauses, profile) for c in picked)
        if text.endswith(("；", ";", "，", ",", "：", ":")):
            text = text[:-1] + "。"
        region = "" if ents.all else region_label(best.hit, text)
        if region:  # one region's passage for a question that named none: say whose it is
            text = messages()["regional"].format(region=region, answer=text)
        bar = max(self.min_coverage, 0.75 * best.coverage)
        cited = [p.hit for p in picked]
        for c in ranked:
            # one section of a policy summary is the rule; more sections would only be filler
            filler = c.hit.kind == KNOWLEDGE and any(h.kind == KNOWLEDGE for h in cited)
            if c.coverage >= bar and c.hit.doc_id not in {h.doc_id for h in cited} and not filler:
                cited.append(c.hit)
        return Answer(text, True, [Citation.from_hit(h) for h in distinct(cited)[: self.max_citations]])
