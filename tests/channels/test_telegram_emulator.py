"""The Telegram channel through the real PTB Application against the Bot API emulator (scripted core)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram.ext import Application

from bot.channels.telegram.channel import TelegramRunner, build_application
from tests.fakes.telegram import (
    Emulator,
    EmulatorUser,
    ScriptedAssistant,
    application_idle,
    new_token,
)

pytestmark = [pytest.mark.server, pytest.mark.timeout(60)]


@pytest.fixture
def assistant() -> ScriptedAssistant:
    return ScriptedAssistant()


@pytest.fixture
async def bot(emulator: Emulator, assistant: ScriptedAssistant) -> AsyncIterator[Application]:
    """A bot polling the emulator with its own token, running while the test runs."""
    application = build_application(token=new_token(), assistant=assistant, api_url=emulator.url)
    runner = TelegramRunner(application, poll_timeout=1)
    await runner.start()
    try:
        yield application
    finally:
        await runner.stop()


@pytest.fixture
def token(bot: Application) -> str:
    return bot.bot.token


@pytest.fixture
def user(http: httpx.AsyncClient, bot: Application) -> EmulatorUser:
    return EmulatorUser(http, bot.bot.token, user_id=4242, bot_idle=application_idle(bot))


async def test_start_shows_keyboard_and_click_reaches_core(
    user: EmulatorUser, assistant: ScriptedAssistant
) -> None:
    await user.send("/start")
    (greeting,) = await user.replies()
    assert "创新积分助手" in greeting.body
    assert greeting.buttons == [[("评估积分", "cmd:score"), ("帮助", "cmd:help")]]

    await user.click(greeting, "评估积分")
    (ask,) = await user.replies()
    assert "营业收入" in ask.body
    callback = assistant.seen[-1]
    assert (callback.kind, callback.callback_data) == ("callback", "cmd:score")
    assert callback.user_key == "telegram:4242"
    assert callback.display_name == "王经理"


async def test_scoring_dialogue_ends_with_png_photo(user: EmulatorUser) -> None:
    await user.send("/score")
    await user.replies()
    await user.send("营收3000万，研发投入200万，研发人员12人")
    (confirm,) = await user.replies()
    assert "确认" in confirm.body
    await user.click(confirm, "确认")
    result = await user.replies(until=lambda got: any(m.is_photo for m in got))
    assert "72 分" in result[0].body
    photo = result[-1]
    assert photo.is_photo and photo.is_png
    assert photo.caption == "指标得分图"


async def test_question_and_long_answer_split_under_limit(user: EmulatorUser) -> None:
    await user.send("创新积分怎么算？")
    (answer,) = await user.replies()
    assert "来源：《" in answer.body

    await user.send("/long")
    parts = await user.replies()
    assert len(parts) >= 2
    assert all(len(p.body) <= 4096 for p in parts)
    assert sum(p.body.count("创新积分") for p in parts) == 8 * 300


async def test_commands_with_bot_suffix_are_normalized(
    user: EmulatorUser, assistant: ScriptedAssistant
) -> None:
    await user.send("/subscribe@TestNameBot")
    (reply,) = await user.replies()
    assert "已订阅" in reply.body
    assert assistant.seen[-1].text == "/subscribe"


async def test_sticker_and_voice_get_polite_text(
    user: EmulatorUser, assistant: ScriptedAssistant
) -> None:
    sticker = {"file_id": "s1", "file_unique_id": "us1", "width": 512, "height": 512,
               "is_animated": False, "is_video": False, "type": "regular"}
    await user.send_raw(sticker=sticker)
    (polite,) = await user.replies()
    assert "文字" in polite.body
    assert assistant.seen[-1].kind == "unsupported"

    assistant.unsupported_reply = True
    await user.send_raw(voice={"file_id": "v1", "file_unique_id": "uv1", "duration": 3})
    (core_says,) = await user.replies()
    assert core_says.body == "（核心）请发送文字。"


async def test_csv_upload_reaches_core_as_bytes_and_document_comes_back(
    user: EmulatorUser, assistant: ScriptedAssistant
) -> None:
    content = "企业,营收\n甲,3000\n".encode()
    await user.upload("firms.csv", content, "text/csv")
    (reply,) = await user.replies()
    seen = assistant.seen[-1]
    assert (seen.kind, seen.file_name, seen.file_bytes) == ("file", "firms.csv", content)
    assert reply.upload is not None and reply.upload["filename"] == "scores.csv"
    assert "firms.csv" in (reply.caption or "")


async def test_oversized_table_is_refused_before_download(
    emulator: Emulator, http: httpx.AsyncClient, assistant: ScriptedAssistant
) -> None:
    token = new_token()
    application = build_application(
        token=token, assistant=assistant, api_url=emulator.url, max_file_bytes=16
    )
    runner = TelegramRunner(application, poll_timeout=1)
    await runner.start()
    try:
        uploader = EmulatorUser(http, token, user_id=4343, bot_idle=application_idle(application))
        await uploader.upload("big.xlsx", b"x" * 64, "application/vnd.ms-excel")
        (refusal,) = await uploader.replies()
    finally:
        await runner.stop()
    assert "太大" in refusal.body
    assert assistant.seen == []


async def test_other_documents_are_unsupported(
    user: EmulatorUser, assistant: ScriptedAssistant
) -> None:
    await user.upload("report.pdf", b"%PDF-1.4", "application/pdf")
    (polite,) = await user.replies()
    assert "文字" in polite.body
    assert assistant.seen[-1].kind == "unsupported"
    assert assistant.seen[-1].file_bytes is None


async def test_failure_is_logged_without_figures_and_user_is_told(
    user: EmulatorUser, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await user.send("/boom 营收3000万")
    (sorry,) = await user.replies()
    assert "出了点问题" in sorry.body
    assert "3000" not in sorry.body
    assert "RuntimeError" in caplog.text
    assert "3000万" not in caplog.text

    await user.send("/subscribe")  # the bot keeps working
    (after,) = await user.replies()
    assert "已订阅" in after.body


async def test_command_menu_is_published_at_start(http: httpx.AsyncClient, token: str) -> None:
    menu = (await http.post(f"/bot{token}/getMyCommands")).json()["result"]
    commands = {item["command"]: item["description"] for item in menu}
    assert {"start", "score", "subscribe", "forget"} <= set(commands)
    assert commands["score"] == "创新积分初步测算"


async def test_flooding_user_does_not_hold_up_another_and_keeps_order(
    http: httpx.AsyncClient, token: str, assistant: ScriptedAssistant
) -> None:
    assistant.delay = 0.05  # each reply takes 50 ms of "core" time
    flooder = EmulatorUser(http, token, user_id=1001)
    other = EmulatorUser(http, token, user_id=1002)
    for n in range(30):  # 30 × 50 ms = 1.5 s if handled one after another
        await flooder.send(f"echo {n}")
    loop = asyncio.get_running_loop()
    sent_at = loop.time()
    await other.send("echo 你好")
    await other.replies(idle=0.0)
    other_latency = loop.time() - sent_at
    flood = await flooder.replies(until=lambda got: len(got) >= 30, timeout=20)
    assert other_latency < 0.75, f"the other user waited {other_latency:.2f}s behind the flood"
    assert [m.body for m in flood] == [f"echo {n}" for n in range(30)]


async def test_forget(user: EmulatorUser) -> None:
    await user.send("/forget")
    (done,) = await user.replies()
    assert "已删除" in done.body
