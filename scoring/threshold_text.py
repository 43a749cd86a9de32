"""Thresholds and points as a manager reads them (10%、500人、2亿元、8.5分): shared by the rule summaries."""

from __future__ import annotations

from scoring.fields import FIELDS

__all__ = ["format_threshold", "num"]


def num(x: float) -> str:
    """8.5, 12, 0.25 — no trailing zeros."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def format_threshold(field: str, value: object) -> str:
    """A threshold as a manager reads it: 10%、500人、2亿元、5000万元、1件."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    unit = FIELDS[field].unit
    if unit == "万元":
        return f"{num(value / 10000)}亿元" if value >= 10000 else f"{num(value)}万元"
    return f"{num(value)}{unit}"
