"""A verdict with nothing failed but facts still unknown says so, never "暂不符合"."""

from __future__ import annotations

from tests.core.firm.conftest import Chat

FIRM = "营收八千万，研发费用280万，科技人员30人，员工260人，发明专利2件"


async def test_sme_score_passed_but_assets_unknown_is_pending_not_failed(chat: Chat) -> None:
    replies = await chat("能评上科小吗", "营收八千万，研发费用400万，科技人员30人，员工260人，发明专利2件")
    verdict = next(r for r in replies if "科小自评" in r)
    assert "74 分" in verdict and "暂不符合" not in verdict
    assert "评分已达 60 分" in verdict and "资产总额" in verdict


async def test_sme_score_below_the_line_still_fails(chat: Chat) -> None:
    replies = await chat("能评上科小吗", "营收八千万，研发费用200万，科技人员30人，员工260人，发明专利1件")
    verdict = next(r for r in replies if "科小自评" in r)
    assert "暂不符合" in verdict


async def test_hightech_whatif_that_clears_the_only_failure_changes_the_verdict(chat: Chat) -> None:
    replies = await chat("我们今年能不能去申请高企", FIRM, "如果研发费用提到400万呢？")
    assert "暂未满足全部条件" in replies[1]
    assert "结论不变" not in replies[-1]
    assert "已知条件都满足" in replies[-1]
