"""What a question is specifically about (places, quoted and proper names), checked against the catalogue."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.hybrid import CatalogueView
from retrieval.tagging import gazetteer
from retrieval.textutil import match_key, segmenter, stopwords
from retrieval.types import Hit
from retrieval.variants import QueryVariants

__all__ = ["KeyEntities", "in_hits", "key_entities", "missing_entities", "place_in_hits"]

_QUOTED = re.compile(r"[“\"「『《]([^”\"」』》]{2,30})[”\"」』》]")
_NAME_TAGS = {"ns", "nt", "nz", "nr", "nrt", "eng"}  # "j" only from 3 characters: 中排, 研发 are words
_QUESTION_WORD = re.compile(r"[哪谁啥几]|什么|多少|怎么|如何")
# Single characters the segmenter sometimes glues onto a following name ("项目中六特" -> 中六特).
_GLUED_PREFIXES = frozenset("中的在和与及对从向于把被将为里")


@dataclass(frozen=True)
class KeyEntities:
    """What a question is specifically about: places, quoted names, proper names."""

    places: tuple[str, ...]
    quoted: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        """Every entity, places first."""
        return (*self.places, *self.quoted, *self.names)


def key_entities(question: str) -> KeyEntities:
    """Places from the gazetteer, quoted terms, and proper-noun tokens (never question words: 哪些项目)."""
    places = tuple(gazetteer().mentions(question))
    quoted = tuple(m.group(1).strip() for m in _QUOTED.finditer(question))
    place_keys = {match_key(p) for p in places}
    stop = stopwords()
    names: list[str] = []
    for word, tag in segmenter().tag(question):
        w = word.strip()
        is_name = (tag in _NAME_TAGS and len(w) >= 2) or (tag == "j" and len(w) >= 3)
        is_name = is_name and w not in stop and not _QUESTION_WORD.search(w)
        if is_name and not any(match_key(w) in pk for pk in place_keys):
            names.append(w)
    return KeyEntities(places, quoted, tuple(dict.fromkeys(names)))


_PUNCT = re.compile(r"[、，,。；;：:“”\"'（）()《》\s]")


def in_hits(term: str, hits: list[Hit], loose: bool = False) -> bool:
    """The term occurs in a passage or its title (loose: punctuation ignored, 母、子基金 has 母子)."""
    key = match_key(term)
    if loose:
        return any(key in _PUNCT.sub("", match_key(h.text + h.title)) for h in hits)
    return any(key in match_key(h.text) or key in match_key(h.title) for h in hits)


def place_in_hits(place: str, hits: list[Hit]) -> bool:
    """The place tags or is named in a briefing; a policy summary only counts it in its title
    (its sections are by region: a passing mention in a national section is not a regional fact)."""
    return any(
        place in h.regions or (place in h.title if h.kind == "knowledge" else in_hits(place, [h]))
        for h in hits
    )


def _known_name(name: str, catalogue: CatalogueView, variants: QueryVariants) -> bool:
    """Present as written, without a glued function character, or a near-form of a corpus term."""
    if catalogue.has_text(name):
        return True
    if len(name) >= 3 and name[0] in _GLUED_PREFIXES and catalogue.has_text(name[1:]):
        return True
    return variants.near_form(name) is not None


def missing_entities(ents: KeyEntities, catalogue: CatalogueView, variants: QueryVariants) -> list[str]:
    """Entities of the question that no article of the whole catalogue mentions."""
    missing = [p for p in ents.places if not catalogue.has_place(p)]
    missing += [q for q in ents.quoted if not _known_name(q, catalogue, variants)]
    missing += [n for n in ents.names if not _known_name(n, catalogue, variants)]
    return missing
