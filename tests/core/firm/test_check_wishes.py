"""A check named with a wish ("我们想评科小", "科小自评") opens that check; a check's name answering
the 资质 choice inside the points form is that choice, not a request to leave the form."""

from __future__ import annotations

import pytest

from bot.storage.profiles import SqlProfileStore
from tests.core.firm.conftest import Chat

FIGURES = "营收两千万，研发一百二十万，员工80，研发人员15，实用新型4个，资产三千万"


@pytest.mark.parametrize("opener", ["我们想评科小", "想申请科小", "科小自评", "帮我评一下科技型中小企业"])
async def test_a_wish_opens_the_named_check_and_records_nothing(
    chat: Chat, profiles: SqlProfileStore, opener: str
) -> None:
    first = await chat(opener)
    assert "科小条件" in first[0] and "创新积分" not in first[0] and "已记录" not in "\n".join(first)
    record = profiles.load("console:boss")
    assert record is None or "qualification" not in record.fields
    replies = await chat(FIGURES)  # the next message: the 科小 result, from these figures
    text = "\n".join(replies)
    assert "科小自评：82 分" in text and "创新积分初步自评估" not in text


async def test_asking_how_stays_a_question(chat: Chat, answerer_questions: list[str]) -> None:
    await chat("想申请科小要什么条件")
    assert answerer_questions == ["想申请科小要什么条件"]


async def test_a_check_name_answers_the_qualification_choice(chat: Chat, profiles: SqlProfileStore) -> None:
    await chat("/score", "跳过", "营收2.3亿 研发费用1800万 职工260人 研发人员90人 发明专利12件")
    replies: list[str] = []
    for _ in range(12):  # answer "跳过" until the 资质 choice is asked
        if "请选择：资质" in (replies[-1] if replies else ""):
            break
        replies = await chat("跳过")
    assert "请选择：资质" in replies[-1]
    answered = await chat("高企")
    assert "已记录：资质 高新技术企业" in answered[0] and "高企硬性门槛" not in "\n".join(answered)
    nxt = await chat("省级")  # the next message answers the next choice of the same form
    assert "研发机构级别 省级" in nxt[0]


async def test_i_want_a_score_offers_the_checks(chat: Chat, answerer_questions: list[str]) -> None:
    [menu] = await chat("我要算分")
    assert "想测哪一项" in menu and answerer_questions == []
    nxt = await chat("科小")  # the next message picks the check
    assert "科小条件" in nxt[0]
