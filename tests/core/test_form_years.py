"""Calendar years typed in a form (2025年营收…) are read against the clock's last full year."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.assistant import CoreAssistant
from bot.core.estimate.library import LibraryScoring
from bot.core.ports import FixedClock
from bot.core.types import Incoming
from bot.storage import Database
from bot.storage.sessions import SessionStore
from bot.storage.users import UserStore
from tests.core.conftest import text_of
from tests.fakes.core import FakeAnswerer, FakeSearcher

TODAY = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)  # the last full fiscal year is 2025


def _assistant(database: Database, at: datetime) -> CoreAssistant:
    return CoreAssistant(
        users=UserStore(database), sessions=SessionStore(database),
        scoring=LibraryScoring(clock=FixedClock(at)), answerer=FakeAnswerer(), searcher=FakeSearcher(),
    )


async def _say(assistant: CoreAssistant, *lines: str) -> str:
    text = ""
    for line in lines:
        text = text_of(await assistant.handle(Incoming(channel="console", user_id="y", text=line)))
    return text


@pytest.mark.parametrize(
    ("message", "recorded", "named"),
    [
        ("2025年营收3000万", "上年度营业收入 3,000 万元", ""),
        ("2024年营收3000万", "前一年营业收入 3,000 万元", ""),
        ("2024年营收3000万，2025年4000万", "前一年营业收入 3,000 万元，上年度营业收入 4,000 万元", ""),
        ("2023年营收3000万", "", "2023年"),
        ("2026年营收3000万", "", "今年（2026年，尚未结束）"),
    ],
)
async def test_a_calendar_year_is_placed_by_the_clock(database: Database, message: str, recorded: str,
                                                      named: str) -> None:
    text = await _say(_assistant(database, TODAY), "/score", "跳过", message)
    assert (recorded in text) if recorded else "已记录" not in text
    assert (named in text) if named else "未使用" not in text


async def test_a_later_clock_moves_the_years(database: Database) -> None:
    text = await _say(_assistant(database, datetime(2027, 3, 1, tzinfo=UTC)), "/score", "跳过", "2026年营收3000万")
    assert "上年度营业收入 3,000 万元" in text


async def test_a_dated_bare_answer_goes_to_its_year(database: Database) -> None:
    text = await _say(_assistant(database, TODAY), "/score", "跳过", "2024年2800万")
    assert "前一年营业收入 2,800 万元" in text
