"""Subscription and delivery-log records plus the store Protocols the digest core depends on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

__all__ = [
    "MAYBE_SENT",
    "Article",
    "ArticleSource",
    "ClaimedDelivery",
    "DeliveryLog",
    "DeliveryState",
    "Subscription",
    "SubscriptionDraft",
    "SubscriptionRepository",
    "UncertainDelivery",
]

DEFAULT_TZ = "Asia/Shanghai"


@dataclass(frozen=True)
class SubscriptionDraft:
    """What a user asked for (订阅), before it is stored."""

    topics: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    frequency: str = "weekly"  # "daily" | "workdays" | "weekly" | "biweekly" | "monthly"
    weekday: int | None = 0  # 0 = Monday … 6 = Sunday (weekly, biweekly, monthly nth weekday)
    hour: int = 9
    minute: int = 0
    timezone: str = DEFAULT_TZ
    quiet_start: str | None = "22:00"  # "HH:MM" local; None = no quiet hours
    quiet_end: str | None = "07:00"
    notify_empty: bool = False  # weekly "nothing new" notice
    month_day: int | None = None  # monthly: 1…28, or -1 for the last day of the month
    nth: int | None = None  # monthly: the nth weekday (1…4, -1 = last) instead of a month_day
    phase: int = 0  # biweekly: which of two weeks (week index since 1970-01-05, mod 2)


@dataclass(frozen=True)
class Subscription(SubscriptionDraft):
    """A stored subscription; the database row is the source of truth for schedules."""

    id: int = 0
    user_key: str = ""
    channel: str = ""
    user_id: str = ""
    active: bool = True
    created_at: datetime | None = None
    not_before: datetime | None = None  # no slot before this (set by edits and pauses)


class DeliveryState(StrEnum):
    """Lifecycle of one (subscription, period) row of the delivery log."""

    SENDING = "sending"  # claimed, send in flight
    DELIVERED = "delivered"
    EMPTY = "empty"  # nothing new and no notice wanted: period closed without a message
    RETRY = "retry"  # transient failure, next_attempt_at set
    FAILED = "failed"  # gave up after the bounded attempts
    BLOCKED = "blocked"  # the user blocked the bot; subscriptions deactivated
    DEFERRED = (
        "deferred"  # channel queued it (WeChat 48 h window): reaches the user on next message
    )
    UNCERTAIN = "uncertain"  # claimant died mid-send: settled next run (see DigestService)


@dataclass(frozen=True)
class ClaimedDelivery:
    """A delivery-log row this process holds the right to send."""

    id: int
    subscription_id: int
    period_key: str
    attempts: int
    maybe_sent: bool = False  # a crash may have sent it already: resent with a note saying so


@dataclass(frozen=True)
class Article:
    """The fields of a retrieval ArticleRecord that digests read."""

    doc_id: str
    title: str
    source: str
    date: str
    text: str
    ingested_at: datetime
    regions: tuple[str, ...] = ()
    tags: tuple[str, ...] = field(default_factory=tuple)


class ArticleLike(Protocol):
    """What every article record has (retrieval's ArticleRecord, a digest Article); the rest is optional."""

    @property
    def doc_id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def ingested_at(self) -> datetime: ...


class ArticleSource(Protocol):
    """Where new briefings come from (retrieval.Catalog satisfies it)."""

    def articles_since(self, since: datetime | None) -> Sequence[ArticleLike]: ...


class SubscriptionRepository(Protocol):
    """Stored subscriptions."""

    def add(
        self, draft: SubscriptionDraft, *, user_key: str, channel: str, user_id: str, at: datetime
    ) -> Subscription: ...

    def get(self, subscription_id: int) -> Subscription | None: ...

    def list_for_user(self, user_key: str) -> list[Subscription]: ...

    def list_active(self) -> list[Subscription]: ...

    def deactivate(self, subscription_id: int, *, reason: str, at: datetime) -> bool: ...

    def update(
        self, subscription_id: int, draft: SubscriptionDraft, *, not_before: datetime | None
    ) -> Subscription | None: ...

    def deactivate_user(self, user_key: str, *, reason: str, at: datetime) -> int: ...

    def forget_user(self, user_key: str) -> int: ...


@dataclass(frozen=True)
class UncertainDelivery:
    """A row a crashed sender left 'uncertain', not yet settled."""

    id: int
    subscription_id: int
    user_key: str
    period_key: str
    overtaken: bool = False  # a later period of the subscription was handed over since


MAYBE_SENT = "maybe sent before a crash; resent with a note"
"""Detail of a retry row a crash left unconfirmed: its next send says it may repeat."""


class DeliveryLog(Protocol):
    """Delivery log with a unique (subscription, period) key, plus the fan-out lease."""

    def acquire_lease(self, name: str, holder: str, *, now: datetime, ttl: float) -> bool: ...

    def release_lease(self, name: str, holder: str) -> None: ...

    def recover_orphans(self, holder: str, *, now: datetime) -> int: ...

    def interrupted(self) -> list[UncertainDelivery]: ...

    def settle_interrupted(
        self, delivery_id: int, outcome: DeliveryState, *, now: datetime, detail: str
    ) -> None: ...

    def existing(self, period_keys: set[str]) -> set[tuple[int, str]]: ...

    def watermarks(self) -> dict[int, datetime]: ...

    def claim(
        self, subscription_id: int, user_key: str, period_key: str, *, holder: str, now: datetime,
        article_count: int = 0, watermark_to: datetime | None = None,
    ) -> ClaimedDelivery | None: ...

    def record_empty(
        self, subscription_id: int, user_key: str, period_key: str, *, now: datetime
    ) -> bool: ...

    def record_empty_many(self, rows: list[tuple[int, str, str]], *, now: datetime) -> int: ...

    def due_retries(self, *, now: datetime) -> list[ClaimedDelivery]: ...

    def claim_retry(
        self, row: ClaimedDelivery, *, holder: str, now: datetime,
        article_count: int = 0, watermark_to: datetime | None = None,
    ) -> ClaimedDelivery | None: ...

    def finish(
        self,
        delivery_id: int,
        state: DeliveryState,
        *,
        now: datetime,
        article_count: int = 0,
        watermark_to: datetime | None = None,
        next_attempt_at: datetime | None = None,
        attempts: int | None = None,
        detail: str = "",
    ) -> None: ...

    def last_message_at(self, subscription_id: int) -> datetime | None: ...

    def forget_user(self, user_key: str) -> int: ...
