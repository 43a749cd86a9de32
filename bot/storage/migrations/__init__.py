"""Numbered schema migrations, the only thing that creates or alters the bot database's tables.

simonw/llm's pattern: an ordered list of functions named mNNN_what, and a table
(`schema_migrations`) recording the name of each one applied. `run` applies the pending ones in
order, in one transaction that holds the database's write lock, so two processes starting
together cannot both migrate, and a failing step leaves the database as it was.

To change the schema: write `m002_what(conn)` (DDL through `conn`), append it to MIGRATIONS,
and make the same change to the tables in bot.storage.schema. Never edit an applied step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, MetaData, String, Table, insert, select, text
from sqlalchemy.engine import Connection, Engine

from bot.storage.migrations.base import m001_base_schema
from bot.storage.migrations.prompts import m002_open_prompts

__all__ = ["MIGRATIONS", "Migration", "applied", "run"]

Migration = Callable[[Connection], None]

# Append only; the function's name is what the database records.
MIGRATIONS: list[Migration] = [
    m001_base_schema,
    m002_open_prompts,
]

_ADVISORY_LOCK = 0x1E70B07  # PostgreSQL: one migrator at a time (any constant shared by all)

_bookkeeping = MetaData()
schema_migrations = Table(
    "schema_migrations",
    _bookkeeping,
    Column("name", String(200), primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)


def run(engine: Engine, migrations: Sequence[Migration] = MIGRATIONS) -> list[str]:
    """Apply the pending migrations in order; returns the names applied now."""
    ran: list[str] = []
    with _write_locked(engine) as conn:
        schema_migrations.create(conn, checkfirst=True)
        done = set(conn.execute(select(schema_migrations.c.name)).scalars())
        for step in migrations:
            if step.__name__ in done:
                continue
            step(conn)
            conn.execute(
                insert(schema_migrations).values(name=step.__name__, applied_at=datetime.now(UTC))
            )
            ran.append(step.__name__)
    return ran


def applied(engine: Engine) -> list[str]:
    """Names of the migrations this database has recorded, in the order they ran."""
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, "schema_migrations"):
            return []
        query = select(schema_migrations.c.name).order_by(
            schema_migrations.c.applied_at, schema_migrations.c.name
        )
        return list(conn.execute(query).scalars())


@contextmanager
def _write_locked(engine: Engine) -> Iterator[Connection]:
    """One transaction holding the write lock: DDL and its record commit or roll back together."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # pysqlite opens no transaction before DDL by itself; BEGIN IMMEDIATE takes the lock
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
