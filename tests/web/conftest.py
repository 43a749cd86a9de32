"""The web app over the real core (real scoring, fake retrieval), in-process or on a live port."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.web import WebConfig, WebServices, build_web_app
from bot.core.assistant import CoreAssistant
from bot.core.estimate.library import LibraryScoring
from bot.storage import Database
from bot.storage.sessions import SessionStore
from bot.storage.users import UserStore
from tests.fakes.core import FakeAnswerer, FakeSearcher, FakeSubscriptions
from tests.fakes.web import FakeBriefings, FakeStats

ADMIN_TOKEN = "correct-horse-battery-staple"
API_KEY = "zone-platform-key"
XHR = {"X-Innobot": "1"}


def web_config(data_dir: Path, **changes: object) -> WebConfig:
    """A test configuration: known secrets, generous address limits unless a test lowers them."""
    config = WebConfig(
        data_dir=data_dir, secret=b"test-secret", admin_token=ADMIN_TOKEN, api_key=API_KEY,
        ip_rate=500.0, ip_burst=500, trust_forwarded=True, session_burst=30, session_rate=10.0,
    )
    return replace(config, **changes)  # type: ignore[arg-type]


@dataclass
class WebRig:
    """The app's collaborators, for tests that look behind the pages."""

    services: WebServices
    briefings: FakeBriefings
    answerer: FakeAnswerer
    config: WebConfig


def build_rig(database: Database, data_dir: Path, **changes: object) -> tuple[WebRig, web.Application]:
    """The real core with real scoring; fake answers, briefings and admin numbers."""
    answerer, subs = FakeAnswerer(), FakeSubscriptions()
    assistant = CoreAssistant(
        users=UserStore(database), sessions=SessionStore(database), scoring=LibraryScoring(),
        answerer=answerer, searcher=FakeSearcher(), subscriptions=subs, forgettables=[subs],
    )
    briefings = FakeBriefings()
    services = WebServices(
        assistant=assistant, searcher=FakeSearcher(), answerer=answerer, briefings=briefings,
        stats=FakeStats(),
    )
    config = web_config(data_dir, **changes)
    return WebRig(services, briefings, answerer, config), build_web_app(config, services)


@pytest.fixture
def rig_and_app(sqlite_database: Database, tmp_path: Path) -> tuple[WebRig, web.Application]:
    return build_rig(sqlite_database, tmp_path / "data")


@pytest.fixture
def rig(rig_and_app: tuple[WebRig, web.Application]) -> WebRig:
    return rig_and_app[0]


@pytest.fixture
async def client(rig_and_app: tuple[WebRig, web.Application]) -> AsyncIterator[TestClient]:
    """An HTTP client on the app (a real loopback server)."""
    async with TestClient(TestServer(rig_and_app[1])) as test_client:
        yield test_client


async def chat_client_cookie(client: TestClient) -> None:
    """Visit the chat page once, as a browser does, to get the identity cookie."""
    response = await client.get("/")
    assert response.status == 200


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """The app served on 127.0.0.1 from a background thread (for the browser)."""

    url: str
    rig: WebRig


@pytest.fixture
def live_server(sqlite_database: Database, tmp_path: Path) -> Iterator[LiveServer]:
    rig, app = build_rig(sqlite_database, tmp_path / "data")
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None)
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(10)
    yield LiveServer(f"http://127.0.0.1:{port}", rig)
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
