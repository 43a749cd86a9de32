"""Column-wise coercion and validation for batch scoring, mirroring validation.py message by message."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from scoring.batch_columns import ColumnUse, Scale, blank_cell
from scoring.batch_issues import CellIssues
from scoring.fields import DERIVED, FIELDS, FieldSpec, enum_lookup, normalize_text
from scoring.units import APPROX, normalize, read_cell, shorten
from scoring.validation import FALSE_WORDS, LARGEST, TRUE_WORDS, share_violation, too_large_message

__all__ = ["Columns", "complete_columns", "has_figure", "prepare_columns", "read_columns", "read_noted"]

Columns = dict[str, np.ndarray]
"""Field name -> array: float64 (NaN = missing) for numbers and bools, object (None) for enums."""


def _set_error(errors: np.ndarray, mask: np.ndarray, message: str | np.ndarray) -> None:
    """Record the first error of each row (later errors never overwrite earlier ones)."""
    target = mask & (errors == None)  # noqa: E711 - element-wise comparison
    if isinstance(message, np.ndarray):
        errors[target] = message[target]
    else:
        errors[target] = message


def _as_text(col: pd.Series) -> pd.Series:
    """Normalised text of each cell, computed once per distinct value (columns repeat a lot)."""
    codes, uniques = pd.factorize(col.astype(object), use_na_sentinel=True)
    norm = np.array(
        [normalize_text(str(v)).strip() for v in uniques] + [""], dtype=object
    )
    return pd.Series(norm[codes], index=col.index, dtype=object)


def _shown(col: pd.Series, mask: np.ndarray) -> np.ndarray:
    """The cell values as the user typed them (only where needed for messages)."""
    out = np.full(len(col), "", dtype=object)
    out[mask] = [str(v) for v in col.to_numpy(dtype=object)[mask]]
    return out


def _numeric(spec: FieldSpec, col: pd.Series, errors: np.ndarray, scale: Scale, notes: np.ndarray) -> np.ndarray:
    """Numbers in the engine unit: plain numbers scaled by the header's unit, and text cells
    ('1.2亿', '1,200', '600w') read by the product's one numeral reader with their own unit."""
    if pd.api.types.is_bool_dtype(col):
        _set_error(errors, col.notna().to_numpy(), f"{spec.label}应为数字")
        return np.full(len(col), np.nan)
    if pd.api.types.is_numeric_dtype(col):
        values = _scaled(col.to_numpy(dtype=float, na_value=np.nan, copy=True), scale, spec, errors)
        return _unsure_share(spec, values, notes)
    raw = col.astype(object)
    try:
        numeric = pd.to_numeric(raw, errors="coerce")
    except OverflowError:  # a Python int beyond 64 bits: read as text, refused as too large
        numeric = pd.to_numeric(raw.map(lambda v: str(v) if isinstance(v, int) else v), errors="coerce")
    values = numeric.to_numpy(dtype=float, na_value=np.nan, copy=True)
    is_bool = raw.map(type).isin([bool, np.bool_]).to_numpy()
    _set_error(errors, is_bool, f"{spec.label}应为数字")
    values[is_bool] = np.nan
    values = _unsure_share(spec, _scaled(values, scale, spec, errors), notes)
    retry = np.isnan(values) & raw.notna().to_numpy() & ~is_bool & pd.isna(notes)
    if retry.any():
        values[retry] = _read_text(spec, raw[retry], errors, retry, scale, notes)
    return values


def _unsure_share(spec: FieldSpec, values: np.ndarray, notes: np.ndarray) -> np.ndarray:
    """A bare 0.05 in a percentage column may mean 5 % or 0.05 %: left out and named, never guessed
    (a cell formatted as a percentage in Excel, or written '5%', is certain)."""
    if spec.kind != "percent":
        return values
    with np.errstate(invalid="ignore"):
        unsure = (np.abs(values) > 0) & (np.abs(values) < 1)
    for i in np.flatnonzero(unsure & pd.isna(notes)):
        v = float(values[i])
        notes[i] = f"{spec.label}填的是 {_plain(v)}，无法确定是 {_plain(v * 100)}% 还是 {_plain(v)}%，此格未使用；请改写为如“{_plain(v * 100)}%”"
    out = values.copy()
    out[unsure] = np.nan
    return out


def _plain(value: float) -> str:
    """A figure for a message: no exponent, no trailing zeros (44199, 4.2, 0.05)."""
    return format(round(value, 4), ",f").rstrip("0").rstrip(".")


def _scaled(values: np.ndarray, scale: Scale, spec: FieldSpec, errors: np.ndarray) -> np.ndarray:
    """Header unit applied; infinities and fractional counts flagged."""
    op, k = scale
    if k != 1.0:
        values = values / k if op == "div" else values * k
    inf = np.isinf(values)
    if inf.any():
        _set_error(errors, inf, f"{spec.label}应为有限的数字")
        values[inf] = np.nan
    if spec.kind == "count":
        frac = ~np.isnan(values) & (values != np.floor(values))
        _set_error(errors, frac, f"{spec.label}应为整数")
    return values


def _read_text(
    spec: FieldSpec, cells: pd.Series, errors: np.ndarray, where: np.ndarray, scale: Scale, notes: np.ndarray
) -> np.ndarray:
    """Text cells read once per distinct value; a cell without its own unit takes the header's.
    '—', 'N/A', '不详' are blank cells (named in notes); '约300万' is read as said (named too)."""
    codes, uniques = pd.factorize(cells.map(str), use_na_sentinel=True)
    read = [(None, False, None) if blank_cell(str(u)) else read_cell(spec.name, str(u)) for u in uniques]
    op, k = scale
    value = np.array([
        np.nan if v is None else v if own or k == 1.0 else v / k if op == "div" else v * k
        for v, own, _ in read
    ] + [np.nan])
    plain = np.array([not own for _, own, _ in read] + [False])
    said = np.full(len(read) + 1, None, dtype=object)
    plain_notes = np.full(int(plain.sum()), None, dtype=object)
    value[plain] = _unsure_share(spec, value[plain], plain_notes)
    said[plain] = plain_notes
    for j, u in enumerate(uniques):
        if blank_cell(str(u)):
            said[j] = f"“{shorten(str(u).strip())}”不是数字，按未填计（该项 0 分）"
        elif APPROX in normalize(str(u)) and not np.isnan(value[j]):
            said[j] = f"约数，按 {_plain(float(value[j]))} {spec.unit} 计"
    idx = np.flatnonzero(where)
    _put(notes, idx, said[codes])
    problem = np.array([p for _, _, p in read] + [None], dtype=object)
    _put(errors, idx, problem[codes])
    out = value[codes]
    if spec.kind == "count":
        frac = ~np.isnan(out) & (out != np.floor(out))
        sub = np.zeros(len(errors), dtype=bool)
        sub[idx] = frac
        _set_error(errors, sub, f"{spec.label}应为整数")
    return out


def _put(target: np.ndarray, idx: np.ndarray, problems: np.ndarray) -> None:
    """Row problems of a subset (idx) into a full-length array, the first per row kept."""
    full = np.full(len(target), None, dtype=object)
    full[idx] = problems
    _set_error(target, pd.notna(full), full)


_BOOL_WORDS: dict[str, float] = {**{w: 1.0 for w in TRUE_WORDS}, **{w: 0.0 for w in FALSE_WORDS}, "1.0": 1.0, "0.0": 0.0}


def _choice(spec: FieldSpec, col: pd.Series, errors: np.ndarray, notes: np.ndarray) -> np.ndarray:
    """Bool (1.0/0.0/NaN) or enum (value/None) cells, read once per distinct cell value; a
    '—'/'不详' cell that is not a choice word is blank (named in notes)."""
    if spec.kind == "bool" and pd.api.types.is_bool_dtype(col):
        return col.to_numpy(dtype=float, na_value=np.nan, copy=True)
    codes, uniques = pd.factorize(col.astype(object), use_na_sentinel=True)
    text = [normalize_text(str(u)).strip() for u in uniques]
    present = (codes >= 0) & np.array([t != "" for t in text] + [False])[codes]
    keys = enum_lookup(spec.name) if spec.kind == "enum" else {}
    read: list[float | str | None] = [
        _BOOL_WORDS.get(t) if spec.kind == "bool" else keys.get("".join(t.split())) for t in text
    ]
    unread = np.array([r is None for r in read] + [False])[codes]
    marker = unread & np.array([blank_cell(str(u)) for u in uniques] + [False])[codes]
    if marker.any():
        _set_error(notes, marker, np.array([f"“{shorten(v.strip())}”不是可识别的取值，按未填计"
                                            for v in _shown(col, marker)], dtype=object))
    bad = present & unread & ~marker
    if spec.kind == "bool":
        values = np.array([np.nan if r is None else r for r in read] + [np.nan])[codes]
        if bad.any():
            shown = _shown(col, bad)
            _set_error(errors, bad, np.array([f"{spec.label}应为“是”或“否”，收到“{v}”" for v in shown], dtype=object))
        return values
    out = np.array([*read, None], dtype=object)[codes]
    if bad.any():
        options = "、".join(f"{k}（{v}）" for k, v in spec.choices.items())
        shown = _shown(col, bad)
        _set_error(
            errors, bad,
            np.array([f"{spec.label}的取值“{v}”无法识别，可选：{options}" for v in shown], dtype=object),
        )
    return out


def _range(spec: FieldSpec, values: np.ndarray, errors: np.ndarray) -> None:
    known = ~np.isnan(values)
    _set_error(errors, known & (np.abs(values) > LARGEST), too_large_message(spec))
    if spec.min is not None:
        message = (
            f"{spec.label}不能为负数" if spec.min == 0 else f"{spec.label}不能低于 {spec.min:g}{spec.unit}"
        )
        _set_error(errors, known & (values < spec.min), message)
    if spec.max is not None:
        _set_error(errors, known & (values > spec.max), f"{spec.label}应在 0–{spec.max:g}% 之间")


def prepare_columns(df: pd.DataFrame, uses: Sequence[ColumnUse]) -> tuple[Columns, np.ndarray]:
    """Typed field arrays with derived ratios and defaults, plus each row's first error (or None)."""
    cols, errors = read_columns(df, uses)
    return complete_columns(cols, errors, len(df))


def has_figure(cols: Columns) -> np.ndarray:
    """Rows where at least one read column holds a value (before derived ratios and defaults)."""
    out = np.zeros(len(next(iter(cols.values()))) if cols else 0, dtype=bool)
    for values in cols.values():
        out |= ~pd.isna(values) if values.dtype == object else ~np.isnan(values)
    return out


def read_columns(df: pd.DataFrame, uses: Sequence[ColumnUse]) -> tuple[Columns, np.ndarray]:
    """Typed arrays of the columns in use and each row's first cell error (or None)."""
    cols, errors, _ = read_noted(df, uses)
    return cols, errors


def read_noted(df: pd.DataFrame, uses: Sequence[ColumnUse]) -> tuple[Columns, np.ndarray, CellIssues]:
    """read_columns, plus what was noticed about each cell (its error, or a doubt it was read with).

    Several columns for one field (实用新型 + 软著 …) are summed; a row where all are blank
    stays missing.
    """
    n = len(df)
    errors = np.full(n, None, dtype=object)
    issues = CellIssues(n)
    cols: Columns = {}
    for use in uses:
        spec = FIELDS[use.field]
        series = df[use.column]
        cell_errors = np.full(n, None, dtype=object)
        notes = np.full(n, None, dtype=object)
        if spec.kind in ("bool", "enum"):
            values = _choice(spec, series, cell_errors, notes)
        else:
            values = _numeric(spec, series, cell_errors, use.scale, notes)
        issues.add(use.column, cell_errors, error=True)
        issues.add(use.column, notes, error=False)
        _set_error(errors, pd.notna(cell_errors), cell_errors)
        if use.field in cols and spec.kind not in ("bool", "enum"):
            before = cols[use.field]
            values = np.where(np.isnan(before), values, np.where(np.isnan(values), before, before + values))
        cols[use.field] = values
    return cols, errors, issues


def complete_columns(
    read: Columns, errors: np.ndarray, n: int, where: Callable[[str, np.ndarray], None] | None = None
) -> tuple[Columns, np.ndarray]:
    """Range checks, derived ratios (shares checked) and defaults on read columns; where(field,
    rows) is told which rows each field's check refused (so 需核对 can name the column)."""
    cols = dict(read)
    for fld in read:
        spec = FIELDS[fld]
        if spec.kind in ("money", "count", "percent", "number"):
            clean = pd.isna(errors)
            _range(spec, cols[fld], errors)
            if where is not None:
                where(fld, clean & pd.notna(errors))
    for name, d in DERIVED.items():
        num, den = cols.get(d.num), cols.get(d.den)
        given = cols.get(name)
        if num is None or den is None:
            continue
        ok = ~np.isnan(num) & ~np.isnan(den) & (den > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            computed = num / den * 100 if d.op == "ratio" else (num / den - 1) * 100
        computed = np.where(ok, computed, np.nan)
        if FIELDS[name].share:
            message = share_violation(name).message
            clean = pd.isna(errors)
            _set_error(errors, ok & (computed > 100), message)
            if where is not None:
                where(d.num, clean & pd.notna(errors))
        cols[name] = computed if given is None else np.where(np.isnan(given), computed, given)
    for name, spec in FIELDS.items():
        if spec.default is not None:
            default = 1.0 if spec.default is True else 0.0
            if name not in cols:
                cols[name] = np.full(n, default)
            else:
                cols[name] = np.where(np.isnan(cols[name]), default, cols[name])
        elif name not in cols:
            cols[name] = np.full(n, None, dtype=object) if spec.kind == "enum" else np.full(n, np.nan)
    return cols, errors
