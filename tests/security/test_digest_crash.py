"""Issue 9, item 3: claim when the send starts; interrupted sends settled by the next run."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.digests.article_sources import StaticArticles
from bot.core.digests.fanout import DigestService, RateLimiter, delivery_key
from bot.core.ports import DeliveryLedger, FixedClock
from bot.core.subscriptions.types import SubscriptionDraft
from bot.core.types import DeliveryResult, DeliveryStatus, Reply
from bot.storage import Database
from bot.storage.deliveries import SqlDeliveryLog
from bot.storage.subscriptions import SqlSubscriptionStore
from tests.fakes.digests import RecordingNotifier, article

SH = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=SH)
WEEKLY = SubscriptionDraft(topics=("积分贷",), frequency="weekly", weekday=0, hour=9)
NEWS = article(
    "a1", "成都出台积分贷新政", "成都推出积分贷新政，企业凭创新积分申请贷款。",
    ingested_at=datetime(2026, 11, 20, 8, 0, tzinfo=SH),
)


@dataclass
class LedgerNotifier:
    """A channel that keeps every keyed send (like the outbox): it can say what went out."""

    channel: str = "telegram"
    delivered: set[tuple[str, str]] = field(default_factory=set)
    sent: list[str] = field(default_factory=list)

    async def send(self, user_id: str, replies: list[Reply]) -> DeliveryResult:
        return await self.send_keyed(user_id, replies, "")

    async def send_keyed(self, user_id: str, replies: list[Reply], key: str) -> DeliveryResult:
        self.sent.append(user_id)
        self.delivered.add((user_id, key))
        return DeliveryResult(DeliveryStatus.DELIVERED)

    async def was_delivered(self, user_id: str, key: str) -> bool | None:
        return (user_id, key) in self.delivered


class GateLimiter(RateLimiter):
    """Holds every send at the limiter until released: where a crash most often finds a fan-out."""

    def __init__(self) -> None:
        super().__init__(per_second=None, per_chat_interval=0.0)
        self.release = asyncio.Event()
        self.waiting = 0

    async def wait(self, chat: str) -> None:
        self.waiting += 1
        await self.release.wait()


def _service(database: Database, notifier: object, limiter: RateLimiter | None = None,
             holder: str | None = None) -> DigestService:
    store = SqlSubscriptionStore(database)
    return DigestService(
        subscriptions=store, deliveries=SqlDeliveryLog(database), catalog=StaticArticles([NEWS]),
        notifiers={"telegram": notifier},  # type: ignore[dict-item]
        clock=FixedClock(MONDAY_9), limiter=limiter or RateLimiter(per_second=None, per_chat_interval=0.0),
        holder=holder,
    )


def _subscribe(database: Database, n: int) -> None:
    created = datetime(2026, 11, 16, 10, 0, tzinfo=SH)
    rows = [(WEEKLY, f"telegram:{i}", "telegram", str(i)) for i in range(n)]
    SqlSubscriptionStore(database).add_many(rows, at=created)


async def test_nothing_is_claimed_while_sends_wait_at_the_rate_limiter(
    sqlite_database: Database,
) -> None:
    _subscribe(sqlite_database, 6)
    limiter = GateLimiter()
    service = _service(sqlite_database, RecordingNotifier(), limiter)
    service.concurrency = 3
    run = asyncio.create_task(service.send_due(MONDAY_9))
    while limiter.waiting < 3:  # noqa: ASYNC110 - the fake limiter counts waiters, bounded by the test timeout
        await asyncio.sleep(0.01)
    # A kill -9 now would cost nothing: three sends wait, none is claimed.
    assert SqlDeliveryLog(sqlite_database).rows() == []
    limiter.release.set()
    report = await run
    assert report.delivered == 6


def _interrupted(database: Database, users: list[str]) -> None:
    """Rows a dead process left 'sending' for these users."""
    log = SqlDeliveryLog(database)
    subs = {s.user_id: s for s in SqlSubscriptionStore(database).list_active()}
    period = "W2026-48"
    for user in users:
        log.claim(subs[user].id, subs[user].user_key, period, holder="otherhost:1:dead", now=MONDAY_9)


def test_the_next_run_resends_what_never_went_out_and_confirms_what_did(
    sqlite_database: Database,
) -> None:
    _subscribe(sqlite_database, 4)
    _interrupted(sqlite_database, ["0", "1"])
    notifier = LedgerNotifier()
    subs = {s.user_id: s for s in SqlSubscriptionStore(sqlite_database).list_active()}
    notifier.delivered.add(("0", delivery_key(subs["0"].id, "W2026-48")))  # "0" had got it
    assert isinstance(notifier, DeliveryLedger)
    report = asyncio.run(_service(sqlite_database, notifier).send_due(MONDAY_9))
    assert (report.recovered_uncertain, report.confirmed_after_crash, report.resent_after_crash) == (
        2, 1, 1,
    )
    assert report.uncertain == 0
    assert sorted(notifier.sent) == ["1", "2", "3"]  # "0" not twice; "1" not never
    states = {r["user_key"]: r["status"] for r in SqlDeliveryLog(sqlite_database).rows()}
    assert set(states.values()) == {"delivered"}


def test_a_channel_that_cannot_tell_gets_the_digest_again_saying_it_may_repeat(
    sqlite_database: Database,
) -> None:
    _subscribe(sqlite_database, 2)
    _interrupted(sqlite_database, ["0"])
    notifier = RecordingNotifier()
    report = asyncio.run(_service(sqlite_database, notifier).send_due(MONDAY_9))
    assert (report.recovered_uncertain, report.uncertain) == (1, 1)
    assert sorted(notifier.users()) == ["0", "1"]  # resent: never skipped silently …
    noted = next(s for s in notifier.sent if s.user_id == "0").replies[0].text
    assert "可能已经发给您" in noted  # … and never twice without saying so
    rows = SqlDeliveryLog(sqlite_database).rows()
    assert {r["status"] for r in rows} == {"delivered"}
    assert any("may" in str(r["detail"]) for r in rows)
    again = asyncio.run(_service(sqlite_database, notifier).send_due(MONDAY_9))
    assert again.uncertain == 0 and len(notifier.sent) == 2  # settled once, not re-asked
