"""A question about a rule that quotes a number is answered from policy; it never becomes our figures."""

from __future__ import annotations

import pytest

from bot.core.firm.intents import asks_about_rules
from bot.core.firm.vocab import load_vocab
from bot.storage.profiles import SqlProfileStore
from tests.core.firm.conftest import Chat

KEY = "console:boss"


@pytest.mark.parametrize("text", ["科小营收上限是1亿对吧", "高企研发费用占比是不是要6%", "科小职工上限500人吗？"])
def test_a_number_put_to_the_rules_is_a_rules_question(text: str) -> None:
    assert asks_about_rules(text, load_vocab())


@pytest.mark.parametrize("text", [
    "我们营收1亿，研发投入600万",
    "营收1亿，研发投入600万",
    "营收3000万，研发投入150万，能认定高企吗",
    "我们营收1亿是不是达到科小上限了",
    "高企的条件是什么",  # no number: the usual question routing
])
def test_our_figures_and_eligibility_are_not_rules_questions(text: str) -> None:
    assert not asks_about_rules(text, load_vocab())


async def test_rules_question_outside_a_dialogue_answers_and_keeps_the_profile_empty(
    chat: Chat, profiles: SqlProfileStore
) -> None:
    replies = await chat("科小营收上限是1亿对吧", "/profile", "我们营收8000万，研发400万")
    assert "年收入 ≤2 亿" in replies[0] and "已记录" not in replies[0]
    assert "企业档案还是空的" in replies[1]
    assert "已记录：上年度营业收入 8,000 万元，上年度研发费用 400 万元" in replies[2]
    record = profiles.load(KEY)
    assert record is not None and record.figures == {"revenue": 8000, "rd_expense": 400}


async def test_rules_question_inside_a_dialogue_is_answered_and_the_dialogue_goes_on(
    chat: Chat, profiles: SqlProfileStore
) -> None:
    replies = await chat("我们营收8000万，研发400万", "高企研发费用占比是不是要6%", "职工100人，研发人员12人")
    assert "已记录" not in replies[1]
    assert "测算仍在进行中" in replies[1]  # answered, then the same prompt again
    assert "已记录：职工总数 100 人" in replies[2]
    record = profiles.load(KEY)
    assert record is not None
    assert set(record.figures) == {"revenue", "rd_expense", "employees", "rd_staff"}
