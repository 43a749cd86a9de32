"""Settings, logging and the database: what every entry point builds first."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.storage import Database

__all__ = ["build_database", "configure_logging", "load_settings"]

_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def load_settings() -> Settings:
    """Read settings from the environment / .env and create the data directory."""
    settings = Settings()
    settings.ensure_data_dir()
    return settings


def configure_logging(settings: Settings, log_file: Path | None = None) -> None:
    """One logging setup for every entry point (user figures are never logged).

    With ``log_file`` the records go to that file instead of the terminal, so a console chat
    shows only the conversation."""
    level = getattr(logging, settings.log_level.upper(), logging.INFO)
    root = logging.getLogger()
    before = list(root.handlers)
    if log_file is None:
        logging.basicConfig(level=level, format=_LOG_FORMAT)
    else:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        for handler in before:
            if type(handler) is logging.StreamHandler:  # the terminal, not a file or a capture
                root.removeHandler(handler)
        file_handler = logging.FileHandler(log_file, encoding="utf-8")
        file_handler.setFormatter(logging.Formatter(_LOG_FORMAT))
        root.addHandler(file_handler)
        root.setLevel(level)
    for handler in root.handlers:
        if handler not in before:
            # Our handlers keep their level even when a library lowers its logger's on import.
            handler.setLevel(level)
    # bm25s sets its own logger to DEBUG on import; the others are chatty at INFO.
    for noisy in ("httpx", "httpcore", "chromadb", "jieba", "bm25s", "apscheduler.executors.default"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def build_database(settings: Settings) -> Database:
    """The shared database (SQLite in the data directory unless INNOBOT_DATABASE_URL is set)."""
    from bot.storage import Database  # SQLAlchemy loads only for commands that use the database

    database = Database(settings.resolved_database_url)
    database.migrate()
    return database
