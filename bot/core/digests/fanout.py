"""Digest fan-out (简报推送): exactly once per subscription and period, under a database lease."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Mapping
from datetime import datetime

from bot.core.blocking import OwnThread
from bot.core.digests.compose import MAX_ITEMS, ArticleIndex, Digest
from bot.core.digests.contents import DigestContents
from bot.core.digests.rate_limit import RateLimiter
from bot.core.digests.recovery import delivery_key, settle_after_crash, with_repeat_note
from bot.core.digests.report import RunReport, new_holder_id
from bot.core.digests.sending import DigestSender, RetryPolicy, RunMarks
from bot.core.ports import Clock, Notifier, SystemClock
from bot.core.subscriptions.parser import Vocabulary, load_vocabulary
from bot.core.subscriptions.schedule import Slot, due_slot
from bot.core.subscriptions.texts import load_subscription_texts
from bot.core.subscriptions.types import (
    ArticleSource,
    ClaimedDelivery,
    DeliveryLog,
    DeliveryState,
    Subscription,
    SubscriptionRepository,
)
from bot.core.texts import Texts
from bot.core.types import Reply

__all__ = ["LEASE_NAME", "DigestService", "RateLimiter", "RunReport", "delivery_key", "new_holder_id"]

log = logging.getLogger(__name__)

LEASE_NAME = "digest-fanout"


class DigestService:
    """Composes and pushes due digests; the delivery log's unique key makes each period single."""

    def __init__(
        self,
        *,
        subscriptions: SubscriptionRepository,
        deliveries: DeliveryLog,
        catalog: ArticleSource,
        notifiers: Mapping[str, Notifier],
        clock: Clock | None = None,
        lease_clock: Clock | None = None,
        holder: str | None = None,
        lease_seconds: float = 120.0,
        limiter: RateLimiter | None = None,
        max_attempts: int = 5,
        backoff_base: float = 60.0,
        max_flood_wait: float = 60.0,
        max_items: int = MAX_ITEMS,
        concurrency: int = 1,
        vocab: Vocabulary | None = None,
        texts: Texts | None = None,
    ) -> None:
        self.subscriptions = subscriptions
        self.deliveries = deliveries
        self.catalog = catalog
        self.notifiers = notifiers
        self.clock = clock or SystemClock()
        self.lease_clock = lease_clock or SystemClock()
        self.holder = holder or new_holder_id()
        self.lease_seconds = lease_seconds
        self.limiter = limiter or RateLimiter()
        # Sends in flight at once (HTTP latency, not CPU, bounds a channel); a kill -9 can leave at
        # most this many periods "uncertain" (settled by the next run; see _settle_interrupted).
        self.concurrency = concurrency
        self.vocab = vocab or load_vocabulary()
        self.texts = texts or load_subscription_texts()
        self.contents = DigestContents(
            catalog=catalog, deliveries=deliveries, vocab=self.vocab, texts=self.texts,
            max_items=max_items,
        )  # fmt: skip
        self._lease_renewed = 0.0
        self._marks = RunMarks()  # users found blocked, retries handed over: this run's
        self._db = OwnThread("innobot-digest-db")  # every store step of a run, off the loop
        self._sender = DigestSender(
            db=self._db, deliveries=deliveries, subscriptions=subscriptions, limiter=self.limiter,
            policy=RetryPolicy(max_attempts, backoff_base, max_flood_wait),
        )  # fmt: skip
        self._winding_down = False

    def wind_down(self) -> None:
        """Claim nothing more: a run in flight finishes the sends it started (the rest stays due)."""
        self._winding_down = True

    async def aclose(self) -> None:
        """Let the store thread go; a run still in flight stops at its next store step, which the
        next run settles like a crash (never a second send)."""
        self._db.close()

    # --- composition -----------------------------------------------------------------------
    def compose_for(
        self, subs: list[Subscription], now: datetime
    ) -> tuple[ArticleIndex, dict[int, Digest]]:
        """Digests for these subscriptions from one shared article batch (blocking; run in a thread)."""
        return self.contents.compose_for(subs, now)

    def preview(
        self, user_key: str, now: datetime | None = None
    ) -> list[tuple[Subscription, Digest]]:
        """What each of the user's subscriptions would get if sent now (writes nothing)."""
        now = now or self.clock.now()
        subs = self.subscriptions.list_for_user(user_key)
        if not subs:
            return []
        _, digests = self.compose_for(subs, now)
        return [(s, digests[s.id]) for s in subs]

    # --- fan-out -----------------------------------------------------------------------------
    def due(self, now: datetime) -> list[tuple[Subscription, Slot]]:
        """Active subscriptions whose current period is due and not yet in the delivery log."""
        candidates: list[tuple[Subscription, Slot]] = []
        for sub in self.subscriptions.list_active():
            slot = due_slot(sub, now, created_at=sub.not_before or sub.created_at)
            if slot is not None:
                candidates.append((sub, slot))
        taken = self.deliveries.existing({slot.period_key for _, slot in candidates})
        return [(s, slot) for s, slot in candidates if (s.id, slot.period_key) not in taken]

    async def _renew_lease(self) -> bool:
        """Whether the run may claim its next period: not winding down, and still the lease holder."""
        if self._winding_down:
            return False
        now_wall = time.monotonic()
        if now_wall - self._lease_renewed < self.lease_seconds / 3:
            return True
        self._lease_renewed = now_wall
        return await self._acquire_lease()

    async def _acquire_lease(self) -> bool:
        at, ttl = self.lease_clock.now(), self.lease_seconds
        return await self._db.run(self.deliveries.acquire_lease, LEASE_NAME, self.holder, now=at, ttl=ttl)

    async def send_due(self, now: datetime | None = None) -> RunReport:
        """Deliver everything due at `now` (retries first); a second process sharing the DB backs off."""
        now = now or self.clock.now()
        report = RunReport(at=now.isoformat(), holder=self.holder)
        if not await self._acquire_lease():
            report.lease = "held_by_other"
            return report
        self._lease_renewed = time.monotonic()
        try:
            await self._fan_out(now, report)
        finally:
            await self._db.run(self.deliveries.release_lease, LEASE_NAME, self.holder)
        return report

    async def _fan_out(self, now: datetime, report: RunReport) -> None:
        self._marks = RunMarks()
        report.recovered_uncertain = await self._db.run(
            self.deliveries.recover_orphans, self.holder, now=now
        )
        settled = await settle_after_crash(self._db, self.deliveries, self.subscriptions, self.notifiers, now)
        report.confirmed_after_crash += settled.confirmed
        report.resent_after_crash += settled.resent
        report.uncertain += settled.uncertain
        report.superseded_after_crash += settled.superseded
        retries = await self._db.run(self.deliveries.due_retries, now=now)
        due = await self._db.run(self.due, now)
        report.due = len(due) + len(retries)
        if not report.due:
            return
        by_id = {s.id: s for s in await self._db.run(self.subscriptions.list_active)}
        retry_subs = [by_id[c.subscription_id] for c in retries if c.subscription_id in by_id]
        started = time.perf_counter()
        index, digests = await self._db.run(self.compose_for, [*retry_subs, *(s for s, _ in due)], now)
        report.articles = len(index)
        report.compose_seconds = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        if not await self._retry(retries, by_id, digests, now, report):
            return
        work = await self._db.run(self._plan, due, digests, now, report)

        async def worker() -> None:
            while work and not report.stopped_early:
                sub, slot, digest, replies, notifier = work.popleft()
                if sub.user_key in self._marks.blocked:
                    continue
                if not await self._renew_lease():
                    report.stopped_early = True
                    return
                await self.limiter.wait(sub.user_key)
                # Claimed when the send starts (after the rate limiter's wait): a crash can only cut
                # the sends actually in flight, and the next run settles those.
                key = (sub.id, sub.user_key, slot.period_key)
                claimed = await self._db.run(self.deliveries.claim, *key, holder=self.holder, now=now,
                                             article_count=digest.total, watermark_to=digest.watermark_to)
                if claimed is None:
                    report.already_taken += 1
                    continue
                await self._sender.send(claimed, sub, replies, digest, notifier, now, report, self._marks)

        await asyncio.gather(*(worker() for _ in range(max(1, self.concurrency))))
        report.send_seconds = round(time.perf_counter() - started, 3)

    async def _retry(
        self,
        retries: list[ClaimedDelivery],
        by_id: dict[int, Subscription],
        digests: dict[int, Digest],
        now: datetime,
        report: RunReport,
    ) -> bool:
        """Periods due for another attempt, before the new ones; False when the lease was lost."""
        for row in retries:
            sub = by_id.get(row.subscription_id)
            notifier = self.notifiers.get(sub.channel) if sub else None
            if sub is not None and notifier is None:
                continue  # stays due; retried once the channel is configured
            if not await self._renew_lease():
                report.stopped_early = True
                return False
            if sub is not None:
                await self.limiter.wait(sub.user_key)  # before the claim: a crash here loses nothing
            digest = digests[sub.id] if sub is not None else None
            claimed = await self._db.run(self.deliveries.claim_retry, row, holder=self.holder, now=now,
                                         article_count=digest.total if digest else 0,
                                         watermark_to=digest.watermark_to if digest else None)
            if claimed is None:
                report.already_taken += 1
                continue
            if sub is None or notifier is None or digest is None:
                await self._db.run(
                    self.deliveries.finish, claimed.id, DeliveryState.FAILED, now=now, detail="inactive"
                )
                continue
            replies = await self._db.run(self.contents.replies, sub, digest, now)
            if replies is None:  # a later period already carried these articles
                await self._db.run(
                    self.deliveries.finish, claimed.id, DeliveryState.EMPTY, now=now, detail="superseded"
                )
                continue
            report.retried += 1
            if claimed.maybe_sent:
                replies = with_repeat_note(replies, self.texts)
            await self._sender.send(claimed, sub, replies, digest, notifier, now, report, self._marks)
        return True

    def _plan(
        self,
        due: list[tuple[Subscription, Slot]],
        digests: dict[int, Digest],
        now: datetime,
        report: RunReport,
    ) -> deque[tuple[Subscription, Slot, Digest, list[Reply], Notifier]]:
        """The sends of this run; periods with nothing to send are closed here in one batch
        (blocking: run on the store thread)."""
        empties: list[tuple[int, str, str]] = []
        work: deque[tuple[Subscription, Slot, Digest, list[Reply], Notifier]] = deque()
        for sub, slot in due:
            notifier = self.notifiers.get(sub.channel)
            if notifier is None:
                report.skipped_no_notifier += 1
                continue
            # a retry handed over this run carried everything up to now: the new period is empty
            handed = sub.id in self._marks.handed
            replies = None if handed else self.contents.replies(sub, digests[sub.id], now)
            if replies is None:
                empties.append((sub.id, sub.user_key, slot.period_key))
            else:
                work.append((sub, slot, digests[sub.id], replies, notifier))
        report.empty += self.deliveries.record_empty_many(empties, now=now)
        return work
