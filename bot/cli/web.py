"""`innobot web`: the H5 pages (chat, self-assessment, admin) and the JSON API on one port."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Attach this area's commands to the root app."""

    @app.command()
    def web(
        port: int | None = typer.Option(None, "--port", help="Listen port (default INNOBOT_WEB_PORT)."),
        host: str | None = typer.Option(None, "--host", help="Listen address (default INNOBOT_WEB_HOST)."),
        digests: bool = typer.Option(
            False, "--digests/--no-digests", help="Also run the digest scheduler in this process."
        ),
    ) -> None:
        """Serve the chat page (/), 企业自评 (/assess), 管理后台 (/admin) and /api/v1 until Ctrl-C."""
        from bot.cli.wechat import serve_process

        serve_process(["web"], web_host=host, web_port=port, digests=digests)
