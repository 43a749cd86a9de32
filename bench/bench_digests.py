"""Digest benchmark: compose for 10,000 subscribers over 1,000 new articles, then fan out.

Prints composition time (target ≤ 10 s on the 2-core machine), fan-out throughput through a
recording notifier over the real delivery log (claim + send + finish per subscription, no rate
limit, then with the default Telegram-safe 25 messages/s limit estimated), and memory.

    .venv/bin/python bench/bench_digests.py [--subs 10000] [--articles 1000] [--database-url URL]
                                            [--free-keywords 10000]   # worst case: all filters differ
    .venv/bin/python bench/bench_digests.py --crash-run [--subs 300]  # 15 kill -9s mid fan-out

The crash run (bench/bench_digest_crashes.py) prints kills, duplicates and users without their
digest; both counts must be 0.

Articles and subscriptions are generated (seeded) from the subscription vocabulary, so topics
and regions overlap the way real ones do. SQLite in a temporary directory unless a URL is given.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.digests.article_sources import StaticArticles
from bot.core.digests.fanout import DigestService, RateLimiter
from bot.core.ports import FixedClock
from bot.core.subscriptions.parser import load_vocabulary
from bot.core.subscriptions.types import Article, SubscriptionDraft
from bot.core.types import DeliveryResult, DeliveryStatus, Reply
from bot.storage import Database
from bot.storage.deliveries import SqlDeliveryLog
from bot.storage.subscriptions import SqlSubscriptionStore

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=SH)
EXTRA_KEYWORDS = [
    "人工智能",
    "新能源",
    "生物医药",
    "集成电路",
    "数字经济",
    "孵化器",
    "风险投资",
    "揭榜挂帅",
]
FILLER = [
    "会议强调要进一步优化创新生态，强化企业科技创新主体地位。",
    "相关部门将加强统筹协调，推动政策落地见效。",
    "下一步将持续完善评价体系，扩大试点范围。",
    "据统计，今年以来累计服务企业数量同比增长明显。",
    "专家认为，这一举措有助于破解科技型企业融资难题。",
]


class CountingNotifier:
    """Recording notifier that keeps only counts (a list of 10,000 digests would dominate memory)."""

    channel = "telegram"

    def __init__(self) -> None:
        self.sent = 0
        self.chars = 0

    async def send(self, user_id: str, replies: list[Reply]) -> DeliveryResult:
        self.sent += 1
        self.chars += sum(len(r.text) for r in replies)
        return DeliveryResult(DeliveryStatus.DELIVERED)


def make_articles(n: int, rng: random.Random) -> list[Article]:
    vocab = load_vocabulary()
    topics = [*vocab.topics, *EXTRA_KEYWORDS]
    regions = [*vocab.cities, *vocab.provinces]
    out = []
    for i in range(n):
        t = rng.sample(topics, 2)
        r = rng.choice(regions)
        sentences = [f"{r}围绕{t[0]}出台新举措，支持企业开展{t[1]}相关工作。"]
        sentences += rng.choices(FILLER, k=12)
        sentences.insert(
            rng.randrange(1, len(sentences)), f"其中{t[1]}方面的做法值得借鉴，{r}将持续推进。"
        )
        out.append(
            Article(
                doc_id=f"bench-{i}",
                title=f"{r}推进{t[0]}工作（第{i}号）",
                source="科技情报参考",
                date="2026-11",
                text="".join(sentences),
                ingested_at=NOW - timedelta(hours=n - i),
                regions=(r,),
                tags=(t[0],),
            )
        )
    return out


def make_subscriptions(
    n: int, rng: random.Random, free_keywords: int = 0
) -> list[tuple[SubscriptionDraft, str, str, str]]:
    vocab = load_vocabulary()
    topics = [*vocab.topics, *EXTRA_KEYWORDS]
    # Words users type themselves: two-character pieces of the article text, most never repeated.
    chars = "".join(FILLER)
    free = [chars[i : i + 2] for i in range(len(chars) - 1)]
    free = [rng.choice(free) + rng.choice(free) for _ in range(free_keywords)]
    regions = list(vocab.region_buttons) + list(vocab.provinces[:10])
    rows = []
    for i in range(n):
        picked = tuple(rng.sample(topics, rng.choice((1, 1, 2, 3))))
        if free:
            picked = (*picked[:1], free[i % len(free)])
        region = (rng.choice(regions),) if rng.random() < 0.6 else ()
        draft = SubscriptionDraft(
            topics=picked, regions=region, frequency="weekly", weekday=0, hour=9
        )
        rows.append((draft, f"telegram:{i}", "telegram", str(i)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subs", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=1_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--free-keywords",
        type=int,
        default=0,
        help="give every subscription one of N self-typed keywords (worst case: N = --subs)",
    )
    parser.add_argument(
        "--crash-run", action="store_true", help="kill -9 the fan-out 15 times, count the damage"
    )
    args = parser.parse_args()
    if args.crash_run:
        from bench.bench_digest_crashes import main as crash_main

        sys.argv = [sys.argv[0], "--subs", str(args.subs if args.subs != 10_000 else 300)]
        crash_main()
        return
    rng = random.Random(20261123)

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        db = Database(url)
        db.migrate()
        store, log = SqlSubscriptionStore(db), SqlDeliveryLog(db)
        t0 = time.perf_counter()
        store.add_many(
            make_subscriptions(args.subs, rng, args.free_keywords), at=NOW - timedelta(days=30)
        )
        articles = make_articles(args.articles, rng)
        setup_s = time.perf_counter() - t0
        notifier = CountingNotifier()
        service = DigestService(
            subscriptions=store,
            deliveries=log,
            catalog=StaticArticles(articles),
            notifiers={"telegram": notifier},
            clock=FixedClock(NOW),
            limiter=RateLimiter(per_second=None, per_chat_interval=0.0),
        )
        subs = store.list_active()
        filters = {(s.topics, s.regions) for s in subs}

        t0 = time.perf_counter()
        index, digests = service.compose_for(subs, NOW)
        compose_s = time.perf_counter() - t0
        tracemalloc.start()  # a second, traced pass: tracing slows Python down several times
        service.compose_for(subs, NOW)
        _, compose_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        non_empty = sum(1 for d in digests.values() if not d.empty)
        items = sum(len(d.items) for d in digests.values())

        t0 = time.perf_counter()
        report = asyncio.run(service.send_due(NOW))
        run_s = time.perf_counter() - t0
        fan_out_rate = notifier.sent / report.send_seconds if report.send_seconds else float("inf")
        db.dispose()

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    backend = url.split(":", 1)[0]
    print(
        f"subscriptions={args.subs} articles={args.articles} distinct_filters={len(filters)} backend={backend}"
    )
    print(f"setup (generate + bulk insert): {setup_s:.2f} s")
    verdict = "OK" if compose_s <= 10 else "OVER TARGET"
    print(
        f"compose all digests: {compose_s:.2f} s  (target <= 10 s: {verdict}); "
        f"{non_empty} non-empty, {items} items, index over {len(index)} articles"
    )
    print(f"compose peak traced memory (index + 10k digests): {compose_peak / 2**20:.1f} MiB")
    print(
        f"send_due end to end: {run_s:.2f} s = compose {report.compose_seconds:.2f} s + "
        f"fan-out {report.send_seconds:.2f} s; delivered={report.delivered} empty={report.empty}"
    )
    print(f"fan-out throughput (claim + send + finish, unthrottled): {fan_out_rate:.0f} digests/s")
    print(
        f"same fan-out at the default 25 messages/s Telegram-safe limit: "
        f"{report.delivered / 25 / 60:.1f} min"
    )
    print(f"peak RSS: {rss_mb:.0f} MiB")


if __name__ == "__main__":
    main()
