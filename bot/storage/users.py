"""User profiles (地区、行业) keyed by channel-namespaced user key; the core's policy matching reads them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.core.ports import UserProfile
from bot.storage.db import Database
from bot.storage.schema import users

__all__ = ["UserProfile", "UserStore"]


class UserStore:
    """The core's UserProfiles port over the shared database; also Forgettable for /forget."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def get(self, user_key: str) -> UserProfile | None:
        """The stored profile, or None for a user never seen."""
        with self._engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.user_key == user_key)).mappings().first()
        if row is None:
            return None
        return UserProfile(
            user_key=row["user_key"],
            channel=row["channel"],
            display_name=row["display_name"],
            region=row["region"],
            industry=row["industry"],
        )

    def ensure(self, user_key: str, channel: str, display_name: str | None = None) -> UserProfile:
        """Create the user on first contact (keeping an existing profile) and return it."""
        profile = self.get(user_key)
        if profile is None:
            now = datetime.now(UTC)
            try:
                with self._engine.begin() as conn:
                    conn.execute(
                        insert(users).values(
                            user_key=user_key,
                            channel=channel,
                            display_name=display_name,
                            created_at=now,
                            updated_at=now,
                        )
                    )
            except IntegrityError:  # a concurrent first message created it: keep theirs
                pass
            return self.get(user_key) or UserProfile(user_key, channel, display_name)
        if display_name and display_name != profile.display_name:
            with self._engine.begin() as conn:
                conn.execute(
                    update(users)
                    .where(users.c.user_key == user_key)
                    .values(display_name=display_name)
                )
            return replace(profile, display_name=display_name)
        return profile

    def update_profile(
        self, user_key: str, *, region: str | None = None, industry: str | None = None
    ) -> None:
        """Set region and/or industry (None leaves a field unchanged)."""
        values: dict[str, object] = {"updated_at": datetime.now(UTC)}
        if region is not None:
            values["region"] = region
        if industry is not None:
            values["industry"] = industry
        with self._engine.begin() as conn:
            conn.execute(update(users).where(users.c.user_key == user_key).values(**values))

    def forget_user(self, user_key: str) -> int:
        """Delete the profile; returns 1 when there was one."""
        with self._engine.begin() as conn:
            result = conn.execute(delete(users).where(users.c.user_key == user_key))
        return int(result.rowcount or 0)
