"""Questions about the firm's OWN figures, its result's own lines and the bot itself are answered from
the profile, the last result and plain texts (ownasks.yaml), never with a briefing excerpt."""

from __future__ import annotations

import pytest

from tests.core.firm.conftest import Chat

SCORED = ("营收3000万 研发200万 员工100 研发人员20", "跳过", "b", "确认")  # 23.36 分, 成长期, 14 项未填
FALL_THROUGH = ("未在已收录的简报中找到", "画像")  # what the fake answerer says


def _ours(reply: str) -> bool:
    return not any(mark in reply for mark in FALL_THROUGH)


@pytest.mark.parametrize(("message", "expected", "absent"), [
    ("营收多少来着", "上年度营业收入：3,000 万元", "研发（科技）人员数"),
    ("我刚才说研发人员多少个", "研发（科技）人员数：20 人", "营业收入"),
    ("我们填了哪些数据", "职工总数：100 人", "未填写"),
    ("发明专利我填的多少", "还没有有效发明专利", "专利：0"),
])
async def test_own_figures_are_said_back_from_the_profile(chat: Chat, message: str, expected: str, absent: str) -> None:
    reply = (await chat(*SCORED, message))[-1]
    assert expected in reply.replace("等Ⅰ类知识产权数", "") and absent not in reply, reply
    assert _ours(reply)


async def test_a_recall_is_followed_by_another_figure(chat: Chat) -> None:
    replies = await chat(*SCORED, "营收多少来着", "那研发费用呢", "职工呢")
    assert "上年度研发费用：200 万元" in replies[-2] and "职工总数：100 人" in replies[-1]
    assert _ours(replies[-2]) and _ours(replies[-1])


async def test_recall_without_a_profile_says_nothing_is_held_and_the_score_question_is_the_result(chat: Chat) -> None:
    assert "还没有数据" in (await chat("营收多少来着", user="empty"))[-1]
    reply = "\n".join(await chat(*SCORED, "多少分来着"))
    assert "23.36 分" in reply.split("\n\n")[-1] or "23.36" in reply


async def test_the_missing_lines_are_named_biggest_first(chat: Chat) -> None:
    replies = await chat(*SCORED, "未填写的14项是哪些", "我应该先补哪几项")
    for reply in replies[-2:]:
        assert "未填写的 14 项（共 67 分" in reply, reply
        assert reply.index("有效发明专利") < reply.index("营业收入增长率") < reply.index("净资产收益率")


async def test_a_category_is_listed_with_the_firms_points(chat: Chat) -> None:
    reply = (await chat(*SCORED, "辅助指标是什么"))[-1]
    assert "辅助类指标" in reply and "成长期满分 15 分" in reply
    assert "应届毕业生" in reply and "股权" in reply and "标准制定" in reply


@pytest.mark.parametrize(("message", "expected"), [
    ("这个分准吗", "不是官方积分"),
    ("官方平台上的分会跟这个一样吗", "不是官方积分"),
    ("能拿去银行用吗", "不能"),
    ("跟同行比怎么样", "看不到其他企业"),
])
async def test_what_the_estimate_is_and_is_not(chat: Chat, message: str, expected: str) -> None:
    reply = (await chat(*SCORED, message))[-1]
    assert expected in reply and _ours(reply), reply


@pytest.mark.parametrize("message", ["待提升是什么意思", "多少分算领先", "良好是多少分"])
async def test_a_band_question_gets_the_models_bands_and_where_the_firm_stands(chat: Chat, message: str) -> None:
    reply = (await chat(*SCORED, message))[-1]
    assert "≥85 领先、≥70 良好、≥55 中等、其余待提升" in reply and "您现在 23.36 分（待提升）" in reply, reply


async def test_the_gap_to_a_band_is_still_the_gap(chat: Chat) -> None:
    reply = (await chat(*SCORED, "要到良好还差多少分"))[-1]
    assert "还差" in reply and "≥85 领先" not in reply, reply


@pytest.mark.parametrize("message", ["你们会把我填的数据给银行吗", "数据存在哪", "我们的数据安全吗", "那我怎么删"])
async def test_privacy_questions_get_the_true_short_answer_without_a_result(chat: Chat, message: str) -> None:
    reply = (await chat(message))[-1]
    assert "不会发给银行" in reply and "/forget" in reply, reply


@pytest.mark.parametrize("message", ["你们用的是哪个版本的指标", "为什么不用2.0版"])
async def test_the_model_version_is_said_plainly(chat: Chat, message: str) -> None:
    reply = (await chat(message))[-1]
    assert "全国试行版" in reply and "没有按 2.0 版算" in reply, reply


async def test_batch_scoring_is_explained_to_an_administrator(chat: Chat) -> None:
    reply = (await chat("我是园区管理员，怎么批量算积分"))[-1]
    assert "/admin" in reply and "score-batch" in reply
