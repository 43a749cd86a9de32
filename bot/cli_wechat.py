"""Commands of one area, registered on the root typer app by bot.cli."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach this area's commands to the root app."""
