"""A database as the previous release left it: its SQL dump loaded, no migration of ours run."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage import Database

DUMPS = Path(__file__).parent / "previous_release"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database with no tables at all (SQLite file or PostgreSQL schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    server.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def previous_release(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The previous release's database with its rows (tests/storage/previous_release/*.sql)."""
    dump = (DUMPS / f"{request.param}.sql").read_text(encoding="utf-8")
    if request.param == "sqlite":
        path = tmp_path / "previous.db"
        with sqlite3.connect(path) as conn:
            conn.executescript(dump)
        db = Database(f"sqlite:///{path}")
        yield db
        db.dispose()
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create_database()
    db = Database(url)
    try:
        raw = db.engine.raw_connection()
        try:
            raw.cursor().execute(dump)  # no parameters: psycopg sends the whole script at once
            raw.commit()
        finally:
            raw.close()
        yield db
    finally:
        db.dispose()
        server.drop_database(url)
