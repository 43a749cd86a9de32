"""Elliptical follow-ups keep their context: after "要到良好还差多少", "那到中等呢" / "优秀呢" / "那60分呢"
ask the same about another grade; after a why-question on one input, "那研发人员呢" asks it for another;
after the loan answer, "哪个银行能做" / "利息多少" / "要什么材料" are about 积分贷."""

from __future__ import annotations

import pytest

from bot.storage.profiles import SqlProfileStore
from tests.core.firm.conftest import Chat

SCORED = ("营收3000万 研发费用150万", "跳过", "b", "确认")  # the points estimate: 15.66 分


@pytest.mark.parametrize(("message", "expected"), [
    ("那到中等呢", "距中等（55 分）还差 39.34 分"),
    ("中等呢", "距中等（55 分）还差 39.34 分"),
    ("那领先呢", "距领先（85 分）还差 69.34 分"),
    ("优秀呢", "没有“优秀”这一档"),
    ("那及格呢", "没有“及格”这一档"),
    ("那60分呢", "距 60 分还差 44.34 分"),
])
async def test_a_grade_follow_up_asks_the_last_grade_question_again(
    chat: Chat, answerer_questions: list[str], message: str, expected: str
) -> None:
    await chat(*SCORED)
    first, then = await chat("要到良好还差多少", message)
    assert "距良好（70 分）还差 54.34 分" in first
    assert expected in then and "按“要到" in then
    assert answerer_questions == []  # never a briefing search


async def test_follow_ups_chain_and_the_one_after_still_reads_the_last_question(chat: Chat) -> None:
    await chat(*SCORED, "要到良好还差多少")
    middle, last = await chat("那中等呢", "领先呢")
    assert "距中等" in middle and "距领先（85 分）" in last


async def test_an_input_follow_up_swaps_the_input_of_a_why_question(chat: Chat) -> None:
    await chat(*SCORED)
    first, then = await chat("研发费用那项为啥只有这么点", "那营收呢")
    assert "研发费用" in first
    assert "按“营收那项为啥只有这么点”" in then and "上年度营业收入：3000 万元" in then


async def test_a_policy_question_in_between_takes_the_follow_up(chat: Chat, answerer_questions: list[str]) -> None:
    await chat(*SCORED, "要到良好还差多少", "成都的积分贷利率多少")
    await chat("那杭州呢")
    assert answerer_questions[-1] == "杭州的积分贷利率多少"


@pytest.mark.parametrize(("message", "question"), [
    ("哪个银行能做", "积分贷哪个银行能做"),
    ("利息多少", "积分贷利息多少"),
    ("要什么材料", "积分贷要什么材料"),
])
async def test_after_the_loan_answer_a_bare_question_is_about_积分贷(
    chat: Chat, answerer_questions: list[str], message: str, question: str
) -> None:
    await chat(*SCORED)
    loan = "\n".join(await chat("能贷多少"))
    then = "\n".join(await chat(message))
    assert "没有固定公式" in loan
    assert answerer_questions[-1] == question and "按“积分贷" in then


async def test_the_loan_examples_leave_the_checks_topic_alone(chat: Chat, profiles: SqlProfileStore) -> None:
    await chat("/hightech", "营收3000万 研发费用150万 职工50 研发人员8", "b", "确认", "没有")
    await chat("能贷多少")
    record = profiles.load("console:boss")
    assert record is not None and record.context.topic == "high-tech-2016"


@pytest.mark.parametrize("message", ["还差多少", "怎么提高", "那为什么呢"])
async def test_a_message_that_asks_on_its_own_is_not_read_as_a_grade(chat: Chat, message: str) -> None:
    await chat(*SCORED, "要到良好还差多少")
    reply = "\n".join(await chat(message))
    assert "按“要到" not in reply and "这一档" not in reply


async def test_right_after_a_points_result_a_grade_alone_asks_the_gap_to_it(chat: Chat, answerer_questions: list[str]) -> None:
    await chat(*SCORED)
    reply = "\n".join(await chat("那到良好呢"))
    assert "距良好（70 分）还差 54.34 分" in reply and answerer_questions == []


async def test_right_after_a_result_a_place_is_no_grade(chat: Chat, answerer_questions: list[str]) -> None:
    await chat(*SCORED, "要到良好还差多少")
    reply = "\n".join(await chat("那杭州呢"))
    assert "这一档" not in reply and answerer_questions  # a place goes to the knowledge base


async def test_an_input_after_怎么提高_asks_how_to_raise_that_input(chat: Chat, answerer_questions: list[str]) -> None:
    await chat(*SCORED, "怎么提高")
    reply = "\n".join(await chat("那研发费用呢"))
    assert "按“研发费用怎么提高”" in reply and "研发费用 150 → 300 万元" in reply and answerer_questions == []


async def test_a_loan_question_with_no_firm_data_still_gets_the_loan_facts(chat: Chat, answerer_questions: list[str]) -> None:
    loan = "\n".join(await chat("能贷多少"))
    await chat("利息多少")
    assert "没有固定公式" in loan and "您的创新积分结果" not in loan
    assert answerer_questions == ["积分贷能贷多少", "积分贷利息多少"]


async def test_a_grade_after_a_科小_result_is_the_points_grade_and_says_so(chat: Chat) -> None:
    await chat("/sme", "跳过", "营收1800万 研发费用90万 员工45 研发人员6 软著3个", "b", "确认")
    reply = "\n".join(await chat("要到良好还差多少"))
    assert "创新积分的分档" in reply and "距良好（70 分）还差" in reply
