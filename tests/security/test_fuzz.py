"""Issue 9: a bounded fuzz job — the core's handle(), the WeChat parsers and the /wechat server.

Each target prints its figures (inputs tried, failures, seconds) to the test log. Bounds:
INNOBOT_FUZZ_EXAMPLES (hypothesis message scripts for the core, default 200; the parsers get five
times as many) and INNOBOT_FUZZ_REQUESTS (HTTP requests against the server, default 1500);
together about a minute on a quiet 2-core machine. INNOBOT_FUZZ_SEED replays a server run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.wechat.crypto import WeChatCrypto, WeChatCryptoError, sign
from bot.channels.wechat.query import QueryError, parse_query
from bot.channels.wechat.xml import XmlError, parse_message, parse_xml
from bot.core.assistant import CoreAssistant
from bot.core.estimate.library import LibraryScoring
from bot.core.texts import load_texts
from bot.core.types import Incoming
from bot.storage import Database
from bot.storage.sessions import SessionStore
from bot.storage.users import UserStore
from tests.fakes.core import FakeAnswerer, FakeSearcher
from tests.fakes.wechat import text_xml
from tests.security.conftest import AES_KEY, TOKEN

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("INNOBOT_FUZZ_EXAMPLES", "200"))
REQUESTS = int(os.environ.get("INNOBOT_FUZZ_REQUESTS", "1500"))
_QUIET = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=_QUIET)
FUZZ_PARSERS = settings(max_examples=5 * EXAMPLES, deadline=None, suppress_health_check=_QUIET)


@dataclass
class Tally:
    """Inputs tried and failures of one fuzz target, printed when it ends."""

    name: str
    tried: int = 0
    failures: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def line(self) -> str:
        seconds = time.perf_counter() - self.started
        return f"fuzz {self.name}: {self.tried} inputs, {len(self.failures)} failures, {seconds:.1f} s"


@pytest.fixture
def tally(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> Iterator[Tally]:
    counter = Tally(request.node.name.removeprefix("test_fuzz_"))
    yield counter
    with capsys.disabled():
        print("\n" + counter.line())


# --- the core ----------------------------------------------------------------------------------

PIECES = [
    "营收", "研发投入", "研发人员", "职工总数", "发明专利", "净利润", "1.2", "万", "亿", "人", "件", "%",
    "一百二十", "三千二万", "跳过", "就这些", "确认", "取消", "/score", "/sme", "/hightech", "/forget",
    "/subscribe", "/subs", "/cancel", "/help", "/profile", "成都", "？", "，", "\n", "😀", "\x00",
    "\u200b", "-5", "１２０", "1e308", "9" * 320, "0.000001", "NaN", "inf", "<xml>", "]]>", "%s",
]
numbers = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
messages = st.lists(st.one_of(st.sampled_from(PIECES), numbers, st.text(max_size=12)), max_size=8)
events = st.lists(
    st.one_of(
        messages.map(lambda parts: ("text", "".join(parts))),
        st.sampled_from(["f:confirm", "f:skip", "f:done", "cmd:score", "sub:x", "x", ""]).map(
            lambda d: ("callback", d)
        ),
        st.tuples(st.binary(max_size=300), st.sampled_from(["a.csv", "b.xlsx", "c.txt"])).map(
            lambda f: ("file", f)
        ),
    ),
    min_size=1,
    max_size=6,
)


def _incoming(user: str, event: tuple[str, Any]) -> Incoming:
    kind, value = event
    if kind == "callback":
        return Incoming("telegram", user, kind="callback", callback_data=value)
    if kind == "file":
        data, name = value
        return Incoming("telegram", user, kind="file", file_bytes=data, file_name=name)
    return Incoming("wechat", user, text=value)


def test_fuzz_core_handle(sqlite_database: Database, tally: Tally) -> None:
    assistant = CoreAssistant(
        users=UserStore(sqlite_database),
        sessions=SessionStore(sqlite_database),
        scoring=LibraryScoring(),
        answerer=FakeAnswerer(),
        searcher=FakeSearcher(),
    )
    internal = load_texts().get("internal_error")

    @FUZZ
    @given(script=events)
    def check(script: list[tuple[str, Any]]) -> None:
        user = f"f{tally.tried}"

        async def run() -> None:
            for event in script:
                tally.tried += 1
                replies = await assistant.handle(_incoming(user, event))
                text = "\n".join(r.text for r in replies)
                if not replies or internal in text or "Error" in text or "Traceback" in text:
                    tally.failures.append(repr(event)[:200])
                    raise AssertionError(f"{event!r} → {text[:200]!r}")

        asyncio.run(run())

    try:
        check()
    finally:
        assistant.close()
    assert tally.failures == []


# --- the WeChat parsers --------------------------------------------------------------------------

PARAMS = ["signature", "timestamp", "nonce", "encrypt_type", "msg_signature", "echostr", "openid"]
query_values = st.one_of(
    st.text(max_size=50),
    st.sampled_from(["aes", "raw", "AES", "ａｅｓ", " 1790000000", "+1790000000", "1_790000000"]),
    st.text(alphabet="0123456789abcdef", min_size=40, max_size=40),
)
queries = st.dictionaries(
    st.one_of(st.sampled_from(PARAMS), st.text(max_size=8)),
    st.lists(query_values, min_size=1, max_size=2),
    max_size=8,
)
VALID = text_xml("o_fuzz", "你好", "1").encode()
xml_bodies = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.tuples(st.integers(0, len(VALID)), st.binary(max_size=20)).map(
        lambda cut: VALID[: cut[0]] + cut[1] + VALID[cut[0] :]
    ),
    st.sampled_from([
        b'<?xml version="1.0" encoding="gbk"?><xml><A>1</A></xml>',
        b'<?xml version="1.0" encoding="x-bogus"?><xml/>',
        b'<!DOCTYPE x [<!ENTITY a "b">]><xml>&a;</xml>',
        b"<xml>" + b"<a>" * 50 + b"</a>" * 50 + b"</xml>",
        b"\xef\xbb\xbf<xml><FromUserName>x</FromUserName><MsgType>text</MsgType></xml>",
    ]),
)


def test_fuzz_wechat_parsers(tally: Tally) -> None:
    crypto = WeChatCrypto(TOKEN, AES_KEY, "wx-test-app")

    @FUZZ_PARSERS
    @given(query=queries, body=xml_bodies, cipher=st.text(max_size=120))
    def check(query: dict[str, list[str]], body: bytes, cipher: str) -> None:
        tally.tried += 1
        with contextlib.suppress(QueryError):
            parse_query(query)
        with contextlib.suppress(XmlError):
            parse_message(parse_xml(body))
        with contextlib.suppress(WeChatCryptoError):
            crypto.decrypt_message(cipher, sign(TOKEN, "1", "2", cipher), "1", "2")

    try:
        check()
    except Exception as exc:
        tally.failures.append(repr(exc)[:200])
        raise
    assert tally.failures == []


# --- the /wechat server end to end ---------------------------------------------------------------


def _mutate(rng: random.Random, params: dict[str, str], body: str) -> tuple[list[tuple[str, str]], bytes]:
    """A signed call bent one or two ways an attacker or a broken proxy would bend it."""
    items = list(params.items())
    raw = body.encode()
    for _ in range(rng.randint(1, 2)):
        move = rng.randrange(8)
        if move == 0 and items:
            i = rng.randrange(len(items))
            key, value = items[i]
            pos = rng.randrange(len(value) + 1)
            items[i] = (key, value[:pos] + rng.choice(["０", "_", " ", "+", "é", "签", "\x00"]) + value[pos:])
        elif move == 1 and items:
            items.append(rng.choice(items))  # a repeated parameter
        elif move == 2 and items:
            items.pop(rng.randrange(len(items)))
        elif move == 3:
            items.append(("encrypt_type", rng.choice(["aes", "raw", "AES", "x"])))
        elif move == 4:
            pos = rng.randrange(len(raw) + 1)
            raw = raw[:pos] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 8))) + raw[pos:]
        elif move == 5:
            raw = raw[: rng.randrange(len(raw) + 1)]
        elif move == 6:
            raw = b'<?xml version="1.0" encoding="gbk"?>' + body.encode("gbk", "replace")
        else:
            items.append(("msg_signature", rng.choice(["0" * 40, "签" * 40, "", "g" * 40])))
    return items, raw


async def test_fuzz_wechat_server(
    serve: Any, tally: Tally, caplog: pytest.LogCaptureFixture
) -> None:
    seed = int(os.environ.get("INNOBOT_FUZZ_SEED", "0")) or random.randrange(1, 10**9)
    rng = random.Random(seed)
    tally.name = f"wechat_server (seed {seed})"
    caplog.set_level(logging.WARNING)
    async with serve("compat") as s:
        for i in range(REQUESTS):
            params = s.client.query()
            items, raw = _mutate(rng, params, text_xml(f"o_{i % 7}", "你好", str(10_000 + i)))
            tally.tried += 1
            async with s.session.post(s.url, params=items, data=raw) as resp:
                await resp.read()
                if resp.status >= 500:
                    tally.failures.append(f"{resp.status}: {items!r} {raw[:80]!r}")
        await s.webhook.aclose()
    tracebacks = [r.getMessage()[:120] for r in caplog.records if r.exc_info]
    tally.failures.extend(tracebacks)
    assert tally.failures == []
