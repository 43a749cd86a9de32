"""Telegram for the composition: the PTB application, its runner and the digest notifier."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.core.ports import Assistant
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.channels.telegram.channel import AnyApplication, TelegramRunner
    from bot.channels.telegram.notifier import TelegramNotifier

__all__ = ["build_telegram_application", "build_telegram_notifier", "build_telegram_runner"]


def _telegram_token(settings: Settings) -> str:
    if not settings.telegram_token:
        raise ValueError("INNOBOT_TELEGRAM_TOKEN is not set")
    return settings.telegram_token


def build_telegram_application(settings: Settings, assistant: Assistant) -> AnyApplication:
    """The PTB application for the assistant (INNOBOT_TELEGRAM_API_URL may point elsewhere)."""
    from bot.channels.telegram.channel import build_application

    return build_application(
        token=_telegram_token(settings), assistant=assistant, api_url=settings.telegram_api_url
    )


def build_telegram_runner(
    settings: Settings,
    assistant: Assistant,
    *,
    webhook_url: str | None = None,
    port: int | None = None,
) -> TelegramRunner:
    """Polling by default; with webhook_url, PTB's webhook server checking the secret token."""
    from bot.channels.telegram.channel import TelegramRunner, WebhookConfig, resolve_webhook_secret

    application = build_telegram_application(settings, assistant)
    if webhook_url is None:
        return TelegramRunner(application)
    if not settings.telegram_webhook_secret:
        logging.getLogger(__name__).info("no webhook secret configured: generated one for this run")
    webhook = WebhookConfig(
        url=webhook_url,
        secret_token=resolve_webhook_secret(settings.telegram_webhook_secret),
        listen=settings.telegram_webhook_listen,
        port=port if port is not None else settings.telegram_webhook_port,
    )
    return TelegramRunner(application, webhook=webhook)


def build_telegram_notifier(settings: Settings) -> TelegramNotifier | None:
    """Digest pushes through an own bot that reports 429s instead of sleeping on them.

    Paced once, by the digest fan-out's RateLimiter (bot/core/digests/rate_limit.py: a global
    rate, a gap per chat, every send waiting out a flood); the bot has no PTB rate limiter of its
    own. Replies are paced by the PTB application's AIORateLimiter (build_telegram_application).
    None when INNOBOT_TELEGRAM_TOKEN is not set (the channel is not configured).
    """
    from telegram.ext import ExtBot

    from bot.channels.telegram.notifier import TelegramNotifier

    if not settings.telegram_token:
        return None
    base = (settings.telegram_api_url or "https://api.telegram.org").rstrip("/")
    bot: ExtBot[None] = ExtBot(
        _telegram_token(settings), base_url=f"{base}/bot", base_file_url=f"{base}/file/bot"
    )
    return TelegramNotifier(bot)
