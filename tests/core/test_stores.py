"""User and dialogue-session stores on the shared `database` fixture (SQLite, PostgreSQL in CI)."""

from __future__ import annotations

from bot.storage import Database
from bot.storage.sessions import SessionStore
from bot.storage.users import UserStore


def test_user_is_created_once_and_profile_updates(database: Database) -> None:
    store = UserStore(database)
    assert store.get("console:a") is None
    first = store.ensure("console:a", "console", "甲")
    assert (first.user_key, first.channel, first.display_name) == ("console:a", "console", "甲")
    store.update_profile("console:a", region="成都")
    store.update_profile("console:a", industry="软件")
    again = store.ensure("console:a", "console")
    assert (again.region, again.industry, again.display_name) == ("成都", "软件", "甲")


def test_forget_user_deletes_only_that_user(database: Database) -> None:
    users, sessions = UserStore(database), SessionStore(database)
    for key in ("console:a", "console:b"):
        users.ensure(key, "console")
        sessions.save(key, "scoring", {"figures": {"revenue": 3000}})
    assert users.forget_user("console:a") == 1
    assert sessions.forget_user("console:a") == 1
    assert users.get("console:a") is None and sessions.load("console:a") is None
    assert users.get("console:b") is not None and sessions.load("console:b") is not None
    assert users.forget_user("console:a") == 0


def test_session_round_trip_and_overwrite(database: Database) -> None:
    store = SessionStore(database)
    store.save("telegram:1", "scoring", {"figures": {"revenue": 3000.5}, "label": "营收"})
    store.save("telegram:1", "scoring", {"figures": {"revenue": 12000}, "stage": "confirm"})
    record = store.load("telegram:1")
    assert record is not None
    assert record.kind == "scoring"
    assert record.state == {"figures": {"revenue": 12000}, "stage": "confirm"}
    assert record.version == 2
    store.delete("telegram:1")
    assert store.load("telegram:1") is None


def test_state_survives_a_new_database_handle(database: Database) -> None:
    SessionStore(database).save("console:x", "scoring", {"figures": {"employees": 120}})
    reopened = Database(database.url)
    try:
        record = SessionStore(reopened).load("console:x")
    finally:
        reopened.dispose()
    assert record is not None and record.state["figures"] == {"employees": 120}
