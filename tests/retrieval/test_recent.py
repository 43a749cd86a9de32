"""What's new: the newest briefings by their own dates, a region's when one is named, or plainly none."""

from __future__ import annotations

from datetime import date

import pytest

from retrieval.answering import ExtractiveAnswerer
from retrieval.engine import RetrievalEngine
from retrieval.recent import asks_whats_new, whats_new, whats_new_topic

TODAY = date(2026, 11, 28)  # the corpus's newest briefings are from June 2024


@pytest.mark.parametrize(
    "question",
    ["最近有什么新政策", "最新的简报有哪些", "这个月有什么新消息", "成都最近有什么新政策", "最近有啥新动态吗",
     "成都市最近有新政策吗", "今年出了什么新政策", "近期有哪些新通知"],
)
def test_a_whats_new_question_is_recognised(question: str) -> None:
    assert asks_whats_new(question)


@pytest.mark.parametrize(
    "question",
    ["最近一年销售收入5000万研发占比要多少", "最新的积分贷利率是多少", "成都的创新积分指标有哪些", "积分贷是什么"],
)
def test_a_question_about_something_specific_is_not_a_whats_new_question(question: str) -> None:
    assert not asks_whats_new(question)


def test_the_newest_briefings_come_first_and_old_ones_are_not_called_recent(knowledge_engine: RetrievalEngine) -> None:
    answer = whats_new("最近有什么新政策", knowledge_engine.store, TODAY)
    assert answer.answer.startswith("近三个月") and "没有收录" in answer.answer
    dates = [c.date for c in answer.citations]
    assert dates and dates == sorted(dates, reverse=True) and dates[0].startswith("2024-06")
    assert all(c.kind == "briefing" for c in answer.citations)  # policy summaries are not news
    assert "2024年6月" in answer.answer


def test_briefings_inside_the_window_are_listed_as_recent(knowledge_engine: RetrievalEngine) -> None:
    answer = whats_new("最新的简报有哪些", knowledge_engine.store, date(2024, 7, 10))
    assert answer.answer.startswith("最近收录的简报") and answer.grounded


def test_a_named_period_is_the_window(knowledge_engine: RetrievalEngine) -> None:
    answer = whats_new("这个月有什么新消息", knowledge_engine.store, TODAY)
    assert "这个月（2026年11月1日以来）没有收录" in answer.answer


def test_a_named_region_lists_only_its_briefings(knowledge_engine: RetrievalEngine) -> None:
    answer = whats_new("成都最近有什么新政策", knowledge_engine.store, TODAY)
    assert "关于成都" in answer.answer and answer.citations
    assert all("成都" in c.title for c in answer.citations)
    none = whats_new("上海最近有新政策吗", knowledge_engine.store, TODAY)
    assert not none.grounded and "没有关于上海" in none.answer and not none.citations


def test_the_answerer_lists_by_date_with_its_clock(knowledge_engine: RetrievalEngine) -> None:
    answerer = ExtractiveAnswerer(knowledge_engine.searcher, today=lambda: TODAY)
    ex = answerer.explain("最近有什么新政策")
    assert ex.decision.startswith("what's new")
    assert "2026年8月28日以来" in ex.answer.answer


@pytest.mark.parametrize(
    ("question", "topic"),
    [("最近积分贷有什么新消息", "积分贷"), ("积分贷最新政策是什么", "积分贷"), ("最近专精特新有什么新政策", "专精特新"),
     ("高企有新政策吗", "高企"), ("成都最近有什么新政策", "")],
)
def test_one_short_topic_beside_a_news_word_narrows_the_list(question: str, topic: str) -> None:
    assert whats_new_topic(question) == topic


def test_a_topic_lists_the_briefings_that_name_it(knowledge_engine: RetrievalEngine) -> None:
    answer = whats_new("最近积分贷有什么新消息", knowledge_engine.store, TODAY)
    assert "关于积分贷的" in answer.answer and answer.citations
    assert all("积分" in c.title or "积分" in c.text for c in answer.citations)
    none = whats_new("最近专精特新有什么新政策", knowledge_engine.store, TODAY)
    assert not none.grounded and "没有关于专精特新" in none.answer
