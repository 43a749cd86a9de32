"""Subscriptions table and store: the source of truth the scheduler rebuilds its jobs from."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    delete,
    select,
    update,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql.elements import ColumnElement

from bot.core.subscriptions.types import Subscription, SubscriptionDraft
from bot.storage.db import Database
from bot.storage.schema import subscriptions_table

__all__ = ["SqlSubscriptionStore"]


def _row_to_subscription(row: RowMapping) -> Subscription:
    return Subscription(
        id=row["id"],
        user_key=row["user_key"],
        channel=row["channel"],
        user_id=row["user_id"],
        topics=tuple(json.loads(row["topics"])),
        regions=tuple(json.loads(row["regions"])),
        frequency=row["frequency"],
        weekday=row["weekday"],
        hour=row["hour"],
        minute=row["minute"],
        timezone=row["timezone"],
        quiet_start=row["quiet_start"],
        quiet_end=row["quiet_end"],
        notify_empty=bool(row["notify_empty"]),
        month_day=row["month_day"],
        nth=row["nth"],
        phase=int(row["phase"] or 0),
        active=bool(row["active"]),
        created_at=row["created_at"],
        not_before=row["not_before"],
    )


def _draft_values(draft: SubscriptionDraft) -> dict[str, Any]:
    """Columns a user chooses: shared by add, add_many and update so they never drift."""
    return {
        "topics": json.dumps(list(draft.topics), ensure_ascii=False),
        "regions": json.dumps(list(draft.regions), ensure_ascii=False),
        "frequency": draft.frequency,
        "weekday": draft.weekday,
        "hour": draft.hour,
        "minute": draft.minute,
        "timezone": draft.timezone,
        "quiet_start": draft.quiet_start,
        "quiet_end": draft.quiet_end,
        "notify_empty": draft.notify_empty,
        "month_day": draft.month_day,
        "nth": draft.nth,
        "phase": draft.phase,
    }


def _draft_row(
    draft: SubscriptionDraft, user_key: str, channel: str, user_id: str, at: datetime
) -> dict[str, Any]:
    """Column values of a new active subscription."""
    return {
        "user_key": user_key,
        "channel": channel,
        "user_id": user_id,
        **_draft_values(draft),
        "active": True,
        "created_at": at,
    }


class SqlSubscriptionStore:
    """Subscriptions in the shared database (SQLite or PostgreSQL)."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def add(
        self, draft: SubscriptionDraft, *, user_key: str, channel: str, user_id: str, at: datetime
    ) -> Subscription:
        """Store a new active subscription and return it with its id."""
        values = _draft_row(draft, user_key, channel, user_id, at)
        with self._engine.begin() as conn:
            result = conn.execute(subscriptions_table.insert().values(**values))
            new_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
        assert new_id is not None
        found = self.get(int(new_id))
        assert found is not None
        return found

    def add_many(self, rows: list[tuple[SubscriptionDraft, str, str, str]], *, at: datetime) -> int:
        """Bulk insert (draft, user_key, channel, user_id) rows: for imports and benchmarks."""
        payload = [_draft_row(d, key, channel, uid, at) for d, key, channel, uid in rows]
        if not payload:
            return 0
        with self._engine.begin() as conn:
            conn.execute(subscriptions_table.insert(), payload)
        return len(payload)

    def get(self, subscription_id: int) -> Subscription | None:
        """One subscription by id, active or not."""
        with self._engine.connect() as conn:
            row = (
                conn.execute(
                    select(subscriptions_table).where(subscriptions_table.c.id == subscription_id)
                )
                .mappings()
                .first()
            )
        return _row_to_subscription(row) if row else None

    def list_for_user(self, user_key: str) -> list[Subscription]:
        """The user's active subscriptions, oldest first (their /subs numbering)."""
        t = subscriptions_table
        with self._engine.connect() as conn:
            rows = (
                conn.execute(
                    select(t).where(t.c.user_key == user_key, t.c.active.is_(True)).order_by(t.c.id)
                )
                .mappings()
                .all()
            )
        return [_row_to_subscription(r) for r in rows]

    def list_active(self) -> list[Subscription]:
        """Every active subscription (start-up rebuild and fan-out)."""
        t = subscriptions_table
        with self._engine.connect() as conn:
            rows = (
                conn.execute(select(t).where(t.c.active.is_(True)).order_by(t.c.id))
                .mappings()
                .all()
            )
        return [_row_to_subscription(r) for r in rows]

    def deactivate(self, subscription_id: int, *, reason: str, at: datetime) -> bool:
        """Switch one subscription off (kept for the delivery log's history)."""
        return self._deactivate(subscriptions_table.c.id == subscription_id, reason, at) == 1

    def update(
        self, subscription_id: int, draft: SubscriptionDraft, *, not_before: datetime | None
    ) -> Subscription | None:
        """Change an active subscription in place (its id, so its /subs number, stays)."""
        t = subscriptions_table
        with self._engine.begin() as conn:
            result = conn.execute(
                update(t)
                .where(t.c.id == subscription_id, t.c.active.is_(True))
                .values(**_draft_values(draft), not_before=not_before)
            )
        return self.get(subscription_id) if result.rowcount else None

    def deactivate_user(self, user_key: str, *, reason: str, at: datetime) -> int:
        """Switch off all of a user's subscriptions (unsubscribe all, or the user blocked us)."""
        return self._deactivate(subscriptions_table.c.user_key == user_key, reason, at)

    def _deactivate(self, which: ColumnElement[bool], reason: str, at: datetime) -> int:
        """Switch off the active subscriptions matching `which`; how many were switched off."""
        t = subscriptions_table
        with self._engine.begin() as conn:
            result = conn.execute(
                update(t)
                .where(which, t.c.active.is_(True))
                .values(active=False, deactivated_at=at, deactivated_reason=reason[:32])
            )
        return int(result.rowcount)

    def forget_user(self, user_key: str) -> int:
        """Delete every subscription of the user (/forget)."""
        with self._engine.begin() as conn:
            result = conn.execute(
                delete(subscriptions_table).where(subscriptions_table.c.user_key == user_key)
            )
        return int(result.rowcount)
