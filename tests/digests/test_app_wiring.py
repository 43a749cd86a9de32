"""Composition: a serving process's assistant and scheduler share one SubscriptionService."""

from __future__ import annotations

import pytest

from bot.app import build_chat_process, build_database, build_digest_notifiers, build_wechat_api
from bot.core.types import Incoming
from bot.scheduler import SWEEP_JOB_ID, SYNC_JOB_ID
from bot.settings import Settings


def _cron_jobs(scheduler: object) -> list[str]:
    jobs = scheduler.scheduler.get_jobs()  # type: ignore[attr-defined]
    return sorted(job.id for job in jobs if job.id not in (SWEEP_JOB_ID, SYNC_JOB_ID))


async def test_subscription_made_through_the_assistant_is_scheduled_at_once(
    settings: Settings,
) -> None:
    settings.embedder = "hash"
    database = build_database(settings)
    process = build_chat_process(settings, database)  # what serve builds
    delivery = await process.start_digests()
    try:
        assert _cron_jobs(delivery.scheduler) == []
        user = Incoming(channel="console", user_id="u1", text="/subscribe 积分贷 成都 每周一 9点")
        await process.assistant.handle(user)
        assert _cron_jobs(delivery.scheduler) == ["digest:cron:Asia/Shanghai:mon:*:09:00"]
        await process.assistant.handle(
            Incoming(channel="console", user_id="u2", text="/subscribe 科技金融 每天 18点")
        )
        assert len(_cron_jobs(delivery.scheduler)) == 2
        await process.assistant.handle(
            Incoming(channel="console", user_id="u1", text="/unsubscribe 1")
        )
        assert _cron_jobs(delivery.scheduler) == ["digest:cron:Asia/Shanghai:*:*:18:00"]
    finally:
        await delivery.stop()
        database.dispose()


@pytest.mark.parametrize("shared", [True, False])
async def test_digest_notifiers_share_the_wechat_client_when_given(
    settings: Settings, shared: bool
) -> None:
    configured = settings.model_copy(update={"wechat_app_id": "wxapp", "wechat_app_secret": "s"})
    database = build_database(configured)
    api = build_wechat_api(configured) if shared else None
    notifiers = build_digest_notifiers(configured, database, wechat_api=api)
    wechat = notifiers["wechat"]
    assert set(notifiers) == {"console", "wechat"}  # no telegram token: no telegram notifier
    assert (wechat.api is api) == shared  # type: ignore[attr-defined]
    for notifier in notifiers.values():
        await notifier.aclose()
    if api is not None:
        assert not api.closed  # the owner (the webhook) closes a shared client
        await api.aclose()
    database.dispose()
