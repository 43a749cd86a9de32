"""Which part of a rule a question asks about (conditions, procedure, validity…) and whether a policy
summary's section is about that part: read from the question's words and the section's heading."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from retrieval.datafiles import data_file
from retrieval.evidence import synonyms
from retrieval.preference import KNOWLEDGE
from retrieval.textutil import content_tokens, match_key, tokenize
from retrieval.types import Hit

__all__ = ["ASPECT_COST", "ASPECT_GAIN", "Asked", "asked_aspects", "aspect_fit", "heading", "relates_whole", "section_aspects"]

ASPECT_GAIN = 0.2  # a section about the asked part wins near-ties
ASPECT_COST = 0.25  # a section about another part loses them (its text may name the asked word in passing)


@dataclass(frozen=True)
class Aspect:
    """One part of a rule: the question words that ask for it and the heading words that give it."""

    name: str
    asks: tuple[str, ...]
    headings: tuple[str, ...]
    fallback: bool = False


@lru_cache(maxsize=1)
def _aspects() -> tuple[Aspect, ...]:
    data = data_file("aspects.yaml") or {}
    return tuple(
        Aspect(str(name), tuple(match_key(str(w)) for w in a.get("asks") or ()),
               tuple(match_key(str(w)) for w in a.get("headings") or ()), bool(a.get("fallback")))
        for name, a in (data.get("aspects") or {}).items()
    )


@dataclass(frozen=True)
class Asked:
    """The parts of a rule a question asks about; `firm` is False when only a fallback part is asked
    (a definition may sit in any section, so other sections then lose nothing)."""

    names: frozenset[str] = frozenset()
    firm: bool = False


@lru_cache(maxsize=2048)
def asked_aspects(question: str) -> Asked:
    """The parts of a rule the question asks about (a fallback part only when nothing else is asked)."""
    key = match_key(question)
    found = [a for a in _aspects() if any(w in key for w in a.asks)]
    firm = [a for a in found if not a.fallback]
    return Asked(frozenset(a.name for a in (firm or found)), bool(firm))


def heading(title: str) -> str:
    """A policy summary section's heading: its title after the article title (“文章：小节”)."""
    return title.rsplit("：", 1)[-1] if "：" in title else ""


@lru_cache(maxsize=2048)
def section_aspects(title: str) -> frozenset[str]:
    """The parts of a rule a section's heading says it is about (empty: no heading or none named)."""
    key = match_key(heading(title))
    return frozenset(a.name for a in _aspects() if key and any(w in key for w in a.headings))


def aspect_fit(asked: Asked, title: str, kind: str) -> float:
    """What a passage gains (or loses) for being the section about the asked part of a rule."""
    if not asked.names or kind != KNOWLEDGE:
        return 0.0
    about = section_aspects(title)
    if about & asked.names:
        return ASPECT_GAIN
    return -ASPECT_COST if about and asked.firm else 0.0


def relates_whole(question: str, hits: Sequence[Hit], sides: Sequence[str]) -> bool:
    """The top passage is a policy summary section on how the compared things relate (科小和高企的关系
    与区别) and the question asks their relation: it answers whole, not one side at a time."""
    if "relation" not in asked_aspects(question).names or not hits:
        return False
    top = hits[0]
    if top.kind != KNOWLEDGE or "relation" not in section_aspects(top.title):
        return False
    key, syn = match_key(top.title + top.text), synonyms()
    terms = [match_key(a) for side in sides for a in (side, *syn.get(side, ()))]
    if not all(any(match_key(a) in key for a in (side, *syn.get(side, ()))) for side in sides):
        return False
    # 高企和科小的研发占比有什么区别 compares one measure: each side's own rule answers it
    own = match_key(heading(top.title))
    relation = next(a for a in _aspects() if a.name == "relation").asks
    rest = [t for t in content_tokens(tokenize(question))
            if len(t) >= 2 and t not in own and not any(t in w for w in (*terms, *relation))]
    return not rest
