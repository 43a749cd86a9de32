"""Reading one message's tokens (数据读取): each label paired with its number, year words kept.

The tokenizer's vocabulary is every field alias, phrase and plain word of rules/fields.yaml, plus
the year words: '去年/上年度' (last), '前年/前一年' (prev), '今年' (now), a calendar year, a
period ('近三年') or a part of a year ('上半年'). Settling what the years mean is parser_resolve's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from scoring.fields import DERIVED, FIELDS, Alias, Value
from scoring.parser_affirm import affirmed_record
from scoring.parser_resolve import ParsedFigures, Raw
from scoring.parser_words import (
    absent_value,
    clause_bounds,
    denial,
    not_known,
    phrase_stance,
    plain_words,
)
from scoring.units import APPROX, COUNT_UNITS, PERSON_UNITS, convert, number_pattern, split_unit

__all__ = ["Reader", "Token", "is_range", "labels", "vocabulary"]
_PREV = r"前一年度?|前年|上上年度?|再前一年"
_LAST = r"去年|上一年度?|上年度?|最近一年"
_NOW = r"今年|本年度?|当年"
_YEAR = r"(?:19|20)\d{2}年度?"
_PERIOD = r"近[0-9一二两三四五六七八九十]+个(?:会计)?年度?|近[0-9一二两三四五六七八九十]+年内?|过去[0-9一二两三四五六七八九十]+年|[0-9一二两三四五六七八九十]+年来|[两三四五]年合计"
_PARTIAL = (r"上半年|下半年|前三季度|前两个?季度|第?[一二三四1-4]季度|截至目前|截止目前|目前为止|年初至今|今年以来"
            r"|[1-9一二三四五六七八九十]{1,2}\s*[-到至~]\s*[1-9一二三四五六七八九十]{1,3}月份?")
_THREE_YEARS = re.compile(r"(?:近|过去)?[三3]个?(?:会计)?年(?:度|内|来|合计)?|[三3]年合计")
_RANGE_GAP = re.compile(r"\s*(?:-|~|～|—|–|到|至)\s*")  # between the two ends of a range
_SEP = r"[,;。；!?！？、\n]|以及|另外|还有|和|与|及"
_GROWTH = r"增长率|增长了|增长|增速|增幅|上涨了|上涨|上升了|提高了|增加了|涨了|多了|下降了|下降|减少了|减少|降了|少了"
_HEAD_UNITS = (*PERSON_UNITS, "个")  # '12个研发': a head count for a label that also names people
_NEGATION = re.compile(r"(不是|没有|无|未|非|不属于|不在)$")


@cache
def vocabulary() -> tuple[re.Pattern[str], dict[str, Alias], dict[str, tuple[str, Value]]]:
    aliases: dict[str, Alias] = {}
    phrases: dict[str, tuple[str, Value]] = {}
    for spec in FIELDS.values():
        for alias in spec.aliases:
            aliases.setdefault(alias.word, alias)
        for word, value in spec.phrases.items():
            phrases.setdefault(word, (spec.name, value))
    plain = plain_words()
    words = sorted({*aliases, *phrases, *plain.absent, *plain.unused}, key=len, reverse=True)
    pattern = re.compile(
        f"(?P<partial>{_PARTIAL})|(?P<prev>{_PREV})|(?P<now>{_NOW})|(?P<last>{_LAST})|(?P<year>{_YEAR})|(?P<period>{_PERIOD})"
        f"|(?P<word>{'|'.join(map(re.escape, words))})|(?P<growth>{_GROWTH})|(?P<num>{number_pattern()})|(?P<sep>{_SEP})"
    )
    return pattern, aliases, phrases


@cache
def labels() -> re.Pattern[str]:
    """Any field's alias: a clause holding one already names its figure ('研发人员一共12人')."""
    words = sorted({a.word for spec in FIELDS.values() for a in spec.aliases}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


@dataclass
class Token:
    kind: str
    text: str
    start: int
    end: int
    used: bool = False


def _phrase_value(text: str, start: int, end: int, fld: str, value: Value) -> Value | None:
    """Enum/bool phrase value: 'none'/False when negated or only planned, None when asked about."""
    first, last = clause_bounds(text, start, end)
    before = text[max(first, start - _CLAUSE_REACH) : start]
    stance = phrase_stance(before, text[end:last])
    if stance == "asked":
        return None
    if stance == "not" or _NEGATION.search(before[-3:]):
        return False if FIELDS[fld].kind == "bool" else "none"
    return value


_CLAUSE_REACH = 8  # '我们还没有评上国家高新': the words that qualify a phrase stand close before it


@dataclass
class Reader:
    """Walks the tokens of one message, pairing each label with its number."""

    norm: str
    tokens: list[Token]
    result: ParsedFigures
    data_year: int
    raws: list[Raw] = field(default_factory=list)
    pending: str | int | None = None
    last_field: str | None = None

    def read(self) -> list[Raw]:
        """Raw figures in message order."""
        for i, tok in enumerate(self.tokens):
            if tok.kind == "sep":
                self.pending = None
                continue
            alias = self._alias(i, tok)
            if alias is not None:
                self._figure(i, tok, alias)
        return self.raws

    def _alias(self, i: int, tok: Token) -> Alias | None:
        """The field this token labels (None for tokens that label nothing)."""
        _, aliases, phrases = vocabulary()
        if tok.kind in ("period", "partial"):  # '近三年…合计' / '上半年': not one full year
            self.pending = period_kind(tok)
            return None
        if tok.kind in ("prev", "last", "now", "year"):
            self.pending = int(tok.text[:4]) if tok.kind == "year" else tok.kind
            nxt = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
            after = self.tokens[i + 2] if i + 2 < len(self.tokens) else None
            labelled_later = after is not None and after.kind == "word"  # '去年3件发明专利'
            if self.last_field is not None and nxt is not None and nxt.kind == "num" and not nxt.used and not labelled_later:
                return Alias(FIELDS[self.last_field].short_label, self.last_field)  # '去年1.5亿': same figure
            return None
        if tok.kind == "growth":
            return _growth_alias(self.last_field, tok.text)
        if tok.kind != "word":
            return None
        self._plain_fact(i, tok)
        if tok.text not in aliases and tok.text not in phrases:
            return None
        if tok.text in phrases and tok.text not in aliases:
            fld, value = phrases[tok.text]
            held = _phrase_value(self.norm, tok.start, tok.end, fld, value)
            if held is not None:
                self.raws.append(Raw(fld, None, held, tok.text, None))
            before = self.tokens[i - 1] if i > 0 else None
            if before is not None and before.kind == "num" and split_unit(before.text)[1] in ("个", "家", "项"):
                before.used = True  # '有1个省级工程技术研究中心': the count belongs to the phrase
            return None
        self.last_field = aliases[tok.text].field
        return aliases[tok.text]

    def _plain_fact(self, i: int, tok: Token) -> None:
        """A denied word ('没有专利' → 0) or a label no check uses ('固定资产500万', named back)."""
        plain = plain_words()
        denied = denial(self.norm, tok.start, tok.end) if tok.text in plain.absent else None
        if denied is not None:
            span = self.norm[max(0, tok.start - len(denied)) : tok.end + len(denied)].strip("、,;。 ")
            for fld in plain.absent[tok.text]:
                value = absent_value(fld)
                if value is not None:
                    self.raws.append(Raw(fld, None, value, span, None))
        elif tok.text in plain.absent:
            records, problem = affirmed_record(self.norm, tok.start, tok.end, plain.absent[tok.text])
            self.raws.extend(records)
            if problem is not None:
                self.result.problems.append(problem)
        if tok.text in plain.unused:
            paired = _pair(self.tokens, i, Alias(tok.text, ""), self.result)
            if paired is not None:
                paired[0].used = True
                span = self.norm[min(tok.start, paired[0].start) : max(tok.end, paired[0].end)]
                self.result.problems.append(f"“{span}”不是测算用到的数据，未记录")

    def _figure(self, i: int, tok: Token, alias: Alias) -> None:
        """Pair the label at tokens[i] with its number and convert it (or note the problem)."""
        when = self.pending
        if alias.field == "years_registered" and self._registered_in(i, tok, alias):
            return
        paired = _pair(self.tokens, i, alias, self.result)
        if paired is None:
            if tok.kind == "word" and not_known(self.norm, tok.start, tok.end):
                prev = FIELDS[alias.field].prev
                self.result.unknown.append(prev if when == "prev" and prev else alias.field)
                return
            denied = denial(self.norm, tok.start, tok.end) if tok.kind == "word" else None
            zero = absent_value(alias.field) if denied is not None else None
            if zero is not None and FIELDS[alias.field].kind not in ("bool", "enum"):
                span = self.norm[max(0, tok.start - len(denied or "")) : tok.end + len(denied or "")]
                self.raws.append(Raw(alias.field, alias, zero, span.strip("、,;。 "), when))  # '发明专利没有' → 0
            return
        number, paired_when = paired
        when = paired_when if paired_when is not None else when
        number.used = True
        if self._range(tok, number, alias):
            return
        field_name = alias.field
        if alias.persons and split_unit(number.text.lstrip("-负"))[1] in _HEAD_UNITS:
            field_name = alias.persons
        value, problem = convert(field_name, number.text, alias.negate)
        span = self.norm[min(tok.start, number.start) : max(tok.end, number.end)].strip()
        if problem:
            self.result.problems.append(problem)
            self.result.rejected.append(field_name)
            return
        if value is None:  # convert names a problem whenever it reads no number
            return
        before, after = self.norm[max(0, number.start - 3) : number.start], self.norm[number.end : number.end + 3]
        approx = before.rstrip()[-1:] == APPROX or after.lstrip()[:1] == APPROX  # '约3000万', '3000万左右'
        self.raws.append(Raw(field_name, Alias(alias.word, field_name, alias.negate, alias.part), value, span, when,
                             approx=approx))

    def _range(self, label: Token, number: Token, alias: Alias) -> bool:
        """'营收3000万-4000万' / '大概3到4千万': a range is no figure; named back, never its first number."""
        at = self.tokens.index(number)
        nxt = self.tokens[at + 1] if at + 1 < len(self.tokens) else None
        if nxt is None or not is_range(self.norm, number, nxt):
            return False
        nxt.used = True
        span = self.norm[min(label.start, number.start) : nxt.end].strip().replace(APPROX, "约")
        self.result.problems.append(f"{FIELDS[alias.field].short_label}：“{span}”是一个范围，请给出一个数（估计的可写“约…”）")
        self.result.rejected.append(alias.field)
        return True

    def _registered_in(self, i: int, tok: Token, alias: Alias) -> bool:
        """'2015年注册的' / '成立于2015年': years registered up to the data year."""
        near = [t for t in (self.tokens[i + 1 : i + 2] + self.tokens[max(0, i - 1) : i]) if t.kind == "year" and not t.used]
        if not near:
            return False
        year_tok = near[0]
        year_tok.used = True
        years = self.data_year - int(year_tok.text[:4])
        span = self.norm[min(tok.start, year_tok.start) : max(tok.end, year_tok.end)].strip()
        if years < 0:
            self.result.problems.append(
                f"{FIELDS['years_registered'].label}：“{span}”晚于数据年度 {self.data_year} 年，请直接说注册满几年"
            )
            self.result.rejected.append("years_registered")
            return True
        raw = f"{span}，按 {self.data_year} 年度计"
        self.raws.append(Raw("years_registered", alias, years, raw, None))
        return True


def is_range(norm: str, first: Token, second: Token) -> bool:
    """Two unused numbers joined by -/~/到/至 ('3000万-4000万', '3到4千万'): one range, no figure."""
    if first.kind != "num" or second.kind != "num" or second.used:
        return False
    gap = norm[first.end : second.start]
    return bool(_RANGE_GAP.fullmatch(gap)) or (not gap.strip() and second.text.startswith("-"))


def period_kind(tok: Token) -> str:
    """'3y' for a three-year period ('近三年', '近三个会计年度': the 高企 ratio's span), else the token's kind."""
    return "3y" if tok.kind == "period" and _THREE_YEARS.fullmatch(tok.text) else tok.kind


def _growth_alias(last_field: str | None, word: str) -> Alias | None:
    """'营收3亿，同比增长12%': a bare growth word after a figure is that figure's growth rate."""
    if last_field is None:
        return None
    for name, d in DERIVED.items():
        if d.op == "growth" and d.num == last_field:
            return Alias(word, name, negate=word.startswith(("下降", "减少", "降了", "少了")))
    return None


def _pair(
    tokens: list[Token], i: int, alias: Alias, result: ParsedFigures
) -> tuple[Token, str | int | None] | None:
    """The number that belongs to the label at tokens[i] (after it, else right before it)."""
    when: str | int | None = None
    before = tokens[i - 1] if i > 0 else None
    adjacent = before is not None and before.kind == "num" and not before.used and before.end == tokens[i].start
    if adjacent and before is not None and split_unit(before.text)[1] in COUNT_UNITS:
        return before, None  # '12个研发 80人': the count right before its noun is its figure
    for nxt in tokens[i + 1 :]:
        if nxt.kind in ("sep", "word", "growth"):
            break
        if nxt.kind in ("prev", "last", "now", "period", "partial"):
            when = period_kind(nxt)
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
