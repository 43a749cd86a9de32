"""Headers that carry a year (带年度的列名): '2025年营收', '营业收入（2024年）', '去年研发费用',
'前年营收'. The latest year of a field is the field itself, the year before it the field's
前一年 twin (营业收入增长率 needs both); any other year is left out and said so, never guessed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from scoring.fields import FIELDS, normalize_text

__all__ = ["Dated", "dated", "resolve_years"]

_YEAR = r"((?:19|20)\d{2})\s*年?度?"


@dataclass(frozen=True)
class Dated:
    """A header's figure name without its period, and the period: a year, 'main' or 'prev'."""

    base: str
    year: int | None = None
    prev: bool = False


@cache
def _words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    text = resources.files("scoring").joinpath("rules/columns.yaml").read_text(encoding="utf-8")
    periods = yaml.safe_load(text)["periods"]
    return _longest_first(periods["main"]), _longest_first(periods["prev"])


def _longest_first(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(map(normalize_text, words), key=len, reverse=True))


def dated(key: str) -> Dated | None:
    """The period of a normalised header ('2025年营收' → 营收, 2025), or None when it names none."""
    m = re.match(rf"^{_YEAR}[_\-]*(.+)$", key)
    if m is not None and not m.group(2).isdigit():
        return Dated(m.group(2), int(m.group(1)))
    m = re.match(rf"^(.+?)[(\[_\-·]?{_YEAR}[)\]]?$", key)
    if m is not None and not m.group(1).isdigit():
        return Dated(m.group(1), int(m.group(2)))
    main, prev = _words()
    for words, is_prev in ((prev, True), (main, False)):  # 前一年 before 上年: the longer word wins
        for word in words:
            w = re.escape(word)
            m = re.match(rf"^{w}[_\-·]?(.+)$", key) or re.match(rf"^(.+?)[(\[_\-·]{w}[)\]]?$", key)
            if m is not None:
                return Dated(m.group(1), None, is_prev)
    return None


def resolve_years(found: list[tuple[str, str, Dated]]) -> tuple[dict[str, tuple[str, str]], list[str], int | None]:
    """(column, field, period) → {column: (field, note)}, notes on columns left out, and the
    latest year a field was given for (the sheet's data year)."""
    out: dict[str, tuple[str, str]] = {}
    notes: list[str] = []
    years: dict[str, list[tuple[int, str]]] = {}
    for column, fld, period in found:
        if period.year is None:
            target = FIELDS[fld].prev if period.prev else fld
            if target is None:
                notes.append(f"“{column}”是前一年的{FIELDS[fld].label}，评分不用前一年的这项数据，未使用")
            else:
                out[column] = (target, "")
            continue
        years.setdefault(fld, []).append((period.year, column))
    latest = max((max(y for y, _ in items) for items in years.values()), default=None)
    for fld, items in years.items():
        items.sort(reverse=True)
        top = items[0][0]
        for year, column in items:
            twin = FIELDS[fld].prev
            if year == top:
                out[column] = (fld, f"{year}年")
            elif year == top - 1 and twin is not None:
                out[column] = (twin, f"{year}年")
            else:
                notes.append(f"“{column}”是 {year} 年的数据：只用最近一年（{top} 年）"
                             + ("及其前一年" if twin else "") + "，未使用")
    return out, notes, latest
