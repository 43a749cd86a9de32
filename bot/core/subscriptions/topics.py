"""Subscription topics (主题) read against the retrieval tag vocabulary, with close forms.

"积分贷款" and "创新积分贷" are the tag 积分贷; "专利" is 知识产权. A word that is no topic is
reported back to the user, never stored as one.
"""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.evidence import synonyms
from retrieval.tagging import tag_rules
from retrieval.textutil import match_key

__all__ = ["TopicMatch", "Topics", "build_topics"]


@dataclass(frozen=True)
class TopicMatch:
    """One topic found in the text: what the user wrote and the topic it means."""

    words: str
    topic: str


@dataclass(frozen=True)
class Topics:
    """Topic names and every form that means one (keywords, synonyms), longest form first."""

    names: tuple[str, ...]
    forms: tuple[tuple[str, str], ...]  # (match_key form, topic), longest form first

    def resolve(self, word: str) -> str | None:
        """The topic a whole word means ("积分贷款" → 积分贷), None if it is no topic."""
        key = match_key(word)
        return next((topic for form, topic in self.forms if form == key), None)

    def find(self, text: str) -> tuple[list[TopicMatch], str]:
        """Topics named inside `text` (longest form wins) and the text with them cut out."""
        rest = match_key(text)
        found: list[TopicMatch] = []
        for form, topic in self.forms:
            if form in rest:
                found.append(TopicMatch(form, topic))
                rest = rest.replace(form, " ")
        return found, rest


def build_topics(extra: dict[str, list[str]], skip: set[str]) -> Topics:
    """Tags from retrieval's tags.yaml plus subscription-only topics; `skip` drops generic forms."""
    keywords: dict[str, list[str]] = {t: list(w) for t, w in tag_rules().keywords.items()}
    for topic, words in extra.items():
        keywords.setdefault(topic, []).extend(words)
    forms: dict[str, str] = {}
    for topic in keywords:  # a topic's own name always means that topic
        forms[match_key(topic)] = topic
    for topic, words in keywords.items():
        for word in words:
            forms.setdefault(match_key(word), topic)
    groups = synonyms()
    for form, topic in list(forms.items()):
        for other in groups.get(form, ()):
            forms.setdefault(other, topic)
    usable = [(f, t) for f, t in forms.items() if f not in skip and len(f) >= 2]
    usable.sort(key=lambda ft: len(ft[0]), reverse=True)
    return Topics(names=tuple(keywords), forms=tuple(usable))
