"""Column-wise coercion and validation for batch scoring, mirroring validation.py message by message."""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from scoring.errors import InputError
from scoring.fields import DERIVED, FIELDS, FieldSpec, enum_lookup, field_spec, normalize_text
from scoring.validation import FALSE_WORDS, LARGEST, TRUE_WORDS, share_violation, too_large_message

__all__ = ["Columns", "Scale", "map_columns", "prepare_columns"]

Columns = dict[str, np.ndarray]
"""Field name -> array: float64 (NaN = missing) for numbers and bools, object (None) for enums."""


_HEADER_UNIT = re.compile(r"^(.*?)[(（]\s*(万元|元|千元|百万元|亿元|人|名|件|个|项|次|%|％|年)\s*[)）]\s*$")
_MONEY_SCALE = {"万元": ("mul", 1.0), "元": ("div", 10000.0), "千元": ("div", 10.0),
                "百万元": ("mul", 100.0), "亿元": ("mul", 10000.0)}
_SAME_UNIT = {"人": {"人", "名"}, "件": {"件", "个", "项"}, "次": {"次"}, "%": {"%", "％"}, "年": {"年"}}

Scale = tuple[str, float]
"""How a column's unit converts into the engine unit: ('mul', k) or ('div', k)."""


def _column(header: str) -> tuple[str, Scale] | None:
    """Field and unit scale of a header such as '上年度营业收入（元）', or None if not a field."""
    spec = field_spec(header)
    if spec is not None:
        return spec.name, ("mul", 1.0)
    m = _HEADER_UNIT.match(header.strip())
    if m is None:
        return None
    spec = field_spec(m.group(1))
    if spec is None:
        return None
    unit = m.group(2)
    if spec.kind == "money" and unit in _MONEY_SCALE:
        return spec.name, _MONEY_SCALE[unit]
    if unit in _SAME_UNIT.get(spec.unit, set()):
        return spec.name, ("mul", 1.0)
    raise InputError(spec.name, f"列“{header}”的单位与{spec.label}（{spec.unit or '无单位'}）不符")


def map_columns(df: pd.DataFrame) -> tuple[dict[str, str], dict[str, Scale]]:
    """Input column -> field name (by field name, Chinese label or alias, with an optional unit
    in brackets); other columns pass through. Also each mapped column's unit scale."""
    mapping: dict[str, str] = {}
    scales: dict[str, Scale] = {}
    seen: dict[str, str] = {}
    for col in df.columns:
        found = _column(str(col))
        if found is None:
            continue
        name, scale = found
        spec = FIELDS[name]
        if name in seen:
            raise InputError(name, f"“{seen[name]}”和“{col}”都表示{spec.label}，请只保留一列")
        seen[name] = str(col)
        mapping[str(col)] = name
        scales[str(col)] = scale
    if not mapping:
        raise InputError(None, "表格中没有可识别的数据列（列名应为字段名或中文名称，如“上年度营业收入”）")
    return mapping, scales


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


def _numeric(spec: FieldSpec, col: pd.Series, errors: np.ndarray) -> np.ndarray:
    if pd.api.types.is_bool_dtype(col):
        _set_error(errors, col.notna().to_numpy(), f"{spec.label}应为数字")
        return np.full(len(col), np.nan)
    if pd.api.types.is_numeric_dtype(col):
        values = col.to_numpy(dtype=float, na_value=np.nan, copy=True)
    else:
        raw = col.astype(object)
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan, copy=True)
        is_bool = np.array([isinstance(v, bool | np.bool_) for v in raw.to_numpy()], dtype=bool) if (
            raw.map(type).isin([bool, np.bool_]).any()) else np.zeros(len(raw), dtype=bool)
        retry = np.isnan(values) & raw.notna().to_numpy() & ~is_bool
        if retry.any():
            text = _as_text(raw[retry]).str.replace(",", "", regex=False).str.rstrip("%")
            again = pd.to_numeric(text.where(text != "", None), errors="coerce").to_numpy(dtype=float)
            values[retry] = again
            bad = np.zeros(len(raw), dtype=bool)
            bad[retry] = (text != "").to_numpy() & np.isnan(again)
            if bad.any():
                shown = _shown(raw, bad)
                _set_error(errors, bad, np.array([f"{spec.label}应为数字，收到“{v}”" for v in shown], dtype=object))
        _set_error(errors, is_bool, f"{spec.label}应为数字")
        values[is_bool] = np.nan
    inf = np.isinf(values)
    if inf.any():
        _set_error(errors, inf, f"{spec.label}应为有限的数字")
        values[inf] = np.nan
    if spec.kind == "count":
        frac = ~np.isnan(values) & (values != np.floor(values))
        _set_error(errors, frac, f"{spec.label}应为整数")
    return values


def _choice(spec: FieldSpec, col: pd.Series, errors: np.ndarray) -> np.ndarray:
    text = _as_text(col)
    present = (text != "").to_numpy()
    if spec.kind == "bool":
        lookup: dict[str, object] = {w: 1.0 for w in TRUE_WORDS}
        lookup |= {w: 0.0 for w in FALSE_WORDS}
        lookup |= {"1.0": 1.0, "0.0": 0.0}
        values = text.map(lookup).to_numpy(dtype=float, na_value=np.nan, copy=True)
        bad = present & np.isnan(values)
        if bad.any():
            shown = _shown(col, bad)
            _set_error(errors, bad, np.array([f"{spec.label}应为“是”或“否”，收到“{v}”" for v in shown], dtype=object))
        values[bad] = np.nan
        return values
    keys = enum_lookup(spec.name)
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    found = np.array([keys.get("".join(str(u).split())) for u in uniques] + [None], dtype=object)
    out = found[codes].copy()
    bad = present & pd.isna(out)
    if bad.any():
        options = "、".join(f"{k}（{v}）" for k, v in spec.choices.items())
        shown = _shown(col, bad)
        _set_error(
            errors, bad,
            np.array([f"{spec.label}的取值“{v}”无法识别，可选：{options}" for v in shown], dtype=object),
        )
        out[bad] = None
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


def prepare_columns(
    df: pd.DataFrame, mapping: Mapping[str, str], scales: Mapping[str, Scale] | None = None
) -> tuple[Columns, np.ndarray]:
    """Typed field arrays with derived ratios and defaults, plus each row's first error (or None)."""
    n = len(df)
    errors = np.full(n, None, dtype=object)
    cols: Columns = {}
    order = [(col, fld) for col, fld in mapping.items()]
    for col, fld in order:
        spec = FIELDS[fld]
        series = df[col]
        if spec.kind in ("bool", "enum"):
            cols[fld] = _choice(spec, series, errors)
        else:
            values = _numeric(spec, series, errors)
            op, k = (scales or {}).get(col, ("mul", 1.0))
            if k != 1.0:
                values = values / k if op == "div" else values * k
            cols[fld] = values
    for _, fld in order:
        spec = FIELDS[fld]
        if spec.kind in ("money", "count", "percent", "number"):
            _range(spec, cols[fld], errors)
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
            _set_error(errors, ok & (computed > 100), message)
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
