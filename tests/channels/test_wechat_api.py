"""The real WeChat API client: unit tests against the fake answering in process
(`httpx.MockTransport`), and one end-to-end test of the real HTTP path on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable

import httpx
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
    client = fake.client(monotonic=ticker, token_mode=request.param)
    yield client
    await client.aclose()


def _scripted(
    fake: FakeWeChatAPI, send: Callable[[httpx.Request], httpx.Response]
) -> tuple[WeChatAPI, list[httpx.Request]]:
    """A client whose tokens come from `fake` and whose customer-service sends `send` answers;
    the list records those sends."""
    sends: list[httpx.Request] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/cgi-bin/message/custom/send":
            sends.append(request)
            return send(request)
        return await fake.handle(request)

    http = httpx.AsyncClient(transport=httpx.MockTransport(handle))
    return WeChatAPI(app_id=fake.app_id, app_secret=fake.app_secret, http=http), sends


def _errcode(code: int) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(200, json={"errcode": code, "errmsg": "scripted"})


async def _failed_send(client: WeChatAPI) -> WeChatAPIError:
    """Send one text that must fail; the client is closed afterwards."""
    try:
        with pytest.raises(WeChatAPIError) as err:
            await client.send_text("oA", "x")
    finally:
        await client.aclose()
    return err.value


# --- access token -------------------------------------------------------------------------------


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


async def test_token_rejected_again_after_refresh_is_not_retried_twice(
    fake: FakeWeChatAPI,
) -> None:
    client, sends = _scripted(fake, _errcode(40001))
    error = await _failed_send(client)
    assert error.errcode == 40001 and len(sends) == 2
    tokens = [request.url.params["access_token"] for request in sends]
    assert tokens[0] != tokens[1]  # the retry carried the fresh token


async def test_concurrent_callers_share_one_refresh(api: WeChatAPI, fake: FakeWeChatAPI) -> None:
    await api.send_text("oA", "预热")
    fake.expire_tokens()
    await asyncio.gather(*(api.send_text("oA", f"并发{i}") for i in range(8)))
    assert fake.token_calls == 2
    assert len(fake.texts_to("oA")) == 9


async def test_processes_share_the_stable_token(fake: FakeWeChatAPI) -> None:
    clients = [fake.client() for _ in range(3)]
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
    client = fake.client()
    try:
        await client.send_text("oA", "一")
        fake.expire_tokens(rotate_stable=False)  # the stable cache still serves the revoked token
        await client.send_text("oA", "二")
    finally:
        await client.aclose()
    assert fake.force_refreshes == 1
    assert fake.texts_to("oA") == ["一", "二"]


async def test_wrong_secret_is_an_error(fake: FakeWeChatAPI) -> None:
    error = await _failed_send(fake.client(app_secret="wrong"))
    assert error.errcode == 40125


# --- error codes and transport failures ---------------------------------------------------------


@pytest.mark.parametrize(
    ("errcode", "transient"),
    [
        (43004, False),  # the user unfollowed
        (45015, False),  # outside the 48-hour customer-service window
        (45047, True),  # too many customer-service messages in a row: later
        (45009, True),  # API quota reached
        (-1, True),  # WeChat: "system busy"
        (50002, True),
    ],
)
async def test_errcodes_surface_as_exceptions(
    api: WeChatAPI, fake: FakeWeChatAPI, errcode: int, transient: bool
) -> None:
    fake.fail_users["oA"] = errcode
    with pytest.raises(WeChatAPIError) as err:
        await api.send_text("oA", "你好")
    assert err.value.errcode == errcode and err.value.transient is transient
    assert fake.token_calls == 1  # only token errors refresh the token


def _raise_connect(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def _raise_timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


@pytest.mark.parametrize(
    "answer",
    [
        _raise_connect,
        _raise_timeout,
        lambda request: httpx.Response(502, text="bad gateway"),
        lambda request: httpx.Response(200, text="<html>维护中</html>"),
        lambda request: httpx.Response(200, json=["not", "an", "object"]),
    ],
    ids=["unreachable", "timeout", "http-5xx", "not-json", "not-an-object"],
)
async def test_transport_trouble_is_transient(
    fake: FakeWeChatAPI, answer: Callable[[httpx.Request], httpx.Response]
) -> None:
    client, _ = _scripted(fake, answer)
    error = await _failed_send(client)
    assert error.errcode == -1 and error.transient


async def test_messages_are_sent_as_utf8_json(fake: FakeWeChatAPI) -> None:
    client, seen = _scripted(fake, _errcode(0))
    try:
        await client.send_text("oA", "高企认定")
    finally:
        await client.aclose()
    assert "高企认定".encode() in seen[0].content  # WeChat refuses \uXXXX escapes (40033)
    assert seen[0].headers["Content-Type"] == "application/json; charset=utf-8"


async def test_message_content_is_not_logged(
    api: WeChatAPI, fake: FakeWeChatAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    await api.send_text("oA", "营业收入3200万")
    fake.fail_users["oA"] = 45015
    with pytest.raises(WeChatAPIError):
        await api.send_text("oA", "研发费用450万")
    assert "3200" not in caplog.text and "450" not in caplog.text


# --- media, menu, notices -------------------------------------------------------------------------


async def test_image_upload_and_send(api: WeChatAPI, fake: FakeWeChatAPI) -> None:
    media_id = await api.upload_image(b"\x89PNG\r\n\x1a\n-bytes")
    await api.send_image("oA", media_id)
    assert fake.uploads == [b"\x89PNG\r\n\x1a\n-bytes"]
    assert fake.sent[0].media_id == media_id


async def test_upload_retried_with_the_whole_file_after_token_expiry(
    api: WeChatAPI, fake: FakeWeChatAPI
) -> None:
    await api.send_text("oA", "一")
    fake.expire_tokens()
    await api.upload_image(b"\x89PNG-chart")
    assert fake.uploads == [b"\x89PNG-chart"] and fake.token_calls == 2


async def test_menu_and_notice_calls(api: WeChatAPI, fake: FakeWeChatAPI) -> None:
    await api.create_menu({"button": [{"type": "click", "name": "测算", "key": "/score"}]})
    await api.send_subscription_notice("oA", "TPL", {"thing1": "新政策"}, page="pages/x")
    assert fake.menus[0]["button"][0]["key"] == "/score"
    assert fake.notices[0]["data"] == {"thing1": {"value": "新政策"}}
    assert fake.notices[0]["page"] == "pages/x"


# --- the real HTTP path ---------------------------------------------------------------------------


async def test_real_http_path_on_loopback(fake_server: FakeWeChatAPI) -> None:
    """Token, JSON send, multipart upload and a token refresh over real sockets."""
    client = WeChatAPI(
        app_id=fake_server.app_id,
        app_secret=fake_server.app_secret,
        base_url=fake_server.base_url,
        http=httpx.AsyncClient(timeout=5.0),
    )
    try:
        await client.send_text("oA", "你好，高企")
        fake_server.expire_tokens()
        media_id = await client.upload_image(b"\x89PNG\r\n\x1a\n-chart")
        await client.send_image("oA", media_id)
    finally:
        await client.aclose()
    assert fake_server.texts_to("oA") == ["你好，高企"]
    assert fake_server.uploads == [b"\x89PNG\r\n\x1a\n-chart"]
    assert fake_server.sent[-1].media_id == media_id and fake_server.token_calls == 2
