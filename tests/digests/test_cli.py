"""`innobot digest run|preview` in process (the crash and two-process runs are in test_cli_process)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import Settings
from bot.storage import Database
from bot.storage.subscriptions import SqlSubscriptionStore
from tests.fakes.digests import subscribe

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def seeded(settings: Settings, tmp_path: Path) -> Path:
    db = Database(settings.resolved_database_url)
    db.migrate()
    store = SqlSubscriptionStore(db)
    created = datetime(2026, 11, 16, 10, 0, tzinfo=SH)
    subscribe(store, "console:boss", "积分贷", at=created)
    subscribe(store, "console:boss", "量子", at=created)
    db.dispose()
    path = tmp_path / "articles.jsonl"
    path.write_text(
        json.dumps(
            {
                "doc_id": "d1",
                "title": "成都积分贷扩面",
                "source": "科技情报参考",
                "date": "2026-11",
                "text": "成都积分贷扩面提质，惠及更多科技型企业。",
                "ingested_at": "2026-11-20T08:00:00+08:00",
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def test_run_prints_the_digest_through_the_console_notifier(seeded: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["digest", "run", "--at", "2026-11-23T09:00+08:00", "--articles", str(seeded)]
    )
    assert result.exit_code == 0, result.output
    assert "—— 简报 → console:boss ——" in result.output and "成都积分贷扩面" in result.output
    assert "已推送 1" in result.output and "无新内容 1" in result.output
    again = runner.invoke(
        app,
        ["digest", "run", "--at", "2026-11-23T09:00+08:00", "--json", "--articles", str(seeded)],
    )
    assert json.loads(again.stdout)["delivered"] == 0


def test_run_before_the_slot_sends_nothing_and_naive_times_are_shanghai(seeded: Path) -> None:
    result = CliRunner().invoke(
        app, ["digest", "run", "--at", "2026-11-23T08:59", "--json", "--articles", str(seeded)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["due"] == 0  # last week's slot predates the subscriptions


def test_preview_shows_without_recording(seeded: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["digest", "preview", "--user", "console:boss", "--articles", str(seeded)]
    )
    assert result.exit_code == 0, result.output
    assert (
        "成都积分贷扩面" in result.output
        and "【量子 · 每周一 09:00】目前没有新的相关简报" in result.output
    )
    as_json = json.loads(
        runner.invoke(
            app, ["digest", "preview", "--user", "boss", "--json", "--articles", str(seeded)]
        ).stdout
    )
    assert [p["total"] for p in as_json] == [1, 0]
    run = runner.invoke(
        app,
        ["digest", "run", "--at", "2026-11-23T09:00+08:00", "--json", "--articles", str(seeded)],
    )
    assert json.loads(run.stdout)["delivered"] == 1  # the preview did not consume the period


def test_bad_time_is_a_clear_error_not_a_traceback(seeded: Path) -> None:
    result = CliRunner().invoke(app, ["digest", "run", "--at", "下周一"])
    assert (
        result.exit_code == 2 and "ISO 8601" in result.output and "Traceback" not in result.output
    )


def test_log_lists_the_delivery_log(seeded: Path) -> None:
    runner = CliRunner()
    assert "投递记录为空" in runner.invoke(app, ["digest", "log"]).output
    runner.invoke(
        app,
        ["digest", "run", "--at", "2026-11-23T09:00+08:00", "--json", "--articles", str(seeded)],
    )
    rows = json.loads(runner.invoke(app, ["digest", "log", "--json"]).stdout)
    assert sorted(r["status"] for r in rows) == ["delivered", "empty"]
    only = runner.invoke(app, ["digest", "log", "--status", "delivered"]).output
    assert "console:boss W2026-48 delivered 尝试1次" in only and "empty" not in only
