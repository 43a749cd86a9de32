"""Read-only numbers for the administrator's page: subscribers by channel, the latest deliveries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from bot.storage.db import Database
from bot.storage.schema import deliveries_table, subscriptions_table

__all__ = ["DeliveryRow", "SqlAdminStats"]


@dataclass(frozen=True)
class DeliveryRow:
    """One delivery as an operator sees it: when, which channel, how it ended (no user, no text)."""

    at: str
    channel: str
    status: str
    articles: int
    detail: str


class SqlAdminStats:
    """Counts and log lines straight from the subscription and delivery tables."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def subscriber_counts(self) -> dict[str, int]:
        """Active subscriptions per channel."""
        t = subscriptions_table
        query = select(t.c.channel, func.count()).where(t.c.active.is_(True)).group_by(t.c.channel)
        with self._engine.connect() as conn:
            return {str(channel): int(count) for channel, count in conn.execute(query).all()}

    def recent_deliveries(self, limit: int) -> list[DeliveryRow]:
        """The latest `limit` deliveries, newest first."""
        t = deliveries_table
        query = select(t).order_by(t.c.id.desc()).limit(limit)
        with self._engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            DeliveryRow(
                at=(r["sent_at"] or r["updated_at"]).isoformat(timespec="minutes"),
                channel=str(r["user_key"]).partition(":")[0],
                status=str(r["status"]),
                articles=int(r["article_count"] or 0),
                detail=str(r["detail"] or "")[:80],
            )
            for r in rows
        ]
