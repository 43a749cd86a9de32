"""The command line's own Chinese wording (命令行用语), kept as data beside the composition root
(the CLI itself imports no YAML)."""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["usage_texts"]


@cache
def usage_texts() -> dict[str, str]:
    """How usage errors are worded: key → a str.format template."""
    import yaml  # on a usage error only: a command that runs never parses this file

    text = resources.files("bot.app").joinpath("cli_usage.yaml").read_text(encoding="utf-8")
    loaded = yaml.safe_load(text) or {}
    return {str(key): str(value) for key, value in loaded.items()}
