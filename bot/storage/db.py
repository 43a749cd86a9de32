"""Database handle and schema migrations shared by every store (SQLite default, PostgreSQL by URL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import Connection, Engine

__all__ = ["metadata", "Database", "Migration", "MIGRATIONS"]

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

Migration = tuple[int, str, Callable[[Connection], None]]



def _add_schedule_columns(conn: Connection) -> None:
    """Subscriptions gain 每月/每两周 schedules and pauses (idempotent: create_all may have them)."""
    have = {c["name"] for c in inspect(conn).get_columns("subscriptions")}
    stamp = "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"
    wanted = {
        "month_day": "INTEGER",
        "nth": "INTEGER",
        "phase": "INTEGER NOT NULL DEFAULT 0",
        "not_before": stamp,
    }
    for name, ddl in wanted.items():
        if name not in have:
            conn.execute(text(f"ALTER TABLE subscriptions ADD COLUMN {name} {ddl}"))


def _wechat_messages_openid(conn: Connection) -> None:
    """Cached WeChat replies name their user, so /forget can delete them (issue 9)."""
    columns = {c["name"] for c in inspect(conn).get_columns("wechat_messages")}
    if "openid" not in columns:
        conn.execute(text("ALTER TABLE wechat_messages ADD COLUMN openid VARCHAR(128)"))
    conn.execute(
        text("CREATE INDEX IF NOT EXISTS ix_wechat_messages_openid ON wechat_messages (openid)")
    )


# Ordered schema changes after the initial `create_all`. Append, never edit an applied one.
MIGRATIONS: list[Migration] = [
    (1, "subscription schedules", _add_schedule_columns),
    (2, "wechat_messages.openid", _wechat_messages_openid),
]


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

    def migrate(self) -> None:
        """Create missing tables, then apply pending numbered migrations once each."""
        import bot.storage.tables  # noqa: F401  (registers every table on `metadata`)

        metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            done = {row[0] for row in conn.execute(schema_version.select())}
            for version, name, apply in MIGRATIONS:
                if version in done:
                    continue
                apply(conn)
                conn.execute(
                    schema_version.insert().values(
                        version=version, name=name, applied_at=datetime.now(UTC)
                    )
                )

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


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
