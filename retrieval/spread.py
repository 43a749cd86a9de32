"""A national figure question whose held figures each belong to one place: say it varies by region."""

from __future__ import annotations

from functools import lru_cache

from retrieval.datafiles import data_file
from retrieval.preference import KNOWLEDGE
from retrieval.selection import Candidate
from retrieval.tagging import gazetteer
from retrieval.targets import Ask

__all__ = ["regional_spread", "set_locally"]

_FIGURES = ("quantity", "cap", "rate")  # asked values that a region sets for itself
_NEAR = 0.8  # a held sentence this close to the best in coverage answers the question as well


def regional_spread(ask: Ask, holding: list[Candidate], named: tuple[str, ...], rules: bool) -> list[Candidate]:
    """The sentences to show when the question names no place but the figures differ by place.

    Empty when the question names a place or an organisation, is no rules question, asks no figure, or the best held figure is national
    (names no place) or all near figures are of one place. A sentence that names several places
    (a comparison) is shown alone; else the best figure of each of the first two places.
    """
    if named or not rules or not holding or not any(t.kind in _FIGURES for t in ask.strict):
        return []
    places = [_regions(c.text) for c in holding]
    if not places[0]:
        return []
    near = [(c, p) for c, p in zip(holding, places, strict=True) if c.coverage >= _NEAR * holding[0].coverage]
    if len({p[0] for _, p in near if p}) < 2 or len({c.hit.chunk_id for c, _ in near}) < 2:
        return []
    comparing = next((c for c, p in near if len(p) >= 2), None)
    if comparing is not None:
        return [comparing]
    shown: dict[str, Candidate] = {}
    for c, p in near:
        if p and p[0] not in shown and len(shown) < 2:
            shown[p[0]] = c
    return list(shown.values())


def _regions(text: str) -> tuple[str, ...]:
    """The separate places a sentence names: 杭州高新区（滨江） is one place, 成都、杭州 are two."""
    gaz = gazetteer()
    named = gaz.mentions(text)
    return tuple(p for p in named if not set(gaz.with_parents([p])[1:]) & set(named))


@lru_cache(maxsize=1)
def _local_markers() -> tuple[str, ...]:
    return tuple(str(w) for w in (data_file("kinds.yaml") or {}).get("set_locally") or ())


def set_locally(ranked: list[Candidate], best: Candidate, named: tuple[str, ...]) -> Candidate | None:
    """A national policy summary saying there is no national figure (each place sets its own), when
    the best held figure is one region's and the question named no place: that is said first."""
    if named or not best.hit.regions:
        return None
    bar = 0.6 * best.coverage
    for c in ranked[:20]:
        if c.hit.kind == KNOWLEDGE and not c.hit.regions and c.coverage >= bar and any(
            m in c.text for m in _local_markers()
        ):
            return c
    return None
