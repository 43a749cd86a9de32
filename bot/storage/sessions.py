"""Dialogue sessions (the scoring form in progress), persisted so a restart loses nothing."""

from __future__ import annotations

import json
import threading
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, select

from bot.core.ports import SessionRecord
from bot.storage.db import Database
from bot.storage.schema import dialogue_sessions
from bot.storage.upsert import upsert

__all__ = ["SessionRecord", "SessionStore"]

# Built once: every dialogue step loads and saves its session, and building a statement costs
# more CPU than SQLite takes to run it.
_LOAD = select(dialogue_sessions).where(dialogue_sessions.c.user_key == bindparam("b_user"))


class SessionStore:
    """The core's DialogueSessions port over the shared database; also Forgettable for /forget."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine
        # SQLite has one writer: queueing our writers on a lock is far cheaper than letting them
        # collide and back off in SQLite's busy handler (sleeps of up to 100 ms).
        self._write_lock: AbstractContextManager[Any] = (
            threading.Lock() if database.dialect == "sqlite" else nullcontext()
        )
        self._save_stmt = upsert(
            database.dialect,
            dialogue_sessions,
            key=("user_key",),
            update=("kind", "state", "updated_at"),
            bump="version",
        )

    def load(self, user_key: str) -> SessionRecord | None:
        """The open dialogue of user_key, or None."""
        with self._engine.connect() as conn:
            row = conn.execute(_LOAD, {"b_user": user_key}).mappings().first()
        if row is None:
            return None
        return SessionRecord(kind=row["kind"], state=json.loads(row["state"]), version=row["version"])

    def save(self, user_key: str, kind: str, state: dict[str, Any]) -> None:
        """Insert or replace the user's dialogue state (its version counts the saves)."""
        payload = json.dumps(state, ensure_ascii=False, sort_keys=True)
        values = {
            "user_key": user_key,
            "kind": kind,
            "state": payload,
            "version": 1,
            "updated_at": datetime.now(UTC),
        }
        with self._write_lock, self._engine.begin() as conn:
            conn.execute(self._save_stmt, values)

    def delete(self, user_key: str) -> None:
        """Close the user's dialogue."""
        self.forget_user(user_key)

    def forget_user(self, user_key: str) -> int:
        """Delete the user's dialogue state; returns how many rows went."""
        with self._write_lock, self._engine.begin() as conn:
            result = conn.execute(
                delete(dialogue_sessions).where(dialogue_sessions.c.user_key == user_key)
            )
        return int(result.rowcount or 0)
