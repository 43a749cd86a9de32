"""Numbered migrations of the corpus store, the only thing that creates or alters its tables.

The pattern of bot.storage.migrations (simonw/llm's): functions named mNNN_what applied in
order, each recorded by name in `schema_migrations`, all pending ones in one transaction. To
change the schema, append a step here and update the queries in retrieval.store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

__all__ = ["MIGRATIONS", "Migration", "applied", "migrate"]

Migration = Callable[[sqlite3.Connection], None]

# The corpus schema as the last release without migrations (commit e873b0e) created it.
_BASE = (
    """CREATE TABLE IF NOT EXISTS documents (
    doc_key TEXT PRIMARY KEY, name TEXT NOT NULL, path TEXT, hash TEXT NOT NULL UNIQUE,
    publication TEXT, issue TEXT, publisher TEXT, date TEXT, source TEXT,
    origin TEXT NOT NULL, raw_text TEXT NOT NULL, added_at TEXT NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS articles (
    doc_id TEXT PRIMARY KEY, doc_key TEXT NOT NULL REFERENCES documents(doc_key) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL, title TEXT NOT NULL, source TEXT, publication TEXT, issue TEXT,
    publisher TEXT, date TEXT, regions TEXT NOT NULL, tags TEXT NOT NULL, text TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE, ingested_at TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'briefing'
)""",
    "CREATE INDEX IF NOT EXISTS articles_ingested ON articles(ingested_at)",
    """CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES articles(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL, text TEXT NOT NULL, index_text TEXT NOT NULL, tokens TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
)""",
    """CREATE TABLE IF NOT EXISTS ingest_log (
    hash TEXT PRIMARY KEY, first_ingested_at TEXT NOT NULL
)""",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


def m001_base_schema(conn: sqlite3.Connection) -> None:
    """Today's tables on a new store; a store from an earlier release keeps its rows and gains
    only what it lacks (the tables if missing, and `articles.kind` from before knowledge articles)."""
    for statement in _BASE:
        conn.execute(statement)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(articles)")}
    if "kind" not in columns:
        conn.execute("ALTER TABLE articles ADD COLUMN kind TEXT NOT NULL DEFAULT 'briefing'")


# Append only; the function's name is what the store records.
MIGRATIONS: list[Migration] = [
    m001_base_schema,
]


def applied(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations this store has recorded, in the order they ran."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if exists is None:
        return []
    rows = conn.execute("SELECT name FROM schema_migrations ORDER BY applied_at, name")
    return [row[0] for row in rows]


def migrate(conn: sqlite3.Connection, steps: Sequence[Migration] = MIGRATIONS) -> list[str]:
    """Apply the pending steps in one write transaction (conn in autocommit mode); their names."""
    if not {step.__name__ for step in steps} - set(applied(conn)):
        return []  # the usual start: nothing to write, so a read-only store opens too
    ran: list[str] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations"
            " (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        done = set(applied(conn))
        for step in steps:
            if step.__name__ in done:
                continue
            step(conn)
            conn.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                (step.__name__, datetime.now(UTC).isoformat(timespec="microseconds")),
            )
            ran.append(step.__name__)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return ran
