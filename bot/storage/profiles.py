"""Firm profiles (企业档案): one JSON record per user; figures are business data, never logged."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select

from bot.core.firm.record import FirmRecord
from bot.storage.db import Database
from bot.storage.schema import firm_profiles
from bot.storage.upsert import upsert

__all__ = ["SqlProfileStore"]


class SqlProfileStore:
    """The ProfileStore port over the shared database; also Forgettable for /forget."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine
        self._save = upsert(
            database.dialect, firm_profiles, key=("user_key",), update=("data", "updated_at")
        )

    def load(self, user_key: str) -> FirmRecord | None:
        """The user's firm, or None when none was saved."""
        with self._engine.connect() as conn:
            row = conn.execute(
                select(firm_profiles.c.data).where(firm_profiles.c.user_key == user_key)
            ).first()
        return None if row is None else FirmRecord.from_json(row[0])

    def save(self, user_key: str, record: FirmRecord) -> None:
        """Insert or replace the user's firm."""
        values = {"user_key": user_key, "data": record.to_json(), "updated_at": datetime.now(UTC)}
        with self._engine.begin() as conn:
            conn.execute(self._save, values)

    def forget_user(self, user_key: str) -> int:
        """Delete the user's firm; returns 1 when there was one."""
        with self._engine.begin() as conn:
            result = conn.execute(delete(firm_profiles).where(firm_profiles.c.user_key == user_key))
        return int(result.rowcount or 0)
