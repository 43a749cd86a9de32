"""Chinese figure parser (数据解析): '营收1.2亿，研发人员十二人' -> fields in engine units.

Rules worth knowing (documented for the chat dialogue):
- Money needs a unit (元/万/亿/千万…); '营收3000' is reported as a problem, never guessed.
- Counts accept 人/名/个/件/项/次 or no unit; a money unit on a count ('研发人员3000万') is a problem.
- Percentages accept '15%', '百分之四点五', '4.5个百分点' or a bare number on a percent field.
- Previous year: '前一年/前年/上上年' always mean the *_prev field (revenue_prev, rd_expense_prev).
  '去年/上年/上年度' mean the spec's main field (its label is 上年度…) unless the same message
  also gives an unqualified (or 今年/本年) figure for it, then they mean *_prev. With two calendar
  years ('2023年营收1亿，2022年营收8000万') the later is the main field, the one before *_prev.
- The parser never raises on any text: everything it cannot use becomes a Chinese problem line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from scoring.fields import DERIVED, FIELDS, Alias, format_value, normalize_text
from scoring.numbers import VAGUE, parse_number

__all__ = ["ParsedFigures", "ParsedItem", "parse_figures"]


@dataclass(frozen=True)
class ParsedItem:
    """One understood figure: field, its Chinese label, value in engine units, the text it came from."""

    field: str
    label: str
    value: object
    raw: str

    def describe(self) -> str:
        """'上年度营业收入：12000 万元（营收1.2亿）' for echoing back to the user."""
        return f"{self.label}：{format_value(self.field, self.value)}（{self.raw}）"


@dataclass
class ParsedFigures:
    """What a message yielded: values by field, the items understood, problems in Chinese."""

    values: dict[str, object] = field(default_factory=dict)
    understood: list[ParsedItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # fields named with an unusable figure


MAX_CHARS = 5000
_FILLERS = re.compile(
    r"一共|总共|共计|合计|累计|一起|一些|一下|一直|一般|一定|一家|大约|大概|约为|左右|将近|接近|差不多|同比|"
    r"统一|唯一|第一|万一|一年多|一百多|如下"
)
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d])")
_PREV = r"前一年度?|前年|上上年度?|再前一年"
_LAST = r"去年|上一年度?|上年度?|最近一年"
_NOW = r"今年|本年度?|当年"
_YEAR = r"(?:19|20)\d{2}年度?"
_PERIOD = r"近[0-9一二两三四五六七八九十]+年内?|过去[0-9一二两三四五六七八九十]+年|[0-9一二两三四五六七八九十]+年来"
_NUMBER = (
    r"(?:-|负)?(?:百分之)?(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十])"
    r"[0-9.零〇一二两三四五六七八九十百千万亿点几多余来]*"
    r"(?:\s*(?:个百分点|%|元|块|人|名|位|个|件|项|次|年|家))?"
)
_SEP = r"[,;。；!?！？、\n]|以及|另外|还有|和|与|及"
_GROWTH = r"增长率|增长了|增长|增速|增幅|上涨|提高了|下降了|下降|减少了|减少"
_NONE_BEFORE = re.compile(r"(没有|暂无|尚无|还没有|无)$")
_PERSON_UNITS = ("人", "名", "位")
_NEGATION = re.compile(r"(不是|没有|无|未|非|不属于|不在)$")


@cache
def _vocabulary() -> tuple[re.Pattern[str], dict[str, Alias], dict[str, tuple[str, object]]]:
    aliases: dict[str, Alias] = {}
    phrases: dict[str, tuple[str, object]] = {}
    for spec in FIELDS.values():
        for alias in spec.aliases:
            aliases.setdefault(alias.word, alias)
        for word, value in spec.phrases.items():
            phrases.setdefault(word, (spec.name, value))
    words = sorted({*aliases, *phrases}, key=len, reverse=True)
    pattern = re.compile(
        f"(?P<prev>{_PREV})|(?P<now>{_NOW})|(?P<last>{_LAST})|(?P<year>{_YEAR})|(?P<period>{_PERIOD})"
        f"|(?P<word>{'|'.join(map(re.escape, words))})|(?P<growth>{_GROWTH})|(?P<num>{_NUMBER})|(?P<sep>{_SEP})"
    )
    return pattern, aliases, phrases


@dataclass
class _Token:
    kind: str
    text: str
    start: int
    end: int
    used: bool = False


@dataclass
class _Raw:
    field: str
    alias: Alias | None
    value: object
    raw: str
    when: str | int | None


_UNIT_GAP = re.compile(r"(?<=\d)\s+(?=[万亿千百元块%人名位个件项次年])")


def _normalize(text: str) -> str:
    text = normalize_text(text)
    text = _THOUSANDS.sub(lambda m: m.group().replace(",", ""), text)
    text = _UNIT_GAP.sub("", text)  # '1200 万元' -> '1200万元'
    return _FILLERS.sub(" ", text)


def _split_unit(text: str) -> tuple[str, str, bool]:
    """Number text, unit, percent-prefix flag."""
    percent = text.startswith("百分之")
    body = text[3:] if percent else text
    m = re.match(r"^(.*?)\s*(个百分点|%|元|块|人|名|位|个|件|项|次|年|家)?$", body)
    assert m is not None
    return m.group(1), m.group(2) or "", percent


def _plain(number: Decimal) -> object:
    return int(number) if number == number.to_integral_value() else float(number)


def _convert(
    field_name: str, num_text: str, negate: bool, *, bare_money_in_wan: bool = False
) -> tuple[object | None, str | None]:
    """(value, None) or (None, problem) for a number token paired with a field."""
    spec = FIELDS[field_name]
    minus = num_text[:1] in ("-", "负")
    body, unit, percent = _split_unit(num_text[1:] if minus else num_text)
    label = spec.short_label
    if any(ch in VAGUE for ch in body):
        return None, f"{label}：“{num_text}”不是确切的数值，请告诉我具体数字"
    number = parse_number(body)
    if number is None:
        return None, f"{label}：没看懂“{num_text}”，请用数字重新说一下"
    has_big = any(ch in body for ch in "万亿")
    money_unit = unit in ("元", "块")
    if percent or unit in ("%", "个百分点"):
        if spec.kind != "percent":
            return None, f"{label}：“{num_text}”是百分比，但{label}不是比例，请给出{spec.unit or '数值'}"
        value: Decimal = number
    elif spec.kind == "money":
        if unit and not money_unit:
            return None, f"{label}：“{num_text}”的单位不对，应为金额（元/万元/亿元）"
        if money_unit or has_big:
            value = number / Decimal(10000)
        elif bare_money_in_wan:
            value = number
        else:
            return None, f"{label}：“{num_text}”没有单位，请说明是元、万元还是亿元"
    elif spec.kind == "count":
        if money_unit or (has_big and unit not in ("人", "名", "位", "个", "件", "项", "次", "家")):
            return None, f"{label}：“{num_text}”的单位不对，应为{spec.unit or '个数'}"
        if unit == "年":
            return None, f"{label}：“{num_text}”的单位不对，应为{spec.unit}"
        if number != number.to_integral_value():
            return None, f"{label}：“{num_text}”应为整数"
        value = number
    elif spec.kind == "percent":
        if money_unit or has_big or unit not in ("",):
            return None, f"{label}：“{num_text}”的单位不对，应为百分比"
        value = number
    else:  # number (years)
        if money_unit or has_big or unit not in ("", "年"):
            return None, f"{label}：“{num_text}”的单位不对，应为{spec.unit or '数值'}"
        if number >= 1900:
            return None, f"{label}：“{num_text}”像是年份，请直接说注册满几年（如“成立5年”）"
        value = number
    if negate != minus:
        value = -value
    return _plain(value), None


def _phrase_value(text: str, start: int, fld: str, value: object) -> object:
    """Enum/bool phrase value, flipped to 'none'/False when a negation word precedes it."""
    if _NEGATION.search(text[max(0, start - 3) : start]):
        return False if FIELDS[fld].kind == "bool" else "none"
    return value


def parse_figures(text: str, expect: str | None = None) -> ParsedFigures:
    """Figures found in a chat message, what was understood and what could not be used.

    ``expect`` is the field the dialogue just asked for: a lone number without a label
    ('两千万'), or 是/否 and an option label for bool/enum fields, is taken as that field.
    A bare number for a money field is then read in 万元 (ask the question with the unit).
    """
    result = ParsedFigures()
    if not isinstance(text, str) or not text.strip():
        return result
    if expect is not None and expect in FIELDS:
        answer = _expected_answer(text, expect)
        if answer is not None:
            return answer
    pattern, aliases, phrases = _vocabulary()
    if len(text) > MAX_CHARS:
        result.problems.append(f"文字太长，只读取了前 {MAX_CHARS} 个字，请分几次发送")
    norm = _normalize(text[:MAX_CHARS])
    tokens = [
        _Token(next(k for k, v in m.groupdict().items() if v is not None), m.group(), m.start(), m.end())
        for m in pattern.finditer(norm)
    ]
    raws: list[_Raw] = []
    pending: str | int | None = None
    last_field: str | None = None
    for i, tok in enumerate(tokens):
        if tok.kind == "sep":
            pending = None
            continue
        if tok.kind in ("prev", "last", "now", "year"):
            pending = int(tok.text[:4]) if tok.kind == "year" else tok.kind
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            after = tokens[i + 2] if i + 2 < len(tokens) else None
            labelled_later = after is not None and after.kind == "word"  # '去年3件发明专利'
            if (
                last_field is not None and nxt is not None and nxt.kind == "num" and not nxt.used
                and not labelled_later
            ):
                alias = Alias(FIELDS[last_field].short_label, last_field)  # '去年1.5亿': same figure
            else:
                continue
        elif tok.kind == "growth":
            growth = _growth_alias(last_field, tok.text)
            if growth is None:
                continue
            alias = growth
        elif tok.kind != "word":
            continue
        elif tok.text in phrases and tok.text not in aliases:
            fld, value = phrases[tok.text]
            raws.append(_Raw(fld, None, _phrase_value(norm, tok.start, fld, value), tok.text, None))
            before = tokens[i - 1] if i > 0 else None
            if before is not None and before.kind == "num" and _split_unit(before.text)[1] in ("个", "家", "项"):
                before.used = True  # '有1个省级工程技术研究中心': the count belongs to the phrase
            continue
        else:
            alias = aliases[tok.text]
            last_field = alias.field
        when = pending
        paired = _pair(tokens, i, alias, result)
        if paired is None:
            negated = tok.kind == "word" and _NONE_BEFORE.search(norm[max(0, tok.start - 3) : tok.start])
            if negated and FIELDS[alias.field].kind in ("count", "money"):
                raws.append(_Raw(alias.field, alias, 0, norm[max(0, tok.start - 2) : tok.end], when))
            continue
        number, paired_when = paired
        when = paired_when if paired_when is not None else when
        number.used = True
        field_name = alias.field
        if alias.persons and _split_unit(number.text.lstrip("-负"))[1] in _PERSON_UNITS:
            field_name = alias.persons
        value, problem = _convert(field_name, number.text, alias.negate)
        span = norm[min(tok.start, number.start) : max(tok.end, number.end)].strip()
        if problem:
            result.problems.append(problem)
            result.rejected.append(field_name)
            continue
        raws.append(_Raw(field_name, Alias(alias.word, field_name, alias.negate, alias.part), value, span, when))
    for tok in tokens:
        if tok.kind == "num" and not tok.used and _worth_reporting(tok.text):
            result.problems.append(f"没能判断“{tok.text}”指的是哪一项数据，请连同名称一起说明（如“研发人员12人”）")
    _resolve(raws, result)
    return result


def _growth_alias(last_field: str | None, word: str) -> Alias | None:
    """'营收3亿，同比增长12%': a bare growth word after a figure is that figure's growth rate."""
    if last_field is None:
        return None
    for name, d in DERIVED.items():
        if d.op == "growth" and d.num == last_field:
            return Alias(word, name, negate=word.startswith(("下降", "减少")))
    return None


def _pair(
    tokens: list[_Token], i: int, alias: Alias, result: ParsedFigures
) -> tuple[_Token, str | int | None] | None:
    """The number that belongs to the label at tokens[i] (after it, else right before it)."""
    when: str | int | None = None
    for nxt in tokens[i + 1 :]:
        if nxt.kind in ("sep", "word", "growth"):
            break
        if nxt.kind in ("prev", "last", "now"):
            when = nxt.kind
        elif nxt.kind == "year":
            if alias.field == "years_registered":
                result.problems.append(
                    f"{FIELDS['years_registered'].label}：“{nxt.text}”像是年份，请直接说注册满几年（如“成立5年”）"
                )
                nxt.used = True
                return None
            when = int(nxt.text[:4])
        elif nxt.kind == "num" and not nxt.used:
            return nxt, when
    for prv in reversed(tokens[:i]):
        if prv.kind in ("sep", "word", "growth"):
            break
        if prv.kind == "num" and not prv.used:
            return prv, when
    return None


def _expected_answer(text: str, expect: str) -> ParsedFigures | None:
    """A bare answer to a question about one field, or None to parse the text normally."""
    spec = FIELDS[expect]
    norm = _normalize(text).strip(" 。.!！")
    result = ParsedFigures()
    if spec.kind in ("bool", "enum"):
        from scoring.validation import FALSE_WORDS, TRUE_WORDS

        value: object | None = None
        if spec.kind == "bool":
            value = True if norm in TRUE_WORDS else False if norm in FALSE_WORDS else None
        else:
            for key, label in spec.choices.items():
                if norm in (key, normalize_text(label)) or (key == "none" and norm in FALSE_WORDS):
                    value = key
        if value is None:
            return None
        result.values[expect] = value
        result.understood.append(ParsedItem(expect, spec.label, value, norm))
        return result
    pattern = _vocabulary()[0]
    tokens = [m for m in pattern.finditer(norm) if m.lastgroup not in ("sep",)]
    if len(tokens) != 1 or tokens[0].lastgroup != "num":
        return None
    value, problem = _convert(expect, tokens[0].group(), negate=False, bare_money_in_wan=True)
    if problem:
        result.problems.append(problem)
    else:
        result.values[expect] = value
        result.understood.append(ParsedItem(expect, spec.label, value, norm))
    return result


def _worth_reporting(text: str) -> bool:
    """Stray numbers with digits or a unit are reported; a lone '一' in running text is not."""
    body, unit, percent = _split_unit(text)
    return bool(re.search(r"\d", body)) or bool(unit) or percent or len(body) >= 2


def _resolve(raws: list[_Raw], result: ParsedFigures) -> None:
    """Previous-year mapping, summing of parts, conflicts; fills values and understood."""
    by_base: dict[str, list[_Raw]] = {}
    for raw in raws:
        by_base.setdefault(raw.field, []).append(raw)
    final: list[_Raw] = []
    for base, items in by_base.items():
        prev_field = FIELDS[base].prev
        if prev_field is None:
            final.extend(items)
            continue
        years = sorted({r.when for r in items if isinstance(r.when, int)})
        has_plain = any(r.when in (None, "now") for r in items)
        for r in items:
            target = base
            if r.when == "prev" or r.when == "last" and has_plain or isinstance(r.when, int) and len(years) > 1 and r.when != years[-1]:
                target = prev_field
            final.append(_Raw(target, r.alias, r.value, r.raw, r.when))
    grouped: dict[str, list[_Raw]] = {}
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
            value = sum(r.value for r in parts)  # type: ignore[misc]
            raw_text = "、".join(r.raw for r in parts)
        result.values[fld] = value
        result.understood.append(ParsedItem(fld, spec.label, value, raw_text))
