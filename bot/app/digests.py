"""Subscriptions, digests and the scheduler: what pushes new briefings to subscribers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.app.retrieval import RetrievalEngines, build_catalog
from bot.app.telegram import build_telegram_notifier
from bot.app.wechat import build_wechat_notifier
from bot.settings import Settings
from bot.storage import Database

if TYPE_CHECKING:
    from bot.channels.wechat.api import WeChatAPI
    from bot.core.digests.fanout import DigestService, RateLimiter
    from bot.core.ports import Clock, Notifier
    from bot.core.subscriptions.commands import SubscriptionService
    from bot.core.subscriptions.types import ArticleSource
    from bot.scheduler import DigestScheduler

__all__ = [
    "DigestDelivery",
    "build_digest_delivery",
    "build_digest_notifiers",
    "build_digest_service",
    "build_scheduler",
    "build_subscriptions",
    "start_digest_scheduler",
]

log = logging.getLogger(__name__)


def build_digest_notifiers(
    settings: Settings, database: Database | None = None, *, wechat_api: WeChatAPI | None = None
) -> dict[str, Notifier]:
    """channel -> Notifier for digests: console always; telegram/wechat when configured.

    Pass `wechat_api` in a process that serves WeChat too: separate clients would keep
    invalidating each other's access tokens.
    """
    from bot.channels.console.notifier import ConsoleNotifier

    notifiers: dict[str, Notifier] = {"console": ConsoleNotifier()}
    builders: dict[str, Callable[[], Notifier | None]] = {
        "telegram": lambda: build_telegram_notifier(settings),
        "wechat": lambda: build_wechat_notifier(settings, database, api=wechat_api),
    }
    for channel, build in builders.items():
        try:
            notifier = build()
        except Exception as exc:  # a misconfigured channel must not stop the other channels' digests
            log.warning("%s notifier unavailable: %s", channel, type(exc).__name__)
            continue
        if notifier is not None:
            notifiers[channel] = notifier
    return notifiers


def _build_article_source(settings: Settings, engines: RetrievalEngines | None) -> ArticleSource:
    """The retrieval catalog (new briefings with their ingest times); empty until it can be opened."""
    from bot.core.digests.article_sources import LazyArticles, StaticArticles

    def open_catalog() -> ArticleSource:
        try:
            catalog: ArticleSource = build_catalog(settings, engines=engines)
        except Exception as exc:
            log.warning("article catalog unavailable: %s", type(exc).__name__)
            return StaticArticles()
        return catalog

    return LazyArticles(open_catalog)


def build_digest_service(
    settings: Settings,
    database: Database,
    notifiers: Mapping[str, Notifier] | None = None,
    *,
    catalog: ArticleSource | None = None,
    clock: Clock | None = None,
    limiter: RateLimiter | None = None,
    concurrency: int = 4,
    engines: RetrievalEngines | None = None,
) -> DigestService:
    """DigestService over the shared database; `notifiers` maps channel -> Notifier."""
    from bot.core.digests.fanout import DigestService
    from bot.storage.deliveries import SqlDeliveryLog
    from bot.storage.subscriptions import SqlSubscriptionStore

    return DigestService(
        subscriptions=SqlSubscriptionStore(database),
        deliveries=SqlDeliveryLog(database),
        catalog=catalog if catalog is not None else _build_article_source(settings, engines),
        notifiers=notifiers if notifiers is not None else build_digest_notifiers(settings),
        clock=clock,
        limiter=limiter,
        concurrency=concurrency,
    )


def build_subscriptions(
    settings: Settings,
    database: Database,
    *,
    digests: DigestService | None = None,
    engines: RetrievalEngines | None = None,
) -> SubscriptionService:
    """The SubscriptionHandler (+ Forgettable) the core routes /subscribe, /subs, /digest … to."""
    from bot.core.subscriptions.commands import SubscriptionService
    from bot.storage.deliveries import SqlDeliveryLog
    from bot.storage.prompts import SqlPromptStore
    from bot.storage.subscriptions import SqlSubscriptionStore

    if digests is None:  # previews only: nothing is pushed through this service
        digests = build_digest_service(settings, database, {}, engines=engines)
    return SubscriptionService(
        store=SqlSubscriptionStore(database),
        deliveries=SqlDeliveryLog(database),
        digests=digests,
        wechat_template_configured=bool(settings.wechat_template_id),
        timezone=settings.timezone,
        prompts=SqlPromptStore(database),
    )


def build_scheduler(
    settings: Settings,
    database: Database,
    service: DigestService,
    *,
    subscriptions: SubscriptionService | None = None,
) -> DigestScheduler:
    """DigestScheduler (APScheduler) rebuilt from the subscriptions table; call .start() in a loop.

    With `subscriptions`, every change made through that service re-syncs the jobs at once.
    """
    from bot.scheduler import DigestScheduler
    from bot.storage.subscriptions import SqlSubscriptionStore

    scheduler = DigestScheduler(
        service=service, subscriptions=SqlSubscriptionStore(database), timezone=settings.timezone
    )
    if subscriptions is not None:
        subscriptions.add_listener(scheduler.sync)
    return scheduler


@dataclass
class DigestDelivery:
    """Digest delivery as a Channel: the scheduler, its fan-out and the notifiers it owns."""

    scheduler: DigestScheduler
    notifiers: dict[str, Notifier] = field(default_factory=dict)

    async def start(self) -> None:
        """Rebuild the jobs from the subscriptions table and start them (catching up at once)."""
        await self.scheduler.astart()

    async def stop(self) -> None:
        """Stop the scheduler (a fan-out in flight finishes its sends), the fan-out's store thread,
        then close the notifiers' clients."""
        await self.scheduler.stop()
        await self.scheduler.service.aclose()
        for notifier in self.notifiers.values():
            await notifier.aclose()


def build_digest_delivery(
    settings: Settings,
    database: Database,
    *,
    wechat_api: WeChatAPI | None = None,
    subscriptions: SubscriptionService | None = None,
    engines: RetrievalEngines | None = None,
) -> DigestDelivery:
    """Digest delivery in this process through every configured channel (not started yet).

    wechat_api: this process's WeChat client, shared with the notifier (one access token).
    subscriptions: the assistant's service, so its changes reach the scheduler at once.
    """
    notifiers = build_digest_notifiers(settings, database, wechat_api=wechat_api)
    service = build_digest_service(settings, database, notifiers, engines=engines)
    scheduler = build_scheduler(settings, database, service, subscriptions=subscriptions)
    return DigestDelivery(scheduler, notifiers)


async def start_digest_scheduler(
    settings: Settings,
    database: Database,
    *,
    wechat_api: WeChatAPI | None = None,
    subscriptions: SubscriptionService | None = None,
    engines: RetrievalEngines | None = None,
) -> DigestDelivery:
    """build_digest_delivery, started; `await delivery.stop()` ends it."""
    delivery = build_digest_delivery(
        settings, database, wechat_api=wechat_api, subscriptions=subscriptions, engines=engines
    )
    await delivery.start()
    return delivery
