"""Subscription follow-up questions live in the database: one process asks, a restarted (or
another worker's) assistant on the same database reads the answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import text

from bot.core.ports import FixedClock
from bot.storage import Database
from bot.storage.subscriptions import SqlSubscriptionStore
from tests.digests.conftest import NOW, Chat


def labels(store: SqlSubscriptionStore) -> list[str]:
    return [f"{'、'.join(s.topics)}" for s in store.list_for_user("console:boss")]


def open_rows(database: Database) -> list[tuple[str, str, str]]:
    with database.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT user_key, scope, kind FROM open_prompts"))]


async def test_which_one_is_answered_by_a_new_instance(
    new_chat: Callable[[FixedClock], Chat], store: SqlSubscriptionStore, sqlite_database: Database
) -> None:
    first = new_chat(FixedClock(NOW))
    await first("/subscribe 积分贷 成都", "/subscribe 科技金融 成都 每天8点", "/subscribe 人才 重庆")
    [which] = await first("取消成都那个")
    assert "有 2 个订阅对得上，要取消哪一个？" in which
    assert open_rows(sqlite_database) == [("console:boss", "subscriptions", "pick")]
    [picked] = await new_chat(FixedClock(NOW + timedelta(minutes=1)))("2")
    assert "已取消第 2 个订阅：科技金融 · 成都" in picked
    assert labels(store) == ["积分贷", "人才"]


async def test_confirm_all_and_how_long_survive_a_restart(
    new_chat: Callable[[FixedClock], Chat], store: SqlSubscriptionStore
) -> None:
    await new_chat(FixedClock(NOW))("/subscribe 积分贷 成都 每周一", "/subscribe 人才 重庆 每天8点")
    [asked] = await new_chat(FixedClock(NOW))("重庆那个先停一下")
    assert "暂停多久？" in asked
    [paused] = await new_chat(FixedClock(NOW))("10天")
    assert "已暂停第 2 个订阅，12月7日 起恢复推送" in paused
    [asked] = await new_chat(FixedClock(NOW))("都不要了")
    assert "确认取消全部 2 个订阅吗" in asked
    [done] = await new_chat(FixedClock(NOW))("确认")
    assert "已取消全部 2 个订阅" in done and labels(store) == []


async def test_the_step_by_step_flow_goes_on_in_another_worker(
    new_chat: Callable[[FixedClock], Chat], store: SqlSubscriptionStore
) -> None:
    replies = [(await new_chat(FixedClock(NOW))(line))[0] for line in ("/subscribe", "积分贷", "成都", "每周一")]
    assert "想订阅哪个主题" in replies[0] and "关注哪个地区" in replies[1]
    assert "多久推送一次" in replies[2] and "几点推送" in replies[3]
    [created] = await new_chat(FixedClock(NOW))("下午3点")
    assert "推送：每周一 15:00" in created
    assert [s.regions for s in store.list_for_user("console:boss")] == [("成都",)]


async def test_a_lapsed_question_no_longer_owns_the_answer(
    new_chat: Callable[[FixedClock], Chat], store: SqlSubscriptionStore, sqlite_database: Database
) -> None:
    await new_chat(FixedClock(NOW))("/subscribe 积分贷 成都", "/subscribe 科技金融 成都", "取消成都那个")
    later = new_chat(FixedClock(NOW + timedelta(minutes=11)))
    [reply] = await later("2")
    assert "已取消" not in reply and len(labels(store)) == 2
    assert open_rows(sqlite_database) == []  # the lapsed row went when it was read
