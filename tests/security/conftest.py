"""Fixtures of the attack replays: a running /wechat server in a chosen mode, the fake WeChat API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
import pytest

from bot.channels.wechat.crypto import WeChatCrypto
from bot.channels.wechat.server import WeChatServerConfig, build_wechat_app, start_wechat_site
from bot.channels.wechat.webhook import WeChatWebhook
from bot.core.ports import Assistant
from bot.storage import Database
from bot.storage.wechat import WeChatStore
from tests.fakes.wechat import CallbackClient, EchoAssistant, FakeWeChatAPI

TOKEN = "callback-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


@dataclass
class Server:
    """One running callback server, its store and a client that signs like WeChat."""

    webhook: WeChatWebhook
    store: WeChatStore
    client: CallbackClient
    session: aiohttp.ClientSession
    url: str

    async def raw(self, params: dict[str, str], body: str | bytes) -> tuple[int, str]:
        """POST exactly these parameters and this body (no signing help)."""
        async with self.session.post(self.url, params=params, data=body) as resp:
            return resp.status, await resp.text()


ServeFactory = Callable[..., "AsyncIterator[Server]"]


@pytest.fixture
def serve(sqlite_database: Database, fake: FakeWeChatAPI) -> Callable[..., object]:
    """serve(mode, assistant) → async context manager yielding a Server.

    mode: "safe" (AES key, safe mode only), "compat" (AES key + plaintext) or "plain" (no key).
    """

    @asynccontextmanager
    async def start(
        mode: str = "safe", assistant: Assistant | None = None, database: Database | None = None
    ) -> AsyncIterator[Server]:
        db = database or sqlite_database
        store = WeChatStore(db)
        api = fake.client()
        webhook = WeChatWebhook(
            assistant=assistant or EchoAssistant(),
            store=store,
            api=api,
            reply_timeout=0.8,
            push_delay=0.0,
        )
        crypto = WeChatCrypto(TOKEN, AES_KEY, fake.app_id) if mode != "plain" else None
        config = WeChatServerConfig(token=TOKEN, crypto=crypto, accept_plaintext=mode == "compat")
        runner = await start_wechat_site(build_wechat_app(webhook, config), "127.0.0.1", 0)
        port = runner.addresses[0][1]
        base = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession() as session:
                client = CallbackClient(base, TOKEN, crypto=crypto)
                yield Server(webhook, store, client, session, base + "/wechat")
        finally:
            await runner.cleanup()
            await api.aclose()

    return start
