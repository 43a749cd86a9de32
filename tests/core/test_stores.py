"""The core's user and dialogue-session ports: the SQL stores (SQLite, PostgreSQL in CI) and the
in-memory fakes the tests may use instead pass the same checks."""

from __future__ import annotations

import pytest

from bot.core.ports import DialogueSessions, UserProfiles
from bot.storage import Database
from bot.storage.sessions import SessionStore
from bot.storage.users import UserStore
from tests.fakes.stores import MemoryDialogueSessions, MemoryUserProfiles


@pytest.fixture(params=["sqlite", "postgresql", "memory"])
def stores(request: pytest.FixtureRequest) -> tuple[UserProfiles, DialogueSessions]:
    """Both ports, over a fresh database or in memory."""
    if request.param == "memory":
        return MemoryUserProfiles(), MemoryDialogueSessions()
    database: Database = request.getfixturevalue(f"{request.param}_database")
    return UserStore(database), SessionStore(database)


def test_user_is_created_once_and_profile_updates(stores: tuple[UserProfiles, DialogueSessions]) -> None:
    store, _ = stores
    assert store.get("console:a") is None
    first = store.ensure("console:a", "console", "甲")
    assert (first.user_key, first.channel, first.display_name) == ("console:a", "console", "甲")
    store.update_profile("console:a", region="成都")
    store.update_profile("console:a", industry="软件")
    again = store.ensure("console:a", "console")
    assert (again.region, again.industry, again.display_name) == ("成都", "软件", "甲")


def test_forget_user_deletes_only_that_user(stores: tuple[UserProfiles, DialogueSessions]) -> None:
    users, sessions = stores
    for key in ("console:a", "console:b"):
        users.ensure(key, "console")
        sessions.save(key, "scoring", {"figures": {"revenue": 3000}})
    assert users.forget_user("console:a") == 1
    assert sessions.forget_user("console:a") == 1
    assert users.get("console:a") is None and sessions.load("console:a") is None
    assert users.get("console:b") is not None and sessions.load("console:b") is not None
    assert users.forget_user("console:a") == 0


def test_session_round_trip_and_overwrite(stores: tuple[UserProfiles, DialogueSessions]) -> None:
    _, store = stores
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


async def test_the_assistant_needs_only_the_ports() -> None:
    """The core over the in-memory fakes: the profile and the open form land in the ports."""
    from bot.core.assistant import CoreAssistant
    from bot.core.types import Incoming
    from tests.fakes.core import FakeAnswerer, FakeScoring, FakeSearcher, FakeSubscriptions

    users, sessions = MemoryUserProfiles(), MemoryDialogueSessions()
    assistant = CoreAssistant(
        users=users, sessions=sessions, scoring=FakeScoring(), answerer=FakeAnswerer(),
        searcher=FakeSearcher(), subscriptions=FakeSubscriptions(),
    )

    async def say(text: str) -> str:
        replies = await assistant.handle(Incoming(channel="console", user_id="u1", text=text))
        return "\n".join(r.text for r in replies)

    assert "地区和行业" in await say("/score 营收3000万，研发投入150万")
    assert "成都" in await say("成都 软件")
    profile = users.get("console:u1")
    assert profile is not None and (profile.region, profile.industry) == ("成都", "软件")
    record = sessions.load("console:u1")
    assert record is not None and record.state["figures"]["revenue"] == 3000
    await say("/forget")
    await say("确认")
    assert users.get("console:u1") is None and sessions.load("console:u1") is None
