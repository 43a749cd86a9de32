"""The real WeChat API client against the fake WeChat API server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest

from bot.channels.wechat.api import WeChatAPI, WeChatAPIError
from tests.fakes.wechat import FakeWeChatAPI


class Ticker:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def ticker() -> Ticker:
    return Ticker()


@pytest.fixture(params=["stable", "classic"])
async def api(
    fake: FakeWeChatAPI, ticker: Ticker, request: pytest.FixtureRequest
) -> AsyncIterator[WeChatAPI]:
    client = WeChatAPI(
        app_id=fake.app_id,
        app_secret=fake.app_secret,
        base_url=fake.base_url,
        monotonic=ticker,
        token_mode=request.param,
    )
    yield client
    await client.aclose()


async def test_token_cached_across_calls(api: WeChatAPI, fake: FakeWeChatAPI) -> None:
    for i in range(3):
        await api.send_text("oA", f"第{i}条")
    assert fake.token_calls == 1
    assert fake.texts_to("oA") == ["第0条", "第1条", "第2条"]


async def test_token_refreshed_before_expiry(
    api: WeChatAPI, fake: FakeWeChatAPI, ticker: Ticker
) -> None:
    await api.send_text("oA", "一")
    ticker.now += 6800  # still well before WeChat's 7200 s expiry: reuse
    await api.send_text("oA", "二")
    assert fake.token_calls == 1
    ticker.now += 150  # inside the last 300 s: refresh before WeChat would reject it
    await api.send_text("oA", "三")
    assert fake.token_calls == 2


async def test_invalid_token_refreshed_once_and_call_retried(
    api: WeChatAPI, fake: FakeWeChatAPI
) -> None:
    await api.send_text("oA", "一")
    fake.expire_tokens()  # WeChat revoked it early (another process fetched a new one)
    await api.send_text("oA", "二")
    assert fake.token_calls == 2
    assert fake.texts_to("oA") == ["一", "二"]


async def test_concurrent_callers_share_one_refresh(api: WeChatAPI, fake: FakeWeChatAPI) -> None:
    await api.send_text("oA", "预热")
    fake.expire_tokens()
    await asyncio.gather(*(api.send_text("oA", f"并发{i}") for i in range(8)))
    assert fake.token_calls == 2
    assert len(fake.texts_to("oA")) == 9


async def test_processes_share_the_stable_token(fake: FakeWeChatAPI) -> None:
    clients = [
        WeChatAPI(app_id=fake.app_id, app_secret=fake.app_secret, base_url=fake.base_url)
        for _ in range(3)
    ]
    try:
        tokens = {await client.access_token() for client in clients}
        for i, client in enumerate(clients):
            await client.send_text("oA", f"进程{i}")
    finally:
        for client in clients:
            await client.aclose()
    assert len(tokens) == 1  # nobody's token was invalidated by another process
    assert len(fake.texts_to("oA")) == 3 and fake.force_refreshes == 0


async def test_stable_token_force_refreshed_only_when_wechat_rejects_it(
    fake: FakeWeChatAPI,
) -> None:
    client = WeChatAPI(app_id=fake.app_id, app_secret=fake.app_secret, base_url=fake.base_url)
    try:
        await client.send_text("oA", "一")
        fake.expire_tokens(rotate_stable=False)  # the stable cache still serves the revoked token
        await client.send_text("oA", "二")
    finally:
        await client.aclose()
    assert fake.force_refreshes == 1
    assert fake.texts_to("oA") == ["一", "二"]


async def test_errcode_surfaces_as_exception(api: WeChatAPI, fake: FakeWeChatAPI) -> None:
    fake.fail_users["oGone"] = 43004
    with pytest.raises(WeChatAPIError) as err:
        await api.send_text("oGone", "你好")
    assert err.value.errcode == 43004 and not err.value.transient


async def test_wrong_secret_is_an_error(fake: FakeWeChatAPI) -> None:
    client = WeChatAPI(app_id=fake.app_id, app_secret="wrong", base_url=fake.base_url)
    try:
        with pytest.raises(WeChatAPIError) as err:
            await client.send_text("oA", "x")
        assert err.value.errcode == 40125
    finally:
        await client.aclose()


async def test_unreachable_server_is_transient() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = WeChatAPI(
        app_id="a", app_secret="b", base_url=f"http://127.0.0.1:{port}", timeout=2.0
    )
    try:
        with pytest.raises(WeChatAPIError) as err:
            await client.send_text("oA", "x")
        assert err.value.errcode == -1 and err.value.transient
    finally:
        await client.aclose()


async def test_image_upload_and_send(api: WeChatAPI, fake: FakeWeChatAPI) -> None:
    media_id = await api.upload_image(b"\x89PNG-bytes")
    await api.send_image("oA", media_id)
    assert fake.uploads == [b"\x89PNG-bytes"]
    assert fake.sent[0].media_id == media_id


async def test_menu_and_notice_calls(api: WeChatAPI, fake: FakeWeChatAPI) -> None:
    await api.create_menu({"button": [{"type": "click", "name": "测算", "key": "/score"}]})
    await api.send_subscription_notice("oA", "TPL", {"thing1": "新政策"})
    assert fake.menus[0]["button"][0]["key"] == "/score"
    assert fake.notices[0]["data"] == {"thing1": {"value": "新政策"}}
