"""Issue 9, item 2: after /forget no row and no file holds the user's key or figures, per channel."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

from bot.channels.console.channel import ChartArchive, ConsoleChannel
from bot.channels.wechat.push import UserPushes
from bot.core.types import Incoming
from bot.storage import Database
from bot.storage.wechat import WeChatStore
from tests.fakes.wechat import FakeWeChatAPI, text_xml
from tests.security.forgetting import (
    FIGURE_MARKS,
    SCORE_LINES,
    build_assistant,
    confirm_forget,
    traces,
)


async def _talk(assistant: Any, channel: str, user_id: str, lines: tuple[str, ...]) -> None:
    for line in lines:
        await assistant.handle(Incoming(channel, user_id, text=line))


async def _forget(assistant: Any, channel: str, user_id: str) -> None:
    replies = await assistant.handle(Incoming(channel, user_id, text="/forget"))
    data = confirm_forget(replies)
    if data is not None:  # the assistant asks first: confirm
        await assistant.handle(Incoming(channel, user_id, kind="callback", callback_data=data))


async def test_console_forget_leaves_no_row_and_no_chart(
    sqlite_database: Database, tmp_path: Path
) -> None:
    charts = tmp_path / "data" / "charts"
    archive = ChartArchive(charts)
    assistant = build_assistant(sqlite_database, [archive])
    lines = [*SCORE_LINES, "a", "/subscribe 积分贷 成都", "/subscribe 人才 成都", "取消成都那个"]
    lines += ["/forget", "a", "确认"]
    channel = ConsoleChannel(
        assistant,
        user_id="alice",
        charts_dir=charts,
        archive=archive,
        stdin=io.StringIO("\n".join(lines) + "\n"),
        stdout=io.StringIO(),
        interactive=False,
    )
    before = list(charts.glob("*.png"))
    await channel.run()
    needles = ("console:alice", "-alice-", *FIGURE_MARKS)
    assert not before
    assert traces(sqlite_database, needles, tmp_path / "data") == []


async def test_console_chart_and_rows_exist_before_forget(
    sqlite_database: Database, tmp_path: Path
) -> None:
    """The search above can fail: the same talk without /forget leaves a chart and rows."""
    charts = tmp_path / "data" / "charts"
    archive = ChartArchive(charts)
    assistant = build_assistant(sqlite_database, [archive])
    lines = [*SCORE_LINES, "a", "/subscribe 积分贷 成都", "/score 营收9876.54万"]
    lines += ["/subscribe 人才 成都", "取消成都那个"]  # "要取消哪一个？" stays open
    channel = ConsoleChannel(
        assistant, user_id="alice", charts_dir=charts, archive=archive,
        stdin=io.StringIO("\n".join(lines) + "\n"), stdout=io.StringIO(), interactive=False,
    )
    await channel.run()
    assert list(charts.glob("*-alice-*.png"))
    found = traces(sqlite_database, ("console:alice", *FIGURE_MARKS))
    assert any(f.startswith("dialogue_sessions") for f in found)
    assert any(f.startswith("subscriptions") for f in found)
    assert any(f.startswith("open_prompts") for f in found)


async def test_telegram_forget_leaves_no_row(sqlite_database: Database, tmp_path: Path) -> None:
    assistant = build_assistant(sqlite_database)
    lines = ("/subscribe 积分贷", "/score 营收9876.54万", "/subscribe 人才", "都不要了")
    await _talk(assistant, "telegram", "4242", lines)
    assert any(f.startswith("open_prompts") for f in traces(sqlite_database, ("telegram:4242",)))
    await _forget(assistant, "telegram", "4242")
    assert traces(sqlite_database, ("telegram:4242", *FIGURE_MARKS), tmp_path / "data") == []


async def test_wechat_forget_clears_cache_queue_and_dedupe_rows(
    serve: Any, sqlite_database: Database, fake: FakeWeChatAPI, tmp_path: Path
) -> None:
    """The probe's case: a cached reply and a queued push with "9,876.54 万元" survive /forget,
    and a push that fails after /forget queues the figures again."""
    openid = "o_forgetful"
    store = WeChatStore(sqlite_database)
    pushes = UserPushes()
    assistant = build_assistant(sqlite_database, [store, pushes])
    async with serve("compat", assistant) as s:
        s.webhook.pushes = pushes
        fake.fail_users[openid] = 45015  # every push fails: answers wait in the queue
        await s.client.post(s.session, text_xml(openid, "/subscribe 积分贷", "1"))
        await s.client.post(s.session, text_xml(openid, "/score 营收9876.54万", "2"))
        store.add_pending(openid, [{"text": "上年度营业收入：9,876.54 万元"}], s.webhook.clock.now())
        assert traces(sqlite_database, (openid, *FIGURE_MARKS))
        fake.send_delay = 0.3  # the flush of the queue is still in flight when /forget lands
        status, body = await s.client.post(s.session, text_xml(openid, "/forget", "3"))
        assert status == 200
        data = confirm_forget_from_xml(body)
        if data is not None:
            await s.client.post(s.session, text_xml(openid, data, "4"))
        await asyncio.sleep(1.0)  # any push still running fails now and would queue again
        await s.webhook.aclose()
    assert traces(sqlite_database, (openid, *FIGURE_MARKS), tmp_path / "data") == []


def confirm_forget_from_xml(body: str) -> str | None:
    """WeChat renders choices as numbered links: the number of the confirming one, if asked."""
    from bot.channels.wechat.xml import parse_xml

    content = parse_xml(body).get("Content", "") if body.startswith("<xml>") else ""
    for line in content.splitlines():
        if "确认" in line and "msgmenuid=" in line:
            return line.split("msgmenuid=")[1].split('"')[0]
    return None


async def test_web_forget_clears_rows_and_the_generated_files(
    sqlite_database: Database, tmp_path: Path
) -> None:
    from bot.channels.web.shelf import FileShelf

    shelf = FileShelf()
    assistant = build_assistant(sqlite_database, [shelf])
    await _talk(assistant, "web", "w1", ("/score 营收9876.54万",))
    key = shelf.put("w1", "评分结果.xlsx", b"9876.54", "application/octet-stream")  # as the chat does
    other = shelf.put("w2", "评分结果.xlsx", b"1", "application/octet-stream")
    await _forget(assistant, "web", "w1")
    assert shelf.get(key, "w1") is None and shelf.get(other, "w2") is not None
    assert traces(sqlite_database, ("web:w1", *FIGURE_MARKS), tmp_path / "data") == []


async def test_a_forget_confirmation_survives_a_restart(sqlite_database: Database) -> None:
    """/forget asked by one process, 确认 answered to another on the same database: the data goes."""
    first = build_assistant(sqlite_database)
    await _talk(first, "console", "restart", ("/score", "跳过", "营收3000万 研发200万"))
    asked = await first.handle(Incoming("console", "restart", text="/forget"))
    assert confirm_forget(asked) is not None
    second = build_assistant(sqlite_database)  # a restart: a new process, the question only in the database
    done = await second.handle(Incoming("console", "restart", text="确认"))
    assert done[0].text.startswith("已删除您的全部数据"), done[0].text
    assert traces(sqlite_database, ["restart", "3000"]) == []
