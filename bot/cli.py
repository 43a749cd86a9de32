"""`innobot …` command line: a thin typer shell that calls bot.app; each area registers its commands."""

from __future__ import annotations

import typer

from bot import (
    cli_chat,
    cli_digest,
    cli_retrieval,
    cli_scoring,
    cli_telegram,
    cli_web,
    cli_wechat,
)

__all__ = ["app", "main"]

app = typer.Typer(
    name="innobot",
    help="innobot — 企业创新积分制 chat assistant",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _module in (cli_retrieval, cli_scoring, cli_chat, cli_digest, cli_telegram, cli_wechat, cli_web):
    _module.register(app)


@app.command()
def version() -> None:
    """Print the installed version."""
    from importlib.metadata import version as _version

    typer.echo(_version("innobot"))


def main() -> None:
    """Console-script entry point."""
    app()
