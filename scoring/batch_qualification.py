"""Batch versions of the tech-SME evaluation and the high-tech check, mirroring qualification.py."""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from scoring.batch_values import Columns
from scoring.model import (
    Condition,
    HighTechRuleSet,
    MaxOf,
    RuleTree,
    Step,
    StepRule,
    TechSmeRuleSet,
)

__all__ = ["high_tech_columns", "tech_sme_columns"]

PASS, FAIL, MISSING = 0, 1, 2

_OPS = {
    "le": operator.le,
    "lt": operator.lt,
    "ge": operator.ge,
    "gt": operator.gt,
    "eq": operator.eq,
    "ne": operator.ne,
}


def _compare(op: str, x: np.ndarray, target: Any) -> np.ndarray:
    """x op target element-wise; comparisons with NaN are False without a warning."""
    with np.errstate(invalid="ignore"):
        return np.asarray(_OPS[op](x, target))


def _first_step(x: np.ndarray, steps: Sequence[Step], n: int) -> np.ndarray:
    """The s of the first step each row meets (NaN where x is missing or none matches)."""
    out = np.full(n, np.nan)
    done = np.isnan(x)
    for step in steps:
        hit = ~done if step.op is None else ~done & _compare(step.op, x, step.threshold)
        out[hit] = step.s
        done |= hit
    return out


def _value(cond: Condition, cols: Columns) -> np.ndarray:
    """The field's values with missing_as filled in (float NaN / None = missing); a stand-in field
    (approximate) fills the rows where the field itself is missing, as the one-firm check does."""
    x = cols[cond.field]
    if cond.approximate is not None and x.dtype != object:
        x = np.where(np.isnan(x), cols[cond.approximate.by], x)
    if cond.missing_as is None:
        return x
    if x.dtype == object:
        filled = x.copy()
        filled[pd.isna(x)] = cond.missing_as
        return filled
    fill = float(cond.missing_as)
    return np.where(np.isnan(x), fill, x)


def _threshold(cond: Condition, cols: Columns, n: int) -> np.ndarray | None:
    """Per-row threshold for banded conditions (NaN where the band field is missing)."""
    if cond.band_field is None:
        return None
    return _first_step(cols[cond.band_field], cond.bands, n)


def condition_status(cond: Condition, cols: Columns, n: int) -> np.ndarray:
    """check_condition element-wise: PASS / FAIL / MISSING codes."""
    x = _value(cond, cols)
    status = np.full(n, MISSING, dtype=np.int8)
    if x.dtype == object:
        present = ~pd.isna(x)
        series = pd.Series(x, dtype=object)
        if cond.op == "in":
            allowed = cond.value if isinstance(cond.value, tuple) else (cond.value,)
            ok = series.isin(list(allowed)).to_numpy()
        elif cond.op in ("eq", "ne"):
            ok = (series == cond.value).to_numpy()
            ok = ~ok if cond.op == "ne" else ok
        else:
            ok = np.zeros(n, dtype=bool)
        status[present] = np.where(ok[present], PASS, FAIL)
        return status
    target = _threshold(cond, cols, n)
    if target is None:
        value = cond.value  # a number or a flag here (true = 1.0); no value cannot be decided
        number = math.nan if value is None or isinstance(value, tuple) else float(value)
        target = np.full(n, number)
    present = ~np.isnan(x) & ~np.isnan(target)
    ok = _compare(cond.op, x, target)
    status[present] = np.where(ok[present], PASS, FAIL)
    return status


def _tree(rule: RuleTree, cols: Columns, n: int) -> np.ndarray:
    """tree_points element-wise (NaN = no line matched)."""
    if isinstance(rule, StepRule):
        return _first_step(cols[rule.field], rule.steps.steps, n)
    parts = [_tree(r, cols, n) for r in rule.rules]
    if isinstance(rule, MaxOf):
        out = parts[0]
        for p in parts[1:]:
            out = np.fmax(out, p)
        return out
    out = np.full(n, np.nan)
    for pts in parts:
        out = np.where(np.isnan(out), pts, out)
    return out


def _join(acc: np.ndarray, mask: np.ndarray, text: str) -> np.ndarray:
    """Append text to the rows in mask (only those rows are touched)."""
    idx = np.flatnonzero(mask)
    if idx.size:
        acc[idx] = [f"{a}；{text}" if a else text for a in acc[idx].tolist()]
    return acc


def tech_sme_columns(rs: TechSmeRuleSet, cols: Columns, n: int) -> dict[str, Any]:
    """score, sub-scores, qualifies, route and failed conditions for every row."""
    out: dict[str, Any] = {}
    failed = np.full(n, "", dtype=object)
    all_pass = np.ones(n, dtype=bool)
    for _cid, label, cond in rs.conditions:
        status = condition_status(cond, cols, n)
        all_pass &= status == PASS
        failed = _join(failed, status == FAIL, label)
        failed = _join(failed, status == MISSING, f"{label}（未提供）")
    total = np.zeros(n)
    parts: dict[str, np.ndarray] = {}
    for part in rs.parts:
        pts = np.nan_to_num(_tree(part.rule, cols, n), nan=0.0)
        parts[part.id] = pts
        total += pts
    route = np.full(n, None, dtype=object)
    score_ok = total >= rs.pass_score
    for pid in rs.positive_parts:
        score_ok &= parts[pid] > 0
    route[score_ok] = rs.score_route[0]
    for rid, _label, cond in rs.direct_routes:
        hit = (condition_status(cond, cols, n) == PASS) & pd.isna(route)
        route[hit] = rid
    qualifies = all_pass & ~pd.isna(route)
    out["score"] = total
    for pid, pts in parts.items():
        out[f"{pid}_score"] = pts
    out["qualifies"] = qualifies
    route[~qualifies] = None
    out["route"] = route
    out["failed_conditions"] = failed
    return out


def high_tech_columns(rs: HighTechRuleSet, cols: Columns, n: int) -> dict[str, Any]:
    """One status column per check and likely_meets for every row."""
    out: dict[str, Any] = {}
    names = {PASS: "pass", FAIL: "fail", MISSING: "needs_judgement"}
    likely = np.ones(n, dtype=bool)
    for check in rs.checks:
        if check.judgement:
            status = np.full(n, "needs_judgement", dtype=object)
        else:
            conds = check.conditions or check.any_of
            codes = [condition_status(c, cols, n) for c in conds]
            any_fail = np.any([c == FAIL for c in codes], axis=0)
            any_pass = np.any([c == PASS for c in codes], axis=0)
            any_missing = np.any([c == MISSING for c in codes], axis=0)
            if check.conditions:
                code = np.where(any_fail, FAIL, np.where(any_missing, MISSING, PASS))
            else:
                code = np.where(any_pass, PASS, np.where(any_missing, MISSING, FAIL))
            status = np.array([names[PASS], names[FAIL], names[MISSING]], dtype=object)[code]
        out[f"check_{check.id}"] = status
        if check.id in rs.required:
            likely &= status == "pass"
    out["likely_meets"] = likely
    return out
