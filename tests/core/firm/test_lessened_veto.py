"""A word that lowers the severity ("小的安全事故", "环保处罚，不严重") is not the 重大/严重 veto item:
it is asked back and nothing is recorded, wherever it is said; a plain or 重大 accident still is."""

from __future__ import annotations

from bot.storage.profiles import SqlProfileStore
from tests.core.firm.conftest import Chat

KEY = "console:boss"
HIGH_TECH = ("能评高企吗", "营收6000万 研发300万", "员工200 研发人员19 实用新型2个", "注册4年，高新收入4000万")


def _incident(profiles: SqlProfileStore) -> object:
    record = profiles.load(KEY)
    return None if record is None else record.figures.get("major_incident_recent")


async def test_not_serious_answering_the_verdicts_question_records_nothing(
    chat: Chat, profiles: SqlProfileStore
) -> None:
    await chat(*HIGH_TECH)
    replies = await chat("有一次环保处罚，不严重")
    assert "不严重" in replies[0] and "重大" in replies[0] and "不符合" not in "\n".join(replies)
    assert _incident(profiles) is None
    nxt = await chat("没有")  # the next message answers the question that stayed open
    assert "✅ 申请认定前一年内未发生重大安全" in "\n".join(nxt)
    assert _incident(profiles) is False


async def test_a_small_accident_told_after_a_result_is_asked_back(chat: Chat, profiles: SqlProfileStore) -> None:
    await chat(*HIGH_TECH, "没有")
    replies = await chat("去年出过一次小的安全事故")
    assert "小的" in replies[0] and "未记录" in replies[0]
    assert _incident(profiles) is False


async def test_a_small_accident_in_the_forms_records_question(chat: Chat, profiles: SqlProfileStore) -> None:
    await chat("/sme", "跳过", "营收3000万 研发200万 员工80 研发人员20 发明专利1 资产5000万", "b", "确认")
    replies = await chat("有，一次小的安全事故")
    assert "小的" in "\n".join(replies) and "未记录" in "\n".join(replies)
    assert _incident(profiles) is None
