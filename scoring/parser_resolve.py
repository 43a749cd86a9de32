"""Settling what a message's figures mean (数值归并): year words, summed parts, conflicts.

One reading of the year words, the form's: the main field is 上年度 (last year), its *_prev
field the year before. '去年/上年/上年度' always mean the main field and '前年/前一年/上上年' the
*_prev field. A figure with no year (or '今年') beside a '去年' figure of the same field cannot
be placed: it is named back, never shifted to another year. A calendar year is read against the
data year (the last full fiscal year, from the caller's clock): the data year is 上年度, the year
before it 前一年; any other year (older, or this year still running) is named back, never stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from scoring.fields import FIELDS, Alias, Value, format_value
from scoring.parser_words import yearly_fields
from scoring.units import APPROX

__all__ = ["ParsedFigures", "ParsedItem", "Raw", "resolve"]


@dataclass(frozen=True)
class ParsedItem:
    """One understood figure: field, its Chinese label, value in engine units, the text it came from."""

    field: str
    label: str
    value: Value
    raw: str
    approx: bool = False  # said as an approximate figure ('约3000万'): the echo says 约

    def describe(self) -> str:
        """'上年度营业收入：12000 万元（营收1.2亿）' for echoing back to the user."""
        return f"{self.label}：{format_value(self.field, self.value)}（{self.raw}）"


@dataclass
class ParsedFigures:
    """What a message yielded: values by field, the items understood, problems in Chinese."""

    values: dict[str, Value] = field(default_factory=dict)
    understood: list[ParsedItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # fields named with an unusable figure
    unknown: list[str] = field(default_factory=list)  # fields said to be not known ("研发费用不清楚")


@dataclass
class Raw:
    """One figure as read, before the year words and parts are settled."""

    field: str
    alias: Alias | None
    value: Value
    raw: str
    when: str | int | None
    approx: bool = False


def _on_years(raws: list[Raw], result: ParsedFigures) -> list[Raw]:
    """Each figure on its form year: 去年 → main field, 前年 → *_prev; a year-less one beside 去年 is named."""
    main_of = {spec.prev: name for name, spec in FIELDS.items() if spec.prev}
    by_base: dict[str, list[Raw]] = {}
    for raw in raws:
        base = main_of.get(raw.field, raw.field) if raw.when == "last" else raw.field
        by_base.setdefault(base, []).append(raw)
    final: list[Raw] = []
    for base, items in by_base.items():
        prev_field = FIELDS[base].prev
        if prev_field is None:
            final.extend(replace(r, field=base) for r in items)
            continue
        last = [r for r in items if r.when == "last"]
        for r in items:
            if last and r.when in (None, "now"):  # '营收3500万，去年3000万': 3500 is not 上年度
                if all(repr(r.value) != repr(x.value) for x in last):
                    short = FIELDS[base].short_label
                    result.problems.append(
                        f"{short}：测算按“去年”（上年度）的数；“{r.raw}”没写年度或不是上年度，未使用"
                        f"（前一年的数请写“前年{short}…”）"
                    )
                continue
            final.append(replace(r, field=prev_field if r.when == "prev" else base))
    return final


def _calendar(raws: list[Raw], result: ParsedFigures, data_year: int) -> list[Raw]:
    """'2025年营收' → 上年度, '2024年营收' → 前一年 (data year 2025); '2023年'/'2026年' named back."""
    main_of = {spec.prev: name for name, spec in FIELDS.items() if spec.prev}
    kept: list[Raw] = []
    for raw in raws:
        base = main_of.get(raw.field, raw.field)
        if not isinstance(raw.when, int) or base not in yearly_fields():
            kept.append(raw)
            continue
        has_prev = FIELDS[base].prev is not None
        if raw.when == data_year:
            kept.append(replace(raw, field=base, when="last"))
            continue
        if raw.when == data_year - 1 and has_prev:
            kept.append(replace(raw, field=base, when="prev"))
            continue
        short = FIELDS[base].short_label
        used = f"上年度（{data_year}年）" + (f"和前一年（{data_year - 1}年）" if has_prev else "")
        what = f"今年（{raw.when}年，尚未结束）" if raw.when == data_year + 1 else f"{raw.when}年"
        if raw.when > data_year + 1:
            what = f"{raw.when}年（还没到）"
        result.problems.append(f"{short}：“{raw.raw}”是{what}的数，未使用；测算按{used}的数")
        result.rejected.append(base)
    return kept


def _one_full_year(raws: list[Raw], result: ParsedFigures) -> list[Raw]:
    """A yearly figure must be one full year: 今年/上半年/近三年合计 are named back, never stored as 上年度."""
    kept: list[Raw] = []
    for raw in raws:
        total = FIELDS[raw.field].three_year
        if raw.when == "3y" and total is not None:  # '近三年研发费用1200万': the 近三年 total (高企)
            kept.append(replace(raw, field=total, when=None))
            continue
        if raw.when in ("now", "partial", "period", "3y") and raw.field in yearly_fields():
            short = FIELDS[raw.field].short_label
            why = "是多年合计" if raw.when in ("period", "3y") else "不是完整的上一年度"
            result.problems.append(f"{short}：“{raw.raw}”{why}，未使用；测算按上年度（去年全年）的数，请写“去年{short}…”")
            result.rejected.append(raw.field)
            continue
        kept.append(raw)
    return kept


def resolve(raws: list[Raw], result: ParsedFigures, data_year: int) -> None:
    """Year words, summing of parts, conflicts; fills values and understood."""
    final = _on_years(_calendar(_one_full_year(raws, result), result, data_year), result)
    grouped: dict[str, list[Raw]] = {}
    for raw in final:
        grouped.setdefault(raw.field, []).append(raw)
    for fld, items in grouped.items():
        spec = FIELDS[fld]
        whole = [r for r in items if r.alias is None or not r.alias.part]
        parts = [r for r in items if r.alias is not None and r.alias.part]
        if whole:
            distinct = {repr(r.value) for r in whole}
            if len(distinct) > 1:
                shown = "、".join(r.raw for r in whole)
                result.problems.append(f"{spec.short_label}出现了不同的数值（{shown}），请确认以哪个为准")
                continue
            value, raw_text = whole[0].value, whole[0].raw
        else:
            value = sum(r.value for r in parts if isinstance(r.value, int | float))  # parts are numbers
            raw_text = "、".join(r.raw for r in parts)
        result.values[fld] = value
        approx = any(r.approx for r in (whole or parts))
        result.understood.append(ParsedItem(fld, spec.label, value, raw_text.replace(APPROX, "约"), approx))
