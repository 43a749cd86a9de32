"""Plain words at the form's prompts: confirm words, questions, a pending /forget (QA stop 20)."""

from __future__ import annotations

import pytest

from tests.core.conftest import Rig, text_of


async def _at_confirm(rig: Rig) -> str:
    await rig.say("/score 营收3000万，研发投入150万")
    await rig.say("跳过")  # region/industry
    return text_of(await rig.say("就这些"))


@pytest.mark.parametrize("word", ["开始算", "算吧", "嗯", "行"])
async def test_confirm_screen_accepts_plain_go_ahead_words(rig: Rig, word: str) -> None:
    assert "请确认" in await _at_confirm(rig)
    replies = await rig.say(word)
    assert "初步自评估" in text_of(replies)
    assert rig.scoring.evaluations


async def test_confirm_screen_fallback_asks_for_confirmation_not_a_figure(rig: Rig) -> None:
    await _at_confirm(rig)
    text = text_of(await rig.say("这个界面啥意思啊"))
    assert "没能从这条消息中识别出数字" not in text
    assert "回复“确认”开始测算" in text
    assert not rig.scoring.evaluations
