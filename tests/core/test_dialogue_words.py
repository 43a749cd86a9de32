"""Plain words at the form's prompts: confirm words, questions, a pending /forget (QA stop 20)."""

from __future__ import annotations

import pytest

from bot.core.estimate.parts import add_new_kinds
from bot.core.estimate.port import ParsedFigure
from bot.core.texts import load_texts
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


async def test_no_at_the_region_prompt_skips_it_and_stores_nothing(rig: Rig) -> None:
    await rig.say("/score 营收3000万，研发投入150万")
    text = text_of(await rig.say("都没有"))
    assert "已记录：都没有" not in text and "地区和行业" not in text
    profile = rig.users.get("console:u1")
    assert profile is None or (profile.region, profile.industry) == (None, None)


@pytest.mark.parametrize("message", ["研发费用那项为啥只有这么点", "这个地区咋填", "b"])
async def test_a_question_or_menu_letter_at_the_region_prompt_is_not_stored(rig: Rig, message: str) -> None:
    assert "地区和行业" in text_of(await rig.say("/score 营收3000万，研发投入150万"))
    text = text_of(await rig.say(message))
    assert "已记录：" + message not in text
    assert "地区和行业" in text  # the form is kept and the prompt asked again
    profile = rig.users.get("console:u1")
    assert profile is None or (profile.region, profile.industry) == (None, None)
    await rig.say("成都 软件")
    profile = rig.users.get("console:u1")
    assert profile is not None and (profile.region, profile.industry) == ("成都", "软件")


@pytest.mark.parametrize("answer", ["算了不删了", "取消", "等一下"])
async def test_a_pending_forget_owns_the_next_message_and_the_form_resumes(rig: Rig, answer: str) -> None:
    await rig.say("/score 营收3000万，研发投入150万")  # the form waits at the region prompt
    assert "回复“确认”删除" in text_of(await rig.say("/forget"))
    text = text_of(await rig.say(answer))
    assert "已保留您的数据" in text
    assert "已记录" not in text and "地区和行业" in text  # the form's prompt again, nothing stored
    profile = rig.users.get("console:u1")
    assert profile is None or (profile.region, profile.industry) == (None, None)
    record = rig.sessions.load("console:u1")
    assert record is not None and record.state["figures"]["revenue"] == 3000.0


async def test_confirm_after_forget_still_erases(rig: Rig) -> None:
    await rig.say("/score 营收3000万")
    await rig.say("/forget")
    assert "已删除" in text_of(await rig.say("确认"))
    assert rig.sessions.load("console:u1") is None



def _kinds_turn(kinds: dict[str, list[str]], figures: dict[str, float], raw: str, value: int) -> tuple[float, str]:
    item = ParsedFigure("class2_ip", "Ⅱ类知识产权数", value, raw)  # raw as the real parser gives it
    accepted: dict[str, float] = {"class2_ip": value}
    notes = add_new_kinds(kinds, figures, [item], accepted, load_texts())
    figures.update(accepted)
    return accepted["class2_ip"], "".join(notes)


def test_another_kind_of_class2_ip_in_a_later_message_adds_up() -> None:
    kinds: dict[str, list[str]] = {}
    figures: dict[str, float] = {}
    assert _kinds_turn(kinds, figures, "实用新型8个", 8) == (8, "")
    total, note = _kinds_turn(kinds, figures, "软著5个", 5)
    assert total == 13 and "8 + 5 = 共 13 件" in note
    assert _kinds_turn(kinds, figures, "外观设计1件", 1)[0] == 14
    assert _kinds_turn(kinds, figures, "软著6个", 6)[0] == 6  # a kind told again: the user's new count
    assert _kinds_turn(kinds, figures, "ii类知识产权共5件", 5) == (5, "")  # a whole count replaces
    assert _kinds_turn(kinds, figures, "软著2个", 2)[0] == 2  # nothing known about the 5's kinds: no guess
