"""`innobot telegram`: the Telegram bot, by long polling or behind a webhook."""

from __future__ import annotations

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
        from bot.cli.wechat import serve_process

        serve_process(["telegram"], telegram_webhook_url=webhook, telegram_port=port, digests=digests)
