"""The /wechat callback server end to end on loopback: real aiohttp server, real API client
answered in process by the fake WeChat API, real SQLite store; only the assistant is a fake."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from sqlalchemy.exc import OperationalError

from bot.channels.wechat.crypto import WeChatCrypto, sign
from bot.channels.wechat.server import WeChatServerConfig, build_wechat_app, start_wechat_site
from bot.channels.wechat.webhook import WeChatWebhook
from bot.channels.wechat.xml import parse_xml
from bot.core.types import LateImage, Reply
from bot.storage import Database
from bot.storage.wechat import WeChatStore
from tests.fakes.wechat import (
    CallbackClient,
    EchoAssistant,
    FakeWeChatAPI,
    event_xml,
    media_xml,
    text_xml,
)

TOKEN = "callback-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
USER = "oUser123"


@dataclass
class Harness:
    fake: FakeWeChatAPI
    assistant: EchoAssistant
    webhook: WeChatWebhook
    store: WeChatStore
    client: CallbackClient
    session: aiohttp.ClientSession

    async def wait_sent(self, count: int, timeout: float = 5.0) -> None:
        await self.fake.wait_sent(count, timeout)


@pytest.fixture
def database(sqlite_database: Database) -> Database:
    """SQLite only here: these tests are about the HTTP flow (the store runs on PostgreSQL in
    test_wechat_notifier.py)."""
    return sqlite_database


@pytest.fixture
def fake_api(fake: FakeWeChatAPI) -> FakeWeChatAPI:
    """The shared fake WeChat API (tests/channels/conftest.py) under this module's name."""
    return fake


async def _harness(
    database: Database, fake: FakeWeChatAPI, assistant: EchoAssistant, max_body: int = 16 * 1024
) -> AsyncIterator[Harness]:
    store = WeChatStore(database)
    api = fake.client()
    webhook = WeChatWebhook(
        assistant=assistant, store=store, api=api, reply_timeout=0.8, push_delay=0.0
    )
    crypto = WeChatCrypto(TOKEN, AES_KEY, fake.app_id)
    config = WeChatServerConfig(token=TOKEN, crypto=crypto, accept_plaintext=True, max_body=max_body)
    app = build_wechat_app(webhook, config)  # compatible mode: plaintext and safe-mode posts
    runner = await start_wechat_site(app, "127.0.0.1", 0)
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession() as session:
            yield Harness(
                fake=fake,
                assistant=assistant,
                webhook=webhook,
                store=store,
                client=CallbackClient(f"http://127.0.0.1:{port}", TOKEN, crypto=crypto),
                session=session,
            )
    finally:
        await runner.cleanup()
        await api.aclose()


@pytest.fixture
async def h(database: Database, fake_api: FakeWeChatAPI) -> AsyncIterator[Harness]:
    async for harness in _harness(database, fake_api, EchoAssistant()):
        yield harness


# --- authentication -------------------------------------------------------------------------------


async def test_url_verification_echoes_only_for_valid_signature(h: Harness) -> None:
    url = h.client.base_url + "/wechat"
    good = h.client.query(echostr="8765309")
    async with h.session.get(url, params=good) as resp:
        assert (resp.status, await resp.text()) == (200, "8765309")
    forged = {**h.client.query(echostr="x"), "signature": "0" * 40}
    async with h.session.get(url, params=forged) as resp:
        assert resp.status == 403
    stale = h.client.query(timestamp=int(time.time()) - 3600, echostr="x")
    async with h.session.get(url, params=stale) as resp:
        assert resp.status == 403


async def test_health_endpoint(h: Harness) -> None:
    async with h.session.get(h.client.base_url + "/healthz") as resp:
        assert (resp.status, await resp.text()) == (200, "ok")


async def test_forged_or_stale_posts_are_refused_and_not_processed(h: Harness) -> None:
    xml = text_xml(USER, "hi", "1001")
    forged = {**h.client.query(), "signature": sign("wrong-token", "1", "2")}
    assert (await h.client.post(h.session, xml, query=forged))[0] == 403
    stale = await h.client.post(h.session, xml, timestamp=int(time.time()) - 301)
    assert stale[0] == 403
    future = await h.client.post(h.session, xml, timestamp=int(time.time()) + 400)
    assert future[0] == 403
    params = {**h.client.query(), "encrypt_type": "aes", "msg_signature": "0" * 40}
    cipher = WeChatCrypto(TOKEN, AES_KEY, h.fake.app_id).encrypt(xml)
    body = f"<xml><Encrypt><![CDATA[{cipher}]]></Encrypt></xml>"
    assert (await h.client.post(h.session, body, query=params))[0] == 403
    assert h.assistant.seen == []


# --- messages --------------------------------------------------------------------------------------


async def test_plaintext_text_message_gets_passive_reply(h: Harness) -> None:
    status, body = await h.client.post(h.session, text_xml(USER, "积分贷怎么申请", "2001"))
    assert status == 200
    reply = parse_xml(body)
    assert reply["ToUserName"] == USER and reply["FromUserName"] == "gh_test"
    assert reply["MsgType"] == "text" and reply["Content"] == "收到：积分贷怎么申请"
    incoming = h.assistant.seen[0]
    assert (incoming.channel, incoming.user_id, incoming.kind) == ("wechat", USER, "text")
    assert h.store.last_message_at(USER) is not None


async def test_safe_mode_message_gets_encrypted_passive_reply(h: Harness) -> None:
    status, body = await h.client.post(h.session, text_xml(USER, "你好", "2002"), encrypted=True)
    assert status == 200
    assert parse_xml(body)["Content"] == "收到：你好"  # the client decrypted and verified it


async def test_retry_of_same_msgid_is_answered_once_with_same_reply(h: Harness) -> None:
    xml = text_xml(USER, "同一条", "3001")
    first = await h.client.post(h.session, xml)
    second = await h.client.post(h.session, xml)
    assert first == second and "收到：同一条" in first[1]
    assert len(h.assistant.seen) == 1


async def test_concurrent_duplicates_processed_once(h: Harness) -> None:
    xml = text_xml(USER, "并发", "3002")
    results = await asyncio.gather(*(h.client.post(h.session, xml) for _ in range(12)))
    assert all(status == 200 for status, _ in results)
    assert len(h.assistant.seen) == 1
    # retries that arrive while the first is being answered get the same passive reply
    assert {body for _, body in results} == {results[0][1]} and "收到：并发" in results[0][1]


async def test_long_answer_first_part_passive_rest_by_customer_service(
    database: Database, fake_api: FakeWeChatAPI
) -> None:
    long_text = "\n\n".join(f"第{i}段：" + "创新积分制政策说明。" * 30 for i in range(4))
    assistant = EchoAssistant(script=lambda _: [Reply(text=long_text)])
    async for h in _harness(database, fake_api, assistant):
        _status, body = await h.client.post(h.session, text_xml(USER, "长", "4001"))
        passive = parse_xml(body)["Content"]
        assert len(passive.encode()) <= 2000
        await h.webhook.aclose()  # every background push has finished
        pushed = h.fake.texts_to(USER)
        assert all(len(t.encode()) <= 2048 for t in pushed)
        joined = (passive + "".join(pushed)).replace("\n", "")
        assert joined == long_text.replace("\n", "")


async def test_slow_answer_says_success_then_arrives_by_customer_service(
    database: Database, fake_api: FakeWeChatAPI
) -> None:
    async for h in _harness(database, fake_api, EchoAssistant(delay=1.5)):
        started = time.monotonic()
        status, body = await h.client.post(h.session, text_xml(USER, "慢问题", "5001"))
        assert (status, body) == (200, "success")
        assert time.monotonic() - started < 1.4
        await h.wait_sent(1)
        assert h.fake.texts_to(USER) == ["收到：慢问题"]
        # a retry after the deadline is not answered twice
        retry = await h.client.post(h.session, text_xml(USER, "慢问题", "5001"))
        assert retry == (200, "success")
        assert len(h.assistant.seen) == 1


async def test_stuck_answer_is_abandoned_with_an_apology(
    database: Database, fake_api: FakeWeChatAPI
) -> None:
    async for h in _harness(database, fake_api, EchoAssistant(delay=30)):
        h.webhook.late_timeout = 0.5
        assert await h.client.post(h.session, text_xml(USER, "卡住", "5101")) == (200, "success")
        await h.wait_sent(1)
        assert "稍后再试" in h.fake.texts_to(USER)[0]


async def test_image_reply_uploaded_and_sent(database: Database, fake_api: FakeWeChatAPI) -> None:
    png = b"\x89PNG\r\n\x1a\nfake-chart"
    assistant = EchoAssistant(script=lambda _: [Reply(text="测算结果：85 分", image_png=png)])
    async for h in _harness(database, fake_api, assistant):
        _status, body = await h.client.post(h.session, text_xml(USER, "测算", "6001"))
        assert parse_xml(body)["Content"] == "测算结果：85 分"
        await h.wait_sent(1)
        assert h.fake.uploads == [png]
        assert h.fake.sent[0].msgtype == "image" and h.fake.sent[0].media_id == "media-1"


def _late_chart(png: bytes | None, delay: float) -> Reply:
    """A chart the core is still drawing (None: drawing failed)."""
    drawn: asyncio.Future[bytes | None] = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().call_later(delay, drawn.set_result, png)
    return Reply(text="各项得分图", later=LateImage(drawn))


async def test_score_text_is_the_passive_reply_and_the_chart_follows(
    database: Database, fake_api: FakeWeChatAPI
) -> None:
    png = b"\x89PNG\r\n\x1a\nlate-chart"
    assistant = EchoAssistant(script=lambda _: [Reply(text="测算结果：85 分"), _late_chart(png, 0.2)])
    async for h in _harness(database, fake_api, assistant):
        start = time.monotonic()
        _status, body = await h.client.post(h.session, text_xml(USER, "确认", "6003"))
        assert time.monotonic() - start < 0.2  # the text did not wait for the chart
        assert parse_xml(body)["Content"] == "测算结果：85 分"
        await h.wait_sent(2)  # its caption, then the image
        assert h.fake.uploads == [png] and [m.msgtype for m in h.fake.sent] == ["text", "image"]


async def test_a_failed_chart_sends_nothing_more(database: Database, fake_api: FakeWeChatAPI) -> None:
    assistant = EchoAssistant(script=lambda _: [Reply(text="测算结果：85 分"), _late_chart(None, 0.01)])
    async for h in _harness(database, fake_api, assistant):
        _status, body = await h.client.post(h.session, text_xml(USER, "确认", "6004"))
        assert parse_xml(body)["Content"] == "测算结果：85 分"
        await h.webhook.aclose()  # the chart's push task has finished
        assert h.fake.sent == [] and h.fake.uploads == []


async def test_image_only_answer_is_passive_image(database: Database, fake_api: FakeWeChatAPI) -> None:
    assistant = EchoAssistant(script=lambda _: [Reply(image_png=b"\x89PNGchart")])
    async for h in _harness(database, fake_api, assistant):
        _status, body = await h.client.post(h.session, text_xml(USER, "图", "6002"))
        reply = parse_xml(body)
        assert reply["MsgType"] == "image"
        assert "media-1" in body


async def test_follow_click_and_unsubscribe_events(h: Harness) -> None:
    status, body = await h.client.post(h.session, event_xml(USER, "subscribe", ts=1))
    assert parse_xml(body)["Content"] == "欢迎关注！"
    assert h.assistant.seen[-1].kind == "follow"

    status, body = await h.client.post(h.session, event_xml(USER, "CLICK", "menu:score", ts=2))
    assert h.assistant.seen[-1].kind == "callback"
    assert h.assistant.seen[-1].callback_data == "menu:score"
    status, body = await h.client.post(h.session, event_xml(USER, "CLICK", "/help", ts=3))
    assert (h.assistant.seen[-1].kind, h.assistant.seen[-1].text) == ("text", "/help")

    seen = len(h.assistant.seen)
    status, body = await h.client.post(h.session, event_xml(USER, "VIEW", "https://x", ts=4))
    assert (status, body) == (200, "success")
    # system events about a user do not open the 48-hour window
    other = "oOnlyTemplates"
    finished = event_xml(other, "TEMPLATESENDJOBFINISH", ts=6)
    assert await h.client.post(h.session, finished) == (200, "success")
    assert h.store.last_message_at(other) is None
    status, body = await h.client.post(h.session, event_xml(USER, "unsubscribe", ts=5))
    assert (status, body) == (200, "success")
    assert len(h.assistant.seen) == seen
    assert h.store.is_unsubscribed(USER)


async def test_numbered_reply_maps_to_the_choice_shown(h: Harness) -> None:
    _, body = await h.client.post(h.session, text_xml(USER, "选项", "7001"))
    content = parse_xml(body)["Content"]
    assert "msgmenucontent=确认&msgmenuid=1" in content and ">取消</a>" in content
    _, body = await h.client.post(h.session, text_xml(USER, "2", "7002"))
    assert parse_xml(body)["Content"] == "已选择：form:cancel"
    # choices are consumed: a later plain number is just text
    _status, body = await h.client.post(h.session, text_xml(USER, "2", "7003"))
    assert parse_xml(body)["Content"] == "收到：2"


async def test_tapping_a_menu_link_picks_that_choice(h: Harness) -> None:
    await h.client.post(h.session, text_xml(USER, "选项", "7101"))
    tap = text_xml(USER, "确认", "7102").replace(
        "</xml>", "<bizmsgmenuid><![CDATA[1]]></bizmsgmenuid></xml>"
    )
    _status, body = await h.client.post(h.session, tap)
    assert parse_xml(body)["Content"] == "已选择：form:confirm"


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "<xml><ToUserName>broken",
        "not xml at all",
        "",
        '<!DOCTYPE x [<!ENTITY a "b">]><xml><FromUserName>&a;</FromUserName></xml>',
        "<xml><Content>no sender</Content></xml>",
    ],
)
async def test_malformed_xml_gets_400_not_a_crash(h: Harness, body: str) -> None:
    assert await h.client.post(h.session, body) == (400, "bad request")
    assert h.assistant.seen == []


async def test_undecryptable_safe_mode_body_gets_400(h: Harness) -> None:
    params = h.client.query()
    junk = "bm90IGEgcmVhbCBjaXBoZXJ0ZXh0"
    params.update(
        encrypt_type="aes", msg_signature=sign(TOKEN, params["timestamp"], params["nonce"], junk)
    )
    body = f"<xml><Encrypt><![CDATA[{junk}]]></Encrypt></xml>"
    assert await h.client.post(h.session, body, query=params) == (400, "bad request")


async def test_oversized_body_rejected(h: Harness) -> None:
    huge = text_xml(USER, "大" * 20000, "8001")
    status, _ = await h.client.post(h.session, huge)
    assert status == 413
    assert h.assistant.seen == []


async def test_oversized_chunked_body_rejected(h: Harness) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(40):
            yield b"<xml>" + b"x" * 1024

    url = h.client.base_url + "/wechat"
    async with h.session.post(url, params=h.client.query(), data=chunks()) as resp:
        assert resp.status == 413
    assert h.assistant.seen == []


@pytest.mark.parametrize("kind", ["image", "voice", "location", "video", "link", "weird"])
async def test_unknown_kinds_get_polite_text(h: Harness, kind: str) -> None:
    status, body = await h.client.post(h.session, media_xml(USER, kind, f"9{len(kind)}"))
    assert status == 200
    assert "文字" in parse_xml(body)["Content"]
    assert h.assistant.seen[-1].kind == "unsupported"


async def test_assistant_crash_gives_friendly_text_without_detail(h: Harness) -> None:
    _status, body = await h.client.post(h.session, text_xml(USER, "boom", "9901"))
    content = parse_xml(body)["Content"]
    assert "稍后再试" in content and "secret" not in content and "Error" not in content


async def test_database_outage_asks_wechat_to_retry(h: Harness) -> None:
    real = h.store.begin_message

    def broken(*args: object, **kwargs: object) -> object:
        raise OperationalError("begin", {}, Exception("database is locked"))

    h.store.begin_message = broken  # type: ignore[method-assign]
    status, body = await h.client.post(h.session, text_xml(USER, "在吗", "9950"))
    assert (status, body) == (503, "busy")
    h.store.begin_message = real  # type: ignore[method-assign]
    status, body = await h.client.post(h.session, text_xml(USER, "在吗", "9950"))  # the retry
    assert status == 200 and parse_xml(body)["Content"] == "收到：在吗"


async def test_voice_with_recognition_is_treated_as_text(h: Harness) -> None:
    xml = (
        f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{USER}]]>"
        "</FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[voice]]></MsgType>"
        "<MediaId><![CDATA[m]]></MediaId><Format><![CDATA[amr]]></Format>"
        "<Recognition><![CDATA[积分怎么算]]></Recognition><MsgId>9902</MsgId></xml>"
    )
    _status, body = await h.client.post(h.session, xml)
    assert parse_xml(body)["Content"] == "收到：积分怎么算"
