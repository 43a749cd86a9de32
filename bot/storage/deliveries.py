"""Delivery log (unique subscription+period key, claimed when the send starts); the fan-out lease
lives in bot.storage.leases (re-exported here)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.core.subscriptions.types import (
    MAYBE_SENT,
    ClaimedDelivery,
    DeliveryState,
    UncertainDelivery,
)
from bot.storage.db import Database
from bot.storage.leases import acquire_lease, holder_is_dead, lease_holder, release_lease
from bot.storage.schema import (
    UtcDateTime,
    deliveries_table,
    subscriptions_table,
)

__all__ = ["INTERRUPTED", "SqlDeliveryLog", "holder_is_dead"]

INTERRUPTED = "interrupted"  # detail of an uncertain row not yet settled by a later run
# Rows that older versions settled as uncertain for good: the next run settles them properly.
_LEFT_UNCERTAIN = "interrupted; channel cannot confirm"
_HANDED_OVER = (DeliveryState.DELIVERED.value, DeliveryState.DEFERRED.value)


def _new_row(
    subscription_id: int,
    user_key: str,
    period_key: str,
    state: DeliveryState,
    *,
    now: datetime,
    claimed_by: str | None = None,
) -> dict[str, object]:
    """Column values of a fresh log row; one place so claim and record_empty cannot drift apart."""
    row: dict[str, object] = {
        "subscription_id": subscription_id,
        "user_key": user_key,
        "period_key": period_key,
        "status": state.value,
        "attempts": 1 if state is DeliveryState.SENDING else 0,
        "article_count": 0,
        "detail": "",
        "created_at": now,
        "updated_at": now,
    }
    if claimed_by is not None:
        row["claimed_by"] = claimed_by
    return row


def _subscribed(conn: Connection, subscription_id: int) -> bool:
    t = subscriptions_table
    return conn.execute(select(t.c.id).where(t.c.id == subscription_id)).first() is not None


class SqlDeliveryLog:
    """The exactly-once ledger: a row per (subscription, period), inserted before any send."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    # --- lease (bot.storage.leases) -------------------------------------------------------
    def acquire_lease(self, name: str, holder: str, *, now: datetime, ttl: float) -> bool:
        """Take or renew the named lease; a live holder's unexpired lease is never taken."""
        return acquire_lease(self._engine, name, holder, now=now, ttl=ttl)

    def release_lease(self, name: str, holder: str) -> None:
        """Give the lease up early (normal end of a fan-out)."""
        release_lease(self._engine, name, holder)

    def lease_holder(self, name: str) -> str | None:
        """Who holds the lease now (expired or not), for reports."""
        return lease_holder(self._engine, name)

    # --- claims ----------------------------------------------------------------------------
    def recover_orphans(self, holder: str, *, now: datetime) -> int:
        """Rows left 'sending' by a claimant that lost the lease: mark them uncertain, never resend."""
        t = deliveries_table
        with self._engine.begin() as conn:
            result = conn.execute(
                update(t)
                .where(t.c.status == DeliveryState.SENDING.value, t.c.claimed_by != holder)
                .values(status=DeliveryState.UNCERTAIN.value, detail=INTERRUPTED, updated_at=now)
            )
        return int(result.rowcount)

    def interrupted(self) -> list[UncertainDelivery]:
        """Uncertain rows no later run has settled yet, oldest first; overtaken when a later
        period of the same subscription was handed over since (it carried their articles)."""
        t = deliveries_table
        later = t.alias("later")
        overtaken = (
            select(later.c.id)
            .where(later.c.subscription_id == t.c.subscription_id, later.c.id > t.c.id,
                   later.c.status.in_(_HANDED_OVER))
            .exists()
        )
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(t.c.id, t.c.subscription_id, t.c.user_key, t.c.period_key, overtaken)
                .where(t.c.status == DeliveryState.UNCERTAIN.value,
                       t.c.detail.in_([INTERRUPTED, _LEFT_UNCERTAIN]))
                .order_by(t.c.id)
            ).all()
        return [UncertainDelivery(int(r[0]), int(r[1]), str(r[2]), str(r[3]), bool(r[4])) for r in rows]

    def settle_interrupted(
        self, delivery_id: int, outcome: DeliveryState, *, now: datetime, detail: str
    ) -> None:
        """Settle an interrupted send: delivered (the channel has it: the watermark its claim
        recorded now counts), retry (due at once; MAYBE_SENT when nobody can tell) or empty
        (a later digest carried its articles)."""
        t = deliveries_table
        values: dict[str, object] = {"status": outcome.value, "detail": detail, "updated_at": now}
        if outcome is DeliveryState.DELIVERED:
            values["sent_at"] = now
        if outcome is DeliveryState.RETRY:
            values["next_attempt_at"] = now
        with self._engine.begin() as conn:
            conn.execute(
                update(t)
                .where(
                    t.c.id == delivery_id,
                    t.c.status == DeliveryState.UNCERTAIN.value,
                    t.c.detail.in_([INTERRUPTED, _LEFT_UNCERTAIN]),
                )
                .values(**values)
            )

    def existing(self, period_keys: set[str]) -> set[tuple[int, str]]:
        """(subscription_id, period_key) pairs already in the log for these periods."""
        if not period_keys:
            return set()
        t = deliveries_table
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(t.c.subscription_id, t.c.period_key).where(
                    t.c.period_key.in_(sorted(period_keys))
                )
            ).all()
        return {(int(r[0]), str(r[1])) for r in rows}

    def watermarks(self) -> dict[int, datetime]:
        """Per subscription, the newest article handed to its channel (the next digest starts after it)."""
        t = deliveries_table
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(t.c.subscription_id, func.max(t.c.watermark_to))
                .where(
                    t.c.status.in_([DeliveryState.DELIVERED.value, DeliveryState.DEFERRED.value]),
                    t.c.watermark_to.is_not(None),
                )
                .group_by(t.c.subscription_id)
            ).all()
        out: dict[int, datetime] = {}
        for sub_id, mark in rows:
            value = UtcDateTime().process_result_value(mark, self._engine.dialect)
            if value is not None:
                out[int(sub_id)] = value
        return out

    def claim(
        self, subscription_id: int, user_key: str, period_key: str, *, holder: str, now: datetime,
        article_count: int = 0, watermark_to: datetime | None = None,
    ) -> ClaimedDelivery | None:
        """Insert the row in state 'sending'; None when the period is already taken (by anyone).

        article_count / watermark_to: what the send hands over, kept on the row so a send a
        crash cut off and the channel later confirms still advances the watermark."""
        try:
            with self._engine.begin() as conn:
                if not _subscribed(conn, subscription_id):  # forgotten during the fan-out
                    return None
                row = _new_row(
                    subscription_id, user_key, period_key, DeliveryState.SENDING, now=now,
                    claimed_by=holder,
                )
                row.update(article_count=article_count, watermark_to=watermark_to)
                result = conn.execute(insert(deliveries_table).values(row))
                new_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
        except IntegrityError:
            return None
        assert new_id is not None
        return ClaimedDelivery(int(new_id), subscription_id, period_key, 1)

    def record_empty(
        self, subscription_id: int, user_key: str, period_key: str, *, now: datetime
    ) -> bool:
        """Close a period that had nothing to send; False if the period was already in the log."""
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    insert(deliveries_table).values(
                        _new_row(
                            subscription_id, user_key, period_key, DeliveryState.EMPTY, now=now
                        )
                    )
                )
        except IntegrityError:
            return False
        return True

    def record_empty_many(self, rows: list[tuple[int, str, str]], *, now: datetime) -> int:
        """record_empty for many (subscription_id, user_key, period_key) in one transaction."""
        if not rows:
            return 0
        keys = {p for _, _, p in rows}
        try:
            return self._insert_empty(rows, keys, now)
        except IntegrityError:  # another writer got some of them first: fall back row by row
            return sum(self.record_empty(sid, key, period, now=now) for sid, key, period in rows)

    def _insert_empty(self, rows: list[tuple[int, str, str]], keys: set[str], now: datetime) -> int:
        t = deliveries_table
        with self._engine.begin() as conn:
            taken = {
                (int(a), str(b))
                for a, b in conn.execute(
                    select(t.c.subscription_id, t.c.period_key).where(
                        t.c.period_key.in_(sorted(keys))
                    )
                ).all()
            }
            fresh = [r for r in rows if (r[0], r[2]) not in taken]
            if fresh:
                conn.execute(
                    insert(t),
                    [
                        _new_row(sid, key, period, DeliveryState.EMPTY, now=now)
                        for sid, key, period in fresh
                    ],
                )
        return len(fresh)

    def due_retries(self, *, now: datetime) -> list[ClaimedDelivery]:
        """Retryable rows whose backoff has elapsed (not yet claimed: see claim_retry)."""
        t = deliveries_table
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(t.c.id, t.c.subscription_id, t.c.period_key, t.c.attempts, t.c.detail)
                .where(t.c.status == DeliveryState.RETRY.value, t.c.next_attempt_at <= now)
                .order_by(t.c.id)
            ).all()
        return [ClaimedDelivery(int(r[0]), int(r[1]), str(r[2]), int(r[3]), r[4] == MAYBE_SENT) for r in rows]

    def claim_retry(
        self, row: ClaimedDelivery, *, holder: str, now: datetime,
        article_count: int = 0, watermark_to: datetime | None = None,
    ) -> ClaimedDelivery | None:
        """Compare-and-set one retry row to 'sending' right before resending it; None if taken.
        article_count / watermark_to: as for claim."""
        t = deliveries_table
        with self._engine.begin() as conn:
            result = conn.execute(
                update(t)
                .where(
                    t.c.id == row.id,
                    t.c.status == DeliveryState.RETRY.value,
                    t.c.attempts == row.attempts,
                )
                .values(
                    status=DeliveryState.SENDING.value,
                    claimed_by=holder,
                    attempts=row.attempts + 1,
                    updated_at=now,
                    article_count=article_count,
                    watermark_to=watermark_to,
                )
            )
        if result.rowcount != 1:
            return None
        return ClaimedDelivery(row.id, row.subscription_id, row.period_key, row.attempts + 1, row.maybe_sent)

    def finish(
        self,
        delivery_id: int,
        state: DeliveryState,
        *,
        now: datetime,
        article_count: int = 0,
        watermark_to: datetime | None = None,
        next_attempt_at: datetime | None = None,
        attempts: int | None = None,
        detail: str = "",
    ) -> None:
        """Record how a claimed send ended (the row keeps its unique key, so it is never re-claimed)."""
        values: dict[str, object] = {
            "status": state.value,
            "article_count": article_count,
            "watermark_to": watermark_to,
            "next_attempt_at": next_attempt_at,
            "detail": detail[:200],
            "updated_at": now,
        }
        if attempts is not None:
            values["attempts"] = attempts
        if state is DeliveryState.DELIVERED:
            values["sent_at"] = now
        with self._engine.begin() as conn:
            conn.execute(
                update(deliveries_table)
                .where(deliveries_table.c.id == delivery_id)
                .values(**values)
            )

    def last_message_at(self, subscription_id: int) -> datetime | None:
        """When this subscription last got a message (digest or notice)."""
        t = deliveries_table
        with self._engine.connect() as conn:
            value = conn.execute(
                select(func.max(t.c.sent_at)).where(
                    t.c.subscription_id == subscription_id,
                    t.c.status == DeliveryState.DELIVERED.value,
                )
            ).scalar()
        return UtcDateTime().process_result_value(value, self._engine.dialect)

    def rows(self, subscription_id: int | None = None) -> list[dict[str, object]]:
        """Raw log rows (operators' view and tests)."""
        t = deliveries_table
        query = select(t).order_by(t.c.id)
        if subscription_id is not None:
            query = query.where(t.c.subscription_id == subscription_id)
        with self._engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings().all()]

    def forget_user(self, user_key: str) -> int:
        """Delete the user's delivery history (/forget)."""
        with self._engine.begin() as conn:
            result = conn.execute(
                delete(deliveries_table).where(deliveries_table.c.user_key == user_key)
            )
        return int(result.rowcount)
