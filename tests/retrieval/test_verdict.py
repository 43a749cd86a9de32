"""Yes/no questions a rule settles start with the plain verdict; an unsettled one says it depends,
and a figure about another measure never yields a confident 不能."""

from __future__ import annotations

import pytest

from retrieval.answering import ExtractiveAnswerer
from retrieval.engine import RetrievalEngine
from retrieval.types import Answer, Hit
from retrieval.verdict import bounds, facts, verdict, with_verdict

STAFF = "高企认定要求企业从事研发和相关技术创新活动的科技人员占企业当年职工总数的比例不低于10%。"
SIZE = "科技型中小企业须同时满足以下条件：职工总数不超过500人、年销售收入不超过2亿元、资产总额不超过2亿元；"
BANDS = ("最近一年销售收入5000万元以下（含）的企业研发费用占比不低于5%，最近一年销售收入5000万元至2亿元（含）的"
         "企业研发费用占比不低于4%，最近一年销售收入2亿元以上的企业研发费用占比不低于3%。")
AGE = "企业须注册成立1年以上，即申请时已成立满365个日历天；注册成立不满1年的企业不能申请认定。"
IP = "至少拥有发明专利（Ⅰ类）或实用新型、外观设计、软件著作权等Ⅱ类知识产权1件。"


def test_the_figures_a_question_states_are_read_on_one_scale() -> None:
    (age,) = facts("成立不到一年能评高企吗")
    assert (age.unit, age.value, age.side, age.noun) == ("年", 1.0, "below", "成立")
    assert [(f.unit, f.value) for f in facts("营收3个亿能评科小吗")] == [("万元", 30000.0)]
    assert [(f.unit, f.value) for f in facts("注册半年能申请高企不")] == [("年", 0.5)]


def test_a_band_the_rule_applies_to_is_no_requirement() -> None:
    assert sorted(b.value for b in bounds(BANDS)) == [3.0, 4.0, 5.0]  # not the 5000万元 / 2亿元 bands
    assert {(b.value, b.floor) for b in bounds(SIZE)} == {(500.0, False), (20000.0, False)}


@pytest.mark.parametrize(
    ("question", "text", "expected"),
    [
        ("成立不到一年能评高企吗", AGE, "fails"),
        ("注册半年能申请高企不", AGE, "fails"),
        ("成立两年能评高企吗", AGE, "meets"),
        ("员工600人能评科小吗", SIZE, "fails"),
        ("营收3个亿能评科小吗", SIZE, "fails"),
        ("科技人员占比8%能过高企吗", STAFF, "fails"),
        ("研发占比2%能评高企吗", BANDS, "fails"),
        ("研发占比3%能评高企吗", BANDS, "depends"),  # only the firms above 2亿元 of revenue
        ("研发占比6%能评高企吗", BANDS, "meets"),
        # 从事研发 earlier in the sentence is not what the 10% measures: no confident 不能
        ("研发占比8%能过高企吗", STAFF, "depends"),
        ("软著算知识产权吗".replace("软著", "软件著作权"), IP, "member"),
        ("外观设计算不算Ⅱ类知识产权", IP, "member"),
        ("高企认定条件", AGE, ""),  # not a yes/no question
        ("发明专利算不算Ⅱ类知识产权", STAFF, ""),  # the rule does not list it: nothing is said
    ],
)
def test_the_verdict_follows_only_from_the_quoted_rule(question: str, text: str, expected: str) -> None:
    assert verdict(question, text) == expected


def test_only_a_national_policy_summary_leads_with_a_verdict() -> None:
    national = Hit("c", "d", "高新技术企业认定条件：注册成立时间要求", "s", "2026-11-01", AGE, 1.0, kind="knowledge")
    regional = Hit("c", "d", "各地做法：成都市", "s", "2026-11-01", AGE, 1.0, regions=("成都",), kind="knowledge")
    briefing = Hit("c", "d", "某简报", "s", "2024-01", AGE, 1.0)
    answer = Answer(AGE, True, [])
    assert with_verdict("成立不到一年能评高企吗", answer, national).answer.startswith("不能。")
    for hit in (regional, briefing):
        assert with_verdict("成立不到一年能评高企吗", answer, hit).answer == AGE


@pytest.fixture(scope="module")
def answerer(knowledge_engine: RetrievalEngine) -> ExtractiveAnswerer:
    """The extractive answerer over briefings and policy summaries."""
    return ExtractiveAnswerer(knowledge_engine.searcher)


@pytest.mark.parametrize(
    ("question", "start"),
    [
        ("成立不到一年能评高企吗", "不能。"),
        ("注册半年能申请高企不", "不能。"),
        ("员工600人能评科小吗", "不能。"),
        ("软著算知识产权吗", "算。"),
        ("研发占比3%能评高企吗", "不一定"),
    ],
)
def test_yes_no_answers_start_with_the_verdict(answerer: ExtractiveAnswerer, question: str, start: str) -> None:
    ans = answerer.answer(question)
    assert ans.grounded and ans.answer.startswith(start), ans.answer
