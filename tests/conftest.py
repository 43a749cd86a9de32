"""Shared fixtures: an isolated data directory and settings for every test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.settings import Settings
from bot.storage import Database
from tests.fakes.wechat import FakeWeChatAPI

if TYPE_CHECKING:
    from tests.storage.postgres_server import PostgresServer

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's .env or INNOBOT_* variables, or writes into ./data."""
    import os

    for key in list(os.environ):
        if key.startswith("INNOBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("INNOBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INNOBOT_CORPUS_DIR", str(REPO_ROOT / "corpus"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings pointing at a per-test data directory and the bundled corpus."""
    s = Settings(_env_file=None, data_dir=tmp_path / "data", corpus_dir=REPO_ROOT / "corpus")  # type: ignore[call-arg]
    s.ensure_data_dir()
    return s


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    """One PostgreSQL server on 127.0.0.1 for the session; skipped locally if absent, fails in CI."""
    from tests.storage.postgres_server import PostgresServer, find_pg_bin

    bin_dir = find_pg_bin()
    if bin_dir is None:
        message = "PostgreSQL server not installed (tests/services/install.sh installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    server = PostgresServer(bin_dir)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sqlite_database(settings: Settings) -> Iterator[Database]:
    """A fresh migrated SQLite database in the test's data dir (for tests not run on PostgreSQL)."""
    db = Database(settings.resolved_database_url)
    db.migrate()
    yield db
    db.dispose()


@pytest.fixture
def postgresql_database(postgres_server: PostgresServer) -> Iterator[Database]:
    """A fresh migrated database in a new schema of the session's PostgreSQL server."""
    url = postgres_server.create_database()
    db = Database(url)
    try:
        db.migrate()
        yield db
    finally:
        db.dispose()
        postgres_server.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> Database:
    """A fresh migrated database: SQLite in the test's data dir, or a new PostgreSQL schema."""
    return request.getfixturevalue(f"{request.param}_database")  # type: ignore[no-any-return]


@pytest.fixture
def fake() -> FakeWeChatAPI:
    """The fake WeChat API, answering in process through `fake.client()` (channel and security tests)."""
    return FakeWeChatAPI()


@pytest.fixture
async def fake_server(fake: FakeWeChatAPI) -> AsyncIterator[FakeWeChatAPI]:
    """The same fake served on 127.0.0.1 (real processes, the HTTP path end to end)."""
    await fake.start()
    yield fake
    await fake.stop()
