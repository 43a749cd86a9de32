"""Subscription management in plain words (取消、暂停、恢复、我订了哪些), and the reply after it."""

from __future__ import annotations

import pytest

from bot.core.subscriptions.parser import load_vocabulary
from bot.core.subscriptions.plain import load_request_words, read_request
from bot.storage.subscriptions import SqlSubscriptionStore
from tests.digests.conftest import KEY, Chat


def labels(store: SqlSubscriptionStore) -> list[str]:
    return [" · ".join([*s.topics, *s.regions]) for s in store.list_for_user(KEY)]


@pytest.mark.parametrize(
    ("text", "kind", "number", "regions", "every", "days"),
    [
        ("退订重庆那条", "cancel", None, ("重庆",), False, None),
        ("把第二个删掉吧", "cancel", 2, (), False, None),  # weak: only if 2号 exists
        ("第二个不要了", "cancel", 2, (), False, None),
        ("别再给我推了", "cancel", None, (), False, None),
        ("2号取消掉", "cancel", 2, (), False, None),
        ("取消掉成都那个订阅", "cancel", None, ("成都",), False, None),  # never a new 订阅
        ("以后不要推送了", "cancel", None, (), False, None),
        ("暂时别推了，过两周再说", "pause", None, (), False, 14),
        ("别再推了", "cancel", None, (), False, None),
        ("统统取消", "cancel", None, (), True, None),
        ("取消成都市那个", "cancel", None, ("成都",), False, None),
        ("先停一下3号，十天以后再说", "pause", 3, (), False, 10),
        ("2号停半个月", "pause", 2, (), False, 15),
        ("一个月后恢复推送", "pause", None, (), False, 30),
        ("恢复重庆的推送", "resume", None, ("重庆",), False, None),
        ("看看我的订阅", "list", None, (), False, None),
        ("我都订了啥", "list", None, (), False, None),
        ("帮我订一下重庆的科技金融", "subscribe", None, (), False, None),
        ("以后每周五发我高企的消息", "subscribe", None, (), False, None),
        ("能不能每天推送成都的积分贷给我", "subscribe", None, (), False, None),
        ("帮我订阅一下杭州的专精特新", "subscribe", None, (), False, None),
        ("把成都那个订阅取消了", "cancel", None, ("成都",), False, None),
        ("不想收积分贷的简报了", "cancel", None, (), False, None),
        ("删掉1号", "cancel", 1, (), False, None),
        ("取消全部订阅", "cancel", None, (), True, None),
        ("这周先别发了", "pause", None, (), False, None),
        ("先暂停一周", "pause", None, (), False, 7),
        ("继续给我推吧", "resume", None, (), False, None),
        ("我有哪些订阅", "list", None, (), False, None),
        ("我的订阅情况", "list", None, (), False, None),
        ("我想每天收到科小相关的政策", "subscribe", None, (), False, None),
        ("有积分贷的新消息通知我一下", "subscribe", None, (), False, None),
        ("再加一个杭州高企的 每周五", "subscribe", None, (), False, None),
        ("我们收到了高企的通知", None, None, (), False, None),  # no schedule: a statement, not a request
        # questions and look-alikes stay questions
        ("从2号删掉成都", None, None, (), False, None),  # an edit of 2号, for the editor
        ("积分贷简报几点推送", None, None, (), False, None),
        ("推送成都积分贷", None, None, (), False, None),
        ("最新一期简报讲了什么", None, None, (), False, None),
        ("简报多久推送一次", None, None, (), False, None),
        ("怎么取消订阅", None, None, (), False, None),
        ("取消高企资格的情形", None, None, (), False, None),
        ("给我推荐一下高企政策", None, None, (), False, None),
        ("把最新简报发给我", None, None, (), False, None),
        ("暂停推送后还能恢复吗", None, None, (), False, None),
        ("订阅简报要钱吗", None, None, (), False, None),
        ("取消", None, None, (), False, None),  # the answer to a prompt, not a request
        ("停止研发后还能享受加计扣除吗", None, None, (), False, None),
    ],
)
def test_the_reader_takes_requests_and_leaves_questions(
    text: str,
    kind: str | None,
    number: int | None,
    regions: tuple[str, ...],
    every: bool,
    days: int | None,
) -> None:
    found = read_request(text, load_vocabulary(), load_request_words())
    assert (found.kind if found else None) == kind, found
    if found is not None and kind != "subscribe":
        assert (found.target.number, found.target.regions, found.target.every) == (
            number,
            regions,
            every,
        )
        assert (found.pause.days if found.pause else None) == days


async def test_subscribing_in_plain_words(chat: Chat, store: SqlSubscriptionStore) -> None:
    weekly, wanted, daily, listing = await chat(
        "订阅成都的积分贷简报每周一",
        "我想订阅重庆科技金融的简报",
        "每天早上9点给我推高企的政策",
        "我订了哪些",
    )
    assert "推送：每周一 09:00" in weekly and "没说几点，先定 09:00" in weekly
    assert "下次推送：11月30日 周一 09:00" in weekly
    assert "地区：重庆" in wanted and "没说哪天，先这样定" in wanted  # the default, said
    assert "主题：高新技术企业（您写的“高企”）" in daily and "推送：每天 09:00" in daily
    assert "“政策”" not in daily  # no word named back as unknown
    assert "1. 积分贷 · 成都 · 每周一 09:00" in listing and "3. 高新技术企业 · 每天 09:00" in listing
    assert labels(store) == ["积分贷 · 成都", "科技金融 · 重庆", "高新技术企业"]


async def test_cancelling_names_the_one_or_asks(chat: Chat, store: SqlSubscriptionStore) -> None:
    await chat("/subscribe 积分贷 成都", "/subscribe 科技金融 成都 每天8点", "/subscribe 人才 重庆")
    [gone] = await chat("退订重庆的")
    assert "已取消第 3 个订阅：人才 · 重庆" in gone and "不再推送" in gone
    [missing] = await chat("取消杭州那个")
    assert "没有找到和“杭州那个”对得上的订阅，什么也没改" in missing and "1. 积分贷 · 成都" in missing
    which, wrong, picked = await chat("取消成都那个", "5", "2")
    assert "有 2 个订阅对得上，要取消哪一个？" in which and "2. 科技金融 · 成都" in which
    assert "请回复上面列出的编号（1、2）" in wrong
    assert "已取消第 2 个订阅：科技金融 · 成都 · 每天 08:00" in picked
    assert labels(store) == ["积分贷 · 成都"]
    which, named = (await chat("/subscribe 人才 成都", "取消成都的", "人才那个"))[1:]
    assert "要取消哪一个？" in which and "已取消第 2 个订阅：人才 · 成都" in named
    assert labels(store) == ["积分贷 · 成都"]


async def test_stop_everything_is_confirmed(chat: Chat, store: SqlSubscriptionStore) -> None:
    await chat("/subscribe 积分贷 成都", "/subscribe 人才 重庆")
    which, kept = await chat("不要再推了", "取消")
    assert "要取消哪一个？" in which and "都取消请回复“全部”" in which
    assert "什么也没改" in kept and len(labels(store)) == 2
    which, every = await chat("不要再推了", "全部")
    assert "已取消 2 个订阅" in every and labels(store) == []
    await chat("/subscribe 积分贷 成都", "/subscribe 人才 重庆")
    asked, done = await chat("都不要了", "确认")
    assert "确认取消全部 2 个订阅吗" in asked and "已取消全部 2 个订阅" in done
    [single] = (await chat("/subscribe 积分贷 成都", "取消1号"))[1:]
    assert "已取消第 1 个订阅：积分贷 · 成都" in single
    asked, done = (await chat("/subscribe 人才", "取消全部订阅", "确认"))[1:]  # all of one: confirmed
    assert "确认取消全部 1 个订阅吗" in asked and "已取消全部 1 个订阅" in done


async def test_a_second_one_like_the_first(chat: Chat, store: SqlSubscriptionStore) -> None:
    first, second = await chat("订阅成都的积分贷简报每周三下午3点", "重庆的也订一个")
    assert "推送：每周三 15:00" in first
    assert "已订阅（第 2 个）" in second and "主题：积分贷" in second and "地区：重庆" in second
    assert "推送：每周三 15:00" in second and "没说" not in second
    assert labels(store) == ["积分贷 · 成都", "积分贷 · 重庆"]


async def test_pausing_and_resuming(chat: Chat, store: SqlSubscriptionStore) -> None:
    await chat("/subscribe 积分贷 成都 每周一", "/subscribe 人才 重庆 每天8点")
    [paused] = await chat("暂停1号两周")
    assert "已暂停第 1 个订阅，12月11日 起恢复推送" in paused
    assert "下次推送：12月14日 周一 09:00" in paused
    which, length, picked = await chat("暂停一下", "下个月再说", "2")
    assert "要暂停哪一个？" in which and "好的，暂停到下个月" in length
    assert "已暂停第 2 个订阅，12月1日 起恢复推送" in picked and "下次推送：12月1日 周二 08:00" in picked
    which, resumed = await chat("恢复推送", "1")
    assert "有 2 个订阅对得上，要恢复哪一个？" in which
    assert "已恢复第 1 个订阅" in resumed and "下次推送：11月30日 周一 09:00" in resumed
    [resumed] = await chat("恢复推送")  # only 2号 is still paused: that one
    assert "已恢复第 2 个订阅" in resumed and "下次推送：11月28日 周六 08:00" in resumed
    [none] = await chat("恢复推送")
    assert "没有暂停的订阅" in none
    dated, weekday = await chat("1号暂停到12月15号", "1号暂停到下周三")
    assert "已暂停第 1 个订阅，12月15日 起恢复推送" in dated and "下次推送：12月21日 周一" in dated
    assert "12月2日 起恢复推送" in weekday and "下次推送：12月7日 周一 09:00" in weekday
    [too_long] = await chat("1号暂停一年")
    assert "最长只能暂停 180 天" in too_long
    await chat("恢复1号")
    asked, paused = await chat("重庆那个先停一下", "10天")
    assert "暂停多久？" in asked and "已暂停第 2 个订阅，12月7日 起恢复推送" in paused


async def test_changing_names_the_one_or_asks(chat: Chat, store: SqlSubscriptionStore) -> None:
    [_, changed] = await chat("/subscribe 积分贷 成都 每周一", "改成每周五")
    assert "已修改第 1 个订阅" in changed and "推送：每周五 09:00" in changed
    assert "下次推送：12月4日 周五 09:00" in changed
    _, kept, moved, timed = await chat(
        "/subscribe 人才 重庆", "确认", "改成每天8点", "把推送时间改成下午3点"
    )
    assert "好的，就这样：人才 · 重庆 · 每周一 09:00，下次推送 11月30日 周一 09:00" in kept
    assert "已修改第 2 个订阅" in moved and "推送：每天 08:00" in moved  # the one just made
    assert "已修改第 2 个订阅" in timed and "推送：每天 15:00" in timed
    listing, which, picked = await chat("我订了哪些", "改成每周三", "1")
    assert "1. 积分贷 · 成都 · 每周五 09:00" in listing
    assert "您有 2 个订阅，要改哪一个" in which  # after the list, "that one" is no longer clear
    assert "已修改第 1 个订阅" in picked and "推送：每周三 09:00" in picked


async def test_requests_work_in_the_middle_of_a_scoring_dialogue(
    chat: Chat, store: SqlSubscriptionStore
) -> None:
    replies = await chat(
        "/subscribe 积分贷 成都 每周一", "/score", "暂停1号两周", "我订了哪些", "营收3000万"
    )
    assert "已暂停第 1 个订阅" in replies[2] and "1. 积分贷 · 成都" in replies[3]
    assert "暂停" not in replies[4]  # the figure still goes to the dialogue


async def test_questions_about_briefings_are_still_answered(
    chat: Chat, store: SqlSubscriptionStore
) -> None:
    await chat("/subscribe 积分贷 成都")
    replies = await chat("积分贷简报里说了什么", "取消积分制的企业还能贷款吗", "简报多久推送一次")
    said = "\n".join(replies)
    assert said.count("画像") == 2 and "未在已收录" in said and "已取消" not in said
    asked, kept, paid = await chat("取消订阅吗？", "取消", "订阅要钱吗")
    assert "确认取消全部 1 个订阅吗" in asked and "没有取消" in kept  # a question: confirmed first
    assert "没有订阅" not in paid and "未在已收录" in paid  # a question, not a subscription
    assert labels(store) == ["积分贷 · 成都"]
    assert labels(store) == ["积分贷 · 成都"]  # nothing cancelled by a question


async def test_everyday_words_subscribe_and_add_another(chat: Chat, store: SqlSubscriptionStore) -> None:
    first, second = await chat("我想每天收到科小相关的政策", "再加一个杭州高企的 每周五")
    assert "主题：科技型中小企业（您写的“科小”）" in first and "推送：每天 09:00" in first
    assert "已订阅（第 2 个）" in second and "地区：杭州" in second and "推送：每周五" in second
    assert labels(store) == ["科技型中小企业", "高新技术企业 · 杭州"]


@pytest.mark.parametrize("words", ["不要了，取消吧", "取消吧", "不要了"])
async def test_cancel_right_after_subscribing_means_that_one(
    chat: Chat, store: SqlSubscriptionStore, words: str
) -> None:
    await chat("/subscribe 人才 重庆")
    [made, gone, listing] = await chat("帮我订阅成都积分贷的消息，每周一早上9点发", words, "/subs")
    assert "已订阅（第 2 个）" in made
    assert "已取消第 2 个订阅：积分贷 · 成都" in gone
    assert "积分贷" not in listing and labels(store) == ["人才 · 重庆"]


async def test_a_schedule_right_after_subscribing_changes_that_one(chat: Chat, store: SqlSubscriptionStore) -> None:
    made, changed, gone = await chat("有积分贷的新消息通知我一下", "每周五发一次就行", "停掉所有推送")
    assert "主题：积分贷" in made
    assert "已修改第 1 个订阅" in changed and "推送：每周五 09:00" in changed
    assert labels(store) == ["积分贷"]  # never a second subscription
    assert "确认取消全部 1 个订阅吗" in gone


async def test_a_region_right_after_subscribing_is_for_that_one(chat: Chat, store: SqlSubscriptionStore) -> None:
    made, kept = await chat("我想每天收到科小相关的政策", "全国的")
    assert "地区：不限" in made and "好的，就这样：科技型中小企业" in kept
    changed = (await chat("杭州的"))[0]  # "就这样" keeps the context: a region next still means that one
    assert "地区：杭州" in changed and labels(store) == ["科技型中小企业 · 杭州"]
