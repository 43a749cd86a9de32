"""A question naming a year (2026年, 今年) is never answered by another year's passage as if it were that year's."""

from __future__ import annotations

from datetime import date

import pytest

from retrieval.answering import ExtractiveAnswerer
from retrieval.engine import RetrievalEngine
from retrieval.years import AskedYears, asked_years

TODAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def answerer(knowledge_engine: RetrievalEngine) -> ExtractiveAnswerer:
    """The answerer on a fixed day (the clock seam)."""
    return ExtractiveAnswerer(knowledge_engine.searcher, today=lambda: TODAY)


def test_the_asked_year_is_explicit_or_counted_from_today() -> None:
    assert asked_years("2026年高企申报什么时候开始", TODAY) == AskedYears((2026,))
    assert asked_years("今年科小评价什么时候截止", TODAY) == AskedYears((2026,), "今年")
    assert asked_years("诸暨高企去年净增多少家", TODAY) == AskedYears((2025,), "去年")
    assert asked_years("高企要注册几年", TODAY) == AskedYears(())
    assert asked_years("国科发火〔2016〕32号讲什么", TODAY) == AskedYears(())  # a document number is no year


def test_an_explicit_year_the_sources_do_not_give_is_said_to_be_missing(answerer: ExtractiveAnswerer) -> None:
    answer = answerer.answer("2026年高企申报什么时候开始")
    assert not answer.grounded
    assert answer.answer.startswith("来源里没有2026年的")
    assert "2024年的情况" in answer.answer and answer.citations


def test_this_year_asked_of_an_older_briefing_names_the_briefing_year(answerer: ExtractiveAnswerer) -> None:
    answer = answerer.answer("铜陵今年推荐了多少家企业申报第一批高企")
    assert answer.grounded and "128家" in answer.answer  # what the source says is still given…
    assert "今年是2026年" in answer.answer and "2024年的情况" in answer.answer  # …as 2024's


def test_the_asked_year_itself_or_a_standing_rule_is_answered_plainly(knowledge_engine: RetrievalEngine) -> None:
    then = ExtractiveAnswerer(knowledge_engine.searcher, today=lambda: date(2024, 7, 1))
    answer = then.answer("铜陵今年推荐了多少家企业申报第一批高企")
    assert answer.grounded and answer.answer.startswith("研究制定") and "128家" in answer.answer
    rule = ExtractiveAnswerer(knowledge_engine.searcher, today=lambda: TODAY).answer("2026年高企认定条件是什么")
    assert rule.grounded and "来源里没有" not in rule.answer


def test_this_years_date_is_not_answered_by_another_years_date(answerer: ExtractiveAnswerer) -> None:
    answer = answerer.answer("今年高企申报什么时候开始")
    assert not answer.grounded and answer.answer.startswith("来源里没有2026年的具体时间")
