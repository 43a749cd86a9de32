"""Chinese figure parser (数据解析): '营收1.2亿，研发人员十二人' -> fields in engine units.

Rules worth knowing (documented for the chat dialogue):
- Money needs a unit (元/万/亿/千万…); '营收3000' is reported as a problem, never guessed.
- Counts accept 人/名/个/件/项/次 or no unit; a money unit on a count ('研发人员3000万') is a problem.
- Percentages accept '15%', '百分之四点五', '4.5个百分点' or a bare number on a percent field.
- Year words have one reading (parser_resolve): '去年/上年/上年度' the main field (上年度…),
  '前一年/前年/上上年' the *_prev field; a year-less or 今年 figure next to a 去年 one is named back.
  A calendar year is read against ``data_year`` (the last full fiscal year): with data year
  2025, '2025年营收' is 上年度, '2024年营收' 前一年, '2023年'/'2026年' are named back.
- The parser never raises on any text: everything it cannot use becomes a Chinese problem line.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise

from scoring.fields import FIELDS, Value, normalize_text
from scoring.parser_affirm import lessened, redate
from scoring.parser_reader import Reader, Token, is_range, labels, vocabulary
from scoring.parser_resolve import ParsedFigures, ParsedItem, resolve
from scoring.parser_words import mark_headcount
from scoring.units import APPROX, answer_fillers, convert, normalize, shorten, split_unit

__all__ = ["ParsedFigures", "ParsedItem", "parse_answer", "parse_figures"]


MAX_CHARS = 5000
MAX_STRAY_SHOWN = 3

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
    norm = normalize(mark_headcount(text[:MAX_CHARS], labels(), FIELDS["employees"].label))
    pattern = vocabulary()[0]
    tokens = [
        Token(next(k for k, v in m.groupdict().items() if v is not None), m.group(), m.start(), m.end())
        for m in pattern.finditer(norm)
    ]
    year = data_year if data_year is not None else date.today().year - 1
    raws = Reader(norm, tokens, result, year).read()
    _report_ranges(norm, tokens, result)
    _report_strays(tokens, result)
    raws, lesser = lessened(redate(raws), norm)  # '小的安全事故' is not the 重大 record
    if lesser is not None:
        result.problems.append(lesser)
    resolve(raws, result, year)
    result.problems = list(dict.fromkeys(result.problems))
    result.rejected = list(dict.fromkeys(result.rejected))
    result.unknown = [f for f in dict.fromkeys(result.unknown) if f not in result.values]
    return result


def _report_ranges(norm: str, tokens: list[Token], result: ParsedFigures) -> None:
    """A range no label claimed ('大概3到4千万' answering 营收): named as a range, not as two strays."""
    for first, second in pairwise(tokens):
        if not first.used and is_range(norm, first, second):
            first.used = second.used = True
            span = norm[first.start : second.end].strip()
            result.problems.append(f"“{span}”是一个范围，请给出一个数（估计的可写“约…”）")


def _report_strays(tokens: list[Token], result: ParsedFigures) -> None:
    """One line for every number no label claimed (a long paste must not give 30 lines)."""
    strays = list(dict.fromkeys(shorten(t.text) for t in tokens if t.kind == "num" and not t.used and _worth_reporting(t.text)))
    if not strays:
        return
    shown = "、".join(f"“{t}”" for t in strays[:MAX_STRAY_SHOWN])
    more = f"等 {len(strays)} 处" if len(strays) > MAX_STRAY_SHOWN else ""
    result.problems.append(f"没能判断{shown}{more}指的是哪一项数据，请连同名称一起说明（如“研发人员12人”）")


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
    pattern = vocabulary()[0]
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
