"""Dialogue sessions (the scoring form in progress), persisted so a restart loses nothing."""

from __future__ import annotations

import json
import threading
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.core.ports import SessionRecord
from bot.storage.db import Database
from bot.storage.schema import dialogue_sessions

__all__ = ["SessionRecord", "SessionStore"]

# Built once: every dialogue step loads and saves its session, and building a statement costs
# more CPU than SQLite takes to run it.
_LOAD = select(dialogue_sessions).where(dialogue_sessions.c.user_key == bindparam("b_user"))
_UPDATE = (
    update(dialogue_sessions)
    .where(dialogue_sessions.c.user_key == bindparam("b_user"))
    .values(
        kind=bindparam("b_kind"),
        state=bindparam("b_state"),
        version=dialogue_sessions.c.version + 1,
        updated_at=bindparam("b_now"),
    )
)


class SessionStore:
    """The core's DialogueSessions port over the shared database; also Forgettable for /forget."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine
        # SQLite has one writer: queueing our writers on a lock is far cheaper than letting them
        # collide and back off in SQLite's busy handler (sleeps of up to 100 ms).
        self._write_lock: AbstractContextManager[Any] = (
            threading.Lock() if database.dialect == "sqlite" else nullcontext()
        )

    def load(self, user_key: str) -> SessionRecord | None:
        """The open dialogue of user_key, or None."""
        with self._engine.connect() as conn:
            row = conn.execute(_LOAD, {"b_user": user_key}).mappings().first()
        if row is None:
            return None
        return SessionRecord(kind=row["kind"], state=json.loads(row["state"]), version=row["version"])

    def save(self, user_key: str, kind: str, state: dict[str, Any]) -> None:
        """Insert or replace the user's dialogue state."""
        with self._write_lock:
            self._save(user_key, kind, state)

    def _save(self, user_key: str, kind: str, state: dict[str, Any]) -> None:
        payload = json.dumps(state, ensure_ascii=False, sort_keys=True)
        now = datetime.now(UTC)
        with self._engine.begin() as conn:
            changed = conn.execute(
                _UPDATE, {"b_user": user_key, "b_kind": kind, "b_state": payload, "b_now": now}
            ).rowcount
            if changed:
                return
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    dialogue_sessions.insert().values(
                        user_key=user_key, kind=kind, state=payload, version=1, updated_at=now
                    )
                )
        except IntegrityError:  # another process inserted first: overwrite with ours
            self._save(user_key, kind, state)

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
