"""`serve_channels` as a whole: every channel started in order, everything stopped and closed in reverse.

The real composition runs Telegram (against the Bot API emulator), the WeChat callback server
(its API client against the fake WeChat API on loopback), the web pages and digest delivery on one
assistant with a chart worker process; a recording Lifecycle notes each part as `serve` owns or
starts it and again once its aclose / stop has returned.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import socket
from contextlib import AsyncExitStack
from pathlib import Path
from typing import TypeVar

import aiohttp
import pytest

from bot.app.serve import Lifecycle, Listen, serve_channels
from bot.core.lifecycle import Channel, Closable
from bot.settings import Settings
from tests.conftest import REPO_ROOT
from tests.fakes.processes import free_port
from tests.fakes.telegram import Emulator, new_token
from tests.fakes.wechat import FakeWeChatAPI

C = TypeVar("C", bound=Closable)


class _Note:
    """A Closable that only writes down that its turn in the unwinding came."""

    def __init__(self, events: list[str], text: str) -> None:
        self._events, self._text = events, text

    async def aclose(self) -> None:
        self._events.append(self._text)


class RecordingLifecycle(Lifecycle):
    """The real Lifecycle, noting "own X" / "start X" and, once X's aclose / stop returned,
    "closed X" / "stopped X" (the note is pushed first, so it unwinds right after X)."""

    def __init__(self, stack: AsyncExitStack, events: list[str]) -> None:
        super().__init__(stack)
        self.events = events
        self.owned: list[object] = []

    def own(self, resource: C) -> C:
        name = type(resource).__name__
        super().own(_Note(self.events, f"closed {name}"))
        self.events.append(f"own {name}")
        self.owned.append(resource)
        return super().own(resource)

    async def run(self, channel: Channel) -> None:
        name = type(channel).__name__
        super().own(_Note(self.events, f"stopped {name}"))
        await super().run(channel)
        self.events.append(f"start {name}")


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


async def _chat(port: int, text: str) -> str:
    """One message through the web chat, once the pages answer (the index builds on first start)."""
    jar = aiohttp.CookieJar(unsafe=True)
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        for _ in range(600):
            try:
                async with session.get(base + "/") as page:
                    assert page.status == 200
                    break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)
        async with session.post(
            base + "/chat/send", json={"text": text}, headers={"X-Innobot": "1"}
        ) as response:
            assert response.status == 200
            body = await response.json()
    return str(body["replies"][0]["text"])


@pytest.mark.slow
async def test_serve_starts_everything_and_closes_it_all_in_reverse(
    tmp_path: Path, emulator: Emulator, fake_server: FakeWeChatAPI
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp_path / "data", corpus_dir=REPO_ROOT / "corpus",
        embedder="hash", chart_workers=1, table_workers=1,
        telegram_token=new_token(), telegram_api_url=emulator.url,
        wechat_token="lifecycle-token", wechat_app_id=fake_server.app_id,
        wechat_app_secret=fake_server.app_secret, wechat_api_url=fake_server.base_url,
    )
    settings.ensure_data_dir()
    listen = Listen(wechat_port=free_port(), web_port=free_port())
    events: list[str] = []
    lifecycles: list[RecordingLifecycle] = []

    def recording(stack: AsyncExitStack) -> Lifecycle:
        lifecycles.append(RecordingLifecycle(stack, events))
        return lifecycles[0]

    children_before = set(multiprocessing.active_children())
    stop = asyncio.Event()
    task = asyncio.create_task(
        serve_channels(settings, ["wechat", "web", "telegram"], listen=listen, stop=stop, lifecycle=recording)
    )
    try:
        reply = await _chat(listen.web_port or 0, "/score")  # a scoring dialogue starts the chart worker
        assert reply
        for _ in range(300):  # digest delivery is the last part started
            if "start DigestDelivery" in events or task.done():
                break
            await asyncio.sleep(0.1)
        workers = set(multiprocessing.active_children()) - children_before
        assert workers, "the scoring dialogue should have started a chart worker process"
        assert _listening(listen.wechat_port or 0) and _listening(listen.web_port or 0)
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)

    assert events == [
        "own Database",
        "own ChatProcess",
        "own WeChatAPI",
        "start AppSite",  # the WeChat callback server
        "start AppSite",  # the web pages
        "start TelegramRunner",
        "start DigestDelivery",
        "stopped DigestDelivery",
        "stopped TelegramRunner",
        "stopped AppSite",
        "stopped AppSite",
        "closed WeChatAPI",
        "closed ChatProcess",
        "closed Database",
    ]
    api = next(r for r in lifecycles[0].owned if type(r).__name__ == "WeChatAPI")
    assert api.closed  # type: ignore[attr-defined]
    assert not _listening(listen.wechat_port or 0) and not _listening(listen.web_port or 0)
    assert not any(w.is_alive() for w in workers)
    assert set(multiprocessing.active_children()) <= children_before
