"""The console channel for the composition: `innobot chat` over the full assistant."""

from __future__ import annotations

from bot.app.assistant import build_assistant
from bot.settings import Settings

__all__ = ["run_console_chat"]


def run_console_chat(settings: Settings, user_id: str) -> None:
    """Chat in the terminal (or over piped stdin) until the input ends; Ctrl-C propagates."""
    import asyncio

    from bot.channels.console.channel import ChartArchive, ConsoleChannel

    charts = settings.data_dir / "charts"
    archive = ChartArchive(charts)
    assistant = build_assistant(
        settings, forgettables=[archive], chart_workers=0, table_workers=0, retrieval_workers=0,
        per_user_rate=None,
    )
    channel = ConsoleChannel(assistant, user_id=user_id, charts_dir=charts, archive=archive)
    try:
        asyncio.run(channel.run())
    finally:
        assistant.close()
