"""Small talk and stale buttons keep the dialogue and the last result as they are (piped console)."""

from __future__ import annotations

from bot.storage.profiles import SqlProfileStore
from tests.core.firm.conftest import Chat

KEY = "console:boss"
FIGURES = "营收3000万，研发投入150万，职工100人，研发人员12人，发明专利2件"


async def test_thanks_and_ok_outside_a_dialogue_get_a_polite_reply(chat: Chat) -> None:
    replies = await chat("谢谢", "好的", "收到", "好的，谢谢")
    assert all("没能看懂" not in r and "无需处理" not in r for r in replies)
    assert "不客气" in replies[0] and "好的" in replies[1] and "好的" in replies[2]
    assert "不客气" in replies[3]


async def test_confirm_at_the_region_question_asks_again(chat: Chat) -> None:
    replies = await chat("/score", "确认", "成都")
    assert "地区和行业" in replies[1] and "请提供" not in replies[1]
    assert "已记录：成都" in replies[2]


async def test_thanks_inside_a_dialogue_repeats_the_question(chat: Chat) -> None:
    replies = await chat("/score", "跳过", "谢谢", "收到", FIGURES)
    assert "不客气" in replies[2] and "请提供" in replies[2] and "没能从这条消息" not in replies[2]
    assert "好的" in replies[3] and "请提供" in replies[3]
    assert "已记录：上年度营业收入 3,000 万元" in replies[4]


async def test_confirm_after_a_whatif_names_the_open_whatif(chat: Chat, profiles: SqlProfileStore) -> None:
    replies = await chat("/score", "跳过", FIGURES, "就这些", "确认", "如果研发费用提到400万呢", "确认", "好的")
    after = replies[-2:]
    assert all("失效" not in r and "没能看懂" not in r for r in after)
    assert "保留" in after[0] and "保留" in after[1]
    record = profiles.load(KEY)
    assert record is not None and record.figures["rd_expense"] == 150  # not kept by "确认"
    kept = await chat("保留")
    assert "已把假设存入企业档案" in kept[0]


async def test_small_talk_words_run_together_or_with_particles(chat: Chat) -> None:
    replies = await chat("好的谢谢", "谢谢啦", "收到了哈", "好的我还想问下积分贷")
    assert "不客气" in replies[0] and "不客气" in replies[1] and "好的" in replies[2]
    assert "不客气" not in replies[3]


async def test_profile_shows_the_region_and_industry_the_form_recorded(chat: Chat) -> None:
    replies = await chat("/score", "成都 软件", "营收1.2亿，研发投入八百万", "/cancel", "/profile")
    assert "地区/行业：成都，软件" in replies[-1] and "上年度营业收入" in replies[-1]


async def test_a_courtesy_beside_a_bare_answer_is_not_an_answer(chat: Chat) -> None:
    replies = await chat("/score", "跳过", "3000万，谢谢", "对，2800万")
    assert "上年度营业收入 3,000 万元" in replies[2] and "前一年营业收入 2,800 万元" in replies[3]


async def test_latin_text_at_the_region_prompt_is_asked_again(chat: Chat) -> None:
    replies = await chat("/score", "hello", "成都 软件")
    assert "已记录：hello" not in replies[1] and "地区和行业" in replies[1]
    assert "已记录：成都" in replies[2]


async def test_a_bare_no_with_nothing_asked_is_acknowledged_not_searched(chat: Chat) -> None:
    replies = await chat("都没有", "没有")
    assert all(r.startswith("好的") for r in replies)
