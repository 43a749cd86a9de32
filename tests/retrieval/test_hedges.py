"""Hedges name what was asked: "没有给出积分贷的具体期限", never another thing's figure (积分的具体数字)."""

from __future__ import annotations

import pytest

from retrieval.answer_texts import messages, what_missing
from retrieval.answering import ExtractiveAnswerer
from retrieval.datafiles import data_file
from retrieval.engine import RetrievalEngine
from retrieval.targets import detect_targets, holds, target_rules


@pytest.fixture(scope="module")
def answerer(knowledge_engine: RetrievalEngine) -> ExtractiveAnswerer:
    """The extractive answerer over briefings and policy summaries."""
    return ExtractiveAnswerer(knowledge_engine.searcher)


def test_every_target_kind_has_its_own_hedge_text() -> None:
    """A kind without one fell back to "…的具体数字", which names a number for a term or a rank."""
    what = data_file("messages.yaml")["what"]
    assert {r.kind for r in target_rules().targets} <= set(what)


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("积分贷最长贷几年", "积分贷的具体期限"),
        ("宁科贷排第几", "排名"),
        ("成都打算把积分对象扩大到什么范围", "范围"),
        ("积分贷利率是多少", "利率"),
    ],
)
def test_the_hedge_names_the_asked_thing(question: str, named: str) -> None:
    target = detect_targets(question).primary
    assert target is not None and named in what_missing(target)


def test_a_year_or_a_day_of_the_month_is_no_length_of_time() -> None:
    term = detect_targets("积分贷最长贷几年").primary
    assert term is not None and term.kind == "duration"
    assert not holds(term, "一篇2026年的报刊评论称成都积分贷融资成本约2.5%。")
    assert not holds(term, "常州积分贷授信403亿元（2025年3月）。")
    assert holds(term, "积分贷期限1年，可展期2次。")
    assert holds(term, "积分贷最长可贷三年。")


def test_a_loan_term_question_without_a_term_says_the_term_is_missing(answerer: ExtractiveAnswerer) -> None:
    answer = answerer.answer("积分贷最长贷几年").answer
    assert "期限" in answer and "积分的具体数字" not in answer
    assert "2026年" not in answer  # a year in the evidence is not the term asked
    assert messages()["partial"].split("{")[0] in answer or "未收录" in answer
