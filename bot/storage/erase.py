"""/forget in one transaction: every table that holds a user's key or figures, deleted together."""

from __future__ import annotations

import logging

from sqlalchemy import delete, text
from sqlalchemy.exc import SQLAlchemyError

from bot.storage.db import Database
from bot.storage.schema import (
    deliveries_table,
    dialogue_sessions,
    firm_profiles,
    open_prompts,
    subscriptions_table,
    users,
)
from bot.storage.wechat import WeChatStore

__all__ = ["UserEraser"]

log = logging.getLogger(__name__)


class UserEraser:
    """Forgettable over the shared database: profile, firm figures, dialogue, open questions, subscriptions, delivery log and
    the WeChat channel's queue, window and cached replies go in one commit or not at all."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def forget_user(self, user_key: str) -> int:
        """Delete every row about user_key; returns how many went."""
        count = 0
        with self._engine.begin() as conn:
            tables = (
                users,
                firm_profiles,
                dialogue_sessions,
                open_prompts,
                subscriptions_table,
                deliveries_table,
            )
            for table in tables:
                done = conn.execute(delete(table).where(table.c.user_key == user_key))
                count += int(done.rowcount or 0)
            channel, _, user_id = user_key.partition(":")
            if channel == "wechat" and user_id:
                count += WeChatStore.forget_in(conn, user_id)
        self._flush_wal()
        return count

    def _flush_wal(self) -> None:
        """SQLite: copy the zeroed pages into the main file and empty the write-ahead log, which
        still holds the old page images (best effort: a busy reader leaves it for later)."""
        if self._engine.dialect.name != "sqlite":
            return
        try:
            with self._engine.connect() as conn:
                conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        except SQLAlchemyError as exc:
            log.warning("wal checkpoint after /forget failed (%s)", type(exc).__name__)
