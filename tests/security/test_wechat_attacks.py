"""Issue 9, items 1 and 6: every WeChat attack of the probe, replayed against the real server.

Forged plaintext in safe mode, replayed signatures with another body, exact replays, lenient
timestamps, non-ASCII signatures, GBK-declared XML — each refused with a 4xx, never processed,
never a 500 and never a traceback in the log.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from bot.channels.wechat.crypto import sign
from bot.channels.wechat.xml import parse_xml
from bot.storage import Database
from tests.fakes.wechat import EchoAssistant, text_xml
from tests.security.conftest import TOKEN

VICTIM = "o_victim"


def _forget_xml(msg_id: str) -> str:
    return text_xml(VICTIM, "/forget", msg_id)


def _signed(timestamp: str, nonce: str = "4242") -> dict[str, str]:
    """Parameters signed with the real token over exactly these strings."""
    return {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_safe_mode_refuses_every_plaintext_post_with_a_seen_query(
    serve: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Attack 1: 50 plaintext `/forget` posts as o_victim under valid outer signatures."""
    assistant = EchoAssistant()
    async with serve("safe", assistant) as s:
        refused = 0
        for i in range(50):
            status, _ = await s.client.post(s.session, _forget_xml(f"90{i}"))
            refused += status == 403
        assert refused == 50
        assert assistant.seen == []
        status, body = await s.client.post(s.session, text_xml("o_real", "你好", "1"), encrypted=True)
        assert status == 200 and parse_xml(body)["Content"] == "收到：你好"
    _no_tracebacks(caplog)


async def test_safe_mode_refuses_aes_posts_without_a_valid_msg_signature(serve: Any) -> None:
    async with serve("safe") as s:
        params = s.client.query()
        cipher = s.client.crypto.encrypt(_forget_xml("77"))
        body = f"<xml><Encrypt><![CDATA[{cipher}]]></Encrypt></xml>"
        no_sig = {**params, "encrypt_type": "aes"}
        assert (await s.raw(no_sig, body))[0] == 400
        wrong = {**s.client.query(), "encrypt_type": "aes", "msg_signature": "0" * 40}
        assert (await s.raw(wrong, body))[0] == 403
        assert s.webhook.assistant.seen == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("mode", ["plain", "compat"])
async def test_a_seen_query_string_with_another_body_is_refused(
    serve: Any, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Attack 1 in plaintext / compatible mode: the genuine post consumed the (nonce, timestamp);
    15 forged bodies under the same query string are all refused."""
    assistant = EchoAssistant()
    async with serve(mode, assistant) as s:
        params = s.client.query()
        genuine = await s.raw(params, text_xml("o_real", "积分贷", "500"))
        assert genuine[0] == 200
        refused = 0
        for i in range(15):
            refused += (await s.raw(params, _forget_xml(f"60{i}")))[0] == 403
        assert refused == 15
        assert [m.text for m in assistant.seen] == ["积分贷"]
    _no_tracebacks(caplog)


async def test_exact_replay_is_answered_from_the_cache_and_processed_once(serve: Any) -> None:
    assistant = EchoAssistant()
    async with serve("safe", assistant) as s:
        params = s.client.query()
        xml = text_xml("o_real", "同一条", "700")
        cipher, msg_sig = s.client.crypto.encrypt_message(xml, params["timestamp"], params["nonce"])
        query = {**params, "encrypt_type": "aes", "msg_signature": msg_sig}
        body = f"<xml><Encrypt><![CDATA[{cipher}]]></Encrypt></xml>"
        answers = [await s.raw(query, body) for _ in range(4)]
        assert {status for status, _ in answers} == {200}
        contents = set()
        for _, envelope in answers:
            f = parse_xml(envelope)
            plain = s.client.crypto.decrypt_message(
                f["Encrypt"], f["MsgSignature"], f["TimeStamp"], f["Nonce"]
            )
            contents.add(parse_xml(plain)["Content"])
        assert contents == {"收到：同一条"}
        assert len(assistant.seen) == 1


async def test_the_replay_table_is_shared_by_processes(
    serve: Any, sqlite_database: Database
) -> None:
    """Two servers on one database (two processes behind a load balancer)."""
    async with serve("plain", database=sqlite_database) as a, serve(
        "plain", database=sqlite_database
    ) as b:
        params = a.client.query()
        assert (await a.raw(params, text_xml("o_real", "hi", "800")))[0] == 200
        assert (await b.raw(params, _forget_xml("801")))[0] == 403
        assert b.webhook.assistant.seen == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "timestamp_of",
    [
        lambda ts: " " + ts,
        lambda ts: "+" + ts,
        lambda ts: ts.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        lambda ts: ts[0] + "_" + ts[1:],
        lambda ts: ts + " ",
        lambda ts: "-" + ts,
        lambda ts: "1" * 40,
    ],
    ids=["space", "plus", "fullwidth", "underscore", "trailing", "minus", "huge"],
)
async def test_lenient_timestamps_are_refused_even_when_signed(
    serve: Any, timestamp_of: Any, caplog: pytest.LogCaptureFixture
) -> None:
    async with serve("plain") as s:
        params = _signed(timestamp_of(str(int(time.time()))))
        status, _ = await s.raw(params, text_xml("o_real", "hi", "900"))
        assert status == 400
        async with s.session.get(s.url, params={**params, "echostr": "x"}) as resp:
            assert resp.status == 400
        assert s.webhook.assistant.seen == []  # type: ignore[attr-defined]
    _no_tracebacks(caplog)


@pytest.mark.parametrize(
    "tamper",
    [
        {"signature": "签名" * 20},
        {"signature": "é" * 40},
        {"msg_signature": "签" * 40, "encrypt_type": "aes"},
        {"nonce": "随机"},
        {"encrypt_type": "ａｅｓ"},
        {"encrypt_type": "des"},
        {"echostr": "回显"},
    ],
)
async def test_non_ascii_or_unknown_parameters_get_400_not_500(
    serve: Any, tamper: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    async with serve("compat") as s:
        params = {**s.client.query(), **tamper}
        status, _ = await s.raw(params, text_xml("o_real", "hi", "901"))
        assert status == 400
        async with s.session.get(s.url, params=params) as resp:
            assert resp.status == 400
    _no_tracebacks(caplog)


async def test_repeated_parameters_are_refused(serve: Any) -> None:
    async with serve("plain") as s:
        good = s.client.query()
        url = f"{s.url}?signature={good['signature']}&timestamp={good['timestamp']}"
        url += f"&timestamp={good['timestamp']}&nonce={good['nonce']}"
        async with s.session.post(url, data=text_xml("o_real", "hi", "902")) as resp:
            assert resp.status == 400


@pytest.mark.parametrize("mode", ["plain", "safe"])
async def test_signed_xml_declaring_gbk_is_handled_without_500(
    serve: Any, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    xml = '<?xml version="1.0" encoding="gbk"?>' + text_xml("o_real", "你好", "903")
    async with serve(mode) as s:
        if mode == "plain":
            status, _ = await s.client.post(s.session, xml.encode("gbk"))
            assert status == 400  # not UTF-8 as WeChat sends: refused, not crashed
        else:
            status, body = await s.client.post(s.session, xml, encrypted=True)
            assert status == 200 and "收到：你好" in body  # decrypted text: encoding is moot
    _no_tracebacks(caplog)


async def test_stale_or_missing_parameters_are_refused(serve: Any) -> None:
    async with serve("plain") as s:
        xml = text_xml("o_real", "hi", "904")
        assert (await s.raw({}, xml))[0] == 400
        stale = s.client.query(timestamp=int(time.time()) - 301)
        assert (await s.raw(stale, xml))[0] == 403
        forged = {**s.client.query(), "signature": "0" * 40}
        assert (await s.raw(forged, xml))[0] == 403
