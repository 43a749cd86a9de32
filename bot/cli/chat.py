"""`innobot chat`: the console channel over the full assistant (what `make demo` opens)."""

from __future__ import annotations

import sys

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Attach this area's commands to the root app."""

    @app.command()
    def chat(
        user: str = typer.Option("demo", "--user", help="User id (console users are 'console:ID')."),
    ) -> None:
        """Chat with the assistant in the terminal; also reads piped stdin (one message per line)."""
        from bot.app import configure_logging, load_settings, run_console_chat

        settings = load_settings()
        # Log records go to a file: a chat (interactive or piped) shows only the conversation.
        configure_logging(settings, log_file=settings.data_dir / "logs" / "chat.log")
        if sys.stdin.isatty():
            typer.echo("正在加载知识库和评分规则…", err=True)
        try:
            run_console_chat(settings, user)
        except KeyboardInterrupt:
            typer.echo("\n再见！")
