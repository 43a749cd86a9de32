"""A console over the real assistant core: real scoring, SQL stores, a fake answerer (no corpus)."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.channels.console.channel import ConsoleChannel
from bot.core.assistant import CoreAssistant
from bot.core.estimate.library import LibraryScoring
from bot.storage import Database
from bot.storage.profiles import SqlProfileStore
from bot.storage.sessions import SessionStore
from bot.storage.users import UserStore
from tests.fakes.core import FakeAnswerer

Chat = Callable[..., Awaitable[list[str]]]


@pytest.fixture
def profiles(sqlite_database: Database) -> SqlProfileStore:
    return SqlProfileStore(sqlite_database)


@pytest.fixture
def fake_answerer() -> FakeAnswerer:
    return FakeAnswerer()


@pytest.fixture
def answerer_questions(fake_answerer: FakeAnswerer) -> list[str]:
    """The questions the chat put to the knowledge base, in order."""
    return fake_answerer.questions


@pytest.fixture
def chat(sqlite_database: Database, profiles: SqlProfileStore, tmp_path: Path, fake_answerer: FakeAnswerer) -> Chat:
    """Pipe lines into the console as a manager types them; one reply block per line."""
    assistant = CoreAssistant(
        users=UserStore(sqlite_database), sessions=SessionStore(sqlite_database), scoring=LibraryScoring(),
        answerer=fake_answerer, profiles=profiles,
    )

    async def run(*lines: str, user: str = "boss") -> list[str]:
        out = io.StringIO()
        channel = ConsoleChannel(
            assistant, user_id=user, charts_dir=tmp_path / "charts",
            stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out, interactive=False,
        )
        await channel.run()
        return [block for block in out.getvalue().split("\n\n") if block.strip()]

    return run


@pytest.fixture
def assistant_over(sqlite_database: Database, profiles: SqlProfileStore) -> CoreAssistant:
    """The same assistant for direct Incoming messages (uploads)."""
    return CoreAssistant(
        users=UserStore(sqlite_database), sessions=SessionStore(sqlite_database), scoring=LibraryScoring(),
        answerer=FakeAnswerer(), profiles=profiles,
    )
