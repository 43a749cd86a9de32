"""A figure named back under another field ("研发人员3000万" -> "是研发费用吗？") waits one message: "是的" /
"对" / "我说的是研发费用" records 研发费用 3000万 and shows it, "不是" drops it, anything else is read as usual."""

from __future__ import annotations

import pytest

from tests.core.firm.conftest import Chat

SCORED = ("营收3000万 研发费用150万", "跳过", "b", "确认")  # the points estimate: 15.66 分


@pytest.mark.parametrize("yes", ["是的", "对", "嗯", "我说的是研发费用", "是研发费用"])
async def test_in_a_form_a_yes_records_the_named_back_figure(chat: Chat, yes: str) -> None:
    replies = await chat("/score", "成都 软件", "研发人员3000万", yes)
    assert "是研发费用吗" in replies[-2] and "回复“是”按上年度研发费用 3,000 万元记录" in replies[-2]
    assert replies[-1].startswith("已记录：上年度研发费用 3,000 万元")


async def test_in_a_form_a_no_drops_it_and_the_question_is_asked_again(chat: Chat) -> None:
    replies = await chat("/score", "成都 软件", "研发人员3000万", "不是", "确认")
    assert "没有记录（上年度研发费用 3,000 万元）" in replies[-2] and "请提供" in replies[-2]
    assert "3,000" not in replies[-1]  # the next message is read as usual, nothing was recorded


async def test_a_bare_figure_in_the_wrong_unit_is_offered_to_its_twin(chat: Chat) -> None:
    replies = await chat("/sme", "跳过", "营收5000万 研发费用200万 职工100", "3000万", "对")
    assert "是研发费用吗" in replies[-2]
    assert "上年度研发费用 200 万元 → 3,000 万元" in replies[-1]


async def test_at_the_region_prompt_a_yes_records_it_and_the_region_is_still_asked(chat: Chat) -> None:
    replies = await chat("研发人员3000万", "是的")
    assert "已记录：上年度研发费用 3,000 万元" in replies[-1] and "所在地区和行业" in replies[-1]


async def test_after_a_result_a_yes_records_it_and_restates_the_result(chat: Chat) -> None:
    replies = await chat(*SCORED, "研发人员3000万", "是的")
    assert "回复“是”按上年度研发费用 3,000 万元记录" in replies[-2]
    assert "已更新企业档案：上年度研发费用 150 万元 → 3,000 万元" in replies[-1] and "23.16" in replies[-1]


async def test_after_a_result_a_no_keeps_the_profile(chat: Chat) -> None:
    replies = await chat(*SCORED, "研发人员3000万", "不是", "差在哪")
    assert "没有记录" in replies[-2]
    assert "15.66" in replies[-1]


async def test_the_offer_lasts_one_message(chat: Chat) -> None:
    replies = await chat("/score", "成都 软件", "研发人员3000万", "营收5000万", "是的")
    assert "已记录：上年度营业收入 5,000 万元" in replies[-2]
    assert "研发费用 3,000" not in replies[-1]
