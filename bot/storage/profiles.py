"""Firm profiles (企业档案): one JSON record per user; figures are business data, never logged."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.core.firm.record import FirmRecord
from bot.storage.db import Database
from bot.storage.schema import firm_profiles

__all__ = ["SqlProfileStore"]


class SqlProfileStore:
    """The ProfileStore port over the shared database; also Forgettable for /forget."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def load(self, user_key: str) -> FirmRecord | None:
        """The user's firm, or None when none was saved."""
        with self._engine.connect() as conn:
            row = conn.execute(
                select(firm_profiles.c.data).where(firm_profiles.c.user_key == user_key)
            ).first()
        return None if row is None else FirmRecord.from_json(row[0])

    def save(self, user_key: str, record: FirmRecord) -> None:
        """Insert or replace the user's firm."""
        payload, now = record.to_json(), datetime.now(UTC)
        with self._engine.begin() as conn:
            changed = conn.execute(
                update(firm_profiles)
                .where(firm_profiles.c.user_key == user_key)
                .values(data=payload, updated_at=now)
            ).rowcount
        if changed:
            return
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    firm_profiles.insert().values(user_key=user_key, data=payload, updated_at=now)
                )
        except IntegrityError:  # a concurrent first save: write ours over it
            self.save(user_key, record)

    def forget_user(self, user_key: str) -> int:
        """Delete the user's firm; returns 1 when there was one."""
        with self._engine.begin() as conn:
            result = conn.execute(delete(firm_profiles).where(firm_profiles.c.user_key == user_key))
        return int(result.rowcount or 0)
