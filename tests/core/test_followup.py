"""Elliptical follow-ups carry the previous question: a slot swapped, or its subject kept."""

from __future__ import annotations

import pytest

from bot.core.assistant import CoreAssistant
from bot.core.estimate.library import LibraryScoring
from bot.core.firm.vocab import load_vocab
from bot.core.followup import Followups, load_followups
from bot.core.types import Incoming
from bot.storage import Database
from bot.storage.profiles import SqlProfileStore
from bot.storage.sessions import SessionStore
from bot.storage.users import UserStore
from tests.fakes.core import FakeAnswerer

PREVIOUS = "成都的积分贷最高能贷多少"


@pytest.fixture
def followups() -> Followups:
    return load_followups(tuple(w for w, _ in load_vocab().checks()))


@pytest.mark.parametrize(
    ("message", "whole"),
    [
        ("杭州呢", "杭州的积分贷最高能贷多少"),
        ("那宁波呢？", "宁波的积分贷最高能贷多少"),
        ("深圳的呢", "深圳的积分贷最高能贷多少"),
        ("换成苏州怎么样", "苏州的积分贷最高能贷多少"),
        ("那高企呢", "成都的高企最高能贷多少"),
        ("利率多少", "成都积分贷利率多少"),
        ("额度呢", "成都积分贷额度"),
        ("需要抵押吗", "成都积分贷需要抵押吗"),
        ("最高能贷多少？", "成都积分贷最高能贷多少"),
        ("那杭州的利率呢", "杭州积分贷的利率"),
        ("杭州利率多少", "杭州积分贷利率多少"),
    ],
)
def test_a_follow_up_stands_for_the_previous_question(followups: Followups, message: str, whole: str) -> None:
    assert followups.rewrite(PREVIOUS, message) == whole


@pytest.mark.parametrize("message", ["研发费用怎么算", "还差多少", "差在哪", "好的", "营收3000万", "我们能贷吗",
                                     "杭州的科创贷和成都的积分贷利率分别是多少", "杭州有什么政策",
                                     "那高企的条件呢", "杭州的科创贷利率多少"])
def test_a_message_with_its_own_subject_is_no_follow_up(followups: Followups, message: str) -> None:
    assert followups.rewrite(PREVIOUS, message) is None


def test_a_qualification_swaps_a_qualification_or_goes_in_front(followups: Followups) -> None:
    assert followups.rewrite("高企的研发费用要求是多少", "那科小呢") == "科小的研发费用要求是多少"
    assert followups.rewrite("研发费用加计扣除比例是多少", "那科小呢") == "科小研发费用加计扣除比例是多少"
    assert followups.rewrite(None, "杭州呢") is None


async def test_the_chat_answers_the_whole_question_and_a_check_ends_the_thread(database: Database) -> None:
    answerer = FakeAnswerer()
    assistant = CoreAssistant(users=UserStore(database), sessions=SessionStore(database), scoring=LibraryScoring(),
                              answerer=answerer, profiles=SqlProfileStore(database))

    async def say(text: str) -> str:
        replies = await assistant.handle(Incoming(channel="console", user_id="m", text=text))
        return "\n".join(r.text for r in replies)

    await say(PREVIOUS)
    reply = await say("那杭州呢")
    assert answerer.questions[-1] == "杭州的积分贷最高能贷多少" and "按“杭州的积分贷最高能贷多少”回答" in reply
    await say("利率多少")
    assert answerer.questions[-1] == "杭州积分贷利率多少"  # the subject of the question before it
    await say("能认定高企吗")
    await say("营收3000万，研发投入100万，研发人员6人，职工120人")
    asked = len(answerer.questions)
    reply = await say("那科小呢")  # after a result: the same firm, another check — not a question
    assert "科小自评" in reply and len(answerer.questions) == asked


async def test_a_check_after_a_question_lists_briefings_of_the_place_it_named(database: Database) -> None:
    from tests.fakes.core import FakeSearcher

    assistant = CoreAssistant(users=UserStore(database), sessions=SessionStore(database), scoring=LibraryScoring(),
                              answerer=FakeAnswerer(), searcher=FakeSearcher(), profiles=SqlProfileStore(database))

    async def say(text: str) -> str:
        replies = await assistant.handle(Incoming(channel="console", user_id="q", text=text))
        return "\n".join(r.text for r in replies)

    await say(PREVIOUS)  # no region in the profile: the question's 成都 stands for it
    await say("能认定高企吗")
    reply = await say("营收3000万，研发投入100万，研发人员6人，职工120人")
    listed = reply.split("政策简报")[-1]
    assert "成都正式出台" in listed and "南京" not in listed and "宁夏" not in listed


@pytest.mark.parametrize("message", ["高企", "积分贷", "科小。"])
def test_a_bare_subject_switches_topic_rather_than_following_up(followups: Followups, message: str) -> None:
    assert followups.rewrite(PREVIOUS, message) is None
    assert followups.rewrite(PREVIOUS, "那" + message.rstrip("。") + "呢") is not None
