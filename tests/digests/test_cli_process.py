"""Real processes: `innobot digest run` killed mid fan-out, restarted; two processes on one database."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.subscriptions.types import SubscriptionDraft
from bot.storage import Database
from bot.storage.deliveries import SqlDeliveryLog
from bot.storage.subscriptions import SqlSubscriptionStore
from tests.fakes.processes import child_env

SH = ZoneInfo("Asia/Shanghai")
INNOBOT = str(Path(sys.executable).parent / "innobot")
AT = "2026-11-23T09:00+08:00"

pytestmark = pytest.mark.slow


def _env(tmp_path: Path, database: Database) -> dict[str, str]:
    return child_env(tmp_path, INNOBOT_DATABASE_URL=database.url, INNOBOT_LOG_LEVEL="WARNING")


def _setup(tmp_path: Path, database: Database, users: int) -> Path:
    store = SqlSubscriptionStore(database)
    created = datetime(2026, 11, 16, 10, 0, tzinfo=SH)
    draft = SubscriptionDraft(
        topics=("积分贷",), regions=("成都",), frequency="weekly", weekday=0, hour=9
    )
    store.add_many([(draft, f"console:u{i}", "console", f"u{i}") for i in range(users)], at=created)
    articles = tmp_path / "articles.jsonl"
    rows = [
        {
            "doc_id": f"d{i}",
            "title": f"成都积分贷第{i}期",
            "source": "科技情报参考",
            "date": "2026-11",
            "text": f"成都推出积分贷新举措第{i}项。企业可凭创新积分申请贷款。",
            "ingested_at": f"2026-11-2{i % 3}T08:00:00+08:00",
        }
        for i in range(5)
    ]
    articles.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    return articles


def _argv(articles: Path, outbox: Path, *extra: str) -> list[str]:
    """`innobot digest run` at AT, JSON report, unthrottled, writing to outbox."""
    return [
        INNOBOT,
        "digest",
        "run",
        "--at",
        AT,
        "--json",
        "--outbox",
        str(outbox),
        "--articles",
        str(articles),
        "--rate",
        "0",
        *extra,
    ]


def _run(
    tmp_path: Path, database: Database, articles: Path, outbox: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _argv(articles, outbox, *extra),
        env=_env(tmp_path, database),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _outbox_users(*paths: Path) -> Counter[str]:
    users: Counter[str] = Counter()
    for path in paths:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                users[json.loads(line)["user_id"]] += 1
    return users


def _kill_after(proc: subprocess.Popen[str], outbox: Path, sends: int) -> None:
    """SIGKILL the run once the outbox holds `sends` lines (from outside, as an operator would)."""
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and sum(_outbox_users(outbox).values()) < sends:
        if proc.poll() is not None:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def test_kill_9_mid_fan_out_then_restart_delivers_the_rest_and_repeats_nothing(
    tmp_path: Path, database: Database
) -> None:
    articles = _setup(tmp_path, database, users=30)
    outbox = tmp_path / "outbox.jsonl"
    proc = subprocess.Popen(
        _argv(articles, outbox, "--send-delay", "0.05", "--concurrency", "1"),
        env=_env(tmp_path, database),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    _kill_after(proc, outbox, 7)
    assert proc.returncode == -signal.SIGKILL
    assert 7 <= sum(_outbox_users(outbox).values()) < 30

    resumed = _run(tmp_path, database, articles, outbox)
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(resumed.stdout)
    assert report["lease"] == "acquired"  # the dead process's lease was taken over at once
    assert report["recovered_uncertain"] <= 1  # at most the one send in flight (--concurrency 1)
    settled = report["confirmed_after_crash"] + report["resent_after_crash"]
    assert settled == report["recovered_uncertain"] and report["uncertain"] == 0
    users = _outbox_users(outbox)
    assert len(users) == 30 and max(users.values()) == 1

    again = json.loads(_run(tmp_path, database, articles, outbox).stdout)
    assert again["delivered"] == 0 and again["due"] == 0
    assert sum(_outbox_users(outbox).values()) == 30
    states = Counter(str(r["status"]) for r in SqlDeliveryLog(database).rows())
    assert states == {"delivered": 30}


def test_two_processes_sharing_one_database_never_both_send(
    tmp_path: Path, database: Database
) -> None:
    articles = _setup(tmp_path, database, users=40)
    outs = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    env = _env(tmp_path, database)
    procs = [
        subprocess.Popen(
            _argv(articles, out, "--send-delay", "0.05", "--concurrency", "1"),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for out in outs
    ]
    reports = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
        reports.append(json.loads(stdout))
    users = _outbox_users(*outs)
    assert len(users) == 40 and max(users.values()) == 1
    assert sum(r["delivered"] for r in reports) == 40
    # Either the runs overlapped (one backed off on the lease) or ran one after the other.
    assert any(r["lease"] == "held_by_other" or r["delivered"] == 0 for r in reports)


def test_external_kill_9_at_an_arbitrary_point_never_duplicates_nor_loses(
    tmp_path: Path, database: Database
) -> None:
    """Killed from outside while four sends are in flight: the next run settles each interrupted
    row from the outbox's own record — no one gets the period twice, everyone gets it once."""
    articles = _setup(tmp_path, database, users=25)
    outbox = tmp_path / "outbox.jsonl"
    proc = subprocess.Popen(
        _argv(articles, outbox, "--send-delay", "0.3"),
        env=_env(tmp_path, database),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    _kill_after(proc, outbox, 6)
    first = sum(_outbox_users(outbox).values())
    assert 6 <= first < 25

    resumed = _run(tmp_path, database, articles, outbox)
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(resumed.stdout)
    users = _outbox_users(outbox)
    assert len(users) == 25 and max(users.values()) == 1
    assert report["recovered_uncertain"] <= 4  # at most the sends in flight (--concurrency 4)
    assert report["uncertain"] == 0
    states = Counter(str(r["status"]) for r in SqlDeliveryLog(database).rows())
    assert states == {"delivered": 25}
