"""The PromptStore port: the SQL store (SQLite, PostgreSQL) and the in-memory one pass the same checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.pending import MemoryPrompts, Pending, PendingPrompts, PromptStore
from bot.core.ports import FixedClock
from bot.storage import Database
from bot.storage.prompts import SqlPromptStore

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql", "memory"])
def store(request: pytest.FixtureRequest) -> PromptStore:
    if request.param == "memory":
        return MemoryPrompts()
    database: Database = request.getfixturevalue(f"{request.param}_database")
    return SqlPromptStore(database)


def test_a_question_is_replaced_read_and_deleted_per_scope(store: PromptStore) -> None:
    later = NOW + timedelta(minutes=10)
    store.put("console:a", "subscriptions", Pending("which", "cancel|1,2", later), NOW)
    store.put("console:a", "subscriptions", Pending("how_long", "2", later), NOW)
    store.put("console:a", "other", Pending("forget", "", later), NOW)
    assert store.get("console:a", "subscriptions") == Pending("how_long", "2", later)
    assert store.get("console:a", "other") == Pending("forget", "", later)
    assert store.get("console:b", "subscriptions") is None
    store.delete("console:a", "subscriptions")
    assert store.get("console:a", "subscriptions") is None
    assert store.get("console:a", "other") is not None


def test_forget_user_takes_every_scope_of_that_user_only(store: PromptStore) -> None:
    later = NOW + timedelta(minutes=10)
    for user in ("console:a", "console:b"):
        store.put(user, "subscriptions", Pending("pick", "1", later), NOW)
    store.put("console:a", "other", Pending("forget", "", later), NOW)
    assert store.forget_user("console:a") == 2
    assert store.get("console:a", "subscriptions") is None and store.get("console:a", "other") is None
    assert store.get("console:b", "subscriptions") is not None
    assert store.forget_user("console:a") == 0


def test_pending_prompts_lapse_after_their_time(store: PromptStore) -> None:
    clock = FixedClock(NOW)
    prompts = PendingPrompts(store, scope="subscriptions", ttl=600, clock=clock)
    prompts.ask("console:a", "confirm_all", "1,2")
    clock.set(NOW + timedelta(minutes=9))
    seen = prompts.peek("console:a", "confirm_all")
    assert seen is not None and seen.data == "1,2"
    assert prompts.peek("console:a", "which") is None  # another kind: not this question
    clock.set(NOW + timedelta(minutes=11))
    assert prompts.peek("console:a") is None
    assert store.get("console:a", "subscriptions") is None  # read once lapsed: gone


def test_a_new_question_sweeps_the_lapsed_rows_of_everyone(database: Database) -> None:
    """The table stays small without a job: every question asked drops the ones that lapsed."""
    store = SqlPromptStore(database)
    store.put("console:old", "subscriptions", Pending("pick", "1", NOW + timedelta(minutes=1)), NOW)
    store.put("console:new", "subscriptions", Pending("pick", "2", NOW + timedelta(hours=1)), NOW + timedelta(minutes=2))
    assert store.get("console:old", "subscriptions") is None
    assert store.get("console:new", "subscriptions") is not None
