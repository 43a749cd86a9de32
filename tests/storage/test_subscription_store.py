"""SqlSubscriptionStore against SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.subscriptions.types import SubscriptionDraft
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


def test_update_keeps_the_id_and_roundtrips_new_schedules(database: Database) -> None:
    store = SqlSubscriptionStore(database)
    sub = subscribe(store, "console:u", "积分贷", at=AT)
    monthly = SubscriptionDraft(
        topics=("积分贷",), regions=("泸州",), frequency="monthly", weekday=0, nth=1, hour=10
    )
    later = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    updated = store.update(sub.id, monthly, not_before=later)
    assert updated is not None and updated.id == sub.id and updated.created_at == AT
    assert (updated.frequency, updated.nth, updated.weekday, updated.hour) == ("monthly", 1, 0, 10)
    assert updated.regions == ("泸州",) and updated.not_before == later
    biweekly = SubscriptionDraft(frequency="biweekly", weekday=4, phase=1, month_day=None)
    again = store.update(sub.id, biweekly, not_before=None)
    assert again is not None and (again.phase, again.nth, again.not_before) == (1, None, None)
    store.deactivate(sub.id, reason="unsubscribed", at=AT)
    assert store.update(sub.id, monthly, not_before=None) is None  # only active ones change


def test_a_database_from_the_previous_release_gains_the_schedule_columns(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:  # the subscriptions table as the previous release made it
        conn.execute(
            "CREATE TABLE subscriptions (id INTEGER PRIMARY KEY AUTOINCREMENT, user_key VARCHAR(200)"
            " NOT NULL, channel VARCHAR(32) NOT NULL, user_id VARCHAR(160) NOT NULL, topics TEXT"
            " NOT NULL, regions TEXT NOT NULL, frequency VARCHAR(16) NOT NULL, weekday INTEGER,"
            " hour INTEGER NOT NULL, minute INTEGER NOT NULL, timezone VARCHAR(64) NOT NULL,"
            " quiet_start VARCHAR(5), quiet_end VARCHAR(5), notify_empty BOOLEAN NOT NULL,"
            " active BOOLEAN NOT NULL, created_at DATETIME NOT NULL, deactivated_at DATETIME,"
            " deactivated_reason VARCHAR(32))"
        )
        conn.execute(
            "INSERT INTO subscriptions (user_key, channel, user_id, topics, regions, frequency,"
            " weekday, hour, minute, timezone, notify_empty, active, created_at) VALUES"
            " ('console:u', 'console', 'u', '[\"积分贷\"]', '[]', 'weekly', 0, 9, 0,"
            " 'Asia/Shanghai', 0, 1, '2026-11-20 01:00:00')"
        )
    database = Database(f"sqlite:///{path}")
    database.migrate()
    database.migrate()  # idempotent
    [old] = SqlSubscriptionStore(database).list_for_user("console:u")
    assert old.topics == ("积分贷",) and old.phase == 0 and old.month_day is None
    assert old.not_before is None
    database.dispose()
