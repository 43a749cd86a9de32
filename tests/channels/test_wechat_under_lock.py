"""A digest run waiting on a database lock must not cost WeChat its 5-second reply window.

The digest's tables sit in a file of their own here, write-locked by another connection (another
process mid-transaction, or on PostgreSQL a row lock on the delivery log), so the WeChat reply
path's own writes are free and the one thing in question is the event loop the two share: while
the fan-out waits on the lock, a message posted to the real callback server is answered at once.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

from bot.channels.wechat.server import WeChatServerConfig, build_wechat_app, start_wechat_site
from bot.channels.wechat.webhook import WeChatWebhook
from bot.core.digests.article_sources import StaticArticles
from bot.core.digests.fanout import DigestService
from bot.core.ports import FixedClock
from bot.storage import Database
from bot.storage.deliveries import SqlDeliveryLog
from bot.storage.subscriptions import SqlSubscriptionStore
from bot.storage.wechat import WeChatStore
from tests.fakes.digests import RecordingNotifier, article, subscribe
from tests.fakes.wechat import CallbackClient, EchoAssistant, text_xml

SH = ZoneInfo("Asia/Shanghai")
CREATED = datetime(2026, 11, 16, 10, 0, tzinfo=SH)
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=SH)
TOKEN = "lock-test-token"
WECHAT_WINDOW = 5.0


def _database(path: Path) -> Database:
    database = Database(f"sqlite:///{path}")
    database.migrate()
    return database


def _digests(database: Database, notifier: RecordingNotifier) -> DigestService:
    """One subscriber with one matching briefing: the run has exactly one digest to send."""
    subscriptions = SqlSubscriptionStore(database)
    subscribe(subscriptions, "telegram:42", "积分贷", at=CREATED)
    briefing = article(
        "a1",
        "成都出台企业创新积分制实施方案",
        "方案提出依托创新积分为企业提供积分贷支持，最高授信1000万元。",
        ingested_at=datetime(2026, 11, 20, 8, 0, tzinfo=SH),
    )
    return DigestService(
        subscriptions=subscriptions,
        deliveries=SqlDeliveryLog(database),
        catalog=StaticArticles([briefing]),
        notifiers={"telegram": notifier},
        clock=FixedClock(MONDAY_9),
    )


async def test_wechat_answers_in_time_while_a_digest_run_waits_on_a_write_lock(
    tmp_path: Path,
) -> None:
    digest_db, chat_db = _database(tmp_path / "digests.db"), _database(tmp_path / "chat.db")
    notifier = RecordingNotifier()
    service = _digests(digest_db, notifier)
    webhook = WeChatWebhook(assistant=EchoAssistant(), store=WeChatStore(chat_db))
    runner = await start_wechat_site(
        build_wechat_app(webhook, WeChatServerConfig(token=TOKEN)), "127.0.0.1", 0
    )
    client = CallbackClient(f"http://127.0.0.1:{runner.addresses[0][1]}", TOKEN)
    holder = sqlite3.connect(tmp_path / "digests.db", isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # another writer: the run's first step (its lease) waits
    try:
        started = time.monotonic()
        run = asyncio.create_task(service.send_due(MONDAY_9))
        await asyncio.sleep(0.2)
        async with aiohttp.ClientSession() as session:
            status, body = await client.post(session, text_xml("oUser", "你好", "9001"))
        answered = time.monotonic() - started
        still_waiting = not run.done()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    try:
        report = await asyncio.wait_for(run, 10)
    finally:
        await service.aclose()
        await runner.cleanup()
        digest_db.dispose()
        chat_db.dispose()
    assert status == 200 and "收到：你好" in body
    assert still_waiting, "the run should still be waiting on the lock when WeChat was answered"
    assert answered < WECHAT_WINDOW / 2, f"answered after {answered:.1f}s"
    # …and once the lock goes, the run delivers its one digest, once.
    assert (report.lease, report.delivered) == ("acquired", 1)
    assert notifier.users() == ["42"]
