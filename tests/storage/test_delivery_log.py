"""SqlDeliveryLog (unique period key, claims, retries, lease) against SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.subscriptions.types import DeliveryState, SubscriptionDraft
from bot.storage import Database
from bot.storage.deliveries import SqlDeliveryLog, holder_is_dead
from bot.storage.subscriptions import SqlSubscriptionStore

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _subscriptions(database: Database) -> None:
    """Subscriptions 1–3 exist: a claim is refused for one deleted meanwhile (/forget)."""
    store = SqlSubscriptionStore(database)
    for i in (1, 2, 3):
        store.add(SubscriptionDraft(topics=("积分贷",)), user_key=f"telegram:{i}",
                  channel="telegram", user_id=str(i), at=NOW)


def test_no_claim_for_a_subscription_forgotten_during_the_fan_out(database: Database) -> None:
    log = SqlDeliveryLog(database)
    SqlSubscriptionStore(database).forget_user("telegram:3")
    assert log.claim(3, "telegram:3", "W2026-48", holder="a", now=NOW) is None
    assert log.rows() == []


def test_claim_is_unique_per_subscription_and_period(database: Database) -> None:
    log = SqlDeliveryLog(database)
    first = log.claim(1, "telegram:1", "W2026-48", holder="a", now=NOW)
    assert first is not None and first.attempts == 1
    assert log.claim(1, "telegram:1", "W2026-48", holder="b", now=NOW) is None
    assert log.record_empty(1, "telegram:1", "W2026-48", now=NOW) is False
    assert log.claim(1, "telegram:1", "W2026-49", holder="b", now=NOW) is not None
    assert log.claim(2, "telegram:2", "W2026-48", holder="b", now=NOW) is not None
    assert log.existing({"W2026-48"}) == {(1, "W2026-48"), (2, "W2026-48")}


def test_watermark_comes_from_delivered_rows_only(database: Database) -> None:
    log = SqlDeliveryLog(database)
    c1 = log.claim(1, "u", "D2026-11-22", holder="a", now=NOW)
    c2 = log.claim(1, "u", "D2026-11-23", holder="a", now=NOW)
    c3 = log.claim(2, "v", "D2026-11-23", holder="a", now=NOW)
    assert c1 and c2 and c3
    mark = NOW - timedelta(hours=5)
    log.finish(c1.id, DeliveryState.DELIVERED, now=NOW, watermark_to=mark, article_count=2)
    log.finish(c2.id, DeliveryState.DEFERRED, now=NOW, watermark_to=NOW)  # queued by the channel
    log.finish(
        c3.id,
        DeliveryState.RETRY,
        now=NOW,
        next_attempt_at=NOW + timedelta(minutes=1),
        watermark_to=NOW,
    )
    assert log.watermarks() == {1: NOW}
    log.finish(c2.id, DeliveryState.FAILED, now=NOW, watermark_to=NOW)
    assert log.watermarks() == {1: mark}
    assert log.last_message_at(1) == NOW
    assert log.last_message_at(2) is None


def test_retry_rows_are_claimed_once_after_backoff(database: Database) -> None:
    log = SqlDeliveryLog(database)
    c = log.claim(1, "u", "D1", holder="a", now=NOW)
    assert c is not None
    log.finish(
        c.id, DeliveryState.RETRY, now=NOW, attempts=1, next_attempt_at=NOW + timedelta(seconds=60)
    )
    assert log.due_retries(now=NOW + timedelta(seconds=59)) == []
    [row] = log.due_retries(now=NOW + timedelta(seconds=60))
    assert (row.id, row.attempts) == (c.id, 1)
    claimed = log.claim_retry(row, holder="b", now=NOW + timedelta(seconds=60))
    assert claimed is not None and claimed.attempts == 2
    assert log.claim_retry(row, holder="c", now=NOW + timedelta(seconds=60)) is None  # taken
    assert log.due_retries(now=NOW + timedelta(seconds=120)) == []


def test_orphans_of_another_holder_become_uncertain(database: Database) -> None:
    log = SqlDeliveryLog(database)
    mine = log.claim(1, "u", "D1", holder="me", now=NOW)
    theirs = log.claim(2, "v", "D1", holder="dead", now=NOW)
    assert mine and theirs
    assert log.recover_orphans("me", now=NOW) == 1
    states = {r["subscription_id"]: r["status"] for r in log.rows()}
    assert states == {1: "sending", 2: "uncertain"}


def test_lease_excludes_a_live_holder_until_expiry(database: Database) -> None:
    log = SqlDeliveryLog(database)
    assert log.acquire_lease("fan", "h1", now=NOW, ttl=60) is True
    assert log.acquire_lease("fan", "h2", now=NOW + timedelta(seconds=30), ttl=60) is False
    assert log.acquire_lease("fan", "h1", now=NOW + timedelta(seconds=30), ttl=60) is True  # renew
    assert log.acquire_lease("fan", "h2", now=NOW + timedelta(seconds=89), ttl=60) is False
    assert log.acquire_lease("fan", "h2", now=NOW + timedelta(seconds=91), ttl=60) is True
    assert log.lease_holder("fan") == "h2"
    log.release_lease("fan", "h1")  # not the holder: no effect
    assert log.lease_holder("fan") == "h2"
    log.release_lease("fan", "h2")
    assert log.acquire_lease("fan", "h3", now=NOW, ttl=60) is True


def test_lease_of_a_dead_local_process_is_taken_over(database: Database) -> None:
    import socket

    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = f"{socket.gethostname()}:{proc.stdout.strip()}:abcd"
    assert holder_is_dead(dead)
    assert not holder_is_dead(f"otherhost:{proc.stdout.strip()}:abcd")
    log = SqlDeliveryLog(database)
    assert log.acquire_lease("fan", dead, now=NOW, ttl=600) is True
    assert log.acquire_lease("fan", "me", now=NOW, ttl=600) is True


def test_forget_user_deletes_history(database: Database) -> None:
    log = SqlDeliveryLog(database)
    log.claim(1, "u", "D1", holder="a", now=NOW)
    log.claim(2, "v", "D1", holder="a", now=NOW)
    assert log.forget_user("u") == 1
    assert [r["user_key"] for r in log.rows()] == ["v"]
