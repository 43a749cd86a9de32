"""A returning manager: "上次高企那个结果呢" shows that check from the profile; a present-tense fact
("我们现在研发人员加到8个了") updates the profile, so "那现在能过吗" uses it; a supposition stays a what-if."""

from __future__ import annotations

import pytest

from bot.core.firm.intents import classify
from bot.core.firm.vocab import load_vocab
from bot.storage.profiles import SqlProfileStore
from tests.core.firm.conftest import Chat

KEY = "console:boss"
HIGH_TECH = ("能评高企吗", "营收4800万，研发200万，员工60，研发人员5，注册两年，实用新型3个，高新产品收入2500万", "没有")


async def test_a_returning_manager_gets_the_last_check_then_updates_it(chat: Chat, profiles: SqlProfileStore) -> None:
    await chat(*HIGH_TECH)
    replies = await chat("上次高企那个结果呢", "我们现在研发人员加到8个了", "那现在能过吗")
    assert "高企硬性门槛自查" in replies[0] and "研发人员占比 8.33%" in replies[0]
    assert "研发（科技）人员数 5 人 → 8 人" in replies[1] and "未改动档案" not in replies[1]
    record = profiles.load(KEY)
    assert record is not None and record.figures["rd_staff"] == 8
    assert "研发人员占比 13.33%" in replies[2] and "已达标" in replies[2]


@pytest.mark.parametrize(("message", "kind"), [
    ("我们现在研发人员加到8个了", "correction"),
    ("研发人员已经12个了", "correction"),
    ("营收目前涨到6000万了", "correction"),
    ("如果研发人员加到8个呢", "whatif"),
    ("研发人员现在又多了3个了", "whatif"),  # a change by an amount: never read as the new total
])
def test_present_tense_facts_update_and_suppositions_stay_whatifs(message: str, kind: str) -> None:
    intent = classify(message, load_vocab())
    assert intent is not None and intent.kind == kind, intent
