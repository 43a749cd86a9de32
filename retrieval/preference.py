"""Rules beat news for rules questions: which kind of passage (政策摘要 or 简报) a question prefers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from retrieval.datafiles import data_file
from retrieval.textutil import match_key

__all__ = ["KindPreference", "kind_preference", "measure_words", "missing_measure"]

KNOWLEDGE = "knowledge"
BRIEFING = "briefing"


@dataclass(frozen=True)
class KindPreference:
    """The preferred passage kind ("" = none) and how much a passage of that kind gains."""

    prefer: str
    weight: float = 0.15
    rules: bool = False  # the question asks about a condition, threshold, indicator or procedure

    def bonus(self, kind: str) -> float:
        """Added to a passage's evidence score: the preferred kind wins near-ties, never far gaps."""
        return self.weight if self.prefer and kind == self.prefer else 0.0


@lru_cache(maxsize=1)
def _words() -> dict[str, tuple[str, ...]]:
    data = data_file("kinds.yaml") or {}
    return {k: tuple(match_key(str(w)) for w in data.get(k) or []) for k in ("rule", "news", "measures")}


def kind_preference(question: str, names_place: bool = False) -> KindPreference:
    """Knowledge for a condition/threshold/indicator/weight/procedure question, briefings otherwise.

    A question that names a place asks what that place did: briefings first. Briefings keep a
    slight edge on other questions too: they are the primary sources, the summaries a reference.
    """
    key = match_key(question)
    words = _words()
    is_rule = any(w in key for w in words["rule"])
    is_news = any(w in key for w in words["news"])
    if is_rule and not is_news and not names_place:
        return KindPreference(KNOWLEDGE, rules=True)
    if names_place or (is_news and not is_rule):
        return KindPreference(BRIEFING, rules=is_rule)
    return KindPreference("" if is_rule else BRIEFING, weight=0.0 if is_rule else 0.15, rules=is_rule)


def measure_words() -> tuple[str, ...]:
    """The measures a figure question names (利率, 额度, 期限…; kinds.yaml)."""
    return _words()["measures"]


def missing_measure(question: str, answer: str, alternatives: dict[str, tuple[str, ...]]) -> str | None:
    """The measure a figure question names (利率, 额度…) when the answer sentence never states it."""
    key, text = match_key(question), match_key(answer)
    for measure in _words()["measures"]:
        if measure in key and measure not in text and not any(a in text for a in alternatives.get(measure, ())):
            return measure
    return None
