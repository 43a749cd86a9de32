"""Comparison questions: both sides answered, each with its own source, or said to be unknown."""

from __future__ import annotations

import pytest

from retrieval.answering import ExtractiveAnswerer
from retrieval.compare import Comparison, compare, comparison
from retrieval.engine import RetrievalEngine
from retrieval.types import Answer, Citation


@pytest.fixture(scope="module")
def answerer(knowledge_engine: RetrievalEngine) -> ExtractiveAnswerer:
    """The extractive answerer over briefings and policy summaries."""
    return ExtractiveAnswerer(knowledge_engine.searcher)


@pytest.mark.parametrize(
    ("question", "sides", "first"),
    [
        ("高企和科小的研发占比分别要多少", ("高企", "科小"), "高企的研发占比要多少"),
        ("成都和杭州积分贷有什么区别", ("成都", "杭州"), "成都积分贷是什么"),
        ("科小和高企哪个门槛高", ("科小", "高企"), "科小的条件是什么"),
        ("高企跟科小的税收优惠有啥不一样", ("高企", "科小"), "高企的税收优惠是什么"),
        ("成都、杭州积分贷有啥区别", ("成都", "杭州"), "成都积分贷是什么"),
        ("成都跟杭州比，积分贷哪个额度高", ("成都", "杭州"), "成都积分贷的额度是多少"),
        ("高企和科小哪个好", ("高企", "科小"), "高企有什么好处"),
    ],
)
def test_each_side_gets_its_own_question(question: str, sides: tuple[str, str], first: str) -> None:
    asked = comparison(question)
    assert asked is not None and asked.sides == sides and asked.questions[0] == first
    assert sides[0] not in asked.questions[1] and sides[1] in asked.questions[1]


@pytest.mark.parametrize("question", ["成都和杭州的企业有多少家", "积分贷是什么", "高企认定条件有哪些"])
def test_one_subject_is_no_comparison(question: str) -> None:
    assert comparison(question) is None


def _cite(title: str) -> Citation:
    return Citation("d-" + title, title, "政策摘要", "2024-08", "正文", "knowledge")


def test_a_side_the_sources_lack_is_said_to_be_unknown_and_the_other_keeps_its_source() -> None:
    answers = {
        "积分贷的利率是什么": Answer("积分贷利率由银行自主确定。", True, [_cite("积分贷利率是多少")]),
        "科创贷的利率是什么": Answer("未收录：没有具体的利率。", False, []),
    }
    asked = Comparison(("积分贷", "科创贷"), ("积分贷的利率是什么", "科创贷的利率是什么"), which=True)
    result = compare(asked, answers.__getitem__)
    assert result.grounded and [c.title for c in result.citations] == ["积分贷利率是多少"]
    assert "· 积分贷：积分贷利率由银行自主确定（出处：《积分贷利率是多少》）" in result.answer
    assert "· 科创贷：已收录的来源里没有科创贷这方面的内容。" in result.answer
    assert "没有直接比较" in result.answer  # 哪个利率低: no ranking is made up


def test_two_places_are_answered_side_by_side_each_with_its_source(answerer: ExtractiveAnswerer) -> None:
    answer = answerer.answer("成都和杭州积分贷有什么区别")
    assert "· 成都：" in answer.answer and "· 杭州：" in answer.answer
    assert "1000万元" in answer.answer and "50万元" in answer.answer
    titles = [c.title for c in answer.citations]
    assert len(titles) == 2 and any("成都" in t for t in titles) and any("杭州" in t for t in titles)


def test_two_programmes_are_both_answered(answerer: ExtractiveAnswerer) -> None:
    answer = answerer.answer("高企和科小的研发占比分别要多少")
    lines = answer.answer.splitlines()
    assert lines[1].startswith("· 高企：") and "5%" in lines[1]
    assert lines[2].startswith("· 科技型中小企业：")
