"""Coercion, validation (校验) and derived ratios of one firm's figures, shared by every rule set."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import SupportsFloat

from scoring.errors import InputError
from scoring.fields import (
    DERIVED,
    FIELDS,
    FieldSpec,
    Value,
    enum_lookup,
    field_spec,
    normalize_text,
)
from scoring.units import read_cell

__all__ = [
    "FALSE_WORDS",
    "LARGEST",
    "TRUE_WORDS",
    "coerce",
    "complete",
    "derive",
    "prepare",
    "share_violation",
    "too_large_message",
    "validate",
]

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "是", "有", "对", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "否", "无", "没有", "不是", "f"})


def _number(spec: FieldSpec, value: object) -> float | int | None:
    if isinstance(value, bool):
        raise InputError(spec.name, f"{spec.label}应为数字")
    if isinstance(value, int):
        if abs(value) > LARGEST:  # a 400-digit int would overflow float() further on
            raise InputError(spec.name, too_large_message(spec))
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise InputError(spec.name, f"{spec.label}应为有限的数字")
        return value
    if isinstance(value, str):
        number, _own_unit, problem = read_cell(spec.name, value)
        if problem is not None:
            raise InputError(spec.name, problem)
        if number is None:
            return None
        return int(number) if number.is_integer() else number
    if not isinstance(value, SupportsFloat):  # numpy scalars, Decimal
        raise InputError(spec.name, f"{spec.label}应为数字")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(spec.name, f"{spec.label}应为数字") from None
    return None if math.isnan(number) else number


def _coerce_one(spec: FieldSpec, value: object) -> Value | None:
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        word = normalize_text(str(value)).strip()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise InputError(spec.name, f"{spec.label}应为“是”或“否”，收到“{value}”")
    if spec.kind == "enum":
        found = enum_lookup(spec.name).get("".join(normalize_text(str(value)).split()))
        if found is not None:
            return found
        options = "、".join(f"{k}（{v}）" for k, v in spec.choices.items())
        raise InputError(spec.name, f"{spec.label}的取值“{value}”无法识别，可选：{options}")
    number = _number(spec, value)
    if number is None:
        return None
    if spec.kind == "count":
        if float(number) != math.floor(float(number)):
            raise InputError(spec.name, f"{spec.label}应为整数")
        return int(number)
    return number


def coerce(figures: Mapping[str, object]) -> dict[str, Value]:
    """Field names or Chinese labels -> typed values; blanks dropped; bad values raise InputError."""
    out: dict[str, Value] = {}
    for key, value in figures.items():
        spec = field_spec(str(key))
        if spec is None:
            raise InputError(str(key), f"不认识的数据项：{key}")
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        coerced = _coerce_one(spec, value)
        if coerced is not None:
            out[spec.name] = coerced
    return out


LARGEST = 1e12
"""No firm figure is this large in its unit (1e12 万元, persons, %): a typing or unit mistake."""


def too_large_message(spec: FieldSpec) -> str:
    """The message for an absurdly large figure (shared with batch scoring)."""
    return f"{spec.label}数值过大，请检查单位（金额以万元计）"


def _check_range(spec: FieldSpec, value: float) -> None:
    if abs(value) > LARGEST:
        raise InputError(spec.name, too_large_message(spec))
    if spec.min is not None and value < spec.min:
        if spec.min == 0:
            raise InputError(spec.name, f"{spec.label}不能为负数")
        raise InputError(spec.name, f"{spec.label}不能低于 {spec.min:g}{spec.unit}")
    if spec.max is not None and value > spec.max:
        raise InputError(spec.name, f"{spec.label}应在 0–{spec.max:g}% 之间")


def share_violation(name: str) -> InputError:
    """The error for a derived share above 100 %, blamed on its numerator field."""
    d = DERIVED[name]
    num, den = FIELDS[d.num], FIELDS[d.den]
    return InputError(num.name, f"{num.label}不能大于{den.label}")


def derive(values: Mapping[str, Value]) -> dict[str, float]:
    """Derived ratios from operands (both known, denominator > 0), else missing."""
    out: dict[str, float] = {}
    for name, d in DERIVED.items():
        num = values.get(d.num)
        den = values.get(d.den)
        if not isinstance(num, int | float) or not isinstance(den, int | float) or not den > 0:
            continue  # not given (operands are numbers once coerced)
        if d.op == "ratio":
            out[name] = num / den * 100
        else:
            out[name] = (num / den - 1) * 100
    return out


def _check_totals(values: Mapping[str, Value]) -> None:
    """A 近三年 total holds last year's figure: '近三年营收0' beside '营收3000万' cannot be right."""
    for name, spec in FIELDS.items():
        total = spec.three_year
        if total is None or spec.kind != "money":
            continue
        one, three = values.get(name), values.get(total)
        if isinstance(one, int | float) and isinstance(three, int | float) and three < one:
            raise InputError(total, f"{FIELDS[total].label}（含上年度）不能小于{spec.label}")


def prepare(figures: Mapping[str, object]) -> tuple[dict[str, Value], list[str]]:
    """Coerced, validated figures with derived ratios filled in, plus warnings."""
    return complete(coerce(figures))


def complete(
    coerced: Mapping[str, Value], *, changed: str | None = None
) -> tuple[dict[str, Value], list[str]]:
    """Range checks, derived ratios and defaults on already coerced figures.

    ``changed`` names the only field that differs from figures already checked (re-scoring for
    suggestions), so only its range is checked again; derived shares are always checked.
    """
    values = dict(coerced)
    warnings: list[str] = []
    for name, value in values.items():
        if changed is not None and name != changed:
            continue
        spec = FIELDS[name]
        if spec.kind in ("money", "count", "percent", "number"):
            _check_range(spec, float(value))
    _check_totals(values)
    computed = derive(values)
    for name, value in computed.items():
        if FIELDS[name].share and value > 100:
            raise share_violation(name)
        given = values.get(name)
        if given is None:
            values[name] = value
        elif abs(float(given) - value) > 0.5:
            warnings.append(
                f"{FIELDS[name].label}按您直接给出的 {float(given):g}% 计算"
                f"（由原始数据算得 {value:.2f}%）"
            )
    for name, spec in FIELDS.items():
        if spec.default is not None and name not in values:
            values[name] = spec.default
    return values, warnings


def validate(figures: Mapping[str, object]) -> None:
    """Raise InputError (naming the field in Chinese) if the figures cannot be scored."""
    prepare(figures)
