"""Latency of the follow-up path: "差在哪" answered from the saved profile and the last check.

Each of N users gets a profile and a finished check (高企, 科小 or 积分) first; then every user
asks "差在哪" (and "怎么提高", "研发人员还要招几个") R times. Prints p50/p95 per question, warm
(the first round per process is discarded). Target: "差在哪" p95 ≤ 50 ms.

    .venv/bin/python bench/bench_followup.py [--users 20] [--rounds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.benchutil import percentile
from bot.core.assistant import CoreAssistant
from bot.core.estimate.library import LibraryScoring
from bot.core.types import Incoming
from bot.storage import Database
from bot.storage.profiles import SqlProfileStore
from bot.storage.sessions import SessionStore
from bot.storage.users import UserStore

OPENINGS = [
    ("能认定高企吗", "营收3000万，研发投入100万，研发人员6人，职工120人，发明专利1件"),
    ("能评上科小吗", "职工60人，营收2000万，研发投入90万，研发人员8人，实用新型2件"),
    ("符合积分贷条件吗", "营收5000万，研发投入200万，研发人员20人，职工150人"),
]
QUESTIONS = ("差在哪", "怎么提高", "研发人员还要招几个")


async def _main(users: int, rounds: int) -> int:
    with tempfile.TemporaryDirectory(prefix="innobot-bench-") as tmp:
        database = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        database.migrate()
        assistant = CoreAssistant(
            users=UserStore(database), sessions=SessionStore(database), scoring=LibraryScoring(),
            answerer=None, profiles=SqlProfileStore(database),
        )

        async def say(user: str, text: str) -> float:
            start = time.perf_counter()
            await assistant.handle(Incoming(channel="bench", user_id=user, text=text))
            return (time.perf_counter() - start) * 1000

        for i in range(users):
            for line in OPENINGS[i % len(OPENINGS)]:
                await say(f"u{i}", line)
        timings: dict[str, list[float]] = {q: [] for q in QUESTIONS}
        for round_ in range(rounds + 1):
            for i in range(users):
                for question in QUESTIONS:
                    ms = await say(f"u{i}", question)
                    if round_:  # round 0 warms caches (rule files, field tables)
                        timings[question].append(ms)
        assistant.close()
        database.dispose()
    print(f"follow-up latency, {users} users × {rounds} rounds (warm, SQLite, real scoring):")
    for question, values in timings.items():
        print(f"  {question:<12} p50 {percentile(values, 50):6.1f} ms   p95 {percentile(values, 95):6.1f} ms")
    p95 = percentile(timings["差在哪"], 95)
    print(f"target 差在哪 p95 ≤ 50 ms: {'met' if p95 <= 50 else 'NOT met'} ({p95:.1f} ms)")
    return 0  # a benchmark reports; a loaded machine must not fail `make bench`


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    sys.exit(asyncio.run(_main(args.users, args.rounds)))


if __name__ == "__main__":
    main()
