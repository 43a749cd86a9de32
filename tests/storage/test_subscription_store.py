"""SqlSubscriptionStore against SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.subscription_types import SubscriptionDraft
from bot.storage import Database
from bot.storage.subscriptions import SqlSubscriptionStore
from tests.fakes.digests import subscribe

AT = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def test_add_roundtrips_every_field(database: Database) -> None:
    store = SqlSubscriptionStore(database)
    draft = SubscriptionDraft(
        topics=("积分贷", "科技金融"),
        regions=("成都",),
        frequency="daily",
        weekday=None,
        hour=20,
        minute=15,
        quiet_start=None,
        quiet_end=None,
        notify_empty=True,
    )
    sub = store.add(draft, user_key="telegram:1", channel="telegram", user_id="1", at=AT)
    again = store.get(sub.id)
    assert again == sub
    assert sub.topics == ("积分贷", "科技金融") and sub.regions == ("成都",)
    assert sub.frequency == "daily" and sub.weekday is None and (sub.hour, sub.minute) == (20, 15)
    assert sub.quiet_start is None and sub.notify_empty is True and sub.active
    assert sub.created_at == AT and sub.created_at.tzinfo is not None


def test_list_deactivate_and_forget(database: Database) -> None:
    store = SqlSubscriptionStore(database)
    a = subscribe(store, "console:u", "a1", at=AT)
    b = subscribe(store, "console:u", "b1", at=AT)
    subscribe(store, "console:v", "c1", at=AT)
    assert [s.id for s in store.list_for_user("console:u")] == [a.id, b.id]
    assert store.deactivate(a.id, reason="unsubscribed", at=AT) is True
    assert store.deactivate(a.id, reason="unsubscribed", at=AT) is False
    assert [s.id for s in store.list_for_user("console:u")] == [b.id]
    assert len(store.list_active()) == 2
    assert store.deactivate_user("console:v", reason="blocked", at=AT) == 1
    assert [s.id for s in store.list_active()] == [b.id]
    assert store.forget_user("console:u") == 2
    assert store.get(a.id) is None and store.get(b.id) is None


def test_ids_are_never_reused(database: Database) -> None:
    store = SqlSubscriptionStore(database)
    first = subscribe(store, "console:u", "x", at=AT)
    store.forget_user("console:u")
    second = subscribe(store, "console:u", "x", at=AT)
    assert second.id > first.id


def test_add_many_bulk(database: Database) -> None:
    store = SqlSubscriptionStore(database)
    rows = [
        (SubscriptionDraft(topics=(f"t{i}",)), f"telegram:{i}", "telegram", str(i))
        for i in range(50)
    ]
    assert store.add_many(rows, at=AT) == 50
    assert len(store.list_active()) == 50
