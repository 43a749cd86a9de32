"""Fixtures the WeChat channel tests share: the fake WeChat API server and a client bound to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.channels.wechat_api import WeChatAPI
from tests.fakes.wechat import FakeWeChatAPI


@pytest.fixture
async def fake() -> AsyncIterator[FakeWeChatAPI]:
    """The fake WeChat API on 127.0.0.1, stopped after the test."""
    server = FakeWeChatAPI()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def api(fake: FakeWeChatAPI) -> AsyncIterator[WeChatAPI]:
    """A WeChatAPI client talking to `fake` (test_wechat_api overrides it to run both token modes)."""
    client = WeChatAPI(app_id=fake.app_id, app_secret=fake.app_secret, base_url=fake.base_url)
    yield client
    await client.aclose()
