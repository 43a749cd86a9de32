"""Sending one claimed digest: keyed where the channel records sends, never raising, and every
outcome recorded on its delivery row (delivered, blocked, in the channel's custody, retry, failed)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core.blocking import OwnThread
from bot.core.digests.compose import Digest
from bot.core.digests.rate_limit import RateLimiter
from bot.core.digests.recovery import delivery_key
from bot.core.digests.report import RunReport
from bot.core.ports import DeliveryLedger, Notifier
from bot.core.subscriptions.types import (
    MAYBE_SENT,
    ClaimedDelivery,
    DeliveryLog,
    DeliveryState,
    Subscription,
    SubscriptionRepository,
)
from bot.core.types import DeliveryResult, DeliveryStatus, Reply

__all__ = ["DigestSender", "RetryPolicy", "RunMarks", "attempt_send"]

log = logging.getLogger(__name__)


async def attempt_send(
    notifier: Notifier, user_id: str, replies: list[Reply], key: str, subscription_id: int
) -> DeliveryResult:
    """Hand the digest to the channel once; a notifier bug becomes a retry, not a stopped fan-out."""
    try:
        if isinstance(notifier, DeliveryLedger):
            return await notifier.send_keyed(user_id, replies, key)
        return await notifier.send(user_id, replies)
    except Exception as exc:
        log.warning("digest send to subscription %s raised %s", subscription_id, type(exc).__name__)
        return DeliveryResult(DeliveryStatus.RETRY, detail=type(exc).__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one period is tried: attempts in all, backoff between runs, flood waits in place."""

    max_attempts: int = 5
    backoff_base: float = 60.0
    max_flood_wait: float = 60.0


@dataclass
class RunMarks:
    """What one run learns as it sends: users found blocked, subscriptions whose period went out."""

    blocked: set[str] = field(default_factory=set)
    handed: set[int] = field(default_factory=set)  # a later period of these is empty this run


@dataclass(frozen=True)
class _Send:
    """One claimed period on its way: what goes, to whom, through which channel."""

    claimed: ClaimedDelivery
    sub: Subscription
    digest: Digest
    now: datetime


class DigestSender:
    """Sends claimed digests and closes their rows; every store step runs on the run's store thread."""

    def __init__(
        self,
        *,
        db: OwnThread,
        deliveries: DeliveryLog,
        subscriptions: SubscriptionRepository,
        limiter: RateLimiter,
        policy: RetryPolicy,
    ) -> None:
        self._db = db
        self._deliveries = deliveries
        self._subscriptions = subscriptions
        self._limiter = limiter
        self._policy = policy

    async def send(
        self,
        claimed: ClaimedDelivery,
        sub: Subscription,
        replies: list[Reply],
        digest: Digest,
        notifier: Notifier,
        now: datetime,
        report: RunReport,
        marks: RunMarks,
    ) -> None:
        """Send one claimed digest and record the outcome; flood waits retry in place."""
        job, attempts = _Send(claimed, sub, digest, now), claimed.attempts
        key = delivery_key(sub.id, claimed.period_key)
        first = True
        while True:
            if not first:  # the first wait happened before the claim
                await self._limiter.wait(sub.user_key)
            first = False
            result = await attempt_send(notifier, sub.user_id, replies, key, sub.id)
            if await self._settled(job, attempts, result, report, marks):
                return
            if attempts >= self._policy.max_attempts:
                await self._finish(job, attempts, DeliveryState.FAILED, detail=result.detail)
                report.failed += 1
                return
            if result.retry_after is not None and result.retry_after <= self._policy.max_flood_wait:
                report.flood_waits += 1
                await self._limiter.pause(result.retry_after)
                attempts += 1
                continue
            delay = max(self._policy.backoff_base * 2 ** (attempts - 1), result.retry_after or 0.0)
            retry_at = now + timedelta(seconds=delay)
            await self._finish(
                job, attempts, DeliveryState.RETRY, next_attempt_at=retry_at, detail=result.detail
            )
            report.retry_scheduled += 1
            return

    async def _settled(
        self, job: _Send, attempts: int, result: DeliveryResult, report: RunReport, marks: RunMarks
    ) -> bool:
        """Record a final outcome (delivered, blocked, in the channel's custody); False to go on."""
        sub = job.sub
        if result.status in (DeliveryStatus.DELIVERED, DeliveryStatus.DEFERRED):
            marks.handed.add(sub.id)
        if result.status is DeliveryStatus.DELIVERED:
            await self._finish(job, attempts, DeliveryState.DELIVERED, handed_over=True)
            if job.digest.empty:
                report.notices += 1
            else:
                report.delivered += 1
            return True
        if result.status is DeliveryStatus.BLOCKED:
            await self._finish(job, attempts, DeliveryState.BLOCKED, detail=result.detail)
            await self._db.run(
                self._subscriptions.deactivate_user, sub.user_key, reason="blocked", at=job.now
            )
            marks.blocked.add(sub.user_key)
            report.blocked += 1
            return True
        if result.status is DeliveryStatus.DEFERRED:
            # The channel took custody (WeChat queues it for the user's next message): the
            # period is done and its articles count as handed over.
            await self._finish(
                job, attempts, DeliveryState.DEFERRED, handed_over=True, detail=result.detail
            )
            report.deferred += 1
            return True
        return False

    async def _finish(
        self,
        job: _Send,
        attempts: int,
        state: DeliveryState,
        *,
        handed_over: bool = False,
        detail: str = "",
        next_attempt_at: datetime | None = None,
    ) -> None:
        """Close the claimed row; a handed-over period records its articles and watermark."""
        claimed, digest = job.claimed, job.digest
        await self._db.run(
            self._deliveries.finish, claimed.id, state, now=job.now, attempts=attempts,
            article_count=digest.total if handed_over else 0,
            watermark_to=digest.watermark_to if handed_over else None,
            next_attempt_at=next_attempt_at, detail=detail or (MAYBE_SENT if claimed.maybe_sent else ""),
        )  # fmt: skip
