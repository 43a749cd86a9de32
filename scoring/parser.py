"""Chinese figure parser (数据解析): '营收1.2亿，研发人员十二人' -> fields in engine units.

Rules worth knowing (documented for the chat dialogue):
- Money needs a unit (元/万/亿/千万…); '营收3000' is reported as a problem, never guessed.
- Counts accept 人/名/个/件/项/次 or no unit; a money unit on a count ('研发人员3000万') is a problem.
- Percentages accept '15%', '百分之四点五', '4.5个百分点' or a bare number on a percent field.
- Year words have one reading (parser_resolve): '去年/上年/上年度' the main field (上年度…),
  '前一年/前年/上上年' the *_prev field; a year-less or 今年 figure next to a 去年 one is named back.
  With two calendar years ('2023年营收1亿，2022年营收8000万') the later is the main field.
- The parser never raises on any text: everything it cannot use becomes a Chinese problem line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from scoring.fields import DERIVED, FIELDS, Alias, Value, normalize_text
from scoring.parser_affirm import affirmed_record, redate
from scoring.parser_resolve import ParsedFigures, ParsedItem, Raw, resolve
from scoring.parser_words import (
    absent_value,
    clause_bounds,
    denial,
    mark_headcount,
    not_known,
    phrase_stance,
    plain_words,
)
from scoring.units import (
    APPROX,
    COUNT_UNITS,
    PERSON_UNITS,
    answer_fillers,
    convert,
    normalize,
    number_pattern,
    shorten,
    split_unit,
)

__all__ = ["ParsedFigures", "ParsedItem", "parse_answer", "parse_figures"]


MAX_CHARS = 5000
MAX_STRAY_SHOWN = 3
_PREV = r"前一年度?|前年|上上年度?|再前一年"
_LAST = r"去年|上一年度?|上年度?|最近一年"
_NOW = r"今年|本年度?|当年"
_YEAR = r"(?:19|20)\d{2}年度?"
_PERIOD = r"近[0-9一二两三四五六七八九十]+年内?|过去[0-9一二两三四五六七八九十]+年|[0-9一二两三四五六七八九十]+年来|[两三四五]年合计"
_PARTIAL = (r"上半年|下半年|前三季度|前两个?季度|第?[一二三四1-4]季度|截至目前|截止目前|目前为止|年初至今|今年以来"
            r"|[1-9一二三四五六七八九十]{1,2}\s*[-到至~]\s*[1-9一二三四五六七八九十]{1,3}月份?")
_SEP = r"[,;。；!?！？、\n]|以及|另外|还有|和|与|及"
_GROWTH = r"增长率|增长了|增长|增速|增幅|上涨|提高了|下降了|下降|减少了|减少"
_HEAD_UNITS = (*PERSON_UNITS, "个")  # '12个研发': a head count for a label that also names people
_NEGATION = re.compile(r"(不是|没有|无|未|非|不属于|不在)$")


@cache
def _vocabulary() -> tuple[re.Pattern[str], dict[str, Alias], dict[str, tuple[str, Value]]]:
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
def _labels() -> re.Pattern[str]:
    """Any field's alias: a clause holding one already names its figure ('研发人员一共12人')."""
    words = sorted({a.word for spec in FIELDS.values() for a in spec.aliases}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


@dataclass
class _Token:
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


def parse_figures(text: str, expect: str | None = None, *, data_year: int | None = None) -> ParsedFigures:
    """Figures found in a chat message, what was understood and what could not be used.

    ``expect`` is the field the dialogue just asked for: a lone number without a label
    ('两千万'), or 是/否 and an option label for bool/enum fields, is taken as that field.
    A bare number for a money field is then read in 万元 (ask the question with the unit).
    ``data_year`` is the year the figures describe (default: last year); '2015年成立' is
    read as years_registered counted up to it. Each problem is reported once.
    """
    result = ParsedFigures()
    if not isinstance(text, str) or not text.strip():
        return result
    if expect is not None and expect in FIELDS:
        answer = _expected_answer(text, expect, data_year)
        if answer is not None:
            return answer
    if len(text) > MAX_CHARS:
        result.problems.append(f"文字太长，只读取了前 {MAX_CHARS} 个字，请分几次发送")
    norm = normalize(mark_headcount(text[:MAX_CHARS], _labels(), FIELDS["employees"].label))
    pattern = _vocabulary()[0]
    tokens = [
        _Token(next(k for k, v in m.groupdict().items() if v is not None), m.group(), m.start(), m.end())
        for m in pattern.finditer(norm)
    ]
    year = data_year if data_year is not None else date.today().year - 1
    raws = _Reader(norm, tokens, result, year).read()
    _report_strays(tokens, result)
    resolve(redate(raws), result)
    result.problems = list(dict.fromkeys(result.problems))
    result.rejected = list(dict.fromkeys(result.rejected))
    result.unknown = [f for f in dict.fromkeys(result.unknown) if f not in result.values]
    return result


def _report_strays(tokens: list[_Token], result: ParsedFigures) -> None:
    """One line for every number no label claimed (a long paste must not give 30 lines)."""
    strays = list(dict.fromkeys(shorten(t.text) for t in tokens if t.kind == "num" and not t.used and _worth_reporting(t.text)))
    if not strays:
        return
    shown = "、".join(f"“{t}”" for t in strays[:MAX_STRAY_SHOWN])
    more = f"等 {len(strays)} 处" if len(strays) > MAX_STRAY_SHOWN else ""
    result.problems.append(f"没能判断{shown}{more}指的是哪一项数据，请连同名称一起说明（如“研发人员12人”）")


@dataclass
class _Reader:
    """Walks the tokens of one message, pairing each label with its number."""

    norm: str
    tokens: list[_Token]
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

    def _alias(self, i: int, tok: _Token) -> Alias | None:
        """The field this token labels (None for tokens that label nothing)."""
        _, aliases, phrases = _vocabulary()
        if tok.kind in ("period", "partial"):  # '近三年…合计' / '上半年': not one full year
            self.pending = tok.kind
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

    def _plain_fact(self, i: int, tok: _Token) -> None:
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

    def _figure(self, i: int, tok: _Token, alias: Alias) -> None:
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

    def _registered_in(self, i: int, tok: _Token, alias: Alias) -> bool:
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
    before = tokens[i - 1] if i > 0 else None
    adjacent = before is not None and before.kind == "num" and not before.used and before.end == tokens[i].start
    if adjacent and before is not None and split_unit(before.text)[1] in COUNT_UNITS:
        return before, None  # '12个研发 80人': the count right before its noun is its figure
    for nxt in tokens[i + 1 :]:
        if nxt.kind in ("sep", "word", "growth"):
            break
        if nxt.kind in ("prev", "last", "now", "period", "partial"):
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


def parse_answer(text: str, expect: str, *, data_year: int | None = None) -> ParsedFigures | None:
    """A bare answer ('4,200万', '1.2个亿', '是') to a question about one field; None if it is not one."""
    if not isinstance(text, str) or expect not in FIELDS or not text.strip() or len(text) > MAX_CHARS:
        return None
    return _expected_answer(text, expect, data_year)


_REGISTERED_YEAR = re.compile(r"(?:成立于|注册于|成立|注册)?((?:19|20)\d{2})年?(?:成立|注册)?的?")


def _expected_answer(text: str, expect: str, data_year: int | None = None) -> ParsedFigures | None:
    """A bare answer to a question about one field, or None to parse the text normally."""
    spec = FIELDS[expect]
    norm = normalize(text).strip(" 。.!！")
    result = ParsedFigures()
    year = _REGISTERED_YEAR.fullmatch(norm) if expect == "years_registered" else None
    if year is not None:  # '2015年' answering 注册年限: counted to the data year
        parsed = parse_figures(f"成立于{year.group(1)}年", data_year=data_year)
        return parsed if parsed.values or parsed.problems else None
    if spec.kind in ("bool", "enum"):
        from scoring.validation import FALSE_WORDS, TRUE_WORDS

        value: Value | None = None
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
    if len(tokens) != 1 or tokens[0].lastgroup != "num" or not _only_filler(norm, tokens[0]):
        return None
    number, problem = convert(expect, tokens[0].group(), negate=False, bare_money_in_wan=True)
    if problem:
        result.problems.append(problem)
    elif number is not None:
        result.values[expect] = number
        result.understood.append(ParsedItem(expect, spec.label, number, norm.replace(APPROX, "约"), APPROX in norm))
    return result


def _only_filler(norm: str, number: re.Match[str]) -> bool:
    """A bare answer is the number and filler words ('大概3000万吧'); '下一步'/'成本1000万' are not answers."""
    rest = norm[: number.start()] + " " + norm[number.end() :]
    rest = _ANSWER_PUNCT.sub("", rest)
    for word in answer_fillers():
        rest = rest.replace(word, "")
    return not rest


_ANSWER_PUNCT = re.compile(r"[\s,.;:!?、。，；：！？~～…“”\"'()（）]+")


def _worth_reporting(text: str) -> bool:
    """Stray numbers with digits or a unit are reported; a lone '一' in running text is not."""
    body, unit, percent = split_unit(text)
    return bool(re.search(r"\d", body)) or bool(unit) or percent or len(body) >= 2
