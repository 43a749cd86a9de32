"""Helpers of the /forget tests: a real assistant over one database, and a search of every row
and every file for a user's key or figures."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import text

from bot.core.assistant import CoreAssistant
from bot.core.digests.article_sources import StaticArticles
from bot.core.digests.fanout import DigestService
from bot.core.estimate.library import LibraryScoring
from bot.core.ports import Forgettable
from bot.core.subscriptions.commands import SubscriptionService
from bot.core.types import Reply
from bot.storage import Database
from bot.storage.deliveries import SqlDeliveryLog
from bot.storage.erase import UserEraser
from bot.storage.prompts import SqlPromptStore
from bot.storage.sessions import SessionStore
from bot.storage.subscriptions import SqlSubscriptionStore
from bot.storage.users import UserStore
from tests.fakes.core import FakeAnswerer, FakeSearcher

__all__ = ["FIGURE_MARKS", "SCORE_LINES", "build_assistant", "confirm_forget", "traces"]

# The revenue the user gives, in every form a reply or a row may spell it.
FIGURE_MARKS = ("9876.54", "9,876.54", "98765400")
SCORE_LINES = (
    "/score 营收9876.54万，研发投入800万",
    "南京 生物医药",
    "一亿",
    "600万",
    "职工120人，研发人员30人",
    "发明专利3件",
    *["跳过"] * 7,  # the optional steps and the veto/deduction records question
)


def build_assistant(database: Database, extra: Sequence[Forgettable] = ()) -> CoreAssistant:
    """The core as the composition wires it: the one-transaction eraser first, real scoring."""
    store, log = SqlSubscriptionStore(database), SqlDeliveryLog(database)
    digests = DigestService(
        subscriptions=store, deliveries=log, catalog=StaticArticles([]), notifiers={}
    )
    subscriptions = SubscriptionService(
        store=store, deliveries=log, digests=digests, prompts=SqlPromptStore(database)
    )
    return CoreAssistant(
        users=UserStore(database),
        sessions=SessionStore(database),
        scoring=LibraryScoring(),
        answerer=FakeAnswerer(),
        searcher=FakeSearcher(),
        subscriptions=subscriptions,
        forgettables=[UserEraser(database), subscriptions, *extra],
        prompts=SqlPromptStore(database),
    )


def confirm_forget(replies: list[Reply]) -> str | None:
    """The callback data confirming /forget when the assistant asks first (else None)."""
    for reply in replies:
        for row in reply.choices:
            for choice in row:
                if "确认" in choice.label or ("forget" in choice.data and "no" not in choice.data):
                    return choice.data
    return None


def traces(database: Database, needles: Sequence[str], files: Path | None = None) -> list[str]:
    """Every table row and file that still contains one of the needles ("table: row" / path)."""
    found: list[str] = []
    with database.engine.connect() as conn:
        names = [
            r[0]
            for r in conn.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'table'")
            ).all()
        ]
        for name in names:
            for row in conn.execute(text(f'SELECT * FROM "{name}"')).all():
                flat = " ".join(str(v) for v in row)
                if any(n in flat for n in needles):
                    found.append(f"{name}: {flat[:200]}")
    if files is not None and files.is_dir():
        for path in files.rglob("*"):
            if not path.is_file():
                continue
            data = path.read_bytes()
            if any(n.encode() in data or n in path.name for n in needles):
                found.append(str(path))
    return found
