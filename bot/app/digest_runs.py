"""Operators' digest commands (`innobot digest run|preview|log`): built here, printed by the CLI."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from bot.app.digests import build_digest_notifiers, build_digest_service
from bot.app.foundation import build_database
from bot.settings import Settings
from bot.storage import Database

if TYPE_CHECKING:
    from bot.core.digests.compose import DigestItem
    from bot.core.digests.fanout import RunReport
    from bot.core.ports import Notifier
    from bot.core.subscriptions.types import ArticleSource

__all__ = [
    "DeliveryRow",
    "DigestPreview",
    "DigestRunOptions",
    "delivery_log",
    "preview_digests",
    "run_due_digests",
]


@dataclass(frozen=True)
class DigestRunOptions:
    """How `digest run` delivers: when, where to (channels or an outbox file), how fast."""

    at: datetime | None = None
    outbox: Path | None = None  # dry run: every send becomes a line in this JSON Lines file
    articles: Path | None = None  # briefings from a JSON Lines file instead of the corpus
    rate: float = 25.0  # messages a second over all channels (0: unpaced)
    concurrency: int = 4
    send_delay: float = 0.0  # latency the outbox adds to each send, as a remote channel would
    console_to_stderr: bool = False  # keep stdout for a JSON report


@dataclass(frozen=True)
class DigestPreview:
    """What one subscription would receive now: its label, matches and rendered messages."""

    subscription_id: int
    label: str
    total: int
    items: tuple[DigestItem, ...]
    texts: tuple[str, ...]

    @property
    def empty(self) -> bool:
        """Nothing new matched."""
        return self.total == 0


@dataclass(frozen=True)
class DeliveryRow:
    """One delivery-log row as operators read it."""

    id: int
    subscription_id: int
    user_key: str
    period_key: str
    status: str
    attempts: int
    detail: str | None
    updated_at: datetime
    sent_at: datetime | None


def _catalog(articles: Path | None) -> ArticleSource | None:
    from bot.core.digests.article_sources import load_articles_jsonl

    return load_articles_jsonl(articles) if articles is not None else None


def _notifiers(
    settings: Settings, database: Database, options: DigestRunOptions
) -> Mapping[str, Notifier]:
    """The outbox for every channel on a dry run; else the configured channels' notifiers."""
    from bot.channels.console.notifier import AnyChannel, ConsoleNotifier, OutboxNotifier

    if options.outbox is not None:
        return AnyChannel(OutboxNotifier(options.outbox, delay=options.send_delay))
    notifiers = build_digest_notifiers(settings, database)
    if options.console_to_stderr:
        notifiers["console"] = ConsoleNotifier(stream=sys.stderr)
    return notifiers


def _distinct(notifiers: Mapping[str, Notifier]) -> list[Notifier]:
    """Each notifier object once (AnyChannel has no keys: its one notifier)."""
    from bot.channels.console.notifier import AnyChannel

    found = [notifiers["*"]] if isinstance(notifiers, AnyChannel) else list(notifiers.values())
    return list({id(n): n for n in found}.values())


def run_due_digests(settings: Settings, options: DigestRunOptions) -> RunReport:
    """Deliver every digest due at `options.at` (now by default), exactly once per period."""
    import asyncio

    from bot.core.digests.rate_limit import RateLimiter
    from bot.core.ports import FixedClock

    database = build_database(settings)
    notifiers = _notifiers(settings, database, options)
    service = build_digest_service(
        settings,
        database,
        notifiers,
        catalog=_catalog(options.articles),
        clock=FixedClock(options.at) if options.at else None,
        limiter=RateLimiter(per_second=options.rate or None),
        concurrency=options.concurrency,
    )

    async def deliver() -> RunReport:
        try:
            return await service.send_due(options.at)
        finally:
            await service.aclose()
            for notifier in _distinct(notifiers):
                await notifier.aclose()

    try:
        return asyncio.run(deliver())
    finally:
        database.dispose()


def preview_digests(
    settings: Settings, user_key: str, at: datetime | None, *, articles: Path | None = None
) -> list[DigestPreview]:
    """What each of a user's subscriptions would receive at `at`; records nothing."""
    from bot.core.digests.compose import render_digest, subscription_label

    database = build_database(settings)
    try:
        service = build_digest_service(settings, database, {}, catalog=_catalog(articles))
        pairs = service.preview(user_key, at)
    finally:
        database.dispose()
    previews: list[DigestPreview] = []
    for sub, digest in pairs:
        label = subscription_label(sub)
        texts = () if digest.empty else tuple(r.text for r in render_digest(label, digest))
        previews.append(DigestPreview(sub.id, label, digest.total, digest.items, texts))
    return previews


def delivery_log(
    settings: Settings, *, status: str | None = None, limit: int = 50
) -> list[DeliveryRow]:
    """The newest `limit` delivery-log rows, optionally of one status."""
    from bot.storage.deliveries import SqlDeliveryLog

    database = build_database(settings)
    try:
        rows = SqlDeliveryLog(database).rows()
    finally:
        database.dispose()
    if status:
        rows = [r for r in rows if r["status"] == status]
    return [
        DeliveryRow(
            id=cast(int, r["id"]),
            subscription_id=cast(int, r["subscription_id"]),
            user_key=str(r["user_key"]),
            period_key=str(r["period_key"]),
            status=str(r["status"]),
            attempts=cast(int, r["attempts"]),
            detail=None if r["detail"] is None else str(r["detail"]),
            updated_at=cast(datetime, r["updated_at"]),
            sent_at=cast("datetime | None", r["sent_at"]),
        )
        for r in rows[::-1][: max(0, limit)]
    ]
