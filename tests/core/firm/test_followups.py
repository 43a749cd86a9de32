"""Follow-ups and what-ifs in the ways managers phrase them."""

from __future__ import annotations

from bot.storage.profiles import SqlProfileStore
from tests.core.firm.conftest import Chat

KEY = "console:boss"
FIRM = "营收3000万，研发投入100万，研发人员6人，职工120人，发明专利1件"


async def test_relative_whatif_adds_to_the_profile_figure(chat: Chat, profiles: SqlProfileStore) -> None:
    replies = await chat("能认定高企吗", FIRM, "研发费用再加50万呢")
    assert "100 万元 → 150 万元" in replies[2] and "研发投入强度 5%" in replies[2]
    record = profiles.load(KEY)
    assert record is not None and record.figures["rd_expense"] == 100


async def test_whatif_led_by_na_and_a_not_but_correction(chat: Chat, profiles: SqlProfileStore) -> None:
    replies = await chat("能认定高企吗", FIRM, "那如果营收是2000万呢", "营收不是3000万，是2500万")
    assert "3,000 万元 → 2,000 万元" in replies[2]
    assert "已更新企业档案：上年度营业收入 3,000 万元 → 2,500 万元" in replies[3]
    record = profiles.load(KEY)
    assert record is not None and record.figures["revenue"] == 2500


async def test_which_check_then_a_bare_check_name_runs_it(chat: Chat) -> None:
    replies = await chat("能认定高企吗", FIRM, "我们够格吗", "科小")
    assert "用了企业档案" in replies[2] and "高企硬性门槛自查" in replies[2]  # the last check
    assert "科小自评" in replies[3]


async def test_how_many_more_rd_staff_and_how_to_improve(chat: Chat) -> None:
    replies = await chat("能认定高企吗", FIRM, "研发人员还要再招几个？", "还需要多少研发投入才够", "怎么提高")
    assert "还需增加 6 名研发人员" in replies[2] and "研发费用" not in replies[2]
    assert "还需增加 50 万元研发费用" in replies[3]
    assert "提升办法" in replies[4] and "6 名研发人员" in replies[4]


async def test_a_whatif_inside_a_dialogue_is_not_recorded(chat: Chat) -> None:
    replies = await chat("/score", "跳过", "营收3000万", "如果研发费用提到400万呢")
    assert "先完成这次测算" in replies[3]
    assert "400" not in replies[3]


async def test_followup_without_any_result_says_so(chat: Chat) -> None:
    replies = await chat("差在哪")
    assert "还没有测算结果" in replies[0]


async def test_points_followup_after_score_uses_its_suggestions(chat: Chat) -> None:
    await chat("/score 营收5000万，研发投入200万，研发人员20人，职工150人", "跳过", "就这些", "确认")
    replies = await chat("怎么提高我们的积分？", "那我们差多少分？")
    assert "研发费用 200 → 300 万元：+5.80 分" in replies[0]
    assert "距中等（55 分）还差" in replies[1]


def test_knowledge_questions_of_the_eval_sets_are_not_firm_messages() -> None:
    """Rules and news questions go to the answerer, never to the firm desk."""
    import json
    from pathlib import Path

    from bot.core.firm.intents import classify
    from bot.core.firm.vocab import load_vocab

    root = Path(__file__).resolve().parents[3] / "eval"
    questions = [
        json.loads(line)["q"]
        for path in sorted(root.glob("*.jsonl"))
        for line in path.read_text("utf-8").splitlines()
        if line.strip() and "q" in json.loads(line)
    ]
    assert len(questions) > 50
    hijacked = [q for q in questions if classify(q, load_vocab()) is not None]
    assert hijacked == []


async def test_another_check_while_a_quick_check_waits_for_figures(chat: Chat) -> None:
    replies = await chat("能认定高企吗", "那科小呢")
    assert "科小条件" in replies[1] and "高企硬性条件" not in replies[1]


async def test_a_sentence_answers_the_yes_no_question(chat: Chat, profiles: SqlProfileStore) -> None:
    await chat("能认定高企吗", FIRM)
    replies = await chat("没有发生过重大事故")
    assert "✅ 申请认定前一年内未发生重大安全" in replies[0]
    record = profiles.load(KEY)
    assert record is not None and record.figures["major_incident_recent"] is False


async def test_correction_with_the_number_in_a_clause_of_its_own(chat: Chat, profiles: SqlProfileStore) -> None:
    replies = await chat("能评上科小吗", "员工80 营收3000w 研发150w 研发人员12 软著5个", "营收说错了，是3500万",
                         "研发人员写错了，为15人")
    assert "已更新企业档案：上年度营业收入 3,000 万元 → 3,500 万元" in replies[-2]
    assert "已更新企业档案：研发（科技）人员数 12 人 → 15 人" in replies[-1]
    record = profiles.load(KEY)
    assert record is not None and record.figures["revenue"] == 3500 and record.figures["rd_staff"] == 15
