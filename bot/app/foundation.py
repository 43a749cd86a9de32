"""Settings, logging and the database: what every entry point builds first."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.storage import Database

__all__ = ["build_database", "configure_logging", "load_settings"]


def load_settings() -> Settings:
    """Read settings from the environment / .env and create the data directory."""
    settings = Settings()
    settings.ensure_data_dir()
    return settings


def configure_logging(settings: Settings) -> None:
    """One logging setup for every entry point (user figures are never logged)."""
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # bm25s sets its own logger to DEBUG on import; the others are chatty at INFO.
    for noisy in ("httpx", "chromadb", "jieba", "bm25s", "apscheduler.executors.default"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def build_database(settings: Settings) -> Database:
    """The shared database (SQLite in the data directory unless INNOBOT_DATABASE_URL is set)."""
    from bot.storage import Database  # SQLAlchemy loads only for commands that use the database

    database = Database(settings.resolved_database_url)
    database.migrate()
    return database
