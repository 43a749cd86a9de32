"""Core replies → Telegram messages: text split at the limit, keyboards, photos and documents."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import TelegramError

from bot.core.late import resolve_late, split_late
from bot.core.split import split_text
from bot.core.texts import Texts
from bot.core.types import Choice, Reply

__all__ = [
    "CALLBACK_DATA_LIMIT",
    "TELEGRAM_CAPTION_LIMIT",
    "TELEGRAM_TEXT_KEYS",
    "TELEGRAM_TEXT_LIMIT",
    "build_keyboard",
    "load_telegram_texts",
    "send_replies",
    "telegram_chunks",
    "utf16_len",
]

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit for InlineKeyboardButton.callback_data
TELEGRAM_TEXT_LIMIT = 4096  # UTF-16 code units, as Telegram counts them
TELEGRAM_CAPTION_LIMIT = 1024

logger = logging.getLogger(__name__)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: characters outside the BMP (most emoji) take two units."""
    return len(text.encode("utf-16-le")) // 2


def telegram_chunks(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """The core's natural split, re-cut where emoji push a chunk past Telegram's UTF-16 limit."""
    chunks: list[str] = []
    for chunk in split_text(text, limit):
        chunks.extend([chunk] if utf16_len(chunk) <= limit else split_text(chunk, limit // 2))
    return chunks


TELEGRAM_TEXT_KEYS = ("unsupported", "error", "file_too_large", "choose", "commands")


@lru_cache(maxsize=1)
def load_telegram_texts() -> Texts:
    """The few sentences the channel itself says (texts.yaml), read once; the core writes the rest."""
    return Texts.load("bot.channels.telegram", required=TELEGRAM_TEXT_KEYS)


def build_keyboard(rows: Sequence[Sequence[Choice]]) -> InlineKeyboardMarkup | None:
    """Choices as an inline keyboard; None when there are none."""
    keyboard: list[list[InlineKeyboardButton]] = []
    for row in rows:
        buttons = []
        for choice in row:
            if len(choice.data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
                raise ValueError(f"callback data longer than {CALLBACK_DATA_LIMIT} bytes")
            buttons.append(InlineKeyboardButton(choice.label, callback_data=choice.data))
        if buttons:
            keyboard.append(buttons)
    return InlineKeyboardMarkup(keyboard) if keyboard else None


async def _send_reply(bot: Bot, chat_id: int, reply: Reply, texts: Texts) -> list[Message]:
    """One core reply as one or more messages; the keyboard goes on the last one."""
    markup = build_keyboard(reply.choices)
    text = reply.text.strip()
    sent: list[Message] = []
    caption: str | None = None
    chunks: list[str] = []
    if reply.image_png is None and reply.document is None:
        chunks = telegram_chunks(text) if text else ([texts.get("choose")] if markup is not None else [])
    elif text and utf16_len(text) <= TELEGRAM_CAPTION_LIMIT:
        caption = text
    elif text:
        chunks = telegram_chunks(text)

    media_markup = markup if not chunks else None
    if reply.image_png is not None:
        sent.append(
            await bot.send_photo(
                chat_id,
                photo=reply.image_png,
                caption=caption,
                reply_markup=media_markup if reply.document is None else None,
            )
        )
        caption = None
    if reply.document is not None:
        sent.append(
            await bot.send_document(
                chat_id,
                document=reply.document,
                filename=reply.document_name or "innobot.bin",
                caption=caption,
                reply_markup=media_markup,
            )
        )
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        sent.append(await bot.send_message(chat_id, chunk, reply_markup=markup if last else None))
    return sent


async def send_replies(
    bot: Bot, chat_id: int, replies: Sequence[Reply], texts: Texts
) -> list[Message]:
    """Send the core's replies in order, images still being drawn after the rest; returns the
    messages Telegram accepted. A chart that fails, times out or is refused costs only itself."""
    now, late = split_late(replies)
    sent: list[Message] = []
    for reply in now:
        sent.extend(await _send_reply(bot, chat_id, reply, texts))
    for reply in await resolve_late(late):
        try:
            sent.extend(await _send_reply(bot, chat_id, reply, texts))
        except TelegramError as error:
            logger.warning("chart not delivered: %s", type(error).__name__)
    return sent
