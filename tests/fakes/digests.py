"""Readable fakes for digests: a recording notifier with scripted outcomes, a fake timer, articles."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.core.subscriptions.types import (
    Article,
    Subscription,
    SubscriptionDraft,
    SubscriptionRepository,
)
from bot.core.types import DeliveryResult, DeliveryStatus, Reply

__all__ = ["FakeTimer", "RecordingNotifier", "Sent", "article", "subscribe"]


@dataclass(frozen=True)
class Sent:
    """One recorded push."""

    user_id: str
    replies: tuple[Reply, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(r.text for r in self.replies)


@dataclass
class RecordingNotifier:
    """Records every send; `script[user_id]` queues outcomes (default: delivered)."""

    channel: str = "telegram"
    sent: list[Sent] = field(default_factory=list)
    attempts: list[str] = field(default_factory=list)
    script: dict[str, deque[DeliveryResult]] = field(default_factory=lambda: defaultdict(deque))
    raise_for: set[str] = field(default_factory=set)

    def will(self, user_id: str, *results: DeliveryResult) -> None:
        """Queue outcomes for this user's next sends."""
        self.script[user_id].extend(results)

    async def send(self, user_id: str, replies: list[Reply]) -> DeliveryResult:
        self.attempts.append(user_id)
        if user_id in self.raise_for:
            raise ConnectionError("boom")
        queue = self.script.get(user_id)
        result = queue.popleft() if queue else DeliveryResult(DeliveryStatus.DELIVERED)
        if result.status is DeliveryStatus.DELIVERED:
            self.sent.append(Sent(user_id, tuple(replies)))
        return result

    def users(self) -> list[str]:
        return [s.user_id for s in self.sent]


class FakeTimer:
    """monotonic() and sleep() that only move when slept: rate limits tested without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def article(
    doc_id: str,
    title: str,
    text: str,
    *,
    ingested_at: datetime | None = None,
    source: str = "科技情报参考 2023年第10期",
    date: str = "2023-10",
    regions: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
) -> Article:
    """An Article with sensible defaults."""
    return Article(
        doc_id=doc_id,
        title=title,
        source=source,
        date=date,
        text=text,
        ingested_at=ingested_at or datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
        regions=regions,
        tags=tags,
    )


def subscribe(
    store: SubscriptionRepository, user_key: str, *topics: str, at: datetime
) -> Subscription:
    """Store a default subscription to topics for user_key ("channel:id" names both parts)."""
    channel, _, user_id = user_key.partition(":")
    return store.add(
        SubscriptionDraft(topics=topics), user_key=user_key, channel=channel, user_id=user_id, at=at
    )
