"""The web channel as `innobot web` composes it: settings, the real briefing library, admin numbers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app.web import EngineBriefings, build_web_config
from bot.core.subscriptions.types import SubscriptionDraft
from bot.settings import Settings
from bot.storage import Database
from bot.storage.admin_stats import SqlAdminStats
from bot.storage.deliveries import SqlDeliveryLog
from bot.storage.subscriptions import SqlSubscriptionStore
from tests.conftest import REPO_ROOT


def test_config_comes_from_the_innobot_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("INNOBOT_ADMIN_TOKEN", "t0ken")
    monkeypatch.setenv("INNOBOT_WEB_API_KEY", "k3y")
    monkeypatch.setenv("INNOBOT_WEB_FRAME_ANCESTORS", "'self' https://zone.example.cn")
    monkeypatch.setenv("INNOBOT_WEB_MAX_UPLOAD_MB", "5")
    monkeypatch.setenv("INNOBOT_WEB_SECRET", "s3cret")
    config = build_web_config(Settings(_env_file=None))  # type: ignore[call-arg]
    assert (config.admin_token, config.api_key, config.secret) == ("t0ken", "k3y", b"s3cret")
    assert config.frame_ancestors == "'self' https://zone.example.cn"
    assert config.max_upload == 5 * 1024 * 1024
    assert config.upload_dir.is_relative_to(config.data_dir.resolve())


def test_without_a_secret_each_process_draws_its_own(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    assert build_web_config(settings).secret != build_web_config(settings).secret


@pytest.mark.slow
def test_briefings_over_the_real_engine(tmp_path: Path) -> None:
    from bot.app.retrieval import RetrievalEngines, build_retrieval_engine, build_searcher

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp_path / "data", corpus_dir=REPO_ROOT / "corpus", embedder="hash"
    )
    engines = RetrievalEngines()
    build_searcher(settings, engines=engines)  # builds the index from the bundled corpus
    library = EngineBriefings(build_retrieval_engine(settings, engines=engines))
    before = library.documents()
    assert before and all(b.articles > 0 for b in before)
    brief = tmp_path / "高新区简报.txt"
    brief.write_text(
        "高新区创新积分贷试点启动\n\n" + "高新区联合银行推出创新积分贷，按积分授信，首批十家企业获贷。" * 8,
        encoding="utf-8",
    )
    seen: list[tuple[int, int]] = []
    articles, problems = library.add(brief, lambda done, total: seen.append((done, total)))
    assert articles >= 1 and problems == []
    assert seen and seen[-1][0] == seen[-1][1]
    again, problems = library.add(brief, lambda done, total: None)
    assert again == 0 and problems == ["这份简报已经收录过了。"]
    added = next(b for b in library.documents() if b.id not in {x.id for x in before})
    assert library.remove(added.id) > 0
    with pytest.raises(LookupError):
        library.remove(added.id)


def test_admin_stats_count_active_subscriptions_and_list_deliveries(sqlite_database: Database) -> None:
    now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    store = SqlSubscriptionStore(sqlite_database)
    first = store.add(SubscriptionDraft(), user_key="wechat:o1", channel="wechat", user_id="o1", at=now)
    store.add(SubscriptionDraft(), user_key="wechat:o2", channel="wechat", user_id="o2", at=now)
    gone = store.add(SubscriptionDraft(), user_key="telegram:9", channel="telegram", user_id="9", at=now)
    store.deactivate(gone.id, reason="blocked", at=now)
    log = SqlDeliveryLog(sqlite_database)
    claimed = log.claim(first.id, first.user_key, "2026-W48", holder="test", now=now)
    assert claimed is not None
    stats = SqlAdminStats(sqlite_database)
    assert stats.subscriber_counts() == {"wechat": 2}
    [line] = stats.recent_deliveries(10)
    assert line.channel == "wechat" and line.status == "sending"
    assert "o1" not in repr(line)  # no user names on the admin page


@pytest.mark.slow
async def test_serve_channels_runs_the_web_channel_until_stopped(tmp_path: Path) -> None:
    import asyncio

    import aiohttp

    from bot.app.serve import Listen, serve_channels
    from tests.web.conftest import free_port

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp_path / "data", corpus_dir=REPO_ROOT / "corpus",
        embedder="hash", chart_workers=0,
    )
    settings.ensure_data_dir()  # as load_settings() does for the command line
    port, stop = free_port(), asyncio.Event()
    task = asyncio.create_task(
        serve_channels(settings, ["web"], listen=Listen(web_port=port), digests=False, stop=stop)
    )
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        for _ in range(600):  # the index is built on first start: wait for the port (≤ 60 s)
            try:
                async with session.get(f"http://127.0.0.1:{port}/") as page:
                    assert page.status == 200
                    break
            except aiohttp.ClientConnectionError:
                assert not task.done(), task.exception()
                await asyncio.sleep(0.1)
        async with session.post(
            f"http://127.0.0.1:{port}/chat/send", json={"text": "积分贷是什么？"},
            headers={"X-Innobot": "1"},
        ) as response:
            body = await response.json()
    assert response.status == 200 and body["replies"][0]["text"]
    stop.set()
    await asyncio.wait_for(task, 30)
