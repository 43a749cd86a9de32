"""Reading one typed figure: bare numbers answering a question, and units that cannot be right."""

from __future__ import annotations

import re

from bot.core.scoring_port import FieldSpec, ParsedFigure
from bot.core.texts import Texts

__all__ = ["plain_number", "unit_problem"]

_COUNTABLE = ("persons", "count", "years")
_COUNT_UNITS = ("人", "名", "件", "个", "项", "年", "家", "次")
_PLAIN = re.compile(r"^(-?\d+(?:\.\d+)?)\s*(亿元|亿|千万元|千万|万元|万|元|%|％|人|名|件|个|项|年)?$")
_MULTIPLIER = {"亿元": 10000.0, "亿": 10000.0, "千万元": 1000.0, "千万": 1000.0, "万元": 1.0,
               "万": 1.0, "元": 0.0001}
_LIMITS = {"money": 1e8, "persons": 1e6, "count": 1e6, "years": 200.0, "percent": 1e4}


def unit_problem(spec: FieldSpec, item: ParsedFigure, texts: Texts) -> str | None:
    """A note when a figure is in the wrong unit ("研发人员3000万") or implausible; else None."""
    value = item.value
    if spec.kind in _COUNTABLE:
        money_unit = "元" in item.raw or (
            any(u in item.raw for u in ("万", "亿")) and not any(u in item.raw for u in _COUNT_UNITS)
        )
        if money_unit:
            return texts.get("wrong_unit", label=spec.label, unit=spec.unit or "个数", raw=item.raw)
    limit = _LIMITS.get(spec.kind)
    if limit is not None and isinstance(value, int | float) and abs(value) > limit:
        return texts.get("implausible", label=spec.label, value=item.raw or value)
    return None


def plain_number(spec: FieldSpec, part: str) -> ParsedFigure | None:
    """A bare number answering a question asked in spec's unit ("3000", "1.2亿", "12人")."""
    match = _PLAIN.match(part.replace(",", ""))
    if not match:
        return None
    number = float(match.group(1))
    unit = match.group(2)
    if spec.kind == "money" and unit in _MULTIPLIER:
        number *= _MULTIPLIER[unit]
    elif unit in _MULTIPLIER and spec.kind != "money":
        if unit in ("万", "亿"):
            number *= 10000.0 if unit == "万" else 1e8
        else:
            return ParsedFigure(spec.name, spec.label, number, part)  # flagged by the unit check
    elif spec.kind in ("enum", "bool"):
        return None
    value: float | int = int(number) if spec.kind in _COUNTABLE and number == int(number) else number
    return ParsedFigure(field=spec.name, label=spec.label, value=value, raw=part)
