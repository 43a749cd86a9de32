"""Issue 16, item 4: one user's large upload is scored off the event loop, in a bounded pool,
so other users' questions are answered while it runs."""

from __future__ import annotations

import asyncio
import io
import time

from bot.core.assistant import CoreAssistant
from bot.core.estimate.library import LibraryScoring
from bot.core.types import Incoming, Reply
from bot.storage import Database
from bot.storage.sessions import SessionStore
from bot.storage.users import UserStore
from tests.core.conftest import Rig, text_of
from tests.fakes.core import FakeAnswerer

HEADER = ["企业名称", "营业收入", "研发费用", "职工总数", "研发人员数"]


def upload(data: bytes, name: str, user: str = "admin") -> Incoming:
    return Incoming(channel="telegram", user_id=user, kind="file", file_name=name, file_bytes=data)


async def longest_stall(work: asyncio.Future[list[Reply]]) -> float:
    """The longest the event loop went without running a 10 ms ticker while work was pending."""
    longest, last = 0.0, time.perf_counter()
    while not work.done():
        await asyncio.sleep(0.01)
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    return longest


async def test_a_slow_upload_never_holds_the_loop_or_other_users(rig: Rig) -> None:
    rig.scoring.table_delay = 1.0  # the scoring call blocks its thread for a second
    sheet = "name,revenue\n甲公司,3000\n".encode()
    work = asyncio.ensure_future(rig.assistant.handle(upload(sheet, "名单.csv")))
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    answer = await rig.say("什么是创新积分制", user="someone-else")
    assert time.perf_counter() - started < 0.5 and not work.done()
    assert text_of(answer)
    assert await longest_stall(work) < 0.3
    assert "批量测算完成" in text_of(await work)


async def test_a_real_large_sheet_is_scored_in_a_worker_process(sqlite_database: Database) -> None:
    """The production set-up (one table worker process): the loop keeps ticking while a
    3,000-row workbook is parsed and ranked, and another user's question is answered meanwhile."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER)
    for i in range(3000):
        book.active.append([f"企业{i}", 1200 + i, 80, 120, 30])
    out = io.BytesIO()
    book.save(out)
    scoring = LibraryScoring(table_workers=1)
    assistant = CoreAssistant(users=UserStore(sqlite_database), sessions=SessionStore(sqlite_database),
                              scoring=scoring, answerer=FakeAnswerer())
    try:
        work = asyncio.ensure_future(assistant.handle(upload(out.getvalue(), "园区.xlsx")))
        await asyncio.sleep(0.05)
        other = await assistant.handle(Incoming(channel="telegram", user_id="other", text="创新积分怎么算"))
        assert text_of(other) and not work.done()
        assert await longest_stall(work) < 0.5
        assert "已评分 3000 家" in text_of(await work)
    finally:
        assistant.close()
        scoring.close()
