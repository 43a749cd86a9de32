"""Goal and stage questions after a result are answered from the firm's figures and the rule data:
"研发人员要加几个" / "研发要投多少才够" (the 高企 gap), "专利再多申请几个有用吗", "重点提升哪一项最划算",
"我们公司在哪个阶段", "那等营收过500万会怎样" (a what-if that names the stage change)."""

from __future__ import annotations

import pytest

from tests.core.firm.conftest import Chat

HIGH_TECH = ("想看看能不能评高企", "营收4800万，研发200万，员工60，研发人员5，注册两年，实用新型3个，高新产品收入2500万", "没有")
POINTS = ("营收5000万 研发400万 员工150 研发人员35 发明专利4 实用新型10", "跳过", "b", "确认")  # 37.69 分, 成长期
FALL_THROUGH = ("未在已收录的简报中找到", "画像")


@pytest.mark.parametrize(("message", "expected", "absent"), [
    ("研发人员要加几个", "还需增加 1 名研发人员（若全部新招聘，需招 2 名）", "研发投入强度"),
    ("研发费用要再投多少", "还需增加 40 万元研发费用", "研发人员占比"),
    ("研发要投多少才够", "还需增加 40 万元研发费用", "研发人员占比"),
    ("要招几个人才行", "需招 2 名", "研发投入强度"),
])
async def test_a_high_tech_goal_gets_that_condition_with_the_firms_numbers(
    chat: Chat, message: str, expected: str, absent: str
) -> None:
    reply = (await chat(*HIGH_TECH, message))[-1]
    assert expected in reply and absent not in reply, reply


async def test_points_goal_improvement_and_stage_questions_are_ours(chat: Chat) -> None:
    replies = await chat(*POINTS, "专利再多申请几个有用吗", "重点提升哪一项最划算", "我们公司在哪个阶段")
    patents, best, stage = replies[-3:]
    assert "有效发明专利等Ⅰ类知识产权数：4 件，得 7.67/10 分" in patents and "到 5 件" in patents
    assert "研发费用 400 → 1000 万元：+1.71 分" in best
    assert "属于成长期" in stage
    assert not any(mark in r for r in (patents, best, stage) for mark in FALL_THROUGH)


async def test_a_future_revenue_is_a_whatif_that_names_the_new_stage(chat: Chat) -> None:
    replies = await chat("营收300万，研发50万，员工12人，研发人员6人", "跳过", "b", "确认", "那等营收过500万会怎样")
    assert "300 万元 → 500 万元（未改动档案）" in replies[-1]
    assert "阶段：初创期 → 成长期" in replies[-1] and "技术创新 60→55" in replies[-1]
