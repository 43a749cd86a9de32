"""Right after a result, a bare "为什么" / "为什么不行" asks about that result, and "现在多少分" /
"我的分数是多少" repeat it; neither goes to the knowledge base."""

from __future__ import annotations

import pytest

from tests.core.firm.conftest import Chat

POINTS = ("营收1.2亿，研发投入八百万，研发12个人，员工120人，发明专利3件", "跳过", "b", "确认")
SME = ("营收2亿，研发1200万，员工600人，研发人员90人，发明专利5个", "能评科小吗")


@pytest.mark.parametrize("why", ["为什么", "为啥呢", "为什么会这样"])
async def test_a_bare_why_explains_the_points_result(chat: Chat, answerer_questions: list[str], why: str) -> None:
    await chat(*POINTS)
    [reply] = await chat(why)
    assert "创新积分结果怎么来的" in reply and "27.2 分" in reply
    assert answerer_questions == []


@pytest.mark.parametrize("why", ["为什么不行", "为什么不能"])
async def test_why_not_names_the_failed_condition(chat: Chat, answerer_questions: list[str], why: str) -> None:
    await chat(*SME)
    [reply] = await chat(why)
    assert "职工总数 600 人（要求 ≤500 人）" in reply and answerer_questions == []
    nxt = "\n".join(await chat("那高企呢"))  # the next message still runs the other check
    assert "高企硬性门槛自查" in nxt


@pytest.mark.parametrize("ask", ["现在多少分", "我的分数是多少", "我们现在多少分"])
async def test_score_lookups_repeat_the_latest_result(chat: Chat, answerer_questions: list[str], ask: str) -> None:
    await chat(*POINTS, "营收其实是1亿")
    [reply] = await chat(ask)
    assert "创新积分初步自评估" in reply and "10,000 万元" in reply and answerer_questions == []


async def test_a_why_about_something_else_is_still_a_question(chat: Chat, answerer_questions: list[str]) -> None:
    await chat(*POINTS)
    await chat("为什么要搞积分制")
    assert answerer_questions == ["为什么要搞积分制"]


async def test_a_plan_never_says_qualified_when_a_hard_condition_fails(chat: Chat) -> None:
    await chat("营收2.8亿，研发费用850万，员工400人，研发人员45人，实用新型6个", "能评科小吗")
    [reply] = await chat("为什么不行")
    assert "❌ 营业收入 28000 万元（要求 ≤20000 万元）" in reply
    assert "最快达标" not in reply and "评分最快达到 60 分" in reply and "不能评为科小" in reply
