"""Bad input never crashes: empty, huge, emoji, control characters, unknown commands, failures."""

from __future__ import annotations

import logging

import pytest

from bot.core.types import Incoming
from tests.core.conftest import Rig, text_of


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", "没有收到内容"),
        ("   \n\t ", "没有收到内容"),
        ("\x00\x01\x07\x7f\u200b", "没有收到内容"),
        ("😀😀🎉", "没能看懂"),
        ("/nosuch", "暂不支持该命令：/nosuch"),
        ("/ask", "请在 /ask 后写上问题"),
    ],
)
async def test_odd_messages_get_a_clear_chinese_reply(rig: Rig, message: str, expected: str) -> None:
    replies = await rig.say(message)
    assert len(replies) >= 1
    assert expected in text_of(replies)


async def test_ten_thousand_characters_get_one_limit_and_change_nothing(rig: Rig) -> None:
    replies = await rig.say("积分" * 5000)
    assert len(replies) == 1 and "10000 字" in replies[0].text and "2000 字的上限" in replies[0].text
    assert "200字" not in replies[0].text and not rig.answerer.questions  # never half-read


async def test_an_overlong_message_in_a_dialogue_keeps_it_waiting(rig: Rig) -> None:
    await rig.say("/score")
    before = rig.sessions.load("console:u1")
    replies = await rig.say("营收3000万，" * 400)
    assert "2000 字的上限" in replies[0].text and "测算仍在进行中" in text_of(replies)
    assert rig.sessions.load("console:u1") == before


async def test_control_characters_inside_figures_are_removed(rig: Rig) -> None:
    await rig.say("/score")
    await rig.say("跳过")
    await rig.say("营收\x00\u200b3000万")
    record = rig.sessions.load("console:u1")
    assert record is not None and record.state["figures"] == {"revenue": 3000.0}


async def test_unsupported_kinds_get_a_please_send_text(rig: Rig) -> None:
    replies = await rig.assistant.handle(Incoming(channel="telegram", user_id="9", kind="unsupported"))
    assert "文字" in replies[0].text


class ExplodingAnswerer:
    """Fails with the user's question in the message, as a careless library might."""

    def answer(self, question: str) -> object:
        raise RuntimeError(f"bad: {question}")


async def test_catch_all_logs_no_message_and_replies_kindly(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    rig.assistant._answerer = ExplodingAnswerer()  # type: ignore[assignment]
    with caplog.at_level(logging.INFO):
        replies = await rig.say("营收3000万的积分制是什么")
    assert "出了点问题" in text_of(replies)
    assert "RuntimeError" in caplog.text
    assert "3000" not in caplog.text  # the message (with the question) is never logged


async def test_logs_never_contain_figures_or_user_ids(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        await rig.say("/score 营收3456万 研发投入789万", user="alice-42")
        await rig.say("跳过", user="alice-42")
        for _ in range(12):
            await rig.say("跳过", user="alice-42")
        await rig.say("确认", user="alice-42")
    assert rig.scoring.evaluations, "the dialogue must have reached scoring"
    assert "revenue" in caplog.text  # field names are fine
    for secret in ("3456", "789", "alice-42"):
        assert secret not in caplog.text


async def test_dialogue_survives_bad_messages(rig: Rig) -> None:
    await rig.say("/score 营收3000万")
    for message in ("", "😀", "\x00", "专利若干", "随便说说"):
        await rig.say(message)
    record = rig.sessions.load("console:u1")
    assert record is not None and record.state["figures"] == {"revenue": 3000.0}
