"""Open follow-up questions (bot.core.pending's PromptStore) in the shared database, so the answer
to "哪一个？" still lands after a restart or on another worker process."""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, select

from bot.core.pending import Pending
from bot.storage.db import Database
from bot.storage.schema import open_prompts
from bot.storage.upsert import upsert

__all__ = ["SqlPromptStore"]

_ONE = and_(
    open_prompts.c.user_key == bindparam("b_user"), open_prompts.c.scope == bindparam("b_scope")
)
_GET = select(open_prompts.c.kind, open_prompts.c.data, open_prompts.c.expires_at).where(_ONE)
_DELETE = delete(open_prompts).where(_ONE)
_LAPSED = delete(open_prompts).where(open_prompts.c.expires_at < bindparam("b_now"))


class SqlPromptStore:
    """PromptStore over the shared database; UserEraser deletes its rows on /forget as well."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine
        # SQLite has one writer: our writers queue on a lock instead of SQLite's busy handler.
        self._write_lock: AbstractContextManager[Any] = (
            threading.Lock() if database.dialect == "sqlite" else nullcontext()
        )
        self._put = upsert(
            database.dialect,
            open_prompts,
            key=("user_key", "scope"),
            update=("kind", "data", "expires_at"),
        )

    def put(self, user_key: str, scope: str, prompt: Pending, now: datetime) -> None:
        """Replace the user's open question of that scope; questions lapsed before now go."""
        values = {
            "user_key": user_key,
            "scope": scope,
            "kind": prompt.kind,
            "data": prompt.data,
            "expires_at": prompt.expires,
        }
        with self._write_lock, self._engine.begin() as conn:
            conn.execute(_LAPSED, {"b_now": now})
            conn.execute(self._put, values)

    def get(self, user_key: str, scope: str) -> Pending | None:
        """The stored question, lapsed or not."""
        with self._engine.connect() as conn:
            row = conn.execute(_GET, {"b_user": user_key, "b_scope": scope}).first()
        return None if row is None else Pending(row.kind, row.data, row.expires_at)

    def delete(self, user_key: str, scope: str) -> None:
        """The question is answered or dropped."""
        with self._write_lock, self._engine.begin() as conn:
            conn.execute(_DELETE, {"b_user": user_key, "b_scope": scope})

    def forget_user(self, user_key: str) -> int:
        """/forget: every open question of the user; returns how many went."""
        with self._write_lock, self._engine.begin() as conn:
            done = conn.execute(delete(open_prompts).where(open_prompts.c.user_key == user_key))
        return int(done.rowcount or 0)
