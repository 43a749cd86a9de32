"""TelegramNotifier maps real Bot API outcomes (via the emulator) to delivery statuses."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from telegram.ext import AIORateLimiter, ExtBot

from bot.app import (
    build_database,
    build_digest_notifiers,
    build_digest_service,
    build_telegram_notifier,
)
from bot.channels.telegram.notifier import TelegramNotifier
from bot.core.digests.article_sources import StaticArticles
from bot.core.digests.rate_limit import RateLimiter
from bot.core.ports import FixedClock
from bot.core.types import DeliveryStatus, Reply
from bot.settings import Settings
from bot.storage.subscriptions import SqlSubscriptionStore
from tests.fakes.digests import article, subscribe
from tests.fakes.telegram import Emulator, EmulatorUser, new_token, tiny_png

pytestmark = [pytest.mark.server, pytest.mark.timeout(60)]


def _bot(api_url: str, token: str) -> ExtBot[None]:
    return ExtBot(
        token,
        base_url=f"{api_url}/bot",
        base_file_url=f"{api_url}/file/bot",
        rate_limiter=AIORateLimiter(max_retries=0),  # type: ignore[arg-type]
    )


@pytest.fixture
async def notifier_and_token(emulator: Emulator) -> AsyncIterator[tuple[TelegramNotifier, str]]:
    token = new_token()
    notifier = TelegramNotifier(_bot(emulator.url, token))
    try:
        yield notifier, token
    finally:
        await notifier.aclose()


async def _fail_next(http: httpx.AsyncClient, token: str, **error: object) -> None:
    response = await http.post("/_innobot/failNext", json={"token": token, **error})
    response.raise_for_status()


async def test_delivered_digest_reaches_the_user(
    http: httpx.AsyncClient, notifier_and_token: tuple[TelegramNotifier, str]
) -> None:
    notifier, token = notifier_and_token
    digest = [Reply(text="本周新政策 2 条：\n1. 积分贷扩容"), Reply(text="趋势图", image_png=tiny_png())]
    result = await notifier.send("3131", digest)
    assert result.status is DeliveryStatus.DELIVERED
    got = await EmulatorUser(http, token, user_id=3131).replies()
    assert [m.body for m in got] == ["本周新政策 2 条：\n1. 积分贷扩容", "趋势图"]
    assert got[1].is_png


async def test_blocked_user_is_blocked_not_retried(
    http: httpx.AsyncClient, notifier_and_token: tuple[TelegramNotifier, str]
) -> None:
    notifier, token = notifier_and_token
    await notifier.send("1", [Reply(text="warm-up")])  # bot initialised (getMe) before the failure
    await _fail_next(
        http, token, method="sendMessage", error_code=403,
        description="Forbidden: bot was blocked by the user",
    )
    result = await notifier.send("3132", [Reply(text="摘要")])
    assert result.status is DeliveryStatus.BLOCKED


async def test_flood_control_is_retry_with_telegrams_delay(
    http: httpx.AsyncClient, notifier_and_token: tuple[TelegramNotifier, str]
) -> None:
    notifier, token = notifier_and_token
    await notifier.send("1", [Reply(text="warm-up")])
    await _fail_next(
        http, token, method="sendMessage", error_code=429,
        description="Too Many Requests: retry after 7", retry_after=7,
    )
    result = await notifier.send("3133", [Reply(text="摘要")])
    assert result.status is DeliveryStatus.RETRY
    assert result.retry_after == 7


async def test_unknown_chat_is_blocked(
    http: httpx.AsyncClient, notifier_and_token: tuple[TelegramNotifier, str]
) -> None:
    notifier, token = notifier_and_token
    await notifier.send("1", [Reply(text="warm-up")])
    await _fail_next(
        http, token, method="sendMessage", error_code=400, description="Bad Request: chat not found"
    )
    assert (await notifier.send("3134", [Reply(text="摘要")])).status is DeliveryStatus.BLOCKED
    assert (await notifier.send("not-a-number", [Reply(text="摘要")])).status is DeliveryStatus.BLOCKED


async def test_network_failure_is_retry() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    notifier = TelegramNotifier(_bot(f"http://127.0.0.1:{closed_port}", new_token()))
    result = await notifier.send("3135", [Reply(text="摘要")])
    assert result.status is DeliveryStatus.RETRY
    assert result.detail.startswith("network")


async def test_composition_root_builds_the_notifier_from_settings(
    settings: Settings, emulator: Emulator, http: httpx.AsyncClient
) -> None:
    assert build_telegram_notifier(settings) is None  # channel not configured
    token = new_token()
    configured = settings.model_copy(
        update={"telegram_token": token, "telegram_api_url": emulator.url}
    )
    notifier = build_telegram_notifier(configured)
    assert notifier is not None and notifier.channel == "telegram"
    try:
        result = await notifier.send("3136", [Reply(text="本周摘要")])
    finally:
        await notifier.aclose()
    assert result.status is DeliveryStatus.DELIVERED
    (message,) = await EmulatorUser(http, token, user_id=3136).replies()
    assert message.body == "本周摘要"


class CountingLimiter(RateLimiter):
    """The fan-out's limiter on a fake clock: records every wait, never really sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[str] = []
        super().__init__(per_second=25.0, monotonic=lambda: self.now, sleep=self._advance)

    async def _advance(self, seconds: float) -> None:
        self.now += seconds

    async def wait(self, chat: str) -> None:
        self.waits.append(chat)
        await super().wait(chat)


async def test_digest_fanout_to_telegram_is_paced_once(
    settings: Settings, emulator: Emulator, http: httpx.AsyncClient
) -> None:
    """One wait at the fan-out's limiter per digest; the digest bot has no PTB limiter besides."""
    shanghai = ZoneInfo("Asia/Shanghai")
    token = new_token()
    configured = settings.model_copy(
        update={"telegram_token": token, "telegram_api_url": emulator.url}
    )
    database = build_database(configured)
    users = ("4101", "4102", "4103")
    for user in users:
        subscribe(
            SqlSubscriptionStore(database), f"telegram:{user}", "积分贷",
            at=datetime(2026, 11, 16, 10, tzinfo=shanghai),
        )
    notifiers = build_digest_notifiers(configured, database)
    telegram = notifiers["telegram"]
    assert isinstance(telegram, TelegramNotifier)
    assert telegram._bot.rate_limiter is None  # type: ignore[attr-defined]  # not paced twice
    limiter = CountingLimiter()
    briefing = article(
        "d1", "成都积分贷扩面", "成都积分贷扩面提质，惠及更多科技型企业。",
        ingested_at=datetime(2026, 11, 20, 8, tzinfo=shanghai),
    )
    monday = datetime(2026, 11, 23, 9, tzinfo=shanghai)
    service = build_digest_service(
        configured, database, notifiers, catalog=StaticArticles([briefing]),
        clock=FixedClock(monday), limiter=limiter, concurrency=1,
    )
    try:
        report = await service.send_due(monday)
    finally:
        await service.aclose()
        await telegram.aclose()
        database.dispose()
    assert report.delivered == 3
    assert sorted(limiter.waits) == [f"telegram:{user}" for user in users]
    assert limiter.slept == pytest.approx(2 / 25)  # the global spacing, on the fake clock only
    for user in users:
        (message, *_) = await EmulatorUser(http, token, user_id=int(user)).replies()
        assert "成都积分贷扩面" in message.body


def test_replies_are_paced_by_the_application_once(settings: Settings) -> None:
    """The PTB application (replies) keeps PTB's AIORateLimiter: the one limiter replies meet."""
    from bot.app import build_telegram_application
    from tests.fakes.telegram import ScriptedAssistant

    configured = settings.model_copy(update={"telegram_token": new_token()})
    application = build_telegram_application(configured, ScriptedAssistant())
    assert isinstance(application.bot.rate_limiter, AIORateLimiter)
