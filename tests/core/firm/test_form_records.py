"""The veto/deduction items (失信、重大事故、经营异常…) are asked once at a form's end and never assumed."""

from __future__ import annotations

import scoring
from tests.core.firm.conftest import Chat

POINTS_FORM = ("/score", "跳过", "营收3000万，前年2500万", "研发费用200万，前年150万", "员工50人，研发10人",
               "发明专利2件，实用新型3件", "跳过", "跳过", "跳过", "跳过", "跳过")
SME_FORM = ("/sme", "跳过", "职工50人，研发人员8人", "营收1000万，资产总额2000万", "研发费用80万，跳过",
            "软著2个，没有发明专利", "跳过", "跳过", "跳过", "跳过")


def _asked(block: str) -> str:
    """The records question in a reply block ('' when it is not asked there)."""
    return next((line for line in block.splitlines() if line.startswith("近三年有无以下情况：")), "")


def _block_with(replies: list[str], words: str) -> str:
    return next(r for r in reversed(replies) if words in r)


async def test_the_points_form_ends_with_one_records_question(chat: Chat) -> None:
    replies = await chat(*POINTS_FORM)
    question = _asked(replies[-1])
    assert "失信" in question and "经营异常名录" in question
    assert "重大安全/质量事故或严重环境违法" in question and "都没有" in question
    assert question.count("？") == 1


async def test_all_none_is_recorded_in_one_line_and_the_verdict_has_no_caveat(chat: Chat) -> None:
    replies = await chat(*POINTS_FORM, "都没有", "确认")
    assert "都没有" in _block_with(replies, "已记录：")
    verdict = _block_with(replies, "创新积分初步自评估")
    assert "未确认有无" not in verdict and "扣分" not in verdict


async def test_skipped_records_are_named_as_unconfirmed_in_the_verdict(chat: Chat) -> None:
    replies = await chat(*POINTS_FORM, "跳过", "确认")
    verdict = _block_with(replies, "创新积分初步自评估")
    assert "未确认有无：" in verdict and "失信名单" in verdict and "否决或扣分" in verdict


async def test_a_named_item_counts_and_the_rest_are_none(chat: Chat) -> None:
    replies = await chat(*POINTS_FORM, "经营异常名录有，其他都没有", "确认")
    verdict = _block_with(replies, "创新积分初步自评估")
    assert "扣分：5 分" in verdict and "未确认有无" not in verdict


async def test_a_bare_yes_asks_which_item(chat: Chat) -> None:
    replies = await chat(*POINTS_FORM, "有")
    assert "请说明是哪一项" in replies[-1] and _asked(replies[-1])


async def test_a_volunteered_record_is_read_and_not_asked_again(chat: Chat) -> None:
    replies = await chat(*POINTS_FORM[:3], "我们被列入经营异常名录了", *POINTS_FORM[3:])
    question = _asked(replies[-1])
    assert question and "经营异常名录" not in question


async def test_the_sme_form_asks_its_conditions_the_same_way(chat: Chat) -> None:
    replies = await chat(*SME_FORM)
    assert "科研严重失信" in _asked(replies[-1])
    replies = await chat(*SME_FORM, "都没有", "确认", user="sme2")
    headline = next(line for r in replies for line in r.splitlines() if line.startswith("科小自评"))
    assert "待确认" not in headline


def test_the_points_result_lists_unanswered_record_items() -> None:
    result = scoring.score({"revenue": 3000, "business_anomaly": False}, "cn-ref-2024")
    assert isinstance(result, scoring.ScoreResult)
    assert result.unconfirmed == ("dishonest_list", "research_misconduct", "major_incident_recent",
                                  "safety_accidents_3y")
