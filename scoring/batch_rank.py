"""Ranking within life stages (阶段内排名): competition ranks, list labels, top-10 sheets.

Ties share a rank (1, 1, 3) and so share a percentile and a list label. A firm without
revenue has no stage unless the sheet gives one; it is scored but not ranked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.fields import normalize_text
from scoring.model import PointsRuleSet

__all__ = ["LIST_LABELS", "TOP_N", "known_stages", "rank_in_stages", "top_lists"]

LIST_LABELS: tuple[tuple[float, str], ...] = ((5, "创新领跑榜"), (10, "创新竞跑榜"), (20, "创新进取榜"))
TOP_N = 10


def known_stages(rs: PointsRuleSet, column: pd.Series | None, n: int) -> np.ndarray:
    """Stage index given in a stage column (id or Chinese label), -1 where none is given."""
    out = np.full(n, -1)
    if column is None:
        return out
    lookup: dict[str, int] = {}
    for k, stage in enumerate(rs.stages):
        lookup[normalize_text(stage.id)] = k
        lookup[normalize_text(stage.label)] = k
    keys = column.map(lambda v: "".join(normalize_text(str(v)).split()) if isinstance(v, str) else "")
    return keys.map(lookup).fillna(-1).to_numpy(dtype=int)


def rank_in_stages(totals: np.ndarray, stage_idx: np.ndarray, stages: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Competition rank, percentile within stage and list label (NaN/'' where not ranked)."""
    n = len(totals)
    rank_all = np.full(n, np.nan)
    pct_all = np.full(n, np.nan)
    ranked = ~np.isnan(totals) & (stage_idx >= 0)
    for k in range(stages):
        mask = ranked & (stage_idx == k)
        if mask.any():
            rank = pd.Series(totals[mask]).rank(method="min", ascending=False).to_numpy()
            rank_all[mask] = rank
            pct_all[mask] = np.round(rank / mask.sum() * 100, 2)
    labels = np.full(n, "", dtype=object)
    for limit, label in reversed(LIST_LABELS):
        labels[~np.isnan(pct_all) & (pct_all <= limit)] = label
    return rank_all, pct_all, labels


def top_lists(out: pd.DataFrame, rs: PointsRuleSet, keep: list[str]) -> dict[str, pd.DataFrame]:
    """Top-10 firms per stage and category by category points (competition ranks; ties at 10th all
    kept); firms without a point in the category are not listed, and an empty list is no sheet."""
    cats = [c.label for c in rs.categories]
    narrow = out[list(dict.fromkeys(["rank_in_stage", "stage", *keep, "stage_label", *cats, "total"]))]
    eligible = narrow[narrow["rank_in_stage"].notna().to_numpy()]
    lists: dict[str, pd.DataFrame] = {}
    for stage in rs.stages:
        in_stage = eligible[eligible["stage"] == stage.id]
        if in_stage.empty:
            continue
        for cat in rs.categories:
            scored = in_stage[in_stage[cat.label].astype(float) > 0]  # no points in it: not a 前十 of it
            if scored.empty:
                continue
            points = scored[cat.label].astype(float)
            rank = points.rank(method="min", ascending=False)
            frame = scored[rank <= TOP_N].assign(名次=rank[rank <= TOP_N].astype(int))
            frame = frame.sort_values(["名次", "total"], ascending=[True, False], kind="stable")
            frame = frame[["名次", *keep, "stage_label", cat.label, "total"]]
            lists[f"{stage.label}·{cat.label}"] = frame.reset_index(drop=True)
    return lists
