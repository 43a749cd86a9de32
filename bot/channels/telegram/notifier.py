"""Pushes digests to Telegram users and says whether to retry, give up, or count it delivered."""

from __future__ import annotations

import logging
import warnings
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.channels.telegram.render import load_telegram_texts, send_replies
from bot.core.texts import Texts
from bot.core.types import DeliveryResult, DeliveryStatus, Reply

__all__ = ["TelegramNotifier"]

logger = logging.getLogger(__name__)

# BadRequest descriptions that mean the chat can never be reached (not a passing problem).
_UNREACHABLE = ("chat not found", "user not found", "peer_id_invalid", "user is deactivated")


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramNotifier:
    """`Notifier` for channel "telegram": user_id is the Telegram user (= private chat) id.

    Forbidden (user blocked the bot) → BLOCKED; flood control → RETRY with Telegram's delay;
    network trouble and timeouts → RETRY. Pacing is the fan-out's job (its RateLimiter), so the
    bot given here should have no rate limiter of its own: each digest message is paced once.
    """

    channel = "telegram"

    def __init__(self, bot: Bot, *, texts: Texts | None = None) -> None:
        self._bot = bot
        self._texts = texts or load_telegram_texts()

    async def send(self, user_id: str, replies: list[Reply]) -> DeliveryResult:
        """Deliver replies to one user; never raises for Telegram-side failures."""
        try:
            chat_id = int(user_id)
        except ValueError:
            return DeliveryResult(DeliveryStatus.BLOCKED, detail="not a Telegram chat id")
        try:
            await self._bot.initialize()
            sent = await send_replies(self._bot, chat_id, replies, self._texts)
        except Forbidden:
            return DeliveryResult(DeliveryStatus.BLOCKED, detail="forbidden: bot blocked or kicked")
        except RetryAfter as error:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                delay = _seconds(error.retry_after)
            return DeliveryResult(DeliveryStatus.RETRY, detail="flood control", retry_after=delay)
        except BadRequest as error:
            if any(marker in error.message.lower() for marker in _UNREACHABLE):
                return DeliveryResult(DeliveryStatus.BLOCKED, detail="chat unreachable")
            logger.warning("telegram rejected a digest message (BadRequest)")
            return DeliveryResult(DeliveryStatus.RETRY, detail="bad request")
        except NetworkError as error:  # includes TimedOut
            return DeliveryResult(DeliveryStatus.RETRY, detail=f"network: {type(error).__name__}")
        except TelegramError as error:
            return DeliveryResult(DeliveryStatus.RETRY, detail=f"telegram: {type(error).__name__}")
        return DeliveryResult(DeliveryStatus.DELIVERED, detail=f"{len(sent)} message(s)")

    async def aclose(self) -> None:
        """Release the bot's HTTP connections (only when this notifier owns the bot)."""
        await self._bot.shutdown()
