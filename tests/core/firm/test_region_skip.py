"""The region question is asked once: a skip (跳过, the button, 不填, or figures instead) is remembered for
the user's profile, said once with how to add it later, and no later check asks it again."""

from __future__ import annotations

import pytest

from tests.core.firm.conftest import Chat

REGION = "所在地区和行业"


@pytest.mark.parametrize("skip", ["跳过", "a", "不填"])
async def test_a_skipped_region_is_not_asked_by_the_next_check(chat: Chat, skip: str) -> None:
    replies = await chat("/score", skip, "营收3000万 研发费用100万", "就这些", "确认", "/hightech")
    assert "之后的测算不再问" in "\n".join(replies[:3])
    assert REGION not in "\n".join(replies[-2:]) and "注册年限" in replies[-1]


async def test_a_region_given_later_in_a_form_is_saved(chat: Chat) -> None:
    replies = await chat("/score", "跳过", "/cancel", "/sme", "我们在成都")
    assert REGION not in replies[-2] and "成都" in replies[-1]


async def test_a_region_answered_is_not_a_skip(chat: Chat) -> None:
    replies = await chat("/score", "成都 软件")
    assert "不再问" not in "\n".join(replies)


async def test_without_a_skip_the_region_is_still_asked(chat: Chat) -> None:
    replies = await chat("/score")
    assert REGION in "\n".join(replies)


async def test_a_region_said_outside_a_form_is_saved_and_not_asked_again(chat: Chat, answerer_questions: list[str]) -> None:
    replies = await chat("我们在成都，做软件", "/score")
    assert "已记录地区/行业：成都（四川），软件" in replies[0] and answerer_questions == []
    assert REGION not in "\n".join(replies[1:])


async def test_a_question_naming_a_place_is_no_region_statement(chat: Chat, answerer_questions: list[str]) -> None:
    await chat("成都的积分贷能贷多少")
    assert answerer_questions == ["成都的积分贷能贷多少"]
