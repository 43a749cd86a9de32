"""Reply rendering and update ordering, without any server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from telegram import Chat, Message, Update

from bot.channels.telegram.channel import TelegramHandlers
from bot.channels.telegram.render import (
    build_keyboard,
    load_telegram_texts,
    send_replies,
    telegram_chunks,
    utf16_len,
)
from bot.channels.telegram.updates import PerChatUpdateProcessor
from bot.core.types import Choice, Reply
from tests.fakes.telegram import RecordingBot, tiny_png

TEXTS = load_telegram_texts()


async def _render(*replies: Reply) -> RecordingBot:
    bot = RecordingBot()
    await send_replies(bot, 7, list(replies), TEXTS)  # type: ignore[arg-type]
    return bot


def test_texts_file_is_complete_and_chinese() -> None:
    assert "文字" in TEXTS.get("unsupported")
    assert "{limit_mb}" in TEXTS.raw("file_too_large")
    assert "Error" not in TEXTS.get("error")


def test_emoji_count_double_and_chunks_stay_under_utf16_limit() -> None:
    text = "😀" * 5000  # 10,000 UTF-16 units, no natural break
    chunks = telegram_chunks(text)
    assert all(utf16_len(c) <= 4096 for c in chunks)
    assert "".join(chunks) == text


def test_keyboard_rows_and_callback_limit() -> None:
    markup = build_keyboard(((Choice("确认", "ok"), Choice("取消", "no")), (Choice("帮助", "h"),)))
    assert markup is not None
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [["ok", "no"], ["h"]]
    assert build_keyboard(()) is None
    with pytest.raises(ValueError):
        build_keyboard(((Choice("太长", "数据" * 20),),))


async def test_long_text_is_split_and_keyboard_goes_on_last_piece() -> None:
    choices = ((Choice("继续", "more"),),)
    bot = await _render(Reply(text="段落。" * 3000, choices=choices))
    assert bot.methods == ["send_message"] * 3
    assert all(len(fields["text"]) <= 4096 for _, fields in bot.calls)
    assert [fields["reply_markup"] is not None for _, fields in bot.calls] == [False, False, True]


async def test_photo_with_short_text_is_one_captioned_photo() -> None:
    bot = await _render(Reply(text="得分图", image_png=tiny_png()))
    ((method, fields),) = bot.calls
    assert method == "send_photo" and fields["caption"] == "得分图"
    assert fields["photo"].startswith(b"\x89PNG")


async def test_photo_with_long_text_sends_photo_then_text() -> None:
    bot = await _render(Reply(text="说明" * 800, image_png=tiny_png()))
    assert bot.methods == ["send_photo", "send_message"]
    assert bot.calls[0][1]["caption"] is None


async def test_document_and_choice_only_replies() -> None:
    bot = await _render(
        Reply(document=b"a,b\n", document_name="scores.csv"),
        Reply(choices=((Choice("是", "y"),),)),
        Reply(),
    )
    assert bot.methods == ["send_document", "send_message"]
    assert bot.calls[0][1]["filename"] == "scores.csv"
    assert bot.calls[1][1]["text"] == TEXTS.get("choose")


def test_commands_addressed_to_this_bot_lose_the_suffix() -> None:
    normalize = TelegramHandlers._command_text
    assert normalize("/score@InnoBot 营收3000万", "innobot") == "/score 营收3000万"
    assert normalize("/score@OtherBot", "InnoBot") == "/score@OtherBot"
    assert normalize("你好 /score@InnoBot", "InnoBot") == "你好 /score@InnoBot"


def _update(update_id: int, chat_id: int) -> Update:
    message = Message(update_id, datetime(2026, 1, 1, tzinfo=UTC), Chat(chat_id, "private"))
    return Update(update_id, message=message)


async def test_per_chat_processor_orders_each_chat_and_runs_chats_concurrently() -> None:
    processor = PerChatUpdateProcessor(max_running=8)
    log: list[tuple[int, int]] = []

    async def work(chat: int, n: int, seconds: float) -> None:
        await asyncio.sleep(seconds)
        log.append((chat, n))

    flood = [processor.process_update(_update(i, 1), work(1, i, 0.02)) for i in range(10)]
    other = processor.process_update(_update(100, 2), work(2, 0, 0.0))
    started = asyncio.get_running_loop().time()
    flood_task = asyncio.gather(*flood)
    await other
    other_done = asyncio.get_running_loop().time() - started
    await flood_task
    assert [n for chat, n in log if chat == 1] == list(range(10))  # in order
    assert other_done < 0.1  # not stuck behind chat 1's ten updates (~0.2 s)
    assert processor.active_chats == 0


async def test_per_chat_processor_drops_a_flood_beyond_its_per_chat_bound() -> None:
    processor = PerChatUpdateProcessor(max_running=4, max_per_chat=5)
    handled: list[int] = []

    async def work(chat: int) -> None:
        await asyncio.sleep(0.01)
        handled.append(chat)

    updates = [processor.process_update(_update(i, 1), work(1)) for i in range(40)]
    updates.append(processor.process_update(_update(99, 2), work(2)))
    await asyncio.gather(*updates)
    assert handled.count(1) == 5 and handled.count(2) == 1
    assert processor.dropped == 35


def test_per_chat_processor_keys() -> None:
    key: Any = PerChatUpdateProcessor._chat_key
    assert key(object()) is None
    assert key(_update(1, 9)) == ("chat", 9)
    assert key(SimpleNamespace()) is None
