"""Conditions, procedure, validity, definition: the part of a rule a question asks about picks the
summary section about that part, not one whose text names the asked word in passing."""

from __future__ import annotations

import pytest

from retrieval.answering import ExtractiveAnswerer
from retrieval.aspects import ASPECT_COST, ASPECT_GAIN, asked_aspects, aspect_fit, section_aspects
from retrieval.engine import RetrievalEngine


@pytest.fixture(scope="module")
def answerer(knowledge_engine: RetrievalEngine) -> ExtractiveAnswerer:
    """The extractive answerer over briefings and policy summaries."""
    return ExtractiveAnswerer(knowledge_engine.searcher)


def test_the_question_words_say_which_part_is_asked() -> None:
    assert asked_aspects("高企认定条件").names == {"conditions"}
    assert asked_aspects("高企认定流程是啥").names == {"procedure"}
    assert asked_aspects("高企证书管几年啊").names == {"validity"}
    # 是什么 asks a definition only when nothing else is asked
    assert asked_aspects("科小的评价条件是什么").names == {"conditions"}
    only_definition = asked_aspects("什么算研发人员")
    assert only_definition.names == {"definition"} and not only_definition.firm
    assert not asked_aspects("积分贷利率多少").names


def test_a_section_is_read_by_its_heading_not_its_article_title() -> None:
    assert section_aspects("高新技术企业认定条件：认定程序") == {"procedure"}
    assert section_aspects("高新技术企业认定条件：八项认定条件总览") == {"conditions"}
    assert section_aspects("高新技术企业认定条件") == frozenset()  # no heading: the article title says nothing


def test_the_asked_section_gains_another_part_loses_and_briefings_are_left_alone() -> None:
    conditions = asked_aspects("高企的认定条件有哪些")
    assert aspect_fit(conditions, "高新技术企业认定条件：八项认定条件总览", "knowledge") == ASPECT_GAIN
    assert aspect_fit(conditions, "高新技术企业认定条件：认定程序", "knowledge") == -ASPECT_COST
    assert aspect_fit(conditions, "某地认定条件：认定程序", "briefing") == 0.0
    # a definition may sit in any section: other sections lose nothing for a what-is question
    assert aspect_fit(asked_aspects("什么算研发人员"), "科技型中小企业评价条件与评分：科技人员指标怎么打分",
                      "knowledge") == 0.0


@pytest.mark.parametrize(
    ("question", "fact", "wrong"),
    [
        ("高企认定条件", "八项条件", "认定程序"),
        ("高企的认定条件有哪些", "八项条件", "公示"),
        ("高企申请条件是啥", "八项条件", "公示"),
        ("高企认定流程是啥", "公示", "有效期"),
        ("高企证书几年有效", "三年", "积分"),
        ("什么算研发人员", "183天", "参考模型"),
    ],
)
def test_the_section_about_the_asked_part_answers(answerer: ExtractiveAnswerer, question: str, fact: str,
                                                   wrong: str) -> None:
    ans = answerer.answer(question)
    assert ans.grounded and fact in ans.answer and wrong not in ans.answer, ans.answer


@pytest.mark.parametrize(
    ("question", "facts"),
    [
        # a stage named in the question gets that stage's weights, from the reference model's rule file
        ("初创期权重多少", ("初创期（营业收入500万元以下）", "技术创新60分")),
        ("成长期权重", ("成长期（营业收入500万元至1亿元）", "技术创新55分")),
        ("稳定期各类指标权重", ("稳定期（营业收入1亿元及以上）", "技术创新45分")),
        ("各阶段权重是多少", ("官方各阶段权重未公开", "初创期", "稳定期")),
        # a weight is stated in points, never by a count of indicators ("18项指标")
        ("研发费用权重多少", ("官方权重未公开", "研发费用", "满分8分")),
    ],
)
def test_weights_questions_get_the_weights_of_the_stage_or_indicator_asked(
    answerer: ExtractiveAnswerer, question: str, facts: tuple[str, ...]
) -> None:
    ans = answerer.answer(question)
    assert ans.grounded and all(f in ans.answer for f in facts), ans.answer


@pytest.mark.parametrize(
    ("question", "fact", "wrong"),
    [
        ("高企要啥条件", "八项条件", "科技型中小企业须"),  # 高企 is one word, not 高企要
        ("科小要啥条件", "职工总数不超过500人", "直接确认"),
        ("高企认证条件", "八项条件", "公示"),
        ("软著算知识产权吗", "软件著作权", "诸暨"),
        ("软件著作权算几类知识产权", "Ⅱ类知识产权", "未收录"),
    ],
)
def test_colloquial_names_of_the_qualifications_and_their_terms(
    answerer: ExtractiveAnswerer, question: str, fact: str, wrong: str
) -> None:
    ans = answerer.answer(question)
    assert ans.grounded and fact in ans.answer and wrong not in ans.answer, ans.answer


@pytest.mark.parametrize(
    ("question", "facts", "wrong"),
    [
        ("科小和高企是什么关系", ("两项不同的资质", "直接确认为科小"), "加计扣除"),
        # a bare comparison of the two is answered whole by the section on how they relate
        ("高企和科小有啥区别", ("两项不同的资质", "证书有效期3年"), "分开来看"),
        ("创新积分和高企有啥区别", ("不是一回事",), "两项不同的资质"),
        ("高企有补贴吗", ("全国没有统一的高企补贴", "各地不同"), "宿州"),
    ],
)
def test_relation_and_no_national_figure_sections_answer(
    answerer: ExtractiveAnswerer, question: str, facts: tuple[str, ...], wrong: str
) -> None:
    ans = answerer.answer(question)
    assert ans.grounded and all(f in ans.answer for f in facts) and wrong not in ans.answer, ans.answer


def test_a_comparison_of_one_measure_is_still_answered_side_by_side(answerer: ExtractiveAnswerer) -> None:
    ans = answerer.answer("高企和科小的研发占比有什么区别")
    assert ans.answer.startswith("分开来看") and "不低于5%" in ans.answer, ans.answer


def test_a_figure_with_no_national_value_says_so_before_a_labelled_regional_example(
    answerer: ExtractiveAnswerer,
) -> None:
    ans = answerer.answer("高企补贴多少钱")
    assert ans.grounded and ans.answer.startswith("全国没有统一的高企补贴"), ans.answer
    if "已收录的地方例子" in ans.answer:  # an example, when shown, names whose figure it is
        assert "的情况，非全国统一）" in ans.answer.split("已收录的地方例子：", 1)[1]
    assert ans.citations[0].kind == "knowledge"
