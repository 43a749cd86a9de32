"""Usage errors of the `innobot` command line in Chinese (用法错误): click raises them in English;
they are worded here from the exception's type and fields, the exit code left as click sets it.

typer ≥ 0.2x carries its own copy of click; the exception classes are taken from wherever
typer's BadParameter lives, so this works with either."""

from __future__ import annotations

import enum
import importlib
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import typer

from bot.app.cli_texts import usage_texts

__all__ = ["describe", "run"]

_errors: Any = importlib.import_module(typer.BadParameter.__module__)
# click words these two as plain UsageErrors (typer's group, a command's extra arguments)
_NO_COMMAND = re.compile(r"^No such command '(.+?)'\.")
_EXTRA = re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.+)\)$")


def _say(key: str, **values: object) -> str:
    return usage_texts()[key].format(**values).strip()


def run(command: Any, args: Sequence[str] | None = None) -> int:
    """Run the command line (typer.main.get_command(app)); a usage error is printed in Chinese.
    Returns the exit code."""
    try:
        code = command.main(args=args, prog_name="innobot", standalone_mode=False)
    except _errors.NoArgsIsHelpError as exc:  # no sub-command: the help is the answer
        if help_text := exc.format_message().strip():  # typer's rich help printed itself already
            typer.echo(help_text, err=True)
        return int(exc.exit_code)
    except _errors.ClickException as exc:
        typer.echo(describe(exc), err=True)
        return int(exc.exit_code)
    except typer.Abort:
        typer.echo(_say("aborted"), err=True)
        return 1
    return code if isinstance(code, int) else 0


def describe(exc: Exception) -> str:
    """The Chinese lines for a usage error: what is wrong, the usage, where the help is."""
    lines = [_problem(exc)]
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        pieces = " ".join(ctx.command.collect_usage_pieces(ctx))
        lines.append(_say("usage", usage=f"{ctx.command_path} {pieces}".strip()))
        lines.append(_say("help", command=ctx.command_path))
    return "\n".join(lines)


def _problem(exc: Exception) -> str:
    """One sentence naming the option, argument or value that is wrong."""
    for name, word in _WORDINGS:
        kind = getattr(_errors, name, None)  # NoSuchCommand is in click ≥ 8.2 only
        if kind is not None and isinstance(exc, kind):
            return word(exc)
    message = str(getattr(exc, "message", ""))
    if found := _NO_COMMAND.match(message):
        return _say("no_such_command", name=found.group(1), hint=_hint(_close_commands(exc, found.group(1))))
    if found := _EXTRA.match(message):
        return _say("extra_arguments", name=found.group(1))
    return _say("usage_fallback")


def _no_such_option(exc: Any) -> str:
    return _say("no_such_option", name=exc.option_name, hint=_hint(exc.possibilities or []))


def _no_such_command(exc: Any) -> str:
    return _say("no_such_command", name=exc.command_name, hint=_hint(exc.possibilities or []))


def _bad_option(exc: Any) -> str:
    """click words "requires an argument" and "does not take a value" as the same class."""
    if "requires" in exc.message:
        return _say("needs_value", name=exc.option_name)
    if "does not take" in exc.message:
        return _say("takes_no_value", name=exc.option_name)
    return _say("bad_option", name=exc.option_name)


def _missing(exc: Any) -> str:
    name = _param_name(exc.param) or str(exc.param_hint or "")
    is_option = _is_option(exc.param) or exc.param_type == "option"
    return _say("missing_option" if is_option else "missing_argument", name=name)


def _bad_value(exc: Any) -> str:
    name = _param_name(exc.param) or str(exc.param_hint or "参数")
    if _has_chinese(exc.message):  # our own BadParameter, already in Chinese
        return _say("bad_value", name=name, reason=exc.message)
    return _say("bad_value", name=name, reason=_why(exc.param))


def _file(exc: Any) -> str:
    return _say("file_error", name=exc.ui_filename)


_WORDINGS: tuple[tuple[str, Callable[[Any], str]], ...] = (
    ("NoSuchOption", _no_such_option),
    ("NoSuchCommand", _no_such_command),
    ("BadOptionUsage", _bad_option),
    ("MissingParameter", _missing),  # before BadParameter: it is one
    ("BadParameter", _bad_value),
    ("FileError", _file),
)
_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "type_bool"), (int, "type_int"), (float, "type_float"), (Path, "type_path"),
    (datetime, "type_datetime"), (date, "type_datetime"),
)
_CLICK_KINDS = {"boolean": "type_bool", "integer": "type_int", "float": "type_float", "path": "type_path",
                "file": "type_path", "datetime": "type_datetime", "integer range": "type_range",
                "float range": "type_range"}


def _why(param: Any) -> str:
    """Why the value was refused, by the parameter's type (typer's annotation, or click's type)."""
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    if isinstance(annotation, type):
        if issubclass(annotation, enum.Enum):
            return _say("type_choice", choices=" / ".join(str(m.value) for m in annotation))
        for base, key in _KINDS:
            if issubclass(annotation, base):
                return _say(key)
    click_type = getattr(param, "type", None)
    choices = getattr(click_type, "choices", None)
    if choices:
        return _say("type_choice", choices=" / ".join(map(str, choices)))
    return _say(_CLICK_KINDS.get(str(getattr(click_type, "name", "")), "type_other"))


def _is_option(param: Any) -> bool:
    return getattr(param, "param_type_name", "") == "option"


def _param_name(param: Any) -> str:
    """--long-name for an option, NAME for an argument."""
    if param is None:
        return ""
    if _is_option(param):
        return str(max(param.opts, key=len))
    return str(param.name or "").upper()


def _close_commands(exc: Any, name: str) -> list[str]:
    from difflib import get_close_matches

    ctx = getattr(exc, "ctx", None)
    lister = getattr(ctx.command, "list_commands", None) if ctx is not None else None
    return get_close_matches(name, lister(ctx)) if lister is not None else []


def _hint(names: Sequence[str]) -> str:
    return _say("did_you_mean", names="、".join(names[:3])) if names else ""


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
