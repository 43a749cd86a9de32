"""`innobot …` command line: a thin typer shell that calls bot.app; each area registers its commands."""

from __future__ import annotations

import typer

from bot.cli import chat, digest, retrieval, scoring, telegram, web, wechat

__all__ = ["app", "main"]

app = typer.Typer(
    name="innobot",
    help="innobot — 企业创新积分制 chat assistant",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _module in (retrieval, scoring, chat, digest, telegram, wechat, web):
    _module.register(app)


@app.command()
def version() -> None:
    """Print the installed version."""
    from importlib.metadata import version as _version

    typer.echo(_version("innobot"))


def main(args: list[str] | None = None) -> None:
    """Console-script entry point; usage errors are told in Chinese, with click's exit code."""
    import sys

    from bot.cli.usage import run

    sys.exit(run(typer.main.get_command(app), args))
