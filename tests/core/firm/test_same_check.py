"""Naming the check whose form is open ("科小那个呢", "能评上科小吗" in the 科小 form) neither puts it down
and reopens it nor searches the briefings: the form says it is that check and waits."""

from __future__ import annotations

import pytest

from tests.core.firm.conftest import Chat


@pytest.mark.parametrize("again", ["科小那个呢", "能评上科小吗"])
async def test_the_open_check_named_again_keeps_the_form(chat: Chat, answerer_questions: list[str], again: str) -> None:
    replies = await chat("能评上科小吗", "营收3000万", again, "职工50 研发人员6 研发费用150万")
    assert "先放下" not in replies[-2] and "正在做的就是科小测算" in replies[-2] and "职工总数" in replies[-2]
    assert answerer_questions == []
    assert "科小自评" in replies[-1]  # the figures given before are still there


async def test_another_check_named_still_switches(chat: Chat) -> None:
    replies = await chat("能评上科小吗", "能评上高企吗")
    assert "科小先放下" in replies[-1] and "高企硬性条件" in replies[-1]


@pytest.mark.parametrize(("message", "label"), [("研发费用呢", "上年度研发费用"), ("研发人员？", "研发（科技）人员数")])
async def test_a_field_named_alone_in_a_form_says_how_to_give_it(
    chat: Chat, answerer_questions: list[str], message: str, label: str
) -> None:
    replies = await chat("/score", "跳过", "营收3000万", message)
    assert f"{label}现在就可以发" in replies[-1] and "请提供" in replies[-1]
    assert answerer_questions == []
