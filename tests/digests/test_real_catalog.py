"""Digests over the real retrieval catalog: ingest the bundled corpus, then subscribe and deliver."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_digest_service, build_retrieval_engine
from bot.core.ports import FixedClock
from bot.core.subscriptions.types import SubscriptionDraft
from bot.settings import Settings
from bot.storage import Database
from bot.storage.subscriptions import SqlSubscriptionStore
from tests.fakes.digests import RecordingNotifier

SH = ZoneInfo("Asia/Shanghai")
REPO_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_ingested_briefings_reach_a_matching_subscriber(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None, data_dir=tmp_path / "data", corpus_dir=REPO_ROOT / "corpus", embedder="hash"
    )  # type: ignore[call-arg]
    settings.ensure_data_dir()
    engine = build_retrieval_engine(settings)
    engine.ensure_built()
    database = Database(settings.resolved_database_url)
    database.migrate()
    try:
        now = datetime.now(SH)
        SqlSubscriptionStore(database).add(
            SubscriptionDraft(
                topics=("积分贷",), regions=("成都",), frequency="daily", weekday=None, hour=9
            ),
            user_key="telegram:7",
            channel="telegram",
            user_id="7",
            at=now,
        )
        at = datetime.combine(now.date() + timedelta(days=2), time(12, 0), tzinfo=SH)
        notifier = RecordingNotifier()
        service = build_digest_service(
            settings, database, {"telegram": notifier}, clock=FixedClock(at)
        )
        report = asyncio.run(service.send_due())
        assert report.delivered == 1 and report.articles > 5
        text = notifier.sent[0].text
        assert "成都" in text and "积分" in text
        assert "科技情报参考" in text
        again = asyncio.run(service.send_due(at + timedelta(days=1)))
        assert again.delivered == 0 and again.empty == 1  # nothing newly ingested since
    finally:
        database.dispose()
