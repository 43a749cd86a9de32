"""`innobot chat` as a real process: piped stdin in, replies on stdout, clean exit on EOF."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.processes import child_env

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_piped_chat_scores_and_answers(tmp_path: Path) -> None:
    env = child_env(tmp_path, INNOBOT_CORPUS_DIR=str(REPO / "corpus"), INNOBOT_EMBEDDER="hash")
    script = "/score\n营收3000万\n跳过\n" + "跳过\n" * 12 + "确认\n什么是企业创新积分制？\n"
    done = subprocess.run(
        [str(Path(sys.executable).parent / "innobot"), "chat", "--user", "demo"],
        input=script, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "开始创新积分初步测算" in out
    assert "已记录：上年度营业收入 3,000 万元" in out
    assert "创新积分初步自评估" in out and "官方平台" in out
    charts = list((tmp_path / "data" / "charts").glob("*.png"))
    assert len(charts) == 1 and str(charts[0]) in out
    assert "出处" in out or "未在已收录" in out
    assert "Traceback" not in done.stderr
    assert "3000" not in done.stderr  # figures never reach the logs
    # Log records go to the data directory's log file, never into the conversation.
    for stream in (done.stdout, done.stderr):
        assert not any(level in stream for level in (" INFO ", " DEBUG ", " WARNING "))
    log = (tmp_path / "data" / "logs" / "chat.log").read_text(encoding="utf-8")
    assert " INFO " in log and "3000" not in log
    assert " DEBUG " not in log  # bm25s lowers its own logger on import; the handler holds
