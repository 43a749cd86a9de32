"""Policy matching (政策匹配): the briefings most relevant to a firm's region, industry and weak spots."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.core.estimate.forms import PolicySpec
from bot.core.places import load_places
from retrieval.types import Hit, Searcher, SearchFilters

__all__ = ["match_policies", "policy_query"]

def policy_query(
    spec: PolicySpec,
    check_terms: str,
    region: str | None,
    industry: str | None,
    weak_fields: Sequence[str],
) -> str:
    """One search query from the profile, the check's own terms (rule_sets.yaml) and the fields
    where the firm scores worst."""
    parts = [region or "", industry or "", spec.base_query, check_terms]
    parts += [spec.terms.get(name, "") for name in weak_fields]
    return " ".join(p for p in parts if p).strip()


def match_policies(
    searcher: Searcher,
    spec: PolicySpec,
    check_terms: str,
    profile: tuple[str | None, str | None],
    weak_fields: Sequence[str],
) -> list[Hit]:
    """Up to spec.max_items distinct briefings. With the firm's region known: its own region's first,
    then its province's, then national ones (no region); another region's never (诸暨 for a 成都 firm).

    Policy summaries (政策摘要) are left out: the list is captioned as briefings, and digests skip
    summaries too."""
    region, industry = profile
    query = policy_query(spec, check_terms, region, industry, weak_fields)
    found: list[Hit] = []
    if region:
        try:
            found += searcher.search(query, k=spec.max_items * 2, filters=SearchFilters(regions=(region,)))
        except Exception:  # a filter the index cannot apply: the plain search below still runs
            found = []
    # Summary sections crowd a rules-flavoured query, so ask for enough to keep max_items briefings.
    found += searcher.search(query, k=spec.max_items * 6)
    found = [hit for hit in found if hit.kind == "briefing"]
    nearness = _nearness(region)
    ranked = sorted(((nearness(hit), i, hit) for i, hit in enumerate(found)), key=lambda t: t[:2])
    picked: list[Hit] = []
    seen: set[str] = set()
    for near, _, hit in ranked:
        if near is _ELSEWHERE or hit.doc_id in seen:
            continue
        seen.add(hit.doc_id)
        picked.append(hit)
        if len(picked) == spec.max_items:
            break
    return picked


_ELSEWHERE = 9  # another region's briefing: never listed for a firm whose region is known


def _nearness(region: str | None) -> Callable[[Hit], int]:
    """0 the firm's own region (or a place in it), 1 its province, 2 national, _ELSEWHERE the rest."""
    if not region:
        return lambda _hit: 0
    places = load_places()
    own = set(places.aliases(region))
    above = set(places.parents(region))

    def near(hit: Hit) -> int:
        regions = [r for r in hit.regions if r]
        if any(r in own or r in region for r in regions) or region in hit.title:
            return 0  # "四川省成都市高新区" is local to a briefing tagged 成都
        if any(r in above for r in regions) or region in hit.text:
            return 1  # its province, or a briefing that speaks of the firm's region
        return 2 if not regions else _ELSEWHERE

    return near
