"""The stores behind issue 9 on SQLite and PostgreSQL: replay table, reply expiry, one-transaction erase."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.pending import Pending
from bot.core.subscriptions.types import SubscriptionDraft
from bot.storage import Database
from bot.storage.deliveries import SqlDeliveryLog
from bot.storage.erase import UserEraser
from bot.storage.prompts import SqlPromptStore
from bot.storage.subscriptions import SqlSubscriptionStore
from bot.storage.users import UserStore
from bot.storage.wechat import WeChatStore

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def test_a_nonce_and_timestamp_pair_is_tied_to_its_first_body(database: Database) -> None:
    store = WeChatStore(database)
    assert store.remember_call("n1", "1790000000", "a" * 64, NOW)
    assert store.remember_call("n1", "1790000000", "a" * 64, NOW)  # WeChat retrying
    assert not store.remember_call("n1", "1790000000", "b" * 64, NOW)  # a replay, other body
    assert store.remember_call("n1", "1790000001", "b" * 64, NOW)
    assert store.prune_calls(NOW + timedelta(seconds=1)) == 2
    assert store.remember_call("n1", "1790000000", "b" * 64, NOW)


def test_cached_replies_expire_but_the_dedupe_key_stays(database: Database) -> None:
    store = WeChatStore(database)
    assert store.begin_message("m:1", "o_a", NOW).first
    store.finish_message("m:1", "<xml>9,876.54 万元</xml>", "o_a", None)
    assert store.prune_replies(NOW + timedelta(minutes=6)) == 1
    retry = store.begin_message("m:1", "o_a", NOW + timedelta(minutes=7))
    assert not retry.first and retry.saved_reply is None


def test_the_eraser_removes_every_row_of_a_wechat_user_at_once(database: Database) -> None:
    store = WeChatStore(database)
    subs = SqlSubscriptionStore(database)
    UserStore(database).ensure("wechat:o_b", "wechat")
    sub = subs.add(SubscriptionDraft(topics=("积分贷",)), user_key="wechat:o_b", channel="wechat",
                   user_id="o_b", at=NOW)
    SqlDeliveryLog(database).claim(sub.id, "wechat:o_b", "W2026-48", holder="h", now=NOW)
    store.begin_message("m:2", "o_b", NOW)
    store.begin_message("e:o_b:1:click:x", "o_b", NOW)
    store.add_pending("o_b", [{"text": "9,876.54 万元"}], NOW)
    store.begin_message("m:3", "o_other", NOW)
    prompts = SqlPromptStore(database)
    prompts.put("wechat:o_b", "subscriptions", Pending("confirm_all", "1", NOW + timedelta(minutes=9)), NOW)
    assert UserEraser(database).forget_user("wechat:o_b") == 8
    assert prompts.get("wechat:o_b", "subscriptions") is None
    assert store.count_pending("o_b") == 0 and store.last_message_at("o_b") is None
    assert store.claim_message("m:2", NOW) and not store.claim_message("m:3", NOW)
    assert SqlDeliveryLog(database).rows() == [] and subs.list_for_user("wechat:o_b") == []
    assert not store.add_pending("o_b", [{"text": "late"}], NOW, known_only=True)
    assert store.count_pending("o_b") == 0
