"""Fixtures the channel tests share: the Bot API emulator (one per module), the fake WeChat API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from bot.channels.wechat.api import WeChatAPI
from tests.fakes.telegram import Emulator, emulator_or_skip
from tests.fakes.wechat import FakeWeChatAPI


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """telegram-test-api on 127.0.0.1 for one test module (skipped where it is not installed)."""
    with emulator_or_skip() as running:
        yield running


@pytest.fixture
async def http(emulator: Emulator) -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client for the emulator's own endpoints."""
    async with httpx.AsyncClient(base_url=emulator.url, timeout=10) as client:
        yield client


@pytest.fixture
async def api(fake: FakeWeChatAPI) -> AsyncIterator[WeChatAPI]:
    """A WeChatAPI client talking to `fake` (test_wechat_api overrides it to run both token modes)."""
    client = fake.client()
    yield client
    await client.aclose()
