"""SubscriptionService: the commands and keyboard flow users see (/subscribe, /subs, /unsubscribe, /digest)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.digests.article_sources import StaticArticles
from bot.core.digests.fanout import DigestService
from bot.core.ports import FixedClock
from bot.core.subscriptions.commands import SubscriptionService
from bot.core.types import Incoming, Reply
from bot.storage import Database
from bot.storage.deliveries import SqlDeliveryLog
from bot.storage.subscriptions import SqlSubscriptionStore
from tests.fakes.digests import RecordingNotifier, article

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 21, 15, 0, tzinfo=SH)  # a Saturday afternoon
ARTICLE = article(
    "a1",
    "成都出台企业创新积分制实施方案",
    "方案提出依托创新积分为企业提供积分贷支持。",
    regions=("成都",),
    ingested_at=datetime(2026, 11, 20, 8, 0, tzinfo=SH),
)


@pytest.fixture
def service(sqlite_database: Database) -> SubscriptionService:
    store, log = SqlSubscriptionStore(sqlite_database), SqlDeliveryLog(sqlite_database)
    clock = FixedClock(NOW)
    digests = DigestService(
        subscriptions=store,
        deliveries=log,
        catalog=StaticArticles([ARTICLE]),
        notifiers={"telegram": RecordingNotifier()},
        clock=clock,
    )
    return SubscriptionService(store=store, deliveries=log, digests=digests, clock=clock)


def ask(
    service: SubscriptionService,
    command: str,
    args: str = "",
    *,
    user: str = "42",
    channel: str = "telegram",
) -> list[Reply]:
    incoming = Incoming(
        channel=channel,
        user_id=user,
        text=args,
        kind="callback" if command == "callback" else "text",
        callback_data=args if command == "callback" else None,
    )
    return asyncio.run(service.handle(incoming, command, args))


def datas(replies: list[Reply]) -> list[str]:
    return [c.data for r in replies for row in r.choices for c in row]


def test_subscribe_in_one_line(service: SubscriptionService) -> None:
    [reply] = ask(service, "subscribe", "积分贷 成都 每周一 9点")
    assert "已订阅（第 1 个）" in reply.text
    assert "主题：积分贷\n地区：成都（四川）\n推送：每周一 09:00" in reply.text
    assert "11月23日 周一 09:00" in reply.text
    [sub] = service.store.list_for_user("telegram:42")
    assert (sub.topics, sub.regions, sub.weekday, sub.hour, sub.channel, sub.user_id) == (
        ("积分贷",),
        ("成都",),
        0,
        9,
        "telegram",
        "42",
    )
    assert datas([reply]) == [f"sub:pv:{sub.id}", f"sub:del:{sub.id}"]
    [again] = ask(service, "subscribe", "积分贷 成都 每周一 9点")
    assert "已经订阅过" in again.text
    assert len(service.store.list_for_user("telegram:42")) == 1


def test_free_text_prefix_and_hints(service: SubscriptionService) -> None:
    [reply] = ask(service, "subscribe", "订阅 科技金融")
    assert "主题：科技金融" in reply.text and "没说哪天" in reply.text
    [late] = ask(service, "subscribe", "成果转化 每天 23点")
    assert "免打扰" in late.text and "次日 07:00" in late.text
    [bad] = ask(service, "subscribe", "知识产权 每天 25点")
    assert "没有订阅" in bad.text and "“25点”不是有效的时间" in bad.text and "下午3点" in bad.text
    assert len(service.store.list_for_user("telegram:42")) == 2


def test_wechat_users_are_told_about_the_48_hour_window(service: SubscriptionService) -> None:
    [reply] = ask(service, "subscribe", "积分贷", channel="wechat", user="oABC")
    assert "48 小时" in reply.text
    service.wechat_template_configured = True
    [reply] = ask(service, "subscribe", "成果转化", channel="wechat", user="oABC")
    assert "48 小时" not in reply.text


def test_keyboard_flow_for_plain_subscribe(service: SubscriptionService) -> None:
    [step] = ask(service, "subscribe")
    assert "哪个主题" in step.text
    topic = next(c for row in step.choices for c in row if c.label == "积分贷")
    [step] = ask(service, "callback", topic.data)
    region = next(c for row in step.choices for c in row if c.label == "成都")
    [step] = ask(service, "callback", region.data)
    freq = next(c for row in step.choices for c in row if c.label == "每周三")
    [step] = ask(service, "callback", freq.data)
    time_choice = next(c for row in step.choices for c in row if c.label == "18:00")
    assert all(len(d.encode()) <= 64 for d in datas([step]))  # Telegram callback_data limit
    [done] = ask(service, "callback", time_choice.data)
    assert "主题：积分贷\n地区：成都（四川）\n推送：每周三 18:00" in done.text
    [sub] = service.store.list_for_user("telegram:42")
    assert (sub.weekday, sub.hour) == (2, 18)


def test_any_topic_any_region_daily_via_buttons(service: SubscriptionService) -> None:
    [done] = ask(service, "callback", "sub:n:t-:r-:f0:h1")
    assert "主题：不限（全部新简报）\n地区：不限\n推送：每天 09:00" in done.text


@pytest.mark.parametrize(
    "data",
    [
        "sub:n:t99",
        "sub:n:t0:r99",
        "sub:n:t0:r0:f9",
        "sub:n:t0:r0:f1:h9",
        "sub:zzz",
        "sub:del:x",
        "sub:",
        "sub:pv:",
    ],
)
def test_stale_or_forged_buttons_get_a_friendly_reply(
    service: SubscriptionService, data: str
) -> None:
    [reply] = ask(service, "callback", data)
    assert "失效" in reply.text
    assert service.store.list_for_user("telegram:42") == []


def test_list_and_unsubscribe_by_number_word_and_all(service: SubscriptionService) -> None:
    assert "还没有订阅" in ask(service, "subs")[0].text
    for text in ("积分贷 成都", "科技金融 每天 8点", "成果转化 每周五"):
        ask(service, "subscribe", text)
    [listing] = ask(service, "subs")
    assert "1. 积分贷 · 成都" in listing.text and "3. 成果转化 · 每周五 09:00" in listing.text
    assert "removed" not in listing.text
    assert "已取消第 2 个订阅：科技金融" in ask(service, "unsubscribe", "2")[0].text
    assert "没有找到" in ask(service, "unsubscribe", "9")[0].text
    assert "已取消第 2 个订阅：成果转化" in ask(service, "unsubscribe", "成果转化")[0].text
    [which] = ask(service, "unsubscribe", "不存在的主题")
    assert "哪一个" in which.text and len(datas([which])) == 1
    [confirm] = ask(service, "unsubscribe", "all")  # cannot be undone: asks first
    assert "确认取消全部 1 个订阅" in confirm.text and "1. 积分贷 · 成都" in confirm.text
    assert datas([confirm]) == ["sub:delall:yes", "sub:delall:no"]
    assert len(service.store.list_for_user("telegram:42")) == 1
    assert "全部 1 个" in ask(service, "callback", "sub:delall:yes")[0].text
    assert service.store.list_for_user("telegram:42") == []
    assert "失效" in ask(service, "callback", "sub:delall:yes")[0].text


def test_cannot_cancel_someone_elses_subscription(service: SubscriptionService) -> None:
    ask(service, "subscribe", "积分贷", user="1")
    [sub] = service.store.list_for_user("telegram:1")
    [reply] = ask(service, "callback", f"sub:del:{sub.id}", user="2")
    assert "没有找到" in reply.text
    assert service.store.get(sub.id).active  # type: ignore[union-attr]
    [reply] = ask(service, "callback", f"sub:del:{sub.id}", user="1")
    assert "已取消订阅" in reply.text


def test_digest_preview_shows_content_and_records_nothing(service: SubscriptionService) -> None:
    assert "还没有订阅" in ask(service, "digest")[0].text
    ask(service, "subscribe", "积分贷 成都")
    ask(service, "subscribe", "专精特新")
    replies = ask(service, "digest")
    text = "\n".join(r.text for r in replies)
    assert "预览" in text and "成都出台企业创新积分制实施方案" in text and "积分贷支持" in text
    assert "【专精特新 · 每周一 09:00】目前没有新的相关简报" in text
    assert SqlDeliveryLog.rows(service.deliveries) == []  # type: ignore[arg-type]
    [sub, _] = service.store.list_for_user("telegram:42")
    one = ask(service, "callback", f"sub:pv:{sub.id}")
    assert "成都出台" in "\n".join(r.text for r in one)


def test_forget_user_and_change_listener(service: SubscriptionService) -> None:
    calls: list[int] = []
    service.add_listener(lambda: calls.append(1))
    ask(service, "subscribe", "积分贷")
    ask(service, "subscribe", "科技金融")
    assert len(calls) == 2
    assert service.pending.peek("telegram:42", "done") is not None  # "改成每周五" would mean the last one
    assert service.forget_user("telegram:42") == 3  # two subscriptions and that open question
    assert service.store.list_for_user("telegram:42") == []
    assert service.pending.peek("telegram:42") is None


def test_per_user_limit(service: SubscriptionService) -> None:
    service.max_per_user = 2
    ask(service, "subscribe", "积分贷")
    ask(service, "subscribe", "科技金融")
    assert "最多 2 个" in ask(service, "subscribe", "成果转化")[0].text
    assert len(service.store.list_for_user("telegram:42")) == 2


@pytest.mark.parametrize(
    "command", ["subscribe", "unsubscribe", "subs", "digest", "callback", "weird"]
)
def test_junk_never_crashes(service: SubscriptionService, command: str) -> None:
    for junk in [
        "",
        " ",
        "\x00",
        "😀" * 500,
        "sub:" + "9" * 200,
        "-1",
        "0",
        "all all",
        "a" * 10000,
    ]:
        replies = ask(service, command, junk)
        assert replies and all("Traceback" not in r.text for r in replies)


def test_schedule_alone_subscribes_to_everything(service: SubscriptionService) -> None:
    [reply] = ask(service, "subscribe", "每天 8点")
    assert "主题：不限（全部新简报）\n地区：不限\n推送：每天 08:00" in reply.text
