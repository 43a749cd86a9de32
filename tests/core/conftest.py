"""Fixtures for the core tests: an assistant over fakes and the shared database."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.core.assistant import CoreAssistant
from bot.core.types import Incoming, Reply
from bot.storage import Database
from bot.storage.sessions import SessionStore
from bot.storage.users import UserStore
from tests.fakes.core import FakeAnswerer, FakeScoring, FakeSearcher, FakeSubscriptions


@dataclass
class Rig:
    """An assistant and the fakes behind it, with a helper to talk as one user."""

    assistant: CoreAssistant
    scoring: FakeScoring
    answerer: FakeAnswerer
    searcher: FakeSearcher
    subscriptions: FakeSubscriptions
    users: UserStore
    sessions: SessionStore
    database: Database

    async def say(self, text: str, user: str = "u1") -> list[Reply]:
        return await self.assistant.handle(Incoming(channel="console", user_id=user, text=text))

    async def click(self, data: str, user: str = "u1") -> list[Reply]:
        incoming = Incoming(channel="console", user_id=user, kind="callback", callback_data=data)
        return await self.assistant.handle(incoming)

    def rebuilt(self) -> CoreAssistant:
        """A fresh assistant over a new connection to the same database (a restart)."""
        database = Database(self.database.url)
        return CoreAssistant(
            users=UserStore(database), sessions=SessionStore(database), scoring=self.scoring,
            answerer=self.answerer, searcher=self.searcher, subscriptions=self.subscriptions,
            forgettables=[self.subscriptions],
        )


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


@pytest.fixture
def rig(database: Database) -> Rig:
    scoring, answerer, searcher, subs = FakeScoring(), FakeAnswerer(), FakeSearcher(), FakeSubscriptions()
    users, sessions = UserStore(database), SessionStore(database)
    assistant = CoreAssistant(
        users=users, sessions=sessions, scoring=scoring, answerer=answerer, searcher=searcher,
        subscriptions=subs, forgettables=[subs],
    )
    return Rig(assistant, scoring, answerer, searcher, subs, users, sessions, database)
