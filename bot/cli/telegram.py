"""`innobot telegram`: the Telegram bot, by long polling or behind a webhook."""

from __future__ import annotations

import asyncio

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Attach this area's commands to the root app."""

    @app.command()
    def telegram(
        webhook: str | None = typer.Option(
            None,
            "--webhook",
            help="Public HTTPS URL Telegram posts updates to (webhook mode); default: long polling.",
        ),
        port: int | None = typer.Option(
            None, "--port", help="Local webhook port (default INNOBOT_TELEGRAM_WEBHOOK_PORT)."
        ),
        digests: bool = typer.Option(
            True, "--digests/--no-digests", help="Also run the digest scheduler in this process."
        ),
    ) -> None:
        """Run the Telegram bot (needs INNOBOT_TELEGRAM_TOKEN) until Ctrl-C or SIGTERM."""
        from bot.app import configure_logging, load_settings, serve_telegram

        settings = load_settings()
        configure_logging(settings)
        if not settings.telegram_token:
            typer.echo("请先设置 INNOBOT_TELEGRAM_TOKEN（@BotFather 发给您的令牌）。", err=True)
            raise typer.Exit(2)
        try:
            asyncio.run(serve_telegram(settings, webhook_url=webhook, port=port, digests=digests))
        except ValueError as error:  # configuration problems only; messages are ours, not user data
            typer.echo(f"配置有误：{error}", err=True)
            raise typer.Exit(2) from error
        except KeyboardInterrupt:
            pass
