"""Asking for a check again ("再测一次高企", "重新评一下科小") runs or opens THAT check, never the points
form or a briefing; a re-run word about another topic ("再算一下贴息政策") stays a question."""

from __future__ import annotations

import pytest

from tests.core.firm.conftest import Chat

SCORED = ("营收5000万 研发投入300万 研发人员20 员工100 发明专利2个", "跳过", "b", "确认")
FALL_THROUGH = ("未在已收录的简报中找到", "画像")  # what the fake answerer says


@pytest.mark.parametrize(("message", "expected", "not_expected"), [
    ("再测一次高企", "高企硬性门槛自查", "创新积分初步自评估"),
    ("重新测一下科小", "科小自评", "创新积分初步自评估"),
    ("重新评一下科小吧", "科小自评", "创新积分初步自评估"),
    ("再算一次积分", "创新积分初步自评估", "科小自评"),
    ("帮我再自查一下高企", "高企硬性门槛自查", "创新积分初步自评估"),
])
async def test_a_rerun_after_a_result_runs_the_named_check_on_the_profile(
    chat: Chat, message: str, expected: str, not_expected: str
) -> None:
    await chat(*SCORED)
    reply = "\n".join(await chat(message))
    assert expected in reply and not_expected not in reply
    assert not any(mark in reply for mark in FALL_THROUGH)


@pytest.mark.parametrize(("message", "expected"), [
    ("再测一次高企", "高企硬性条件"),
    ("重新测一下科小", "科小条件"),
])
async def test_a_rerun_with_no_profile_opens_the_named_checks_form_with_its_name(chat: Chat, message: str, expected: str) -> None:
    replies = await chat(message)
    assert expected in replies[0] and "职工总数" in "\n".join(replies)


async def test_a_rerun_word_about_another_topic_is_a_question(chat: Chat, answerer_questions: list[str]) -> None:
    await chat(*SCORED)
    await chat("再算一下贴息政策")
    assert answerer_questions[-1] == "再算一下贴息政策"


@pytest.mark.parametrize("noise", ["！！！", "？？", "。。。"])
async def test_punctuation_alone_in_a_form_repeats_the_pending_question(chat: Chat, noise: str) -> None:
    replies = await chat("/score", "成都 软件", noise)
    assert "没能看懂" in replies[-1] and "上年度营业收入" in replies[-1] and "/help" not in replies[-1]


async def test_punctuation_alone_outside_a_form_says_how_to_ask(chat: Chat) -> None:
    assert "/help" in (await chat("！！！"))[0]


async def test_punctuation_alone_after_a_result_repeats_its_open_yes_no_question(chat: Chat) -> None:
    replies = await chat(*SCORED, "？？")
    assert "没能看懂" in replies[-1] and "还在等您确认" in replies[-1] and "都没有" in replies[-1]


async def test_punctuation_alone_after_the_question_is_answered_says_how_to_ask(chat: Chat) -> None:
    replies = await chat(*SCORED, "都没有", "！！")
    assert "/help" in replies[-1] and "还在等您确认" not in replies[-1]
