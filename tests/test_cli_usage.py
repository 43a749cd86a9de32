"""Usage errors of the `innobot` command line are told in Chinese, with click's exit code 2;
--help and the commands themselves work as before."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.cli import main
from tests.conftest import REPO_ROOT


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(args)
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--bogus"], "没有这个选项：--bogus"),
        (["score", "--rule", "x"], "没有这个选项：--rule。您是不是想用 --rules"),
        (["score", "--rules"], "选项 --rules 后面需要跟一个值"),
        (["score", "--json=yes"], "选项 --json 不需要值"),
        (["score-batch"], "缺少参数 INPUT_PATH"),
        (["score-batch", "firms.csv"], "缺少选项 --output"),
        (["score-batch", "firms.csv", "-o", "out.xlsx", "--year", "去年"], "--year 的值不对：应为整数"),
        (["scor"], "没有这个命令：scor。您是不是想用 score"),
        (["digest", "send"], "没有这个命令：send"),
        (["score", "batch"], "多了无法识别的参数：batch"),
    ],
)
def test_usage_errors_are_chinese_with_exit_code_2(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(args, capsys)
    assert code == 2 and out == ""
    assert expected in err
    assert not any(word in err for word in ("Error", "Usage:", "No such", "Missing", "Invalid", "Try '"))


def test_the_error_names_the_usage_and_where_help_is(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = run(["score-batch", "firms.csv"], capsys)
    assert "用法：innobot score-batch [OPTIONS]" in err and "查看帮助：innobot score-batch --help" in err


def test_help_and_commands_still_work(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["score", "--help"], capsys)
    assert code == 0 and "--rules" in out and "估算一家企业的创新积分" in out
    code, out, _ = run(["version"], capsys)
    assert code == 0 and out.strip()
    code, out, _ = run(["score", "--text", "营收1000万"], capsys)
    assert code == 0 and "总分" in out


def test_a_command_failing_on_purpose_keeps_its_code_and_message(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["score-batch", "没有这个文件.csv", "-o", "out.xlsx"], capsys)
    assert code == 2 and "找不到文件" in err


def test_the_console_entry_point_prints_chinese() -> None:
    """As a user runs it: a fresh process, no rich error box."""
    done = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "score", "--nope"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 2
    assert "没有这个选项：--nope" in done.stderr and "╭" not in done.stderr


def test_a_named_command_is_built_alone_and_answers_as_the_full_app_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import typer

    from bot.cli import _only, app
    from bot.cli.usage import run as run_command

    ask = typer.main.get_command(_only("ask"))  # type: ignore[arg-type]
    assert list(ask.commands) == ["ask"]  # type: ignore[attr-defined]
    assert list(typer.main.get_command(_only("digest")).commands) == ["digest"]  # type: ignore[arg-type,attr-defined]
    assert _only("scor") is None and _only("--help") is None
    for args in (["score", "--text", "营收1000万", "--json"], ["score-rules"], ["score", "--rule", "x"]):
        slim_code, slim_out, slim_err = run(args, capsys)
        full_code = run_command(typer.main.get_command(app), args)
        full_out, full_err = capsys.readouterr()
        assert (slim_code, slim_out, slim_err) == (full_code, full_out, full_err)
