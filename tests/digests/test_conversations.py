"""Subscriptions as a manager types them: piped console, the real core and subscription service."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage.subscriptions import SqlSubscriptionStore
from tests.digests.conftest import KEY, Chat


def labels(store: SqlSubscriptionStore) -> list[str]:
    return [" · ".join([*s.topics, *s.regions]) for s in store.list_for_user(KEY)]


async def test_the_issue_examples(chat: Chat, store: SqlSubscriptionStore) -> None:
    mars, ip, luzhou, listing = await chat(
        "/subscribe 火星 每周八", "/subscribe 知识产权 每月1号", "/subscribe 泸州", "/subs"
    )
    assert "没有订阅" in mars and "“每周八”不是有效的星期" in mars and "每月第一个周一" in mars
    assert "“火星”不是已知的主题或地区，已忽略" in mars
    assert "主题：知识产权" in ip and "推送：每月1号 09:00" in ip and "没说几点" in ip
    assert "下次推送：12月1日 周二 09:00" in ip
    assert "地区：泸州（四川）" in luzhou and "主题：不限" in luzhou
    assert "1. 知识产权 · 每月1号 09:00" in listing and "2. 泸州 · 每周一 09:00" in listing
    assert labels(store) == ["知识产权", "泸州"]  # nothing about 火星 was stored

    _, moved, renamed, listing = await chat(
        "/subscribe 积分贷 成都", "把成都那个改成每周五下午3点", "把成都那个改成重庆", "/subs"
    )
    assert "已修改第 3 个订阅" in moved and "推送：每周五 15:00" in moved
    assert "下次推送：11月27日 周五 15:00" in moved
    assert "已修改第 3 个订阅" in renamed and "地区：重庆" in renamed and "成都" not in renamed
    assert "3. 积分贷 · 重庆 · 每周五 15:00" in listing and "1. 知识产权" in listing


@pytest.mark.parametrize(
    ("typed", "said", "next_time"),
    [
        ("每天 9点", "每天 09:00", "11月28日 周六 09:00"),
        ("工作日 上午十点", "工作日（周一至周五） 10:00", "11月30日 周一 10:00"),
        ("周一到周五 8:30", "工作日（周一至周五） 08:30", "11月30日 周一 08:30"),
        ("每周三 下午3点", "每周三 15:00", "12月2日 周三 15:00"),
        ("每星期五 晚上8点半", "每周五 20:30", "11月27日 周五 20:30"),
        ("每两周周二 十点三十分", "每两周的周二 10:30", "12月1日 周二 10:30"),
        ("隔周周五 下午1点", "每两周的周五 13:00", "11月27日 周五 13:00"),
        ("每月1号 9:30", "每月1号 09:30", "12月1日 周二 09:30"),
        ("每月28日 早上7点一刻", "每月28号 07:15", "11月28日 周六 07:15"),
        ("每月最后一天 18点", "每月最后一天 18:00", "11月30日 周一 18:00"),
        ("每月第一个周一 9点", "每月第一个周一 09:00", "12月7日 周一 09:00"),
        ("每月最后一个周五 中午12点", "每月最后一个周五 12:00", "12月25日 周五 12:00"),
        ("每天 23点", "每天 23:00", "11月28日 周六 07:00"),  # quiet hours say so
    ],
)
async def test_every_schedule_form_is_restated(
    chat: Chat, typed: str, said: str, next_time: str
) -> None:
    [reply] = await chat(f"/subscribe 科技金融 {typed}")
    assert f"推送：{said}（北京时间）" in reply, reply
    assert f"下次推送：{next_time}" in reply, reply


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("每周八", "“每周八”不是有效的星期"),
        ("每天 25点", "“25点”不是有效的时间"),
        ("2月30日", "“2月30日”这一天不存在"),
        ("每月31号", "“每月31号”不是每个月都有"),
        ("every monday 9am", "推送时间请用中文写（“every monday 9am”没有读懂）"),
        ("每天 上午15点", "“上午15点”不是有效的时间"),
    ],
)
async def test_impossible_schedules_are_refused_and_nothing_is_stored(
    chat: Chat, store: SqlSubscriptionStore, typed: str, named: str
) -> None:
    [reply] = await chat(f"/subscribe 积分贷 {typed}")
    assert reply.startswith("没有订阅") and named in reply and "每月第一个周一" in reply
    assert store.list_for_user(KEY) == []


async def test_answers_at_a_prompt_keep_its_context(chat: Chat, store: SqlSubscriptionStore) -> None:
    topic, region, frequency, time, done = await chat("/subscribe", "a", "重庆", "每两周周三", "下午3点")
    assert "哪个主题" in topic and "哪个地区" in region and "多久推送" in frequency
    assert "几点推送" in time
    assert "地区：重庆" in done and "推送：每两周的周三 15:00" in done
    assert labels(store) == ["积分贷 · 重庆"]
    replies = await chat("/subscribe", "a", "火星", "泸县", "取消")
    assert "“火星”不是已知的地区" in replies[2] and "多久推送" in replies[3]
    assert "已退出订阅设置" in replies[4] and len(store.list_for_user(KEY)) == 1
    replies = await chat("/subscribe", "a", "重庆有哪些积分贷政策？")
    assert "未在已收录" in replies[2] or "画像" in replies[2]  # a question leaves the flow


async def test_edits_name_their_subscription_or_ask(chat: Chat, store: SqlSubscriptionStore) -> None:
    [_, added] = await chat("/subscribe 积分贷 成都 每周一 9点", "加上科技金融")
    assert "已修改第 1 个订阅" in added and "主题：积分贷、科技金融" in added
    which, picked = (await chat("/subscribe 知识产权 成都", "把成都那个改成每天8点", "2"))[1:]
    assert "有 2 个订阅都对得上“成都”" in which and "2. 知识产权 · 成都" in which
    assert "已修改第 2 个订阅" in picked and "推送：每天 08:00" in picked
    [refused] = await chat("改成每周八")
    assert "没有修改" in refused and "每周八" in refused
    [paused, listing, resumed] = await chat("把2号暂停两周", "/subs", "2号恢复推送")
    assert "已暂停第 2 个订阅，12月11日 起恢复推送" in paused and "下次推送：12月12日 周六 08:00" in paused
    assert "2. 知识产权 · 成都 · 每天 08:00（已暂停" in listing
    assert "已恢复第 2 个订阅" in resumed and "下次推送：11月28日 周六 08:00" in resumed
    [missing] = await chat("把9号改成每天")
    assert "没有找到" in missing
    [narrowed, widened] = await chat("从2号去掉知识产权", "从2号去掉成都")
    assert "已修改第 2 个订阅" in narrowed and "主题：不限" in narrowed and "地区：成都" in narrowed
    assert "没有修改" in widened and "/unsubscribe 2" in widened  # never widened to everything
    await chat("给2号加上知识产权")
    assert labels(store) == ["积分贷 · 科技金融 · 成都", "知识产权 · 成都"]


async def test_a_new_schedule_keeps_the_pause(chat: Chat, store: SqlSubscriptionStore) -> None:
    [_, paused, changed, listing] = await chat(
        "/subscribe 积分贷 成都 每周一 9点", "暂停两周", "把成都那个改成每周五下午3点", "/subs"
    )
    assert "12月11日 起恢复推送" in paused
    # the pause ends 12月11日 at noon, so the first Friday slot is that afternoon, not 12月4日
    assert "推送：每周五 15:00" in changed and "下次推送：12月11日 周五 15:00" in changed
    assert "已暂停" in listing


async def test_what_cannot_be_undone_is_confirmed(chat: Chat, store: SqlSubscriptionStore) -> None:
    asked, kept = (await chat("/subscribe 积分贷", "/unsubscribe all", "取消"))[1:]
    assert "确认取消全部 1 个订阅" in asked and "1. 积分贷" in asked and "[a] 确认" in asked
    assert "没有取消" in kept and len(store.list_for_user(KEY)) == 1
    forget, kept = await chat("/forget", "取消")
    assert "1 个订阅" in forget and "不能恢复" in forget and "没有删除" in kept
    assert len(store.list_for_user(KEY)) == 1
    _, done = await chat("/forget", "a")  # the 确认删除 button
    assert "已删除" in done and store.list_for_user(KEY) == []


async def test_bad_input_gets_a_clear_reply_and_nothing_untold_is_stored(
    chat: Chat, store: SqlSubscriptionStore
) -> None:
    [mixed] = await chat("/subscribe 积分贷款 火星 泸州 abc 美国 每周三")
    assert "主题：积分贷（您写的“积分贷款”）" in mixed and "地区：泸州（四川）" in mixed
    assert "“火星”“abc”不是已知的主题或地区，已忽略" in mixed and "“美国”不在国内" in mixed
    assert labels(store) == ["积分贷 · 泸州"]
    regions = ["成都", "绵阳", "德阳", "宜宾", "乐山", "南充", "泸县", "合江", "重庆", "杭州"]
    lines = [f"/subscribe 科技金融 {r} 每天{h}点" for h in range(8, 28) for r in regions]
    replies = await chat(*lines[:200])
    created = [r for r in replies if r.startswith("已订阅")]
    assert len(created) == 9 and len(store.list_for_user(KEY)) == 10
    assert all("每人最多 10 个订阅" in r or "不是有效的时间" in r for r in replies[9:])


@pytest.mark.slow
def test_the_issue_script_through_the_real_chat_process(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.fakes.processes import child_env

    env = child_env(tmp_path, INNOBOT_EMBEDDER="hash")
    script = (
        "/subscribe 火星 每周八\n/subscribe 知识产权 每月1号\n/subscribe 泸州\n/subs\n"
        "/subscribe 积分贷 成都\n把成都那个改成每周五下午3点\n/subscribe\na\n重庆\n每月最后一天\n9点\n"
        "/unsubscribe all\n确认\n"
    )
    done = subprocess.run(
        [str(Path(sys.executable).parent / "innobot"), "chat", "--user", "t1"],
        input=script, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "“火星”不是已知的主题或地区，已忽略" in out and "“每周八”不是有效的星期" in out
    assert "推送：每月1号 09:00" in out and "地区：泸州（四川）" in out
    assert "已修改第 3 个订阅" in out and "推送：每周五 15:00" in out
    assert "地区：重庆" in out and "推送：每月最后一天 09:00" in out
    assert "确认取消全部 4 个订阅" in out and "已取消全部 4 个订阅" in out
    assert "Traceback" not in done.stderr
