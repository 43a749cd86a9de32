"""Database handle shared by every store (SQLite default, PostgreSQL by URL)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from bot.storage.migrations import MIGRATIONS, Migration, run

__all__ = ["Database"]


class Database:
    """Owns the SQLAlchemy engine; `migrate()` brings any database to the current schema."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = create_engine(url, future=True, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    def migrate(self, steps: Sequence[Migration] = MIGRATIONS) -> list[str]:
        """Apply the numbered migrations this database has not recorded; returns their names."""
        return run(self.engine, steps)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()

    async def aclose(self) -> None:
        """dispose() off the event loop (a connection may be mid-wait on a lock)."""
        await asyncio.to_thread(self.engine.dispose)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    """WAL + busy timeout so two processes can share one SQLite file.

    synchronous=NORMAL is crash-safe under WAL (a killed process loses nothing committed);
    only an OS crash or power cut can drop the last commits.
    """
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA secure_delete=ON")  # /forget: deleted rows are zeroed, not left in free pages
    cur.close()
