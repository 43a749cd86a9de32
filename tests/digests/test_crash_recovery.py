"""Digests a crash cut off are settled by the next run: never sent twice without saying so,
never skipped silently, and a send the channel confirms advances the watermark."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.digests.article_sources import StaticArticles
from bot.core.digests.fanout import DigestService, RateLimiter
from bot.core.ports import FixedClock
from bot.core.subscriptions.types import DeliveryState, SubscriptionDraft
from bot.core.types import DeliveryResult, DeliveryStatus, Reply
from bot.storage import Database
from bot.storage.deliveries import SqlDeliveryLog
from bot.storage.subscriptions import SqlSubscriptionStore
from tests.fakes.digests import RecordingNotifier, article

SH = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=SH)
WEEKLY = SubscriptionDraft(topics=("积分贷",), frequency="weekly", weekday=0, hour=9)
NEWS = article("a1", "成都出台积分贷新政", "成都推出积分贷新政，企业凭创新积分申请贷款。",
               ingested_at=datetime(2026, 11, 20, 8, 0, tzinfo=SH))
LATER = article("a2", "重庆积分贷扩容", "重庆扩大积分贷规模，更多企业可凭创新积分贷款。",
                ingested_at=datetime(2026, 11, 25, 8, 0, tzinfo=SH))
OLD_UNCERTAIN = "interrupted; channel cannot confirm"  # how older versions left such rows


class Killed(BaseException):
    """kill -9 in the middle of a send: nothing after it runs in that process."""


@dataclass
class DyingChannel:
    """Sends go out; the process dies right after handing user `dies_after` its digest.
    With `ledger`, the channel keeps keyed sends and can say what went out (like the outbox)."""

    dies_after: str
    ledger: bool = False
    channel: str = "telegram"
    sent: list[tuple[str, str]] = field(default_factory=list)
    keys: set[tuple[str, str]] = field(default_factory=set)
    dead: bool = False

    async def send(self, user_id: str, replies: list[Reply]) -> DeliveryResult:
        return await self.send_keyed(user_id, replies, "")

    async def send_keyed(self, user_id: str, replies: list[Reply], key: str) -> DeliveryResult:
        self.sent.append((user_id, replies[0].text))
        self.keys.add((user_id, key))
        if user_id == self.dies_after and not self.dead:
            self.dead = True
            raise Killed
        return DeliveryResult(DeliveryStatus.DELIVERED)

    def texts(self, user_id: str) -> list[str]:
        return [text for user, text in self.sent if user == user_id]


@dataclass
class LedgerChannel(DyingChannel):
    """The same channel with a record it can be asked (a DeliveryLedger)."""

    async def was_delivered(self, user_id: str, key: str) -> bool | None:
        return (user_id, key) in self.keys


def service(database: Database, notifier: object, at: datetime, holder: str) -> DigestService:
    return DigestService(
        subscriptions=SqlSubscriptionStore(database), deliveries=SqlDeliveryLog(database),
        catalog=StaticArticles([NEWS, LATER]), notifiers={"telegram": notifier},  # type: ignore[dict-item]
        clock=FixedClock(at), limiter=RateLimiter(per_second=None, per_chat_interval=0.0), holder=holder,
    )


def subscribe(database: Database, users: list[str], draft: SubscriptionDraft = WEEKLY) -> None:
    rows = [(draft, f"telegram:{u}", "telegram", u) for u in users]
    SqlSubscriptionStore(database).add_many(rows, at=datetime(2026, 11, 16, 10, 0, tzinfo=SH))


def crash_then_recover(database: Database, notifier: DyingChannel):  # type: ignore[no-untyped-def]
    """A run killed after user "0"'s send went out, then the next run (another process)."""
    with pytest.raises(Killed):
        asyncio.run(service(database, notifier, MONDAY_9, "host:1:dead").send_due())
    return asyncio.run(service(database, notifier, MONDAY_9 + timedelta(minutes=5), "host:2:new").send_due())


def test_a_send_the_channel_confirms_advances_the_watermark(sqlite_database: Database) -> None:
    subscribe(sqlite_database, ["0", "1"])
    notifier = LedgerChannel(dies_after="0", ledger=True)
    report = crash_then_recover(sqlite_database, notifier)
    assert (report.confirmed_after_crash, report.uncertain) == (1, 0)
    assert len(notifier.texts("0")) == 1 and len(notifier.texts("1")) == 1
    asyncio.run(service(sqlite_database, notifier, MONDAY_9 + timedelta(days=7), "host:2:new").send_due())
    next_week = notifier.texts("0")[-1]
    assert "重庆积分贷扩容" in next_week and "成都出台积分贷新政" not in next_week  # not repeated


def test_a_telegram_send_nobody_can_confirm_is_resent_once_saying_so(sqlite_database: Database) -> None:
    subscribe(sqlite_database, ["0", "1"])
    notifier = DyingChannel(dies_after="0")
    report = crash_then_recover(sqlite_database, notifier)
    assert (report.recovered_uncertain, report.uncertain) == (1, 1)
    first, again = notifier.texts("0")
    assert "可能已经发给您" not in first and again.startswith("（系统中断后补发")
    assert "成都出台积分贷新政" in again
    assert {r["status"] for r in SqlDeliveryLog(sqlite_database).rows()} == {DeliveryState.DELIVERED.value}
    quiet = asyncio.run(service(sqlite_database, notifier, MONDAY_9 + timedelta(hours=1), "host:3:x").send_due())
    assert quiet.uncertain == 0 and len(notifier.texts("0")) == 2
    asyncio.run(service(sqlite_database, notifier, MONDAY_9 + timedelta(days=7), "host:3:x").send_due())
    assert "成都出台积分贷新政" not in notifier.texts("0")[-1]


def _left_uncertain_by_an_older_version(database: Database, user: str, period: str) -> None:
    log = SqlDeliveryLog(database)
    sub = next(s for s in SqlSubscriptionStore(database).list_active() if s.user_id == user)
    claimed = log.claim(sub.id, sub.user_key, period, holder="host:0:dead", now=MONDAY_9)
    assert claimed is not None and log.recover_orphans("host:9:new", now=MONDAY_9) == 1
    log.settle_interrupted(claimed.id, DeliveryState.UNCERTAIN, now=MONDAY_9, detail=OLD_UNCERTAIN)


def test_rows_an_older_version_left_uncertain_are_settled(sqlite_database: Database) -> None:
    subscribe(sqlite_database, ["0"])
    _left_uncertain_by_an_older_version(sqlite_database, "0", "W2026-48")
    notifier = RecordingNotifier()
    report = asyncio.run(service(sqlite_database, notifier, MONDAY_9, "host:2:new").send_due())
    assert report.uncertain == 1 and notifier.users() == ["0"]
    assert "可能已经发给您" in notifier.sent[0].replies[0].text
    assert "uncertain" not in {r["status"] for r in SqlDeliveryLog(sqlite_database).rows()}


def test_an_old_uncertain_row_a_later_digest_carried_is_closed_not_resent(sqlite_database: Database) -> None:
    subscribe(sqlite_database, ["0"])
    _left_uncertain_by_an_older_version(sqlite_database, "0", "W2026-47")
    log = SqlDeliveryLog(sqlite_database)
    sub = SqlSubscriptionStore(sqlite_database).list_active()[0]
    later = log.claim(sub.id, sub.user_key, "W2026-48", holder="host:0:old", now=MONDAY_9)
    assert later is not None  # the older version went on and delivered the next week
    log.finish(later.id, DeliveryState.DELIVERED, now=MONDAY_9, article_count=1, watermark_to=MONDAY_9)
    notifier = RecordingNotifier()
    report = asyncio.run(service(sqlite_database, notifier, MONDAY_9 + timedelta(hours=1), "host:3:x").send_due())
    assert (report.superseded_after_crash, report.uncertain) == (1, 0) and notifier.users() == []
    closed = next(r for r in log.rows() if r["period_key"] == "W2026-47")
    assert closed["status"] == "empty" and "superseded" in str(closed["detail"])


def test_a_retry_and_the_next_period_due_together_send_one_digest(sqlite_database: Database) -> None:
    daily = SubscriptionDraft(topics=("积分贷",), frequency="daily", weekday=None, hour=9)
    subscribe(sqlite_database, ["0"], daily)
    notifier = RecordingNotifier()
    notifier.will("0", DeliveryResult(DeliveryStatus.RETRY, retry_after=100_000.0))  # ~28 h backoff
    first = asyncio.run(service(sqlite_database, notifier, MONDAY_9, "host:1:a").send_due())
    assert first.retry_scheduled == 1 and notifier.users() == []
    both = asyncio.run(service(sqlite_database, notifier, MONDAY_9 + timedelta(days=2), "host:1:a").send_due())
    assert both.retried == 1 and notifier.users() == ["0"]  # Monday's retry carries Wednesday's news
    assert sorted(str(r["status"]) for r in SqlDeliveryLog(sqlite_database).rows()) == ["delivered", "empty"]
