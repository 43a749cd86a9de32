"""Generated firms for scoring tests and benchmarks: plausible, varied, some fields missing."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["SAMPLE_GROWTH_FIRM", "generate_firms", "row_figures"]

SAMPLE_GROWTH_FIRM: dict[str, Any] = {
    "revenue": 3000,
    "revenue_prev": 2500,
    "rd_expense": 150,
    "rd_expense_prev": 120,
    "employees": 80,
    "rd_staff": 12,
    "invention_patents": 0,
    "class2_ip": 2,
}

_ENUMS = {
    "rd_platform_level": ["none", "municipal", "provincial", "national"],
    "qualification": ["none", "innovative_sme", "tech_sme", "high_tech", "little_giant"],
    "standards": ["none", "participated", "led"],
    "st_award": ["none", "provincial", "national"],
    "leading_talent": ["none", "provincial", "national"],
    "gov_st_project": ["none", "provincial", "national"],
}
_BOOLS = {
    "strategic_industry": 0.3,
    "dishonest_list": 0.02,
    "research_misconduct": 0.01,
    "major_incident_recent": 0.02,
    "business_anomaly": 0.03,
    "restricted_industry": 0.01,
}


def generate_firms(n: int, seed: int = 0, *, missing: float = 0.1, invalid: float = 0.0) -> pd.DataFrame:
    """n firms as a DataFrame (field-name columns, NaN/None = not given), built column-wise."""
    rng = np.random.default_rng(seed)
    revenue = np.round(rng.lognormal(7.5, 1.6, n), 2)
    employees = rng.integers(3, 900, n).astype(float)
    total_assets = np.round(revenue * rng.uniform(0.4, 2.5, n), 2)
    df = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "name": [f"企业{i:06d}" for i in range(1, n + 1)],
            "revenue": revenue,
            "revenue_prev": np.round(revenue / rng.uniform(0.7, 1.6, n), 2),
            "rd_expense": np.round(revenue * rng.uniform(0.0, 0.12, n), 2),
            "employees": employees,
            "rd_staff": np.floor(employees * rng.uniform(0, 0.6, n)),
            "invention_patents": rng.integers(0, 14, n).astype(float),
            "class2_ip": rng.integers(0, 8, n).astype(float),
            "tech_contract_amount": np.round(rng.exponential(80, n), 2),
            "high_tech_revenue": np.round(revenue * rng.uniform(0, 1, n), 2),
            "net_assets": np.round(total_assets * rng.uniform(0.1, 0.9, n), 2),
            "net_profit": np.round(revenue * rng.uniform(-0.2, 0.3, n), 2),
            "total_assets": total_assets,
            "tax_paid": np.round(revenue * rng.uniform(0, 0.08, n), 2),
            "graduates_hired": rng.integers(0, 15, n).astype(float),
            "equity_financing_3y": np.round(rng.exponential(600, n), 2),
            "pct_applications": rng.integers(0, 9, n).astype(float),
            "safety_accidents_3y": (rng.random(n) < 0.03).astype(float),
        }
    )
    df["rd_expense_prev"] = np.round(df["rd_expense"] / rng.uniform(0.6, 1.5, n), 2)
    df["total_liabilities"] = np.round(total_assets * rng.uniform(0.1, 0.95, n), 2)
    df["total_cost"] = np.round(revenue * rng.uniform(0.6, 1.1, n) + df["rd_expense"], 2)
    for name, choices in _ENUMS.items():
        df[name] = rng.choice(np.array(choices, dtype=object), n)
    for name, share in _BOOLS.items():
        df[name] = rng.random(n) < share
    df["mainland_resident"] = rng.random(n) > 0.01
    numeric = [c for c in df.columns if c not in ("id", "name") and df[c].dtype == float]
    for col in numeric:
        df.loc[rng.random(n) < missing, col] = np.nan
    for col in [*_ENUMS, *_BOOLS, "mainland_resident"]:
        mask = rng.random(n) < missing
        df[col] = df[col].astype(object)
        df.loc[mask, col] = None
    if invalid:
        bad = np.flatnonzero(rng.random(n) < invalid)
        for k, i in enumerate(bad):
            if k % 4 == 0:
                df.loc[i, "rd_expense"] = -5.0
            elif k % 4 == 1:
                df.loc[i, "employees"] = 10.0
                df.loc[i, "rd_staff"] = 15.0
            elif k % 4 == 2:
                df.loc[i, "qualification"] = "superstar"
            else:
                df.loc[i, "tax_paid"] = 5e12
    return df


def row_figures(row: pd.Series) -> dict[str, Any]:
    """One generated row as the figures dict a caller of score() would pass."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in ("id", "name") or value is None:
            continue
        if isinstance(value, float) and np.isnan(value):
            continue
        out[str(key)] = value.item() if isinstance(value, np.generic) else value
    return out
