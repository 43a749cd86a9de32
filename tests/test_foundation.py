"""The skeleton holds together: settings, migrations and the CLI root."""

from __future__ import annotations

from typer.testing import CliRunner

from bot.cli import app
from bot.settings import Settings
from bot.storage import Database


def test_settings_default_database_is_sqlite_under_data_dir(settings: Settings) -> None:
    assert settings.resolved_database_url.startswith("sqlite:///")
    assert str(settings.data_dir.resolve()) in settings.resolved_database_url


def test_migrate_is_idempotent(database: Database) -> None:
    database.migrate()
    database.migrate()


def test_cli_help_lists_commands() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0


def test_logging_setup_quietens_libraries_that_log_at_debug(settings: Settings) -> None:
    import logging

    import bm25s  # noqa: F401  (sets its own logger to DEBUG on import)

    from bot.app import configure_logging

    configure_logging(settings)
    assert not logging.getLogger("bm25s").isEnabledFor(logging.INFO)
