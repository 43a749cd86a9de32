"""Digest crash run: `innobot digest run` killed with SIGKILL at random moments, then finished.

300 subscribers (by default), 15 kills while sends are in flight (4 at a time, 20 ms of channel
latency each), then one run to completion. Prints the kills, the duplicates (users who got the
period twice) and the users who never got it — both must be 0 — and how the interrupted sends
were settled. Bounded: each kill waits at most a few seconds; the whole run takes about a minute.

    .venv/bin/python bench/bench_digest_crashes.py [--subs 300] [--kills 15] [--seed 9]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.subscriptions.types import SubscriptionDraft
from bot.storage import Database
from bot.storage.deliveries import SqlDeliveryLog
from bot.storage.subscriptions import SqlSubscriptionStore

SH = ZoneInfo("Asia/Shanghai")
AT = "2026-11-23T09:00+08:00"
INNOBOT = str(Path(sys.executable).parent / "innobot")


def setup(tmp: Path, url: str, subs: int) -> Path:
    """Subscribers to one weekly topic and a few matching articles (JSON lines)."""
    db = Database(url)
    db.migrate()
    draft = SubscriptionDraft(topics=("积分贷",), frequency="weekly", weekday=0, hour=9)
    rows = [(draft, f"console:u{i}", "console", f"u{i}") for i in range(subs)]
    SqlSubscriptionStore(db).add_many(rows, at=datetime(2026, 11, 16, 10, 0, tzinfo=SH))
    db.dispose()
    articles = tmp / "articles.jsonl"
    lines = [
        json.dumps(
            {
                "doc_id": f"d{i}",
                "title": f"积分贷新举措第{i}项",
                "source": "科技情报参考",
                "date": "2026-11",
                "text": f"多地推出积分贷新举措第{i}项。企业可凭创新积分申请贷款。",
                "ingested_at": "2026-11-20T08:00:00+08:00",
            },
            ensure_ascii=False,
        )
        for i in range(3)
    ]
    articles.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return articles


def outbox_users(path: Path) -> Counter[str]:
    users: Counter[str] = Counter()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                users[json.loads(line)["user_id"]] += 1
            except ValueError:
                continue
    return users


def run_args(articles: Path, outbox: Path) -> list[str]:
    return [
        INNOBOT, "digest", "run", "--at", AT, "--json", "--outbox", str(outbox),
        "--articles", str(articles), "--rate", "0", "--send-delay", "0.02", "--concurrency", "4",
    ]


def kill_once(args: list[str], env: dict[str, str], outbox: Path, rng: random.Random) -> bool:
    """Start a run, wait for it to send, SIGKILL it at a random moment; False if it finished."""
    before = sum(outbox_users(outbox).values())
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while sum(outbox_users(outbox).values()) == before and proc.poll() is None:
        if time.monotonic() > deadline:
            break
        time.sleep(0.005)
    time.sleep(rng.uniform(0.0, 0.25))
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subs", type=int, default=300)
    parser.add_argument("--kills", type=int, default=15)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        url = f"sqlite:///{tmp}/crash.sqlite3"
        articles = setup(tmp, url, args.subs)
        outbox = tmp / "outbox.jsonl"
        env = {k: v for k, v in os.environ.items() if not k.startswith("INNOBOT_")}
        env.update(INNOBOT_DATA_DIR=str(tmp / "data"), INNOBOT_DATABASE_URL=url,
                   INNOBOT_LOG_LEVEL="ERROR")
        argv = run_args(articles, outbox)
        started = time.perf_counter()
        kills = sum(kill_once(argv, env, outbox, rng) for _ in range(args.kills))
        final = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
        reports = [json.loads(final.stdout)] if final.returncode == 0 else []
        seconds = time.perf_counter() - started
        db = Database(url)
        states = Counter(str(r["status"]) for r in SqlDeliveryLog(db).rows())
        db.dispose()
        users = outbox_users(outbox)
    duplicates = sum(1 for n in users.values() if n > 1)
    missing = args.subs - len(users)
    print(f"subscribers={args.subs} kills={kills} (asked {args.kills}) seconds={seconds:.1f}")
    print(f"duplicates (users who got the period twice): {duplicates}")
    print(f"users who never got the period's digest: {missing}")
    print(f"delivery log: {dict(states)}")
    if reports:
        last = reports[0]
        print(
            f"last run: recovered_uncertain={last['recovered_uncertain']} "
            f"confirmed={last['confirmed_after_crash']} resent={last['resent_after_crash']} "
            f"uncertain={last['uncertain']} delivered={last['delivered']}"
        )
    else:
        print(f"final run failed: {final.stderr[-500:]}")
    verdict = "OK" if duplicates == 0 and missing == 0 and reports else "FAILED"
    print(f"verdict: {verdict}")
    if verdict != "OK":
        raise SystemExit(1)


if __name__ == "__main__":
    main()
