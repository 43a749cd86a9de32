"""The one numeral reader: golden readings per input form and cn2an as the oracle (issue 13)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import cn2an
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import parse_answer, parse_figures
from scoring.numbers import parse_number
from scoring.units import read_cell

GOLDEN = yaml.safe_load((Path(__file__).parent / "data" / "figures_golden.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", GOLDEN["text"], ids=lambda c: c["text"][:20])
def test_chat_text_reads_as_golden(case: dict[str, Any]) -> None:
    parsed = parse_figures(case["text"], data_year=2025)
    assert parsed.values == case["values"]
    for words in case.get("problems", []):
        assert any(words in p for p in parsed.problems), parsed.problems
    if not case.get("problems"):
        assert parsed.problems == []


@pytest.mark.parametrize("case", GOLDEN["answer"], ids=lambda c: c["text"])
def test_bare_answer_reads_as_golden(case: dict[str, Any]) -> None:
    parsed = parse_answer(case["text"], case["field"], data_year=2025)
    assert parsed is not None
    if "value" in case:
        assert parsed.values == {case["field"]: case["value"]}
    else:
        assert parsed.values == {} and any(case["problem"] in p for p in parsed.problems)


@pytest.mark.parametrize("case", GOLDEN["cell"], ids=lambda c: c["text"][:20])
def test_spreadsheet_cell_reads_as_golden(case: dict[str, Any]) -> None:
    value, own_unit, problem = read_cell(case["field"], case["text"])
    if "value" in case:
        assert (value, own_unit, problem) == (case["value"], case["own_unit"], None)
    else:
        assert value is None and problem is not None and case["problem"] in problem


def test_each_warning_appears_once_in_a_long_paste() -> None:
    text = "；".join(["营收1200万美元", "另外还有300万"] * 30)
    problems = parse_figures(text).problems
    assert len(problems) == len(set(problems))
    assert len(problems) <= 3, problems


def _oracle(text: str) -> Decimal | None:
    """cn2an's reading in smart mode, None where it refuses the text."""
    try:
        return Decimal(str(cn2an.cn2an(text, "smart")))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**16 - 1))
def test_formal_numerals_read_back_exactly(n: int) -> None:
    """Every integer written out by cn2an (一亿零二百万零三十) reads back as itself."""
    assert parse_number(cn2an.an2cn(n)) == n


_DIGIT = st.sampled_from("一二三四五六七八九")
_SMALL = st.sampled_from("十百千")


@st.composite
def _colloquial(draw: st.DrawFn) -> str:
    """'一千五', '两万五', '三百二十', '四万五千六', '八点五万' …: forms people say."""
    head = draw(_DIGIT) + draw(_SMALL)
    tail = draw(st.sampled_from(["", "{d}", "零{d}", "{d}十", "{d}百"]))
    body = head + tail.format(d=draw(_DIGIT))
    return draw(st.sampled_from([body, body + "万", draw(_DIGIT) + "万" + draw(_DIGIT), draw(_DIGIT) + "点" + draw(_DIGIT) + "万"]))


@settings(max_examples=400, deadline=None)
@given(_colloquial())
def test_colloquial_numerals_agree_with_cn2an(text: str) -> None:
    """Where cn2an (smart mode) reads a colloquial numeral, this reader reads the same number."""
    expected = _oracle(text)
    if expected is not None:
        assert parse_number(text) == expected, text


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from(["", "万", "亿"]))
def test_arabic_with_magnitudes_agree_with_cn2an(number: Decimal, unit: str) -> None:
    text = f"{number}{unit}"
    expected = _oracle(text)
    assert expected is not None
    assert parse_number(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.,万亿千百十一二两三四五六七八九零点个wWkK美元人%", max_size=40))
def test_reader_never_raises_on_numeral_soup(text: str) -> None:
    parse_number(text)
    read_cell("revenue", text)
    parse_figures("营收" + text)
