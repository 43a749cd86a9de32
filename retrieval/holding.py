"""Which ranked sentences hold the asked value near the question's subject (the answerer's checks)."""

from __future__ import annotations

from retrieval.entities import KeyEntities
from retrieval.evidence import IdfTable, QueryProfile
from retrieval.explain import Explanation
from retrieval.selection import Candidate, rarest_terms
from retrieval.targets import Target
from retrieval.types import Answer, Hit

__all__ = ["about", "decide", "distinct", "holding", "mentions", "rarest_word", "subject_of"]

HELD_COVERAGE = 0.2  # a sentence holding the asked value may share less of the question's wording


def rarest_word(profile: QueryProfile, idf: IdfTable, places: tuple[str, ...]) -> str | None:
    """The question's rarest known word of two characters or more (any part of speech), not a place."""
    words = [t for t in profile.weights if len(t) >= 2 and idf.df(t) > 0 and not any(t in p for p in places)]
    return max(words, key=idf, default=None)


def holding(
    ranked: list[Candidate], top: float, subject: str, profile: QueryProfile, national: bool
) -> list[Candidate]:
    """Sentences that hold the asked value near the question's subject, best first (national ones
    only when the question says 全国: one region's figure is no answer to it)."""
    bar = max(HELD_COVERAGE, 0.55 * top)  # a held value far off the subject is no answer
    held = [c for c in ranked if c.holds and c.coverage >= bar and not (national and c.hit.regions)]
    # 研发费用超3亿元 holds "多少费用" but not "高企…费用": the value must sit with the question's
    # named subject, when the evidence uses that word at all
    if subject and any(mentions(c, subject, profile) for c in ranked):
        held = [c for c in held if mentions(c, subject, profile)]
    return held


def subject_of(profile: QueryProfile, idf: IdfTable, ents: KeyEntities, target: Target) -> str:
    """The named concept the question is about besides the asked thing (高企 in 高企申请要交多少费用):
    its rarest subject noun that has equivalent terms (高企 = 高新技术企业), so a passage can be checked."""
    asked = {*target.asked, *target.anchors[:1]}
    words = [t for t in rarest_terms(profile, idf, ents.places, n=3)
             if t in profile.alternatives and t not in asked and not any(t in a for a in asked)]
    return words[0] if words else ""


def mentions(c: Candidate, word: str, profile: QueryProfile) -> bool:
    """The sentence, or its passage's title, names the word or an equivalent term."""
    key = c.text + c.hit.title
    return any(a in key for a in (word, *profile.alternatives.get(word, ())))


def about(target: Target, ranked: list[Candidate], best: Candidate) -> Candidate:
    """The best sentence that names the asked thing (创新券), for what the briefings do say."""
    for c in ranked[:15]:
        if c.coverage >= 0.5 * best.coverage and any(a in c.text for a in target.asked[:1]):
            return c
    return best


def decide(ex: Explanation, decision: str, answer: Answer) -> Explanation:
    """Record the decision and its answer on the explanation (every path of the answerer ends here)."""
    ex.decision, ex.answer = decision, answer
    return ex


def distinct(hits: list[Hit]) -> list[Hit]:
    """One hit per document, in order (citations and nearest sources name a document once)."""
    seen: set[str] = set()
    out: list[Hit] = []
    for h in hits:
        if h.doc_id not in seen:
            seen.add(h.doc_id)
            out.append(h)
    return out
