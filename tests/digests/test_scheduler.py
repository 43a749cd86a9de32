"""DigestScheduler: cron jobs rebuilt from the subscriptions table, in the subscribers' time zone."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.core.digests.article_sources import StaticArticles
from bot.core.digests.fanout import DigestService
from bot.core.ports import FixedClock
from bot.core.subscriptions.types import SubscriptionDraft
from bot.core.types import DeliveryResult, Reply
from bot.scheduler import SWEEP_JOB_ID, SYNC_JOB_ID, DigestScheduler
from bot.storage import Database
from bot.storage.deliveries import SqlDeliveryLog
from bot.storage.subscriptions import SqlSubscriptionStore
from tests.fakes.digests import RecordingNotifier, article

SH = ZoneInfo("Asia/Shanghai")
CREATED = datetime(2026, 11, 16, 10, 0, tzinfo=SH)


def _rig(
    db: Database, notifier: RecordingNotifier, now: datetime
) -> tuple[SqlSubscriptionStore, DigestScheduler]:
    store = SqlSubscriptionStore(db)
    service = DigestService(
        subscriptions=store,
        deliveries=SqlDeliveryLog(db),
        catalog=StaticArticles(
            [article("a1", "成都积分贷", "成都积分贷新政策出台。", ingested_at=CREATED)]
        ),
        notifiers={"telegram": notifier},
        clock=FixedClock(now),
    )
    return store, DigestScheduler(service=service, subscriptions=store)


def _add(store: SqlSubscriptionStore, user: str, draft: SubscriptionDraft) -> int:
    return store.add(
        draft, user_key=f"telegram:{user}", channel="telegram", user_id=user, at=CREATED
    ).id


def test_jobs_are_rebuilt_from_the_database_with_shanghai_time(sqlite_database: Database) -> None:
    store, sched = _rig(sqlite_database, RecordingNotifier(), CREATED)
    _add(store, "1", SubscriptionDraft(topics=("积分贷",), frequency="weekly", weekday=0, hour=9))
    _add(
        store, "2", SubscriptionDraft(topics=("成都",), frequency="weekly", weekday=0, hour=9)
    )  # same slot
    late = _add(
        store, "3", SubscriptionDraft(topics=("x",), frequency="daily", weekday=None, hour=23)
    )
    sched.install()
    cron = {j.id: j for j in sched.scheduler.get_jobs() if j.id.startswith("digest:cron:")}
    assert set(cron) == {"digest:cron:Asia/Shanghai:mon:*:09:00", "digest:cron:Asia/Shanghai:*:*:07:00"}
    assert sched.scheduler.get_job(SWEEP_JOB_ID) and sched.scheduler.get_job(SYNC_JOB_ID)
    trigger = cron["digest:cron:Asia/Shanghai:mon:*:09:00"].trigger
    assert isinstance(trigger, CronTrigger) and str(trigger.timezone) == "Asia/Shanghai"
    after = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert trigger.get_next_fire_time(None, after) == datetime(2026, 11, 23, 9, 0, tzinfo=SH)
    assert trigger.get_next_fire_time(None, after).astimezone(UTC).hour == 1  # type: ignore[union-attr]
    # A second scheduler (a restart) rebuilds the same jobs from the table alone.
    _, restarted = _rig(sqlite_database, RecordingNotifier(), CREATED)
    assert restarted.sync() == 2
    # Removing a subscription removes its job on the next sync.
    store.deactivate(late, reason="unsubscribed", at=CREATED)
    assert sched.sync() == 1
    assert [j.id for j in sched.scheduler.get_jobs() if j.id.startswith("digest:cron:")] == [
        "digest:cron:Asia/Shanghai:mon:*:09:00"
    ]


async def test_started_scheduler_catches_up_at_once_and_delivers(sqlite_database: Database) -> None:
    notifier = RecordingNotifier()
    store, sched = _rig(sqlite_database, notifier, datetime(2026, 11, 23, 9, 30, tzinfo=SH))
    _add(store, "1", SubscriptionDraft(topics=("积分贷",), frequency="weekly", weekday=0, hour=9))
    reports = []
    sched.on_report = reports.append
    sched.start()
    try:
        for _ in range(100):
            if reports:
                break
            await asyncio.sleep(0.05)
    finally:
        sched.shutdown()
    assert reports and reports[0].delivered == 1
    assert notifier.users() == ["1"]
    assert "成都积分贷" in notifier.sent[0].text


def test_new_schedule_forms_get_cron_jobs_that_fire_when_the_reply_said(
    sqlite_database: Database,
) -> None:
    from bot.core.subscriptions.parser import parse_request
    from bot.core.subscriptions.schedule import next_slot, with_phase

    store, sched = _rig(sqlite_database, RecordingNotifier(), CREATED)
    typed = ["工作日 8点", "每两周周五 下午3点", "每月1号 9:30", "每月第一个周一 10点", "每月最后一天 18点"]
    drafts = [with_phase(parse_request(f"积分贷 {t}").draft, CREATED) for t in typed]
    for n, draft in enumerate(drafts):
        _add(store, str(n), draft)
    assert sched.sync() == 5
    jobs = {j.id: j for j in sched.scheduler.get_jobs() if j.id.startswith("digest:cron:")}
    assert set(jobs) == {
        "digest:cron:Asia/Shanghai:mon-fri:*:08:00",
        "digest:cron:Asia/Shanghai:fri:*:15:00",
        "digest:cron:Asia/Shanghai:*:1:09:30",
        "digest:cron:Asia/Shanghai:*:1st mon:10:00",
        "digest:cron:Asia/Shanghai:*:last:18:00",
    }
    fires = {j.trigger.get_next_fire_time(None, CREATED) for j in jobs.values()}
    assert {next_slot(d, CREATED).effective for d in drafts} <= fires


class GatedNotifier(RecordingNotifier):
    """A RecordingNotifier whose sends wait at a gate; `held` is set while one waits there."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.held = asyncio.Event()

    async def send(self, user_id: str, replies: list[Reply]) -> DeliveryResult:
        self.held.set()
        await self.gate.wait()
        return await super().send(user_id, replies)


async def test_stop_lets_the_send_in_flight_finish_and_claims_nothing_more(
    sqlite_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    notifier = GatedNotifier()
    now = datetime(2026, 11, 23, 9, 30, tzinfo=SH)
    store, sched = _rig(sqlite_database, notifier, now)
    for user in ("1", "2", "3"):
        _add(store, user, SubscriptionDraft(topics=("积分贷",), frequency="weekly", weekday=0, hour=9))
    sched.start()  # the sweep fires at once: one send at a time, the first held at the gate
    await asyncio.wait_for(notifier.held.wait(), 10)
    stopping = asyncio.create_task(sched.stop(grace=10))
    await asyncio.sleep(0.05)
    assert not stopping.done()  # waits for the send in flight …
    notifier.gate.set()
    await asyncio.wait_for(stopping, 10)
    assert notifier.users() == ["1"]  # … which completes and is logged; nothing else was claimed
    assert [row["status"] for row in SqlDeliveryLog(sqlite_database).rows()] == ["delivered"]
    assert len(sched.service.due(now)) == 2  # the others stay due for the next start
    assert not sched.scheduler.running
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
