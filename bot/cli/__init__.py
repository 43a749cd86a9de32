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


def _only(word: str) -> typer.Typer | None:
    """The app holding just the command or group named `word`: click then converts one command's
    signature, not forty (a cold `innobot ask` paid ~30 ms for the others); None if no such name."""
    commands = [c for c in app.registered_commands
                if (c.name or typer.main.get_command_name(getattr(c.callback, "__name__", ""))) == word]
    groups = [g for g in app.registered_groups
              if (g.name or (g.typer_instance.info.name if g.typer_instance else None)) == word]
    if not commands and not groups:
        return None
    slim = typer.Typer(name=app.info.name, help=app.info.help, no_args_is_help=True,
                       add_completion=False, pretty_exceptions_enable=False)
    slim.registered_commands, slim.registered_groups = commands, groups
    slim.callback()(_group)  # a group, as the full app is: `innobot ask x` keeps its shape
    return slim


def _group() -> None:
    """innobot — 企业创新积分制 chat assistant"""


def main(args: list[str] | None = None) -> None:
    """Console-script entry point; usage errors are told in Chinese, with click's exit code."""
    import os
    import sys

    from bot.cli.usage import run

    # innobot uses no pydantic plugins; looking for them scans every installed package's metadata
    # on the first model built (about a tenth of a cold `innobot ask`)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    words = sys.argv[1:] if args is None else args
    chosen = _only(words[0]) if words and not words[0].startswith("-") else None
    sys.exit(run(typer.main.get_command(chosen or app), args))
