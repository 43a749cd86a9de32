"""Deleting one's data asked in plain words gets /forget's confirmation: never a policy answer, never
stored as the firm's region at the region prompt; a field's deletion or a question stays what it was."""

from __future__ import annotations

import pytest

from tests.core.conftest import Rig, text_of

REQUESTS = ["把我的数据都删了", "删除我的信息", "删除我的数据", "把我的资料全部删除", "清空我的档案", "注销",
            "我不想用了，把信息都删掉"]


@pytest.mark.parametrize("message", REQUESTS)
async def test_a_plain_word_request_asks_forgets_question(rig: Rig, message: str) -> None:
    replies = await rig.say(message)
    assert "确认删除您的全部数据吗" in text_of(replies)
    assert not rig.answerer.questions
    kept = await rig.say("取消")  # the next message: nothing deleted
    assert "已保留您的数据" in text_of(kept)


@pytest.mark.parametrize("message", ["删除我的数据", "把我的资料全部删除"])
async def test_at_the_region_prompt_it_is_not_stored_as_a_region(rig: Rig, message: str) -> None:
    await rig.say("/score")
    replies = await rig.say(message)
    assert "确认删除您的全部数据吗" in text_of(replies) and "已记录" not in text_of(replies)
    assert rig.users.get("console:u1") is None or rig.users.get("console:u1").region is None  # type: ignore[union-attr]
    answered = await rig.say("确认")
    assert "已删除您的全部数据" in text_of(answered)
    assert rig.sessions.load("console:u1") is None


@pytest.mark.parametrize("message", ["你们会删除我的数据吗", "删除档案里的研发费用"])
async def test_questions_and_one_fields_deletion_are_not_forget(rig: Rig, message: str) -> None:
    assert "确认删除您的全部数据吗" not in text_of(await rig.say(message))
