"""A veto item the user names as true is recorded, and a pass headline names what is still unconfirmed."""

from __future__ import annotations

import pytest

from tests.core.firm.conftest import Chat

FIRM = "职工50人，研发人员8人，营收1000万，研发费用80万，软著2个，资产总额2000万"


@pytest.mark.parametrize("answer", ["有，被列入经营异常名录", "经营异常名录有", "我们被列入经营异常名录了"])
async def test_a_named_veto_item_fails_the_sme_check_and_stays_failed_on_the_next_question(
    chat: Chat, answer: str
) -> None:
    replies = await chat("能评上科小吗", FIRM, answer, "差在哪")
    verdict = next(r for r in replies[-2::-1] if "科小自评" in r)
    assert "暂不符合" in verdict and "初步符合" not in verdict
    assert "❌ 未列入经营异常名录" in verdict
    assert "❌ 未列入经营异常名录" in replies[-1]
    assert "未列入经营异常名录；" not in replies[-1] and "；未列入经营异常名录" not in replies[-1]


async def test_a_pass_with_unconfirmed_veto_items_says_it_holds_only_once_they_are_confirmed(chat: Chat) -> None:
    replies = await chat("能评上科小吗", FIRM)
    headline = next(line for r in replies for line in r.splitlines() if line.startswith("科小自评"))
    assert "初步符合" in headline and "待确认无：" in headline and "列入经营异常名录" in headline


async def test_all_none_confirms_and_the_headline_drops_the_caveat(chat: Chat) -> None:
    replies = await chat("能评上科小吗", FIRM, "都没有", "差在哪")
    verdict = next(r for r in replies[-2::-1] if "科小自评" in r)
    assert "初步符合" in verdict and "待确认" not in verdict
    assert "❓ 未确认" not in replies[-1]
