"""Digest pushes to WeChat: the 48-hour window, subscription notices, deferral and flush."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.wechat.api import WeChatAPI
from bot.channels.wechat.notifier import WeChatNotifier
from bot.channels.wechat.webhook import WeChatWebhook
from bot.channels.wechat.xml import parse_message, parse_xml
from bot.core.ports import FixedClock
from bot.core.types import DeliveryStatus, Reply
from bot.storage import Database
from bot.storage.wechat import WeChatStore
from tests.fakes.wechat import EchoAssistant, FakeWeChatAPI, text_xml

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
USER = "oDigestReader"
TITLE = "本周政策简报：成都、重庆、西安积分贷新规与申报指南"
DIGEST = [Reply(text=TITLE + "\n\n1. 《关于开展企业创新积分制试点的通知》")]


@pytest.fixture
def store(sqlite_database: Database) -> WeChatStore:
    """SQLite for the routing tests; the store-level tests below also run on PostgreSQL."""
    return WeChatStore(sqlite_database)


def notifier(api: WeChatAPI, store: WeChatStore, template: str | None = None) -> WeChatNotifier:
    return WeChatNotifier(api=api, store=store, template_id=template, clock=FixedClock(NOW))


async def test_within_window_sends_customer_service_message(
    api: WeChatAPI, store: WeChatStore, fake: FakeWeChatAPI
) -> None:
    store.touch_user(USER, NOW - timedelta(hours=47))
    result = await notifier(api, store).send(USER, DIGEST)
    assert result.status is DeliveryStatus.DELIVERED
    assert fake.texts_to(USER) == [DIGEST[0].text]
    assert store.count_pending(USER) == 0


async def test_outside_window_without_template_is_deferred_and_queued(
    api: WeChatAPI, store: WeChatStore, fake: FakeWeChatAPI
) -> None:
    store.touch_user(USER, NOW - timedelta(hours=49))
    result = await notifier(api, store).send(USER, DIGEST)
    assert result.status is DeliveryStatus.DEFERRED
    assert fake.sent == [] and fake.notices == []
    assert store.count_pending(USER) == 1


async def test_never_seen_user_is_deferred(api: WeChatAPI, store: WeChatStore) -> None:
    result = await notifier(api, store).send("oNeverWrote", DIGEST)
    assert result.status is DeliveryStatus.DEFERRED


async def test_outside_window_with_template_sends_notice(
    api: WeChatAPI, store: WeChatStore, fake: FakeWeChatAPI
) -> None:
    store.touch_user(USER, NOW - timedelta(days=5))
    result = await notifier(api, store, template="TPL-1").send(USER, DIGEST)
    assert result.status is DeliveryStatus.DELIVERED
    notice = fake.notices[0]
    assert notice["touser"] == USER and notice["template_id"] == "TPL-1"
    assert notice["data"]["thing1"]["value"] == TITLE[:19] + "…"  # template "thing" ≤ 20 chars
    assert notice["data"]["time2"]["value"] == "2026-03-02 09:00"  # Asia/Shanghai
    assert store.count_pending(USER) == 1  # the full digest waits for the next message


async def test_notice_refused_falls_back_to_deferred(
    api: WeChatAPI, store: WeChatStore, fake: FakeWeChatAPI
) -> None:
    fake.notice_errcode = 43101  # user did not accept the subscription notice
    result = await notifier(api, store, template="TPL-1").send(USER, DIGEST)
    assert result.status is DeliveryStatus.DEFERRED
    assert store.count_pending(USER) == 1


async def test_unsubscribed_user_is_blocked(
    api: WeChatAPI, store: WeChatStore, fake: FakeWeChatAPI
) -> None:
    store.touch_user(USER, NOW - timedelta(hours=1))
    fake.fail_users[USER] = 43004
    result = await notifier(api, store).send(USER, DIGEST)
    assert result.status is DeliveryStatus.BLOCKED
    assert store.is_unsubscribed(USER)
    fake.fail_users.clear()
    again = await notifier(api, store).send(USER, DIGEST)
    assert again.status is DeliveryStatus.BLOCKED  # no API call needed any more
    assert fake.sent == []


async def test_transient_failure_is_retry(
    api: WeChatAPI, store: WeChatStore, fake: FakeWeChatAPI
) -> None:
    store.touch_user(USER, NOW - timedelta(hours=1))
    fake.fail_next_sends = [45009]
    result = await notifier(api, store).send(USER, DIGEST)
    assert result.status is DeliveryStatus.RETRY
    assert store.count_pending(USER) == 0


@pytest.mark.parametrize("errcode", [45015, 45047])  # out of time limit / push quota used up
async def test_window_closed_by_wechat_is_deferred(
    api: WeChatAPI, store: WeChatStore, fake: FakeWeChatAPI, errcode: int
) -> None:
    store.touch_user(USER, NOW - timedelta(hours=1))
    fake.fail_next_sends = [errcode]
    result = await notifier(api, store).send(USER, DIGEST)
    assert result.status is DeliveryStatus.DEFERRED
    assert store.count_pending(USER) == 1


async def test_deferred_digest_arrives_with_the_next_message(
    api: WeChatAPI, store: WeChatStore, fake: FakeWeChatAPI
) -> None:
    await notifier(api, store).send(USER, DIGEST)
    webhook = WeChatWebhook(
        assistant=EchoAssistant(), store=store, api=api, push_delay=0.0, clock=FixedClock(NOW)
    )
    reply = await webhook.handle(parse_message(parse_xml(text_xml(USER, "在吗", "123"))))
    assert reply is not None and "收到：在吗" in reply
    await webhook.aclose()
    texts = fake.texts_to(USER)
    assert "1 条消息" in texts[0]
    assert texts[1] == DIGEST[0].text
    assert store.count_pending(USER) == 0
    # and the user is now inside the window: the next digest goes straight out
    result = await notifier(api, store).send(USER, DIGEST)
    assert result.status is DeliveryStatus.DELIVERED


async def test_failed_flush_is_requeued(
    api: WeChatAPI, store: WeChatStore, fake: FakeWeChatAPI
) -> None:
    await notifier(api, store).send(USER, DIGEST)
    fake.fail_next_sends = [45009]  # WeChat busy while flushing
    webhook = WeChatWebhook(
        assistant=EchoAssistant(), store=store, api=api, push_delay=0.0, clock=FixedClock(NOW)
    )
    await webhook.handle(parse_message(parse_xml(text_xml(USER, "在吗", "124"))))
    await webhook.aclose()
    assert store.count_pending(USER) == 1


def test_forget_user_clears_wechat_state(database: Database) -> None:
    store = WeChatStore(database)
    store.touch_user(USER, NOW)
    store.add_pending(USER, [{"text": "x"}], NOW)
    assert store.forget_user(f"wechat:{USER}") == 2
    assert store.last_message_at(USER) is None and store.count_pending(USER) == 0
    assert store.forget_user("telegram:123") == 0


def test_store_window_dedupe_pending_and_prune(database: Database) -> None:
    store = WeChatStore(database)
    store.touch_user(USER, NOW - timedelta(hours=1))
    store.touch_user(USER, NOW)  # update path
    assert store.last_message_at(USER) == NOW
    store.mark_unsubscribed(USER)
    assert store.is_unsubscribed(USER)
    store.touch_user(USER, NOW)  # following again re-opens
    assert not store.is_unsubscribed(USER)
    store.set_choices(USER, '{"items": [["a", "A"]]}')
    assert store.get_choices(USER) == '{"items": [["a", "A"]]}'
    store.add_pending(USER, [{"text": "一"}], NOW)
    store.add_pending(USER, [{"text": "二"}], NOW + timedelta(seconds=1))
    assert store.take_pending(USER) == [[{"text": "一"}], [{"text": "二"}]]
    assert store.take_pending(USER) == []
    assert store.claim_message("m:1", NOW)
    assert not store.claim_message("m:1", NOW)
    assert store.prune_messages(NOW + timedelta(hours=2)) == 1
    assert store.claim_message("m:1", NOW)


def test_store_message_round_trip_and_dedupe(database: Database) -> None:
    store = WeChatStore(database)
    store.add_pending(USER, [{"text": "简报"}], NOW)
    store.set_choices(USER, "menu-x")  # no user row yet: nothing to update
    first = store.begin_message("m:42", USER, NOW)
    assert first.first and first.pending == [[{"text": "简报"}]] and first.choices is None
    assert store.last_message_at(USER) == NOW
    store.finish_message("m:42", "<xml>reply</xml>", USER, "menu-ab")
    retry = store.begin_message("m:42", USER, NOW + timedelta(seconds=5))
    assert not retry.first and retry.saved_reply == "<xml>reply</xml>"
    assert store.last_message_at(USER) == NOW  # a retry changes nothing
    again = store.begin_message("m:43", USER, NOW + timedelta(seconds=6))
    assert again.first and again.choices == "menu-ab" and again.pending == []
    store.finish_message("m:43", None, USER, None, update_choices=False)
    assert store.get_choices(USER) == "menu-ab"
    store.finish_message("m:43", None, USER, None)
    assert store.get_choices(USER) is None
    assert not store.claim_message("m:43", NOW)
    assert store.prune_messages(NOW + timedelta(hours=2)) == 2
    assert store.claim_message("m:42", NOW)


def test_non_interactions_leave_the_queue_alone(database: Database) -> None:
    store = WeChatStore(database)
    store.add_pending(USER, [{"text": "简报"}], NOW)
    view = store.begin_message("e:view", USER, NOW, touch=False)
    assert view.first and view.pending == [] and store.last_message_at(USER) is None
    assert store.count_pending(USER) == 1


def test_concurrent_messages_flush_the_queue_once(database: Database) -> None:
    from concurrent.futures import ThreadPoolExecutor

    store = WeChatStore(database)
    store.touch_user(USER, NOW)
    for i in range(3):
        store.add_pending(USER, [{"text": f"简报{i}"}], NOW)
    with ThreadPoolExecutor(max_workers=6) as pool:
        starts = list(
            pool.map(lambda i: store.begin_message(f"m:c{i}", USER, NOW), range(6))
        )
    taken = [item for start in starts for item in start.pending]
    assert sorted(item[0]["text"] for item in taken) == ["简报0", "简报1", "简报2"]


async def test_push_failing_midway_queues_only_the_unsent_rest(
    api: WeChatAPI, store: WeChatStore, fake: FakeWeChatAPI
) -> None:
    store.touch_user(USER, NOW - timedelta(hours=1))
    long_digest = [Reply(text="\n\n".join(f"第{i}条：" + "创新积分制" * 80 for i in range(6)))]
    fake.fail_next_sends = [0, 45009]  # the first part goes through, the second fails
    result = await notifier(api, store).send(USER, long_digest)
    assert result.status is DeliveryStatus.DELIVERED and result.detail == "partly; rest queued"
    assert store.count_pending(USER) == 1


async def test_invalid_openid_is_blocked_without_unfollowing(
    api: WeChatAPI, store: WeChatStore, fake: FakeWeChatAPI
) -> None:
    store.touch_user(USER, NOW - timedelta(hours=1))
    fake.fail_next_sends = [40003]
    result = await notifier(api, store).send(USER, DIGEST)
    assert result.status is DeliveryStatus.BLOCKED and result.detail == "errcode 40003"
    assert not store.is_unsubscribed(USER) and store.count_pending(USER) == 0
