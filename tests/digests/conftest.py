"""Shared fixtures of the digest tests: a piped console over the real core and subscriptions."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.channels.console.channel import ConsoleChannel
from bot.core.assistant import CoreAssistant
from bot.core.digests.article_sources import StaticArticles
from bot.core.digests.fanout import DigestService
from bot.core.ports import FixedClock
from bot.core.subscriptions.commands import SubscriptionService
from bot.storage import Database
from bot.storage.deliveries import SqlDeliveryLog
from bot.storage.prompts import SqlPromptStore
from bot.storage.sessions import SessionStore
from bot.storage.subscriptions import SqlSubscriptionStore
from bot.storage.users import UserStore
from tests.fakes.core import FakeAnswerer, FakeScoring
from tests.fakes.digests import RecordingNotifier

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=SH)  # a Friday noon
KEY = "console:boss"
Chat = Callable[..., Awaitable[list[str]]]


@pytest.fixture
def store(sqlite_database: Database) -> SqlSubscriptionStore:
    return SqlSubscriptionStore(sqlite_database)


@pytest.fixture
def new_chat(sqlite_database: Database, store: SqlSubscriptionStore, tmp_path: Path) -> Callable[[FixedClock], Chat]:
    """A fresh assistant over the same database each call, as after a restart or in another worker."""

    def build(clock: FixedClock) -> Chat:
        log = SqlDeliveryLog(sqlite_database)
        digests = DigestService(
            subscriptions=store, deliveries=log, catalog=StaticArticles([]),
            notifiers={"console": RecordingNotifier("console")}, clock=clock,
        )
        subs = SubscriptionService(
            store=store, deliveries=log, digests=digests, clock=clock,
            prompts=SqlPromptStore(sqlite_database),
        )
        assistant = CoreAssistant(
            users=UserStore(sqlite_database), sessions=SessionStore(sqlite_database),
            scoring=FakeScoring(), answerer=FakeAnswerer(), subscriptions=subs, forgettables=[subs],
        )

        async def run(*lines: str) -> list[str]:
            out = io.StringIO()
            channel = ConsoleChannel(
                assistant, user_id="boss", charts_dir=tmp_path / "charts",
                stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out, interactive=False,
            )
            await channel.run()
            return [block for block in out.getvalue().split("\n\n") if block.strip()]

        return run

    return build


@pytest.fixture
def chat(new_chat: Callable[[FixedClock], Chat]) -> Chat:
    """Pipe lines into the console; one reply block per line."""
    return new_chat(FixedClock(NOW))
