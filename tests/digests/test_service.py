"""DigestService fan-out against real SQL stores (SQLite and PostgreSQL) with a recording notifier."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.digests.article_sources import StaticArticles
from bot.core.digests.fanout import LEASE_NAME, DigestService, RateLimiter
from bot.core.ports import FixedClock
from bot.core.subscriptions.types import Article, SubscriptionDraft
from bot.core.types import DeliveryResult, DeliveryStatus
from bot.storage import Database
from bot.storage.deliveries import SqlDeliveryLog
from bot.storage.subscriptions import SqlSubscriptionStore
from tests.fakes.digests import FakeTimer, RecordingNotifier, article

SH = ZoneInfo("Asia/Shanghai")
CREATED = datetime(2026, 11, 16, 10, 0, tzinfo=SH)
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=SH)
WEEKLY = SubscriptionDraft(
    topics=("积分贷",), regions=("成都",), frequency="weekly", weekday=0, hour=9
)

CHENGDU = article(
    "a1",
    "成都出台企业创新积分制实施方案",
    "成都市科技局近日印发实施方案。方案提出依托创新积分为企业提供积分贷支持，最高授信1000万元。其他内容略。",
    ingested_at=datetime(2026, 11, 20, 8, 0, tzinfo=SH),
    regions=("成都",),
)
CHENGDU_MINOR = article(
    "a2",
    "四川科技金融简讯",
    "四川省多地推进科技金融。成都高新区提到积分贷一次。",
    ingested_at=datetime(2026, 11, 21, 8, 0, tzinfo=SH),
)
NANJING = article(
    "a3",
    "南京打通科创金融服务最后一公里",
    "南京推出积分贷产品，服务科技型中小企业。",
    ingested_at=datetime(2026, 11, 21, 9, 0, tzinfo=SH),
    regions=("南京",),
)


class Rig:
    """A service wired to real stores, an in-memory catalog, a recording notifier and a fake timer."""

    def __init__(
        self, database: Database, articles: list[Article], *, at: datetime = MONDAY_9
    ) -> None:
        self.store = SqlSubscriptionStore(database)
        self.log = SqlDeliveryLog(database)
        self.catalog = StaticArticles(articles)
        self.notifier = RecordingNotifier(channel="telegram")
        self.timer = FakeTimer()
        self.clock = FixedClock(at)
        self.service = self.make_service()

    def make_service(self, holder: str | None = None) -> DigestService:
        return DigestService(
            subscriptions=self.store,
            deliveries=self.log,
            catalog=self.catalog,
            notifiers={"telegram": self.notifier},
            clock=self.clock,
            holder=holder,
            limiter=RateLimiter(25.0, 1.0, monotonic=self.timer.monotonic, sleep=self.timer.sleep),
            backoff_base=60.0,
            max_attempts=3,
        )

    def subscribe(self, user: str, draft: SubscriptionDraft = WEEKLY, channel: str = "telegram"):  # type: ignore[no-untyped-def]
        return self.store.add(
            draft, user_key=f"{channel}:{user}", channel=channel, user_id=user, at=CREATED
        )

    def run(self, at: datetime | None = None):  # type: ignore[no-untyped-def]
        if at is not None:
            self.clock.set(at)
        return asyncio.run(self.service.send_due())

    def states(self) -> list[str]:
        return [str(r["status"]) for r in self.log.rows()]


def test_due_digest_is_sent_once_best_first_with_title_source_date_summary(
    database: Database,
) -> None:
    rig = Rig(database, [CHENGDU_MINOR, CHENGDU, NANJING])
    rig.subscribe("1")
    report = rig.run()
    assert (report.due, report.delivered) == (1, 1)
    [sent] = rig.notifier.sent
    assert sent.user_id == "1"
    text = sent.text
    assert "积分贷 · 成都 · 每周一 09:00" in text and "2 篇新简报" in text
    assert text.index("成都出台企业创新积分制实施方案") < text.index("四川科技金融简讯")
    assert "南京" not in text
    assert "科技情报参考 2023年第10期 · 2023-10" in text
    assert "积分贷支持" in text  # summary taken from the sentence naming the topic
    assert sent.replies[-1].choices[0][0].data.startswith("sub:del:")
    # Same period again (another tick, a restart): nothing more.
    again = rig.run(MONDAY_9 + timedelta(minutes=5))
    assert (again.due, again.delivered) == (0, 0)
    assert len(rig.notifier.sent) == 1


def test_watermark_next_period_has_only_new_articles_and_silence_when_nothing_new(
    database: Database,
) -> None:
    rig = Rig(database, [CHENGDU])
    rig.subscribe("1")
    rig.run()
    nothing = rig.run(MONDAY_9 + timedelta(days=7))
    assert (nothing.due, nothing.empty, nothing.delivered) == (1, 1, 0)
    assert len(rig.notifier.sent) == 1
    rig.catalog.add(
        article(
            "a9",
            "成都积分贷新进展",
            "成都积分贷投放规模继续扩大，惠及更多企业。",
            ingested_at=MONDAY_9 + timedelta(days=8),
        )
    )
    third = rig.run(MONDAY_9 + timedelta(days=14))
    assert third.delivered == 1
    assert "成都积分贷新进展" in rig.notifier.sent[-1].text
    assert "成都出台" not in rig.notifier.sent[-1].text
    assert rig.states() == ["delivered", "empty", "delivered"]


def test_articles_ingested_after_now_wait_for_a_later_run(database: Database) -> None:
    future = article(
        "f1", "成都积分贷将来", "成都积分贷的未来消息。", ingested_at=MONDAY_9 + timedelta(hours=1)
    )
    rig = Rig(database, [CHENGDU, future])
    rig.subscribe("1")
    rig.run()
    assert "将来" not in rig.notifier.sent[0].text
    rig.run(MONDAY_9 + timedelta(days=7))
    assert (
        "成都积分贷将来" in rig.notifier.sent[1].text
        and "成都出台" not in rig.notifier.sent[1].text
    )


def test_weekly_nothing_new_notice_when_asked(database: Database) -> None:
    rig = Rig(database, [])
    rig.subscribe("1", SubscriptionDraft(topics=("积分贷",), notify_empty=True))
    report = rig.run()
    assert report.notices == 1 and report.delivered == 0
    assert "没有新的相关简报" in rig.notifier.sent[0].text


def test_region_filter_includes_cities_of_a_province(database: Database) -> None:
    rig = Rig(database, [CHENGDU, NANJING])
    rig.subscribe("1", SubscriptionDraft(topics=(), regions=("四川",)))
    rig.run()
    assert "成都出台" in rig.notifier.sent[0].text and "南京" not in rig.notifier.sent[0].text


def test_retry_with_exponential_backoff_then_give_up(database: Database) -> None:
    rig = Rig(database, [CHENGDU])
    rig.subscribe("1")
    retry = DeliveryResult(DeliveryStatus.RETRY, detail="timeout")
    rig.notifier.will("1", retry, retry, retry)
    assert rig.run().retry_scheduled == 1
    [row] = rig.log.rows()
    assert row["status"] == "retry" and row["attempts"] == 1
    assert row["next_attempt_at"] == MONDAY_9 + timedelta(seconds=60)
    assert rig.run(MONDAY_9 + timedelta(seconds=59)).due == 0
    second = rig.run(MONDAY_9 + timedelta(seconds=60))
    assert (second.retried, second.retry_scheduled) == (1, 1)
    [row] = rig.log.rows()
    assert row["attempts"] == 2 and row["next_attempt_at"] == MONDAY_9 + timedelta(seconds=60 + 120)
    third = rig.run(MONDAY_9 + timedelta(seconds=180))
    assert third.failed == 1
    assert rig.states() == ["failed"] and rig.log.rows()[0]["attempts"] == 3
    assert rig.run(MONDAY_9 + timedelta(hours=2)).due == 0
    assert rig.notifier.sent == []


def test_retry_then_success_delivers_once(database: Database) -> None:
    rig = Rig(database, [CHENGDU])
    rig.subscribe("1")
    rig.notifier.will("1", DeliveryResult(DeliveryStatus.RETRY))
    rig.run()
    rig.run(MONDAY_9 + timedelta(minutes=1))
    rig.run(MONDAY_9 + timedelta(minutes=30))
    assert rig.notifier.users() == ["1"] and rig.states() == ["delivered"]


def test_notifier_exception_is_a_retry_not_a_crash(database: Database) -> None:
    rig = Rig(database, [CHENGDU])
    rig.subscribe("1")
    rig.subscribe("2")
    rig.notifier.raise_for.add("1")
    report = rig.run()
    assert (report.retry_scheduled, report.delivered) == (1, 1)


def test_flood_control_waits_retry_after_and_retries_in_place(database: Database) -> None:
    rig = Rig(database, [CHENGDU])
    rig.subscribe("1")
    rig.notifier.will("1", DeliveryResult(DeliveryStatus.RETRY, retry_after=7.0))
    report = rig.run()
    assert (report.flood_waits, report.delivered) == (1, 1)
    assert 7.0 in rig.timer.sleeps
    assert rig.log.rows()[0]["attempts"] == 2


def test_fan_out_is_rate_limited_globally_and_per_chat(database: Database) -> None:
    rig = Rig(database, [CHENGDU])
    for i in range(50):
        rig.subscribe(str(i))
    second = SubscriptionDraft(topics=("积分贷",), frequency="weekly", weekday=0, hour=8)
    rig.subscribe("0", second)  # same chat twice: at least 1 s apart
    rig.run()
    assert len(rig.notifier.sent) == 51
    assert rig.timer.now >= 50 / 25.0 - 0.01  # 25 messages/s overall
    assert rig.timer.now >= 1.0


def test_blocked_user_is_deactivated_and_never_retried(database: Database) -> None:
    rig = Rig(database, [CHENGDU])
    sub = rig.subscribe("1")
    rig.subscribe("1", SubscriptionDraft(topics=("成都",), frequency="weekly", weekday=0, hour=9))
    rig.notifier.will("1", DeliveryResult(DeliveryStatus.BLOCKED, detail="Forbidden"))
    report = rig.run()
    assert report.blocked == 1 and rig.notifier.attempts == ["1"]
    assert rig.store.get(sub.id).active is False  # type: ignore[union-attr]
    assert rig.store.list_active() == []
    assert rig.run(MONDAY_9 + timedelta(days=7)).due == 0


def test_deferred_digest_is_left_to_the_channel_queue_and_not_retried(database: Database) -> None:
    rig = Rig(database, [CHENGDU])
    rig.notifier = RecordingNotifier(channel="wechat")
    rig.service.notifiers = {"wechat": rig.notifier}
    rig.subscribe("o1", channel="wechat")
    rig.notifier.will("o1", DeliveryResult(DeliveryStatus.DEFERRED, detail="queued"))
    assert rig.run().deferred == 1
    assert rig.states() == ["deferred"]
    assert rig.run(MONDAY_9 + timedelta(hours=1)).due == 0
    # The queued digest reaches the user later; next week does not repeat its articles.
    nxt = rig.run(MONDAY_9 + timedelta(days=7))
    assert (nxt.due, nxt.empty, nxt.delivered) == (1, 1, 0)


def test_channel_without_notifier_is_left_due(database: Database) -> None:
    rig = Rig(database, [CHENGDU])
    rig.subscribe("x", channel="wechat")
    report = rig.run()
    assert report.skipped_no_notifier == 1 and rig.log.rows() == []
    rig.service.notifiers = {"wechat": rig.notifier}
    assert rig.run(MONDAY_9 + timedelta(minutes=10)).delivered == 1


def test_quiet_hours_delay_delivery_to_the_morning(database: Database) -> None:
    rig = Rig(database, [CHENGDU], at=datetime(2026, 11, 23, 23, 0, tzinfo=SH))
    rig.subscribe(
        "1", SubscriptionDraft(topics=("积分贷",), frequency="daily", weekday=None, hour=23)
    )
    assert rig.run().due == 0
    assert rig.run(datetime(2026, 11, 24, 3, 0, tzinfo=SH)).due == 0
    report = rig.run(datetime(2026, 11, 24, 7, 0, tzinfo=SH))
    assert report.delivered == 1
    assert rig.log.rows()[0]["period_key"] == "D2026-11-23"


def test_a_live_lease_holder_excludes_a_second_service(database: Database) -> None:
    rig = Rig(database, [CHENGDU])
    rig.subscribe("1")
    from datetime import UTC

    assert rig.log.acquire_lease(LEASE_NAME, "otherhost:1:x", now=datetime.now(UTC), ttl=60)
    report = rig.run()
    assert report.lease == "held_by_other" and rig.notifier.sent == []
    rig.log.release_lease(LEASE_NAME, "otherhost:1:x")
    assert rig.run().delivered == 1


def test_concurrent_services_on_one_database_send_each_digest_once(database: Database) -> None:
    rig = Rig(database, [CHENGDU])
    for i in range(20):
        rig.subscribe(str(i))
    a, b = rig.make_service("host-a:1:a"), rig.make_service("host-b:2:b")

    async def both():  # type: ignore[no-untyped-def]
        return await asyncio.gather(a.send_due(MONDAY_9), b.send_due(MONDAY_9))

    ra, rb = asyncio.run(both())
    assert ra.delivered + rb.delivered == 20
    assert sorted(rig.notifier.users(), key=int) == [str(i) for i in range(20)]
    # and again, both: nothing repeats
    ra, rb = asyncio.run(both())
    assert ra.delivered + rb.delivered == 0


def test_interrupted_claim_of_a_dead_process_is_resent_once_with_a_note(database: Database) -> None:
    rig = Rig(database, [CHENGDU])
    crashed = rig.subscribe("1")
    rig.subscribe("2")
    rig.log.claim(
        crashed.id, crashed.user_key, "W2026-48", holder="otherhost:99:dead", now=MONDAY_9
    )
    report = rig.run()
    assert (report.recovered_uncertain, report.uncertain, report.retried, report.delivered) == (1, 1, 1, 2)
    assert sorted(rig.notifier.users()) == ["1", "2"]
    noted = next(s for s in rig.notifier.sent if s.user_id == "1").replies[0].text
    assert noted.startswith("（系统中断后补发") and "成都出台企业创新积分制实施方案" in noted
    # The resent digest advanced the watermark: next week repeats nothing.
    rig.run(MONDAY_9 + timedelta(days=7))
    assert sorted(rig.notifier.users()) == ["1", "2"]


def test_a_service_that_loses_its_lease_stops_sending(database: Database) -> None:
    rig = Rig(database, [CHENGDU])
    for i in range(6):
        rig.subscribe(str(i))
    service = rig.make_service("me:1:x")
    service.lease_seconds = 0.0  # renew before every send
    original = rig.notifier.send

    async def steal_after_two(user_id, replies):  # type: ignore[no-untyped-def]
        result = await original(user_id, replies)
        if len(rig.notifier.sent) == 2:
            from datetime import UTC

            far = datetime.now(UTC) + timedelta(days=1)
            assert rig.log.acquire_lease(LEASE_NAME, "thief:2:y", now=far, ttl=3600)
        return result

    rig.notifier.send = steal_after_two  # type: ignore[method-assign]
    report = asyncio.run(service.send_due(MONDAY_9))
    assert report.stopped_early and report.delivered == 2
    assert len(rig.notifier.sent) == 2


def test_a_retry_overtaken_by_the_next_period_is_closed_not_sent_twice(database: Database) -> None:
    rig = Rig(database, [CHENGDU])
    rig.subscribe(
        "1", SubscriptionDraft(topics=("积分贷",), frequency="daily", weekday=None, hour=9)
    )
    rig.notifier.will("1", DeliveryResult(DeliveryStatus.RETRY, retry_after=100_000.0))
    assert rig.run().retry_scheduled == 1  # retry_after beyond the flood wait: backoff of ~28 h
    assert rig.run(MONDAY_9 + timedelta(days=1)).delivered == 1  # Tuesday's digest carries it
    late = rig.run(MONDAY_9 + timedelta(days=1, hours=5))
    assert late.due == 1 and late.retried == 0
    assert rig.states() == ["empty", "delivered"]
    assert next(r["detail"] for r in rig.log.rows()) == "superseded"
    assert len(rig.notifier.sent) == 1


def test_concurrent_sends_stay_exactly_once_and_rate_limited(database: Database) -> None:
    rig = Rig(database, [CHENGDU])
    for i in range(30):
        rig.subscribe(str(i))
    rig.subscribe("0", SubscriptionDraft(topics=("积分贷",), frequency="weekly", weekday=0, hour=8))
    service = rig.make_service()
    service.concurrency = 5
    in_flight, peak = 0, 0
    original = rig.notifier.send

    async def slow_send(user_id, replies):  # type: ignore[no-untyped-def]
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return await original(user_id, replies)

    rig.notifier.send = slow_send  # type: ignore[method-assign]
    report = asyncio.run(service.send_due(MONDAY_9))
    assert report.delivered == 31 and peak > 1
    assert sorted(rig.notifier.users()) == sorted([*(str(i) for i in range(30)), "0"])
    assert rig.timer.now >= 30 / 25.0 - 0.01  # the shared limiter still paces everyone
    assert asyncio.run(service.send_due(MONDAY_9)).delivered == 0


def test_first_digest_catches_up_a_month_not_the_whole_archive(database: Database) -> None:
    ancient = article(
        "old", "成都积分贷旧闻", "成都积分贷的旧消息。", ingested_at=CREATED - timedelta(days=45)
    )
    recent = article(
        "new", "成都积分贷近况", "成都积分贷的新消息。", ingested_at=CREATED - timedelta(days=10)
    )
    rig = Rig(database, [ancient, recent])
    rig.subscribe("1")
    rig.run()
    text = rig.notifier.sent[0].text
    assert "成都积分贷近况" in text and "旧闻" not in text
