"""What each firm of a batch lacks (差距): the cells left blank (scored as 0, never guessed),
how far the next band is, and the indicators with the most points still to gain."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from scoring.batch_columns import ColumnUse
from scoring.batch_issues import CellIssues
from scoring.batch_values import Columns
from scoring.fields import FIELDS
from scoring.model import Curve, Levels, PointsRuleSet, Rule

__all__ = ["TOP_BAND", "absent_indicators", "gap_columns", "indicator_top", "missing_texts"]

LEVERS = 2  # indicators named per firm
TOP_BAND = "已在最高档"
_MIN_GAIN = 0.005  # points below this are not worth naming


def indicator_top(rule: Rule) -> float:
    """The best score an indicator's rule can give (the 's' its weight multiplies)."""
    if isinstance(rule, Curve):
        return float(max(rule.ss))
    if isinstance(rule, Levels):
        return float(max(rule.levels.values(), default=0.0))
    return float(max((step.s for step in rule.steps), default=0.0))


def missing_texts(
    read: Columns, cols: Columns, uses: Sequence[ColumnUse], hide: np.ndarray, issues: CellIssues | None = None
) -> np.ndarray:
    """Per row, the sheet's columns left blank there (their figure counts as missing: 0 points),
    named as the sheet names them; '' where none, or where the row has an error. A blank ratio
    column computed from its parts, or a cell already named in 需核对, is not listed."""
    headers: dict[str, list[str]] = {}
    for use in uses:
        headers.setdefault(use.field, []).append(use.column)
    shown = [" + ".join(f"“{c}”" for c in headers.get(fld, [fld])) for fld in read]
    blanks = np.zeros((len(read), len(hide)), dtype=bool)
    for j, (fld, x) in enumerate(read.items()):
        done = cols.get(fld, x)
        still = pd.isna(done) if done.dtype == object else np.isnan(done)
        blanks[j] = (pd.isna(x) if x.dtype == object else np.isnan(x)) & still & ~hide
        for column in headers.get(fld, []):
            if issues is not None and column in issues.notes:
                blanks[j] &= pd.isna(issues.notes[column])
    return _joined(blanks, shown)


def _joined(marks: np.ndarray, words: Sequence[str]) -> np.ndarray:
    """Per column of marks (words × rows), the marked words joined with 、; each distinct
    combination is joined once (a sheet has few), so 100,000 rows cost milliseconds."""
    if not len(words):
        return np.full(marks.shape[1], "", dtype=object)
    packed = np.ascontiguousarray(np.packbits(marks, axis=0).T)  # one row of bytes a sheet row
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, which = np.unique(keys, return_index=True, return_inverse=True)
    texts = np.array(["、".join(w for w, on in zip(words, marks[:, i].tolist(), strict=True) if on)
                      for i in first.tolist()], dtype=object)
    return texts[which.reshape(-1)]

def absent_indicators(rs: PointsRuleSet, cols: Columns) -> list[str]:
    """Indicators no row has a figure for (the sheet has no such column): 0 points for all."""
    out = []
    for ind in rs.indicators:
        x = cols[ind.field]
        blank = pd.isna(x) if x.dtype == object else np.isnan(x)
        if len(x) and blank.all():
            out.append(_label(ind.field))
    return out


def _label(fld: str) -> str:
    return str(FIELDS[fld].label) if fld in FIELDS else fld


def gap_columns(
    rs: PointsRuleSet, totals: np.ndarray, lost: np.ndarray, vetoed: np.ndarray, hide: np.ndarray
) -> dict[str, np.ndarray]:
    """Per row: the next band, the points to it, and the indicators with the most points still
    to gain (lost: indicators × rows). Blank for vetoed rows, rows with errors or no total.
    Vectorised: 100,000 firms in milliseconds."""
    mins = sorted((m, label) for m, label in rs.bands if m is not None)
    edges = np.array([m for m, _ in mins], dtype=float)
    n = len(totals)
    show = ~hide & ~vetoed & ~np.isnan(totals)
    k = np.searchsorted(edges, np.nan_to_num(totals, nan=-1.0), side="right")  # the next band's index
    bands = np.array([label for _, label in mins] + [TOP_BAND], dtype=object)
    to_next = np.append(edges, np.nan)[k] - totals
    names = np.array([_label(ind.field) for ind in rs.indicators], dtype=object)
    columns = np.arange(n)
    picked = np.zeros((len(names), n), dtype=bool)
    taken = []
    for _ in range(min(LEVERS, len(lost))):  # the largest gain, then the next (lost restored after)
        row = lost.argmax(axis=0)
        gain = lost[row, columns]
        picked[row, columns] |= gain >= _MIN_GAIN
        lost[row, columns] = -np.inf
        taken.append((row, gain))
    for row, gain in reversed(taken):
        lost[row, columns] = gain
    levers = _joined(picked, list(names))  # in the rule set's order of indicators
    return {
        "next_band": np.where(show, bands[k], ""),
        "to_next_band": np.where(show, np.round(to_next, 2), np.nan),
        "levers": np.where(show, levers, ""),
    }
