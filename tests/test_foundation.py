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
    from bot.storage.migrations import MIGRATIONS, applied

    assert database.migrate() == []  # the fixture migrated it already
    assert applied(database.engine) == [step.__name__ for step in MIGRATIONS]


def test_cli_help_lists_commands() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0


def test_logging_setup_quietens_libraries_that_log_at_debug(settings: Settings) -> None:
    import logging

    import bm25s  # noqa: F401  (sets its own logger to DEBUG on import)

    from bot.app import configure_logging

    configure_logging(settings)
    assert not logging.getLogger("bm25s").isEnabledFor(logging.INFO)


def test_chart_workers_come_from_settings(settings: Settings) -> None:
    from bot.app import build_assistant

    settings.chart_workers = 3
    settings.embedder = "hash"  # the index is not what this test is about
    assistant = build_assistant(settings)
    try:
        assert assistant._scoring._chart_workers == 3  # type: ignore[attr-defined]
    finally:
        assistant.close()
