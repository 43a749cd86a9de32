"""Console channel: piped lines in, replies out, numbered buttons, charts saved to files."""

from __future__ import annotations

import io
from pathlib import Path

from bot.channels.console.channel import ConsoleChannel
from tests.core.conftest import Rig


async def run_console(rig: Rig, lines: str, tmp_path: Path, interactive: bool = False) -> str:
    out = io.StringIO()
    channel = ConsoleChannel(
        rig.assistant, user_id="demo", charts_dir=tmp_path / "charts",
        stdin=io.StringIO(lines), stdout=out, interactive=interactive,
    )
    await channel.run()
    return out.getvalue()


async def test_piped_dialogue_with_numbered_buttons_and_saved_chart(rig: Rig, tmp_path: Path) -> None:
    script = "/score 营收3000万\n跳过\n" + "跳过\n" * 12 + "a\n"  # "a" = 确认 on the last buttons
    output = await run_console(rig, script, tmp_path)
    assert "[a] 确认  [b] 修改  [c] 取消" in output
    assert "初步自评估" in output
    charts = list((tmp_path / "charts").glob("*.png"))
    assert len(charts) == 1 and charts[0].read_bytes().startswith(b"\x89PNG")
    assert f"[图片已保存：{charts[0]}]" in output
    assert "你>" not in output  # no prompt when piped


async def test_a_typed_number_is_a_figure_not_a_button(rig: Rig, tmp_path: Path) -> None:
    await run_console(rig, "/score 营收3000万 研发投入100万\n跳过\n跳过\n跳过\n", tmp_path)
    output = await run_console(rig, "职工总数10人 研发人员2人\n2\n", tmp_path)  # asked: patents
    assert "[a] 跳过  [b] 就这些，去确认" in output
    record = rig.sessions.load("console:demo")
    assert record is not None and record.state["figures"]["invention_patents"] == 2


async def test_interactive_greets_and_ends_cleanly_on_eof(rig: Rig, tmp_path: Path) -> None:
    output = await run_console(rig, "", tmp_path, interactive=True)
    assert "企业创新积分制助手" in output and "/score" in output
    assert output.rstrip().endswith("再见！")


async def test_blank_piped_lines_are_ignored(rig: Rig, tmp_path: Path) -> None:
    output = await run_console(rig, "\n\n积分制是什么\n", tmp_path)
    assert output.count("画像") == 1 and "没有收到内容" not in output


async def test_forget_deletes_the_console_users_chart_files(rig: Rig, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from bot.channels.console.channel import ChartArchive

    archive = ChartArchive(tmp_path / "charts")
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    mine = archive.save("demo", b"png", "png", at)
    other = archive.save("225434", b"png", "png", at)
    assert archive.forget_user("telegram:demo") == 0
    assert archive.forget_user("console:demo") == 1
    assert not mine.exists() and other.exists()


async def test_a_table_path_or_upload_command_is_an_upload(rig: Rig, tmp_path: Path) -> None:
    """An administrator at the terminal drags a spreadsheet in (its quoted path) or types
    /upload: the table is scored and the ranked workbook saved; a wrong path is said, not asked."""
    sheet = tmp_path / "园区 企业.csv"
    sheet.write_text("企业名称,营业收入（万元）\n甲,3000\n乙,800\n", encoding="utf-8")
    output = await run_console(rig, f"'{sheet}' 科小\n/upload {tmp_path / 'none.xlsx'}\n", tmp_path)
    assert "[文件已保存：" in output and output.count("[文件已保存：") == 1
    saved = list((tmp_path / "charts").glob("*.csv"))  # the fake scorer echoes the table back
    assert len(saved) == 1 and saved[0].read_bytes() == sheet.read_bytes()
    assert rig.scoring.tables and rig.scoring.tables[-1][2] == "tech-sme-2022"  # the caption chose 科小
    assert "找不到表格文件" in output and "none.xlsx" in output
