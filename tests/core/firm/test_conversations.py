"""Conversations as a manager types them (console, piped): profile, eligibility, gaps, follow-ups."""

from __future__ import annotations

from bot.storage.profiles import SqlProfileStore
from tests.core.firm.conftest import Chat

KEY = "console:boss"


async def test_eligibility_without_profile_gives_conditions_then_checks_the_figures(chat: Chat) -> None:
    replies = await chat(
        "我们今年能不能去申请高企",
        "营收八千万，研发费用280万，科技人员30人，员工260人，发明专利2件",
    )
    assert "高企硬性条件" in replies[0] and "请提供" in replies[0]
    verdict = replies[1]
    assert "研发投入强度 3.5%" in verdict and "要求 ≥4%" in verdict
    assert "还需增加 40 万元研发费用" in verdict  # 8000 × 4% = 320 − 280
    assert "研发人员占比 11.54%" in verdict and "已达标" in verdict
    assert "国科发火〔2016〕32号" in verdict
    assert "是否" in verdict and "重大安全" in verdict  # asked, not assumed


async def test_whatif_shows_before_and_after_and_keeps_the_profile(
    chat: Chat, profiles: SqlProfileStore
) -> None:
    await chat("我们今年能不能去申请高企", "营收八千万，研发费用280万，科技人员30人，员工260人，发明专利2件")
    replies = await chat("如果研发费用提到400万呢？")
    assert "280 万元 → 400 万元" in replies[0] and "未改动档案" in replies[0]
    assert "研发投入强度 5%" in replies[0] and "已达标" in replies[0]
    record = profiles.load(KEY)
    assert record is not None and record.figures["rd_expense"] == 280
    await chat("保留")
    record = profiles.load(KEY)
    assert record is not None and record.figures["rd_expense"] == 400


async def test_sme_topic_figures_and_how_many_points_short(chat: Chat) -> None:
    replies = await chat(
        "科小的分数线是多少？",
        "职工60人，营收2000万，研发投入90万，研发人员8人，实用新型2件",
        "那我们差多少分？",
    )
    verdict = replies[1]
    assert "科小自评：46 分" in verdict
    assert "科技人员 4/20，研发投入 30/50，科技成果 12/30" in verdict
    assert "还差 14 分" in replies[2]


async def test_correction_in_plain_words_updates_the_field_and_reruns(
    chat: Chat, profiles: SqlProfileStore
) -> None:
    await chat("能认定高企吗", "营收3000万，研发投入100万，研发人员6人，职工120人")
    replies = await chat("研发人员改成20")
    assert "已更新企业档案" in replies[0] and "研发人员占比 16.67%" in replies[0]
    record = profiles.load(KEY)
    assert record is not None and record.figures["rd_staff"] == 20 and record.figures["revenue"] == 3000
    assert record.fields["rd_staff"].source == "edit"


async def test_gaps_in_actionable_units(chat: Chat) -> None:
    replies = await chat("能认定高企吗", "营收3000万，研发投入100万，研发人员6人，职工120人", "差在哪")
    gaps = replies[2]
    assert "研发人员占比 5%（要求 ≥10%）：还需增加 6 名研发人员" in gaps
    assert "研发投入强度 3.33%（按上年度一年近似，认定按近三年合计，营业收入 ≤5000 万元，要求 ≥5%）：还需增加 50 万元研发费用" in gaps


async def test_switching_check_uses_the_profile_without_asking_again(chat: Chat) -> None:
    replies = await chat("能认定高企吗", "营收3000万，研发投入100万，研发人员6人，职工120人", "那科小呢")
    assert "用了企业档案" in replies[2] and "科小自评" in replies[2]
    assert "请提供" not in replies[2]


async def test_bad_input_leaves_the_profile_untouched(chat: Chat, profiles: SqlProfileStore) -> None:
    replies = await chat("如果研发费用提到1100万呢")
    assert "还没有测算结果" in replies[0]
    await chat("能认定高企吗", "营收3000万，研发投入100万，研发人员6人，职工120人")
    before = profiles.load(KEY)
    replies = await chat("研发人员提到1100万", "研发人员改成200", "/profile 乱七八糟")
    assert "单位不对" in replies[0] and "没有改动档案" in replies[0]
    assert "不能大于" in replies[1] and "没有改动档案" in replies[1]
    assert "没看懂" in replies[2]
    assert profiles.load(KEY) == before


async def test_command_words_are_never_data(chat: Chat, profiles: SqlProfileStore) -> None:
    replies = await chat("/score", "确认", "研发人员3000万")
    assert "已记录：确认" not in "\n".join(replies)
    assert "单位不对" in replies[2]
    replies = await chat("/cancel", "确认")
    assert "没有进行中的测算" in replies[1]


async def test_profile_shows_and_forget_deletes(chat: Chat, profiles: SqlProfileStore) -> None:
    await chat("能评上科小吗", "职工60人，营收2000万，研发投入90万，研发人员8人")
    replies = await chat("/profile")
    assert "企业档案（4 项）" in replies[0] and "职工总数：60 人（对话" in replies[0]
    await chat("/forget")
    assert profiles.load(KEY) is not None  # not before 确认
    await chat("确认")
    assert profiles.load(KEY) is None
