"""Policy matching (政策匹配): the briefings most relevant to a firm's region, industry and weak spots."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.estimate.forms import PolicySpec
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
    """Up to spec.max_items distinct briefings; those naming the firm's region come first.

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

    def local(hit: Hit) -> bool:
        if not region:
            return False
        if any(r and (r == region or r in region) for r in hit.regions):
            return True  # "四川省成都市高新区" is local to a briefing tagged 成都
        return region in hit.title or region in hit.text

    ranked = sorted(enumerate(found), key=lambda pair: (not local(pair[1]), pair[0]))
    picked: list[Hit] = []
    seen: set[str] = set()
    for _, hit in ranked:
        if hit.doc_id in seen:
            continue
        seen.add(hit.doc_id)
        picked.append(hit)
        if len(picked) == spec.max_items:
            break
    return picked
