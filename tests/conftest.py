"""Shared fixtures: an isolated data directory and settings for every test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.storage import Database

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


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    """A migrated database (SQLite here; the digest work parametrizes it over PostgreSQL too)."""
    db = Database(settings.resolved_database_url)
    db.migrate()
    yield db
    db.dispose()
