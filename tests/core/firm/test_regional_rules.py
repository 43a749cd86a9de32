"""Asked to score by a region's rules ("按成都的规则帮我算"), the chat says plainly that only the national
reference model (积分) or the national 办法 (高企, 科小) is installed, then offers that estimate — never a
silent national score passed off as the region's, and the rules' place is not taken for the firm's."""

from __future__ import annotations

import pytest

from bot.core.firm.asks import load_asks
from bot.core.firm.regional import rules_place
from tests.core.firm.conftest import Chat

SCORED = ("营收3000万 研发费用150万", "跳过", "b", "确认")  # the points estimate: 15.66 分


@pytest.mark.parametrize(("text", "place"), [
    ("按成都的规则帮我算", "成都"),
    ("根据杭州的标准我们能拿多少分", "杭州"),
    ("用深圳的积分办法算一下", "深圳"),
])
def test_a_regions_rules_are_read_from_the_wording(text: str, place: str) -> None:
    found = rules_place(text, load_asks())
    assert found is not None and found[0] == place


@pytest.mark.parametrize("text", ["成都的积分规则是什么", "按规则帮我算", "帮我算一下积分"])
def test_a_question_about_rules_or_a_plain_request_is_not_one(text: str) -> None:
    assert rules_place(text, load_asks()) is None


async def test_with_no_profile_the_note_comes_first_then_the_form(chat: Chat) -> None:
    replies = await chat("按成都的规则帮我算")
    assert "没有收录成都自己的积分规则" in replies[0] and "全国参考模型" in replies[0]
    assert "上年度营业收入" in replies[0]
    assert "地区/行业：成都" not in "\n".join(replies)  # the rules' place, not the firm's


async def test_with_a_profile_the_note_then_the_reference_estimate(chat: Chat) -> None:
    reply = "\n".join(await chat(*SCORED, "按杭州的标准算一下我们的积分"))
    assert "没有收录杭州自己的积分规则" in reply and "15.66" in reply


async def test_a_national_check_says_its_rules_are_national(chat: Chat) -> None:
    replies = await chat("根据成都的标准测一下高企")
    assert "高企按全国统一的认定办法" in replies[0] and "成都的地方细则没有收录" in replies[0]
    assert "资质" not in "\n".join(replies)  # "高企" picks the check, it is no fact about the firm


async def test_inside_a_form_the_note_is_given_and_the_form_waits(chat: Chat) -> None:
    replies = await chat("/score", "成都 软件", "按成都的规则算", "营收3000万")
    assert "全国参考模型" in replies[-2] and "测算仍在进行中" in replies[-2]
    assert "已记录：上年度营业收入 3,000 万元" in replies[-1]
