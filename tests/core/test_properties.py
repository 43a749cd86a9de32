"""Property: whatever a user types, the core answers in Chinese, never fails, keeps valid state."""

from __future__ import annotations

import asyncio
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.assistant import CoreAssistant
from bot.core.estimate.dialogue import FormState
from bot.core.estimate.library import LibraryScoring
from bot.core.texts import load_texts
from bot.core.types import Incoming
from bot.storage import Database
from bot.storage.sessions import SessionStore
from bot.storage.users import UserStore
from tests.fakes.core import FakeAnswerer, FakeSearcher

PIECES = [
    "营收", "研发投入", "研发人员", "职工总数", "发明专利", "3000", "1.2", "万", "亿", "人", "件", "%",
    "一百二十", "跳过", "就这些", "确认", "修改", "取消", "/score", "/sme", "/hightech", "/cancel",
    "成都", "？", "，", " ", "\n", "😀", "\x00", "\u200b", "-5", "１２０", "是", "否", "省级",
]
messages = st.lists(st.sampled_from(PIECES), min_size=0, max_size=8).map("".join)
callbacks = st.sampled_from(["f:confirm", "f:edit", "f:cancel", "f:skip", "f:done",
                             "f:set:qualification:high_tech", "f:set:qualification:bogus",
                             "f:set:key_field:1", "f:set:nosuch:1", "cmd:score", "cmd:nosuch", "x"])
events = st.lists(st.one_of(messages, callbacks.map(lambda d: ("cb", d))), min_size=1, max_size=12)
_users = itertools.count()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=events)
def test_any_message_sequence_gets_friendly_replies(database: Database, script: list[object]) -> None:
    sessions = SessionStore(database)
    assistant = CoreAssistant(
        users=UserStore(database), sessions=sessions, scoring=LibraryScoring(),
        answerer=FakeAnswerer(), searcher=FakeSearcher(),
    )
    user = f"p{next(_users)}"
    failure = load_texts().get("internal_error")

    async def run() -> None:
        for event in script:
            if isinstance(event, tuple):
                incoming = Incoming(channel="console", user_id=user, kind="callback", callback_data=event[1])
            else:
                incoming = Incoming(channel="console", user_id=user, text=str(event))
            replies = await assistant.handle(incoming)
            assert replies and all(r.text for r in replies)
            assert all(r.text != failure for r in replies)
            assert all(len(r.text) <= 1200 for r in replies)
            record = sessions.load(f"console:{user}")
            if record is not None:
                FormState.from_dict(record.state)  # always a readable state

    try:
        asyncio.run(run())
    finally:
        assistant.close()
