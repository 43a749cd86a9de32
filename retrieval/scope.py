"""National or regional: a question that names no place is about the national rule, so one region's
passage must not pass for it — national passages win near-ties, and a regional answer says whose it is."""

from __future__ import annotations

from functools import lru_cache

from retrieval.datafiles import data_file
from retrieval.entities import place_in_hits
from retrieval.evidence import QueryProfile
from retrieval.preference import BRIEFING, KNOWLEDGE, KindPreference, measure_words
from retrieval.tagging import gazetteer
from retrieval.targets import Ask, is_subject_word, target_rules
from retrieval.textutil import match_key
from retrieval.types import Hit
from retrieval.variants import variant_rules

__all__ = ["FIGURE_KINDS", "NATIONAL_COST", "REGIONAL_COST", "asks_national", "figure_of_nothing", "kind_bonus", "other_places", "region_label", "regional_cost"]

REGIONAL_COST = 0.1  # less than the kind preference (0.15): decides near-ties, never a far better passage
FIGURE_KINDS = frozenset({"rate", "cap", "quantity", "change", "rank"})  # targets answered by a figure
NATIONAL_COST = 1.0  # the question says 全国: a region's passage answers only when nothing national does


@lru_cache(maxsize=1)
def _national_words() -> tuple[str, ...]:
    return tuple(match_key(str(w)) for w in (data_file("kinds.yaml") or {}).get("national") or [])


def asks_national(question: str) -> bool:
    """The question asks for the national picture in so many words (全国有多少家…)."""
    key = match_key(question)
    return any(w in key for w in _national_words())


def regional_cost(hit: Hit, names_subject: bool, national: bool = False) -> float:
    """What a passage about one region loses when the question names no place, product or firm."""
    if not hit.regions or names_subject:
        return 0.0
    return NATIONAL_COST if national else REGIONAL_COST


def kind_bonus(prefer: KindPreference, hit: Hit, places: tuple[str, ...]) -> float:
    """The preferred kind's edge; a policy summary of the asked place's own section (各地做法：湖北省)
    is about what that place did, so it keeps the edge briefings get for a question naming a place."""
    if prefer.prefer == BRIEFING and places and hit.kind == KNOWLEDGE and all(
        place_in_hits(p, [hit]) for p in places
    ):
        return prefer.weight
    return prefer.bonus(hit.kind)


def region_label(hit: Hit, text: str) -> str:
    """The region a regional passage is about, when its answer text never names it ("" otherwise)."""
    if not hit.regions:
        return ""
    key = match_key(text)
    mentioned = {match_key(m) for m in gazetteer().mentions(text)}
    for region in hit.regions:
        if match_key(region) in key or match_key(region) in mentioned:
            return ""
    titled = [r for r in hit.regions if match_key(r) in match_key(hit.title)]
    return (titled or list(hit.regions))[0]


def other_places(text: str, asked: list[str]) -> list[str]:
    """Places an answer text names that the question did not ask about (广州 in an answer about 深圳)."""
    asked_keys = {match_key(p) for p in asked}
    found = [m for m in gazetteer().mentions(text) if match_key(m) not in asked_keys]
    return list(dict.fromkeys(found))


def figure_of_nothing(profile: QueryProfile, ask: Ask) -> bool:
    """A figure asked of nothing named ("利率多少", "申请要交多少钱"): any passage's figure would
    be a guess at what was meant, so the question is too vague to answer."""
    if not any(t.kind in FIGURE_KINDS for t in ask.strict):
        return False
    skip = set(measure_words()) | target_rules().generic
    domain = variant_rules().domain_terms  # 积分 (tagged as an adverb), 高企, 贷款…
    if any(d in profile.text for d in domain - skip):
        return False  # 高企要注册几年: a domain term the tokenizer glued to a particle (高企要) still names it
    return not any(
        len(t) >= 2 and t not in skip and (t in domain or is_subject_word(t, profile.text))
        for t in profile.weights
    )
