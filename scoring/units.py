"""Number tokens with their units (数字与单位): normalising chat text and turning '1.2个亿' into 万元.

Shared by the chat parser and the one-figure reader (bare answers, spreadsheet cells), so a
figure reads the same wherever it is typed. Word lists live in rules/numerals.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

import yaml

from scoring.fields import FIELDS, normalize_text
from scoring.numbers import VAGUE, parse_number

__all__ = [
    "APPROX", "COUNT_UNITS", "LARGEST", "PERSON_UNITS", "answer_fillers", "convert", "foreign_currency", "normalize", "number_pattern",
    "read_cell", "shorten", "split_unit",
]

LARGEST = Decimal(10) ** 12
"""No firm figure is this large in its unit (万元, persons, %): a typing or unit mistake."""

PERSON_UNITS = ("人", "名", "位")
COUNT_UNITS = ("人", "名", "位", "个", "件", "项", "次", "家")
_PLAIN_UNITS = ("个百分点", "%", "元", "块", "人", "名", "位", "个", "件", "项", "次", "年", "家")
_FILLERS = re.compile(
    r"一共|总共|共计|合计|累计|一起|一些|一下|一直|一般|一定|一家|同比|"
    r"统一|唯一|第一|万一|一年多|一百多|如下"
)
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d])")
_NUMERAL = "0-9零〇一二两三四五六七八九十百千"


@dataclass(frozen=True)
class _Vocab:
    shorthand: dict[str, str]
    measure: tuple[str, ...]
    person: tuple[str, ...]
    approx: tuple[str, ...]
    currencies: tuple[str, ...]
    answer_fillers: tuple[str, ...]
    tenths: str
    tenths_not_before: str
    points: tuple[str, ...]
    fraction: str
    halves: tuple[str, ...]
    half_not_after: str


@cache
def _vocab() -> _Vocab:
    text = resources.files("scoring").joinpath("rules/numerals.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return _Vocab(
        shorthand={normalize_text(str(k)): str(v) for k, v in data["shorthand"].items()},
        measure=tuple(str(w) for w in data["measure_words"]),
        person=tuple(str(w) for w in data.get("person_words") or []),
        approx=tuple(sorted((str(w) for w in data.get("approx_words") or []), key=len, reverse=True)),
        currencies=tuple(sorted((normalize_text(str(w)) for w in data["foreign_currencies"]), key=len, reverse=True)),
        answer_fillers=tuple(sorted((normalize_text(str(w)) for w in data["answer_fillers"]), key=len, reverse=True)),
        tenths=str(data["tenths"]["word"]),
        tenths_not_before="".join(str(w) for w in data["tenths"]["not_before"]),
        points=tuple(str(w) for w in data["percent_points"]),
        fraction=str(data["fractions"]["word"]),
        halves=tuple(str(w) for w in data["fractions"]["half"]),
        half_not_after="".join(str(w) for w in data["fractions"]["not_after"]),
    )


APPROX = "≈"
"""What normalize leaves where an approximate word stood ('约3000万' → '≈3000万')."""


@cache
def _approx() -> re.Pattern[str]:
    words = [w for w in _vocab().approx if w != "约"]
    lone = f"|约(?=\\s*[{_NUMERAL}])" if "约" in _vocab().approx else ""
    return re.compile("|".join(map(re.escape, words)) + lone)


def answer_fillers() -> tuple[str, ...]:
    """Words that may stand beside a bare answer ('大概3000万吧'), longest first."""
    return _vocab().answer_fillers


def _currencies() -> tuple[str, ...]:
    return _vocab().currencies


@cache
def _units() -> str:
    return "|".join(map(re.escape, [*_currencies(), *_PLAIN_UNITS]))


@cache
def number_pattern() -> str:
    """Regex of one number token with its optional unit ('1.2亿元', '百分之四点五', '1200万美元')."""
    return (
        r"(?:-|负)?(?:百分之)?(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十])"
        r"[0-9.零〇一二两三四五六七八九十百千万亿点几多余来]*"
        f"(?:\\s*(?:{_units()}))?"
    )


@cache
def _rewrites() -> list[tuple[re.Pattern[str], str]]:
    """Shorthand letters and measure words rewritten to plain magnitudes."""
    out: list[tuple[re.Pattern[str], str]] = []
    measure = "|".join(map(re.escape, _vocab().measure))
    out.append((re.compile(f"(?<=[{_NUMERAL}.])(?:{measure})(?=多?[万亿])"), ""))  # '1个多亿': vague, named
    if _vocab().person:
        person = "|".join(map(re.escape, _vocab().person))
        out.append((re.compile(f"(?<=[{_NUMERAL}])(?:{person})"), "人"))  # '80个人' -> '80人'
    for letter, magnitude in _vocab().shorthand.items():
        count_after = "|".join(map(re.escape, COUNT_UNITS))
        out.append((re.compile(f"(?<=\\d){re.escape(letter)}(?=\\s*(?:{count_after}))"), magnitude))
        out.append((re.compile(f"(?<=\\d){re.escape(letter)}(?![a-z])"), magnitude + "元"))
    gap = "|".join(map(re.escape, ["万", "亿", "千", "百", *_currencies(), *_PLAIN_UNITS]))
    out.append((re.compile(f"(?<=\\d)\\s+(?={gap})"), ""))  # '1200 万元' -> '1200万元'
    return out


_WIDE_THOUSANDS = re.compile(r"(?<![\d.．])\d{1,3}(?:，\d{3})+(?=\s*[万亿千元块人名件个项wWkKｗＷｋＫ])")


@cache
def _shares() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """'三成'/'两成半'/'5成' (tenths) and '6个点' (percentage points) as written shares."""
    v = _vocab()
    tenths = re.compile(
        f"(\\d+(?:\\.\\d+)?|[零〇一二两三四五六七八九十]+){re.escape(v.tenths)}(半)?(?![{re.escape(v.tenths_not_before)}])"
    )
    points = re.compile(f"(\\d+(?:\\.\\d+)?)(?:{'|'.join(map(re.escape, v.points))})(?![0-9])")
    return tenths, points


@cache
def _fractions() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """'三分之一' (N分之M, not 百分之/千分之/万分之) and '一半' as written shares."""
    v = _vocab()
    part = "\\d+|[零〇一二两三四五六七八九十]+"
    fraction = re.compile(f"(?<![百千万])({part}){re.escape(v.fraction)}({part})")
    half = re.compile(f"(?<![{re.escape(v.half_not_after)}])(?:{'|'.join(map(re.escape, v.halves))})")
    return fraction, half


def _fraction_percent(m: re.Match[str]) -> str:
    """'四分之一' -> '25%', '三分之一' -> '≈33.33%' (not exact: marked approximate)."""
    whole, part = parse_number(m.group(1)), parse_number(m.group(2))
    if whole is None or part is None or whole == 0 or part > whole:
        return m.group()
    share = part * 100 / whole
    rounded = share.quantize(Decimal("0.01"))
    return f"{_plain(rounded)}%" if rounded == share else f"{APPROX}{_plain(rounded)}%"


def _as_percent(m: re.Match[str]) -> str:
    """'三成' -> '30%', '两成半' -> '25%'; a numeral that reads as no number stays as typed."""
    number = parse_number(m.group(1))
    if number is None:
        return m.group()
    share = number * 10 + (5 if m.group(2) else 0)
    return f"{_plain(share)}%"


def normalize(text: str) -> str:
    """Full-width to half-width, thousands separators and unit gaps removed, fillers blanked.

    A full-width '，' between digit groups is a thousands separator only before a unit
    ('１，２００万'); '营收800，600' keeps two numbers rather than reading 800600.
    """
    text = _WIDE_THOUSANDS.sub(lambda m: m.group().replace("，", ""), text)
    text = normalize_text(text.replace("，", "、"))
    text = _THOUSANDS.sub(lambda m: m.group().replace(",", ""), text)
    for pattern, repl in _rewrites():
        text = pattern.sub(repl, text)
    text = text.replace("万元元", "万元").replace("千元元", "千元")
    fraction, half = _fractions()
    text = half.sub("50%", fraction.sub(_fraction_percent, text))
    tenths, points = _shares()
    text = points.sub(lambda m: m.group(1) + "%", tenths.sub(_as_percent, text))
    return _FILLERS.sub(" ", _approx().sub(APPROX, text))


_VAGUE_COUNT = re.compile(f"[{_NUMERAL}]+[{''.join(sorted(VAGUE))}]")


def without_vague_figures(text: str) -> str:
    """'技术人员三十几个' is a vague figure said, not a question ('几个?'): blanked before question words are sought."""
    return _VAGUE_COUNT.sub(" ", text)


def split_unit(text: str) -> tuple[str, str, bool]:
    """Number text, unit, percent-prefix flag."""
    percent = text.startswith("百分之")
    body = text[3:] if percent else text
    m = re.match(f"^(.*?)\\s*({_units()})?$", body)
    assert m is not None
    return m.group(1), m.group(2) or "", percent


def foreign_currency(unit: str) -> bool:
    """A unit that is another currency than 人民币."""
    return unit in _currencies()


def shorten(text: str, limit: int = 24) -> str:
    """A figure as quoted back in a message: a pasted 400-digit number is cut in the middle."""
    return text if len(text) <= limit else f"{text[: limit - 8]}…{text[-6:]}"


def _plain(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def convert(
    field_name: str, num_text: str, negate: bool, *, bare_money_in_wan: bool = False
) -> tuple[int | float | None, str | None]:
    """(value, None) or (None, problem) for a number token paired with a field."""
    spec = FIELDS[field_name]
    minus = num_text[:1] in ("-", "负")
    body, unit, percent = split_unit(num_text[1:] if minus else num_text)
    num_text = shorten(num_text)
    label = spec.short_label
    if any(ch in VAGUE for ch in body):
        return None, f"{label}：“{num_text}”不是确切的数值，请告诉我具体数字"
    if foreign_currency(unit):
        return None, f"{label}：“{num_text}”是外币金额，请换算为人民币（元/万元）"
    number = parse_number(body)
    if number is None:
        return None, f"{label}：没看懂“{num_text}”，请用数字重新说一下"
    value, problem = _in_unit(spec.kind, spec.unit, label, num_text, body, unit, percent, number,
                              bare_money_in_wan)
    if problem is not None or value is None:
        return None, _with_twin(spec.twin, problem, num_text, body, unit, percent, number)
    if abs(value) > LARGEST:
        return None, f"{label}：“{num_text}”数值过大，请检查单位（金额以万元计）"
    if negate != minus:
        value = -value
    return _plain(value), None


def _in_unit(
    kind: str, field_unit: str, label: str, num_text: str, body: str, unit: str, percent: bool,
    number: Decimal, bare_money_in_wan: bool,
) -> tuple[Decimal | None, str | None]:
    """The number in the field's engine unit, or a problem naming the figure."""
    has_big = any(ch in body for ch in "万亿")
    money_unit = unit in ("元", "块")
    if percent or unit in ("%", "个百分点"):
        if kind != "percent":
            return None, f"{label}：“{num_text}”是百分比，但{label}不是比例，请给出{field_unit or '数值'}"
        return number, None
    if kind == "money":
        if unit and not money_unit:
            return None, f"{label}：“{num_text}”的单位不对，应为金额（元/万元/亿元）"
        if money_unit or has_big:
            return number / Decimal(10000), None
        if bare_money_in_wan:
            return number, None
        return None, f"{label}：“{num_text}”没有单位，请说明是元、万元还是亿元"
    if kind == "count":
        if money_unit or unit == "年" or (has_big and unit not in COUNT_UNITS):
            return None, f"{label}：“{num_text}”的单位不对，应为{field_unit or '个数'}"
        if number != number.to_integral_value():
            return None, f"{label}：“{num_text}”应为整数"
        return number, None
    if kind == "percent":
        if money_unit or has_big or unit:
            return None, f"{label}：“{num_text}”的单位不对，应为百分比"
        return number, None
    if money_unit or has_big or unit not in ("", "年"):  # number (years)
        return None, f"{label}：“{num_text}”的单位不对，应为{field_unit or '数值'}"
    if number >= 1900:
        return None, f"{label}：“{num_text}”像是年份，请直接说注册满几年（如“成立5年”）"
    return number, None


def _with_twin(
    twin: str | None, problem: str | None, num_text: str, body: str, unit: str, percent: bool, number: Decimal
) -> str | None:
    """A wrong-unit problem, plus the same subject's field that reads the figure ("是研发费用吗？")."""
    if twin is None or problem is None or (not unit and not any(ch in body for ch in "万亿")):
        return problem
    other = FIELDS[twin]
    fits = _in_unit(other.kind, other.unit, other.short_label, num_text, body, unit, percent, number, False)[1] is None
    return f"{problem}。是{other.short_label}吗？可发“{other.short_label}{num_text}”" if fits else problem


def read_cell(field_name: str, text: str) -> tuple[float | None, bool, str | None]:
    """One spreadsheet cell or --set value: (value, carries its own unit, problem).

    '1200' is a plain number in the column's unit (the caller scales it); '1.2亿', '600w',
    '1,200万元' or '12人' carry their own unit and are already in the engine unit.
    """
    norm = normalize(text).replace(APPROX, "").strip()  # '约3000万' in a cell: the figure said, as in chat
    label = FIELDS[field_name].label
    if not norm:
        return None, False, None
    if re.fullmatch(number_pattern(), norm) is None:
        return None, False, f"{label}应为数字，收到“{shorten(text.strip())}”"
    minus = norm[:1] in ("-", "负")
    body, unit, percent = split_unit(norm[1:] if minus else norm)
    if not unit and not percent and not any(ch in body for ch in "万亿"):
        number = parse_number(body)
        if number is None:
            return None, False, f"{label}应为数字，收到“{shorten(text.strip())}”"
        if abs(number) > LARGEST:
            return None, False, f"{label}数值过大，请检查单位（金额以万元计）"
        return float(-number if minus else number), False, None
    value, problem = convert(field_name, norm, False, bare_money_in_wan=True)
    if problem is not None or value is None:
        return None, True, problem
    return float(value), True, None
