"""What it takes to pass (差距测算): per condition the firm's value, the threshold and the change
of one input that closes the gap — each change checked by re-running the same engine."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from scoring.errors import InputError
from scoring.fields import DERIVED, FIELDS, Value, format_value, with_unit
from scoring.model import Condition, Target
from scoring.qualification import check_condition
from scoring.validation import coerce, complete

__all__ = [
    "Gap",
    "GapStatus",
    "Lever",
    "condition_gap",
    "fmt_number",
    "given_and_values",
    "lever_for",
    "lever_phrase",
]

_SYMBOL = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "=", "ne": "≠"}
_PERSON_UNITS = ("人",)

GapStatus = Literal["pass", "fail", "missing", "needs_judgement"]
"""A condition's or check's standing (a check is never 'missing': it needs judgement)."""


@dataclass(frozen=True)
class Lever:
    """The input to change and to what value (before None = not given); hires for staff ratios."""

    field: str
    label: str
    before: float | int | None
    after: float | int
    hires: int | None = None  # new hires needed when they also join the headcount

    @property
    def delta(self) -> float:
        """How much the input must move (positive = increase)."""
        return float(self.after) - float(self.before or 0)


@dataclass(frozen=True)
class Gap:
    """One condition: the firm's value against the threshold, and what closes the gap."""

    id: str
    label: str
    status: GapStatus
    measure: str | None
    value: Value | None
    op: str | None
    threshold: Target | None
    band: str | None  # "营业收入 ≤5000 万元" when the threshold depends on a band
    lever: Lever | None
    missing: tuple[str, ...]  # fields to supply so the condition can be decided
    assumed: bool  # a yes/no condition decided only by its default: ask, do not assume
    text: str


def fmt_number(value: float | int) -> str:
    """12.0 -> '12', 3.3333 -> '3.33'."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def _shown(field: str, value: Target | None) -> str:
    spec = FIELDS[field]
    if spec.kind in ("bool", "enum") or value is None or isinstance(value, tuple):
        return format_value(field, value)
    return with_unit(fmt_number(float(value)), spec.unit)


def _shown_beside(field: str, value: Value, threshold: Target | None) -> str:
    """The firm's value, with as many decimals as it takes not to read as the threshold (59.997% ≠ 60%)."""
    shown = _shown(field, value)
    if not isinstance(value, int | float) or not isinstance(threshold, int | float) or value == threshold:
        return shown
    if shown != _shown(field, threshold):
        return shown
    for places in range(3, 7):
        number = f"{float(value):.{places}f}".rstrip("0").rstrip(".")
        if number != fmt_number(float(threshold)):
            return with_unit(number, FIELDS[field].unit)
    return shown


def _round(field: str, x: float, up: bool) -> float | int:
    """Whole persons and counts; money and shares to 0.01."""
    if FIELDS[field].kind == "count":
        return math.ceil(x - 1e-9) if up else math.floor(x + 1e-9)
    return math.ceil(x * 100 - 1e-6) / 100 if up else math.floor(x * 100 + 1e-6) / 100


def _step(field: str) -> float:
    return 1.0 if FIELDS[field].kind == "count" else 0.01


def _passes(cond: Condition, given: Mapping[str, Value], changes: Mapping[str, Value]) -> bool:
    """Re-run validation and the condition on a copy with the changes applied."""
    trial = {**given, **changes}
    try:
        values, _ = complete(trial)
    except InputError:
        return False
    return check_condition(cond, values) == "pass"


def _solve(cond: Condition, values: Mapping[str, Value], given: Mapping[str, Value]) -> tuple[str, float] | None:
    """(input field, value it needs) for a numeric condition, from the derived definition."""
    target = cond.threshold(values)
    if target is None or isinstance(target, tuple) or FIELDS[cond.field].kind in ("bool", "enum"):
        return None
    t = float(target)
    if cond.field in DERIVED and cond.field not in given:
        d = DERIVED[cond.field]
        den = values.get(d.den)
        if values.get(d.num) is None or den is None or float(den) <= 0:
            return None
        need = t / 100 * float(den) if d.op == "ratio" else float(den) * (1 + t / 100)
        return d.num, need
    return cond.field, t


def lever_for(cond: Condition, values: Mapping[str, Value], given: Mapping[str, Value]) -> Lever | None:
    """The smallest change of one input that makes cond pass, confirmed by the engine."""
    solved = _solve(cond, values, given)
    if solved is None:
        return None
    field, need = solved
    up = cond.op in ("ge", "gt")
    after = _round(field, need, up)
    for _ in range(4):
        if _passes(cond, given, {field: after}):
            break
        after = _round(field, float(after) + (_step(field) if up else -_step(field)), up)
    else:
        return None
    before = values.get(field)
    number = before if isinstance(before, int | float) else None  # a solved field is numeric
    return Lever(field, FIELDS[field].short_label, number, after, _hires(cond, values, given, field))


def _hires(cond: Condition, values: Mapping[str, Value], given: Mapping[str, Value], field: str) -> int | None:
    """For a staff share: new hires that also raise the headcount (x ≥ (t·den − num)/(1 − t))."""
    d = DERIVED.get(cond.field)
    if d is None or d.num != field or FIELDS[d.den].unit not in _PERSON_UNITS or cond.op not in ("ge", "gt"):
        return None
    threshold = cond.threshold(values)
    if threshold is None or isinstance(threshold, tuple):
        return None
    t = float(threshold) / 100
    num, den = float(values[d.num]), float(values[d.den])
    if t >= 1:
        return None
    x = max(0, math.ceil((t * den - num) / (1 - t) - 1e-9))
    for _ in range(4):
        if _passes(cond, given, {d.num: int(num) + x, d.den: int(den) + x}):
            return x
        x += 1
    return None


def lever_phrase(lever: Lever) -> str:
    """'还需增加 6 名研发人员' / '还需增加 50 万元研发费用' / '超出上限 100 人（上限 500 人）'."""
    spec = FIELDS[lever.field]
    delta = lever.delta
    amount = fmt_number(abs(delta))
    if spec.unit == "人":
        thing = f"{amount} 名{lever.label}"
    elif spec.unit == "%":
        thing = f"{lever.label} {amount} 个百分点"
    elif spec.unit:
        thing = f"{amount} {spec.unit}{lever.label}"
    else:
        thing = f"{lever.label} {amount}"
    if delta < 0:  # a cap ("职工 ≤500 人"): say how far over it is, not "reduce your staff"
        over = f"{amount} {spec.unit}" if spec.unit else amount
        return f"超出上限 {over}（上限 {_shown(lever.field, lever.after)}）"
    text = f"还需增加 {thing}"
    if lever.before is None:
        text = f"{lever.label}需达到 {_shown(lever.field, lever.after)}"
    if lever.hires is not None and lever.hires != round(delta):
        text += f"（若全部新招聘，需招 {lever.hires} 名）"
    return text


def _band(cond: Condition, values: Mapping[str, Value]) -> str | None:
    """'营业收入 ≤5000 万元' for a threshold picked by another field's band."""
    if cond.band_field is None:
        return None
    x = values.get(cond.band_field)
    if x is None:
        return None
    lower: float | None = None
    label = FIELDS[cond.band_field].short_label
    for band in cond.bands:
        if band.op is None or (band.op in ("le", "lt") and float(x) <= band.threshold):
            upper = band.threshold if band.op is not None else None
            lo = f"{_shown(cond.band_field, lower)}<" if lower is not None else ""
            hi = f" ≤{_shown(cond.band_field, upper)}" if upper is not None else ""
            if lo and hi:
                return f"{lo}{label}{hi}"
            return f"{label}{hi}" if hi else f"{label} >{_shown(cond.band_field, lower)}"
        lower = band.threshold
    return None


def _missing_inputs(cond: Condition, values: Mapping[str, Value]) -> tuple[str, ...]:
    need: list[str] = []
    if values.get(cond.field) is None:
        d = DERIVED.get(cond.field)
        need += [f for f in ((d.num, d.den) if d else (cond.field,)) if values.get(f) is None]
    if cond.band_field and values.get(cond.band_field) is None:
        need.append(cond.band_field)
    return tuple(dict.fromkeys(need))


def condition_gap(
    cid: str, label: str, cond: Condition, values: Mapping[str, Value], given: Mapping[str, Value]
) -> Gap:
    """The gap of one condition, with the firm's value, threshold, band and lever."""
    stand_in = cond.stand_in(values)  # one year's ratio for the three-year one: evaluated, and named
    cond = cond.effective(values)
    status = check_condition(cond, values)
    spec = FIELDS[cond.field]
    value = values.get(cond.field) if cond.field in values else None
    threshold = cond.threshold(values)
    assumed = cond.field not in given and cond.missing_as is not None and spec.kind in ("bool", "enum")
    band = _band(cond, values)
    missing = _missing_inputs(cond, values) if status == "missing" else ()
    lever = lever_for(cond, values, given) if status == "fail" else None
    if spec.kind in ("bool", "enum"):
        head = label
        tail = "未确认" if assumed or status == "missing" else ("符合" if status == "pass" else "不符合")
        text = f"{head}：{tail}"
    else:
        shown = "未提供" if value is None else _shown_beside(cond.field, value, threshold)
        need = f"要求 {_SYMBOL.get(cond.op, cond.op)}{_shown(cond.field, threshold)}" if threshold is not None else ""
        note = "，".join(p for p in (stand_in.tag if stand_in else "", band, need) if p)
        head = f"{spec.short_label} {shown}" + (f"（{note}）" if note else "")
        if status == "pass":
            tail = "已达标"
        elif status == "missing":
            tail = "需补充" + "、".join(FIELDS[f].short_label for f in missing) if missing else "需补充数据"
        else:
            tail = lever_phrase(lever) if lever is not None else "未达标"
        text = f"{head}：{tail}"
    return Gap(cid, label, status, cond.field, value, cond.op, threshold, band, lever, missing, assumed, text)


def given_and_values(figures: Mapping[str, object]) -> tuple[dict[str, Value], dict[str, Value]]:
    """(coerced figures as given, completed values with derived ratios and defaults)."""
    given = coerce(figures)
    values, _ = complete(given)
    return given, values
