"""Commands and free text reach the right feature; /forget reaches every store."""

from __future__ import annotations

import asyncio

from bot.core.assistant import CoreAssistant
from bot.core.gate import UserGate
from bot.core.types import Incoming, Reply
from bot.storage import Database
from bot.storage.sessions import SessionStore
from bot.storage.users import UserStore
from tests.core.conftest import Rig, text_of
from tests.fakes.core import FakeAnswerer, FakeScoring, RecordingForgettable


async def test_start_greets_with_a_menu_and_help_lists_commands(rig: Rig) -> None:
    replies = await rig.assistant.handle(
        Incoming(channel="telegram", user_id="7", text="/start", display_name="王经理")
    )
    assert "您好，王经理" in replies[0].text
    assert [c.data for row in replies[0].choices for c in row][:2] == ["cmd:score", "cmd:sme"]
    assert rig.users.get("telegram:7") is not None
    help_text = text_of(await rig.say("/help"))
    for command in ("/ask", "/score", "/sme", "/hightech", "/subscribe", "/forget", "/cancel"):
        assert command in help_text
    assert "开始创新积分初步测算" in text_of(await rig.click("cmd:score"))


async def test_question_is_answered_with_deduplicated_sources(rig: Rig) -> None:
    text = text_of(await rig.say("/ask 什么是企业创新积分制？"))
    assert "画像" in text and "出处" in text
    assert text.count("《成都正式出台企业创新积分制实施方案》") == 1
    assert "未在已收录" in text_of(await rig.say("火星上的政策是什么？"))
    assert rig.answerer.questions == ["什么是企业创新积分制？", "火星上的政策是什么？"]


async def test_subscription_commands_and_words_and_callbacks_are_routed(rig: Rig) -> None:
    await rig.say("/subscribe 积分贷 成都 每周一 9点")
    await rig.say("/subs")
    await rig.say("/unsubscribe 1")
    await rig.say("/digest")
    await rig.say("订阅 科技金融")
    await rig.say("取消订阅 科技金融")
    await rig.click("sub:topic:积分贷")
    assert rig.subscriptions.calls == [
        ("console:u1", "subscribe", "积分贷 成都 每周一 9点"),
        ("console:u1", "subs", ""),
        ("console:u1", "unsubscribe", "1"),
        ("console:u1", "digest", ""),
        ("console:u1", "subscribe", "科技金融"),
        ("console:u1", "unsubscribe", "科技金融"),
        ("console:u1", "callback", "sub:topic:积分贷"),
    ]


async def test_subscriptions_placeholder_when_not_wired(database: Database) -> None:
    assistant = CoreAssistant(
        users=UserStore(database), sessions=SessionStore(database), scoring=FakeScoring(),
        answerer=FakeAnswerer(),
    )
    replies = await assistant.handle(Incoming(channel="console", user_id="1", text="/subscribe 积分贷"))
    assert "订阅功能暂未开放" in replies[0].text


async def test_forget_deletes_across_every_store(database: Database) -> None:
    channel_store = RecordingForgettable(records=2)
    from tests.fakes.core import FakeSubscriptions

    subs = FakeSubscriptions()
    users, sessions = UserStore(database), SessionStore(database)
    assistant = CoreAssistant(
        users=users, sessions=sessions, scoring=FakeScoring(), answerer=FakeAnswerer(),
        subscriptions=subs, forgettables=[subs, channel_store],
    )

    async def say(text: str, user: str = "1") -> list[Reply]:
        return await assistant.handle(Incoming(channel="console", user_id=user, text=text))

    await say("/subscribe 积分贷")
    await say("/score 营收3000万")
    await say("成都 软件")
    await say("/score 营收100万", user="2")
    [asked] = await say("/forget")  # cannot be undone: it says what goes and asks first
    assert "1 个订阅" in asked.text and "企业档案" in asked.text and "不能恢复" in asked.text
    assert [c.data for row in asked.choices for c in row] == ["forget:yes", "forget:no"]
    assert "没有删除" in (await say("取消"))[0].text and subs.stored
    await say("/forget")
    replies = await assistant.handle(
        Incoming(channel="console", user_id="1", kind="callback", callback_data="forget:yes")
    )
    # user row + session + 1 subscription + 2 channel records
    assert "共 5 条记录" in replies[0].text
    assert users.get("console:1") is None and sessions.load("console:1") is None
    assert subs.stored == {} and channel_store.forgotten == ["console:1"]
    assert sessions.load("console:2") is not None  # other users untouched


async def test_one_users_messages_stay_in_order_and_a_flood_is_turned_away(database: Database) -> None:
    answerer = FakeAnswerer(delay=0.02)
    assistant = CoreAssistant(
        users=UserStore(database), sessions=SessionStore(database), scoring=FakeScoring(),
        answerer=answerer, max_pending_per_user=5,
    )
    questions = [f"第{i}个问题是什么" for i in range(8)]
    results = await asyncio.gather(
        *(assistant.handle(Incoming(channel="console", user_id="f", text=q)) for q in questions)
    )
    answered = [q for q, r in zip(questions, results, strict=True) if "消息太多" not in r[0].text]
    assert answered == questions[:5]
    assert answerer.questions == questions[:5]  # handled strictly in arrival order


async def test_gate_forgets_idle_users() -> None:
    gate = UserGate(max_pending=2)
    async with gate.enter("a") as admitted:
        assert admitted and gate.pending("a") == 1
    assert len(gate) == 0 and gate.pending("a") == 0


async def test_a_bare_number_outside_a_dialogue_asks_what_it_is(rig: Rig) -> None:
    for message in ("2", "3000万", "１２人"):
        assert "这个数字指哪一项" in text_of(await rig.say(message))
    assert rig.answerer.questions == []
    assert "画像" in text_of(await rig.say("2023年积分制有什么变化"))


async def test_full_width_slash_and_bot_suffix_are_commands(rig: Rig) -> None:
    assert "可用命令" in text_of(await rig.say("／help"))
    assert "可用命令" in text_of(await rig.say("/HELP@innobot_bot"))


async def test_an_unreadable_stored_session_is_dropped_not_stuck(rig: Rig) -> None:
    rig.sessions.save("console:u1", "scoring", {"rule_set": "retired-rules", "stage": "collect"})
    assert "画像" in text_of(await rig.say("积分制是什么"))
    assert rig.sessions.load("console:u1") is None


async def test_token_bucket_limits_a_sustained_flood_and_refills() -> None:
    now = [0.0]
    gate = UserGate(max_pending=100, rate=1.0, burst=3, clock=lambda: now[0])

    async def admitted(key: str) -> bool:
        async with gate.enter(key) as ok:
            return ok

    assert [await admitted("f") for _ in range(4)] == [True, True, True, False]
    assert await admitted("other")  # one user's flood does not touch another's bucket
    now[0] = 2.0
    assert [await admitted("f") for _ in range(3)] == [True, True, False]
