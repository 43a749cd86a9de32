"""Digests to WeChat users end to end: the real DigestService and SQL stores, the WeChat notifier
with its real API client against the fake WeChat API, and the webhook flushing what waited."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.channels.wechat.api import WeChatAPI
from bot.channels.wechat.notifier import WeChatNotifier
from bot.channels.wechat.webhook import WeChatWebhook
from bot.channels.wechat.xml import parse_message, parse_xml
from bot.core.digests.article_sources import StaticArticles
from bot.core.digests.fanout import DigestService
from bot.core.ports import FixedClock
from bot.core.subscriptions.types import SubscriptionDraft
from bot.storage import Database
from bot.storage.deliveries import SqlDeliveryLog
from bot.storage.subscriptions import SqlSubscriptionStore
from bot.storage.wechat import WeChatStore
from tests.fakes.digests import article
from tests.fakes.wechat import EchoAssistant, FakeWeChatAPI, text_xml

SH = ZoneInfo("Asia/Shanghai")
CREATED = datetime(2026, 11, 16, 10, 0, tzinfo=SH)
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=SH)
WEEKLY = SubscriptionDraft(topics=("积分贷",), regions=("成都",), frequency="weekly", weekday=0, hour=9)
CHENGDU = article(
    "a1",
    "成都出台企业创新积分制实施方案",
    "成都市科技局近日印发实施方案。方案提出依托创新积分为企业提供积分贷支持，最高授信1000万元。",
    ingested_at=datetime(2026, 11, 20, 8, 0, tzinfo=SH),
    regions=("成都",),
)
USER = "oSubscriber"


def _service(
    db: Database, api: WeChatAPI, last_message_at: datetime
) -> tuple[WeChatStore, DigestService]:
    """USER subscribed weekly and last wrote at last_message_at; digests go through WeChat."""
    store = WeChatStore(db)
    store.touch_user(USER, last_message_at)
    notifier = WeChatNotifier(api=api, store=store, clock=FixedClock(MONDAY_9))
    subscriptions = SqlSubscriptionStore(db)
    subscriptions.add(WEEKLY, user_key=f"wechat:{USER}", channel="wechat", user_id=USER, at=CREATED)
    service = DigestService(
        subscriptions=subscriptions,
        deliveries=SqlDeliveryLog(db),
        catalog=StaticArticles([CHENGDU]),
        notifiers={"wechat": notifier},
        clock=FixedClock(MONDAY_9),
    )
    return store, service


async def test_digest_inside_the_window_goes_out_by_customer_service(
    sqlite_database: Database, api: WeChatAPI, fake: FakeWeChatAPI
) -> None:
    store, service = _service(sqlite_database, api, MONDAY_9 - timedelta(hours=3))
    await service.send_due(MONDAY_9)
    texts = fake.texts_to(USER)
    assert texts and any("成都出台企业创新积分制实施方案" in t for t in texts)
    assert all(len(t.encode()) <= 2048 for t in texts)
    sent_before = len(fake.sent)
    await service.send_due(MONDAY_9 + timedelta(minutes=5))  # never twice per period
    assert len(fake.sent) == sent_before

    # the digest's button is a tappable link; a tap reaches the core as that button's callback
    button = next(t for t in texts if "bizmsgmenu" in t)
    label = button.split("msgmenucontent=", 1)[1].split("&", 1)[0]
    assistant = EchoAssistant()
    webhook = WeChatWebhook(assistant=assistant, store=store, api=api, push_delay=0.0)
    tap = text_xml(USER, label, "60").replace(
        "</xml>", "<bizmsgmenuid><![CDATA[1]]></bizmsgmenuid></xml>"
    )
    await webhook.handle(parse_message(parse_xml(tap)))
    await webhook.aclose()
    assert assistant.seen[0].kind == "callback"
    assert (assistant.seen[0].callback_data or "").startswith("sub:")
    # but a bare digit is still a question: the digest numbers its articles
    await webhook.handle(parse_message(parse_xml(text_xml(USER, "1", "61"))))
    assert assistant.seen[1].kind == "text"


async def test_digest_outside_the_window_waits_for_the_next_message(
    sqlite_database: Database, api: WeChatAPI, fake: FakeWeChatAPI
) -> None:
    store, service = _service(sqlite_database, api, MONDAY_9 - timedelta(days=4))
    await service.send_due(MONDAY_9)
    assert fake.sent == [] and store.count_pending(USER) == 1

    webhook = WeChatWebhook(
        assistant=EchoAssistant(), store=store, api=api, push_delay=0.0, clock=FixedClock(MONDAY_9)
    )
    reply = await webhook.handle(parse_message(parse_xml(text_xml(USER, "你好", "55"))))
    await webhook.aclose()
    assert reply is not None and "收到：你好" in reply
    texts = fake.texts_to(USER)
    assert any("成都出台企业创新积分制实施方案" in t for t in texts)
    assert store.count_pending(USER) == 0
