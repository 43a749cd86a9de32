"""What-ifs worded as a change ("研发人员再多5个呢"): a copy re-scored, never the profile overwritten."""

from __future__ import annotations

import pytest

from bot.core.firm.intents import asks_about_rules, classify, whatif_mode
from bot.core.firm.vocab import load_vocab
from bot.storage.profiles import SqlProfileStore
from tests.core.firm.conftest import Chat

KEY = "console:boss"
START = ("能认定高企吗", "营收3000万，研发投入200万，研发人员20人，职工100人，发明专利2件")
SAVED = {"revenue": 3000, "rd_expense": 200, "rd_staff": 20, "invention_patents": 2}


def _figures(profiles: SqlProfileStore) -> dict[str, object]:
    record = profiles.load(KEY)
    assert record is not None
    return {k: record.figures[k] for k in SAVED}


@pytest.mark.parametrize(
    ("message", "before", "after"),
    [
        ("研发人员再多5个呢", "20 人", "25 人"),
        ("营收再增加1000万", "3,000 万元", "4,000 万元"),
        ("研发投入多100万的话", "200 万元", "300 万元"),
        ("发明专利再多3件呢", "2 件", "5 件"),
        ("要是再招5名研发人员呢", "20 人", "25 人"),
        ("如果多招5个研发呢", "20 人", "25 人"),
        ("研发费用翻倍呢", "200 万元", "400 万元"),
        ("如果研发人员翻一倍呢", "20 人", "40 人"),
        ("研发人员多一倍呢", "20 人", "40 人"),
        ("如果研发投入增加一半呢", "200 万元", "300 万元"),
        ("研发费用增加20%呢", "200 万元", "240 万元"),
        ("营收减少10%的话", "3,000 万元", "2,700 万元"),
    ],
)
async def test_a_change_is_a_whatif_on_a_copy(
    chat: Chat, profiles: SqlProfileStore, message: str, before: str, after: str
) -> None:
    await chat(*START)
    replies = await chat(message)
    assert f"{before} → {after}" in replies[0] and "未改动档案" in replies[0] and "保留" in replies[0]
    assert _figures(profiles) == SAVED
    await chat("/profile")  # the next message: the profile still holds the old totals
    assert _figures(profiles) == SAVED


async def test_keeping_a_change_saves_the_new_totals(chat: Chat, profiles: SqlProfileStore) -> None:
    await chat(*START)
    await chat("研发人员再多5个呢")
    await chat("保留")
    assert _figures(profiles) == {**SAVED, "rd_staff": 25}
    await chat("营收再增加1000万", "保留")
    assert _figures(profiles) == {**SAVED, "rd_staff": 25, "revenue": 4000}


async def test_a_change_and_a_new_total_together_is_asked_back(chat: Chat, profiles: SqlProfileStore) -> None:
    await chat(*START)
    replies = await chat("研发投入提到300万，再多招5人呢")
    assert "没法确定" in replies[0] and "档案未改动" in replies[0]
    assert _figures(profiles) == SAVED


def test_a_rough_figure_is_not_a_change() -> None:
    vocab = load_vocab()
    assert classify("营收3000多万", vocab) is None  # "多万" is no change amount
    assert whatif_mode("研发人员再多5个呢", vocab) == "relative"
    assert whatif_mode("如果研发费用提到400万呢", vocab) == "absolute"


async def test_a_factor_moves_only_the_field_named(chat: Chat, profiles: SqlProfileStore) -> None:
    await chat(*START, "高新技术产品收入1000万")
    replies = await chat("高新收入翻倍呢")
    assert "1,000 万元 → 2,000 万元" in replies[0] and "3,000 万元 → 6,000 万元" not in replies[0]
    assert _figures(profiles) == SAVED


@pytest.mark.parametrize("message", ["如果再招2个研发呢", "要是多招2名研发人员呢"])
async def test_new_hires_join_the_staff_total_too(chat: Chat, profiles: SqlProfileStore, message: str) -> None:
    await chat(*START)
    replies = await chat(message)
    assert "20 人 → 22 人" in replies[0] and "职工总数 100 人 → 102 人" in replies[0], replies[0]
    assert "新招的人也计入职工总数" in replies[0]
    await chat("保留")  # the next message keeps both totals
    record = profiles.load(KEY)
    assert record is not None and record.figures["rd_staff"] == 22 and record.figures["employees"] == 102


async def test_more_staff_without_hiring_leaves_the_total(chat: Chat) -> None:
    await chat(*START)
    replies = await chat("研发人员再多5个呢")
    assert "20 人 → 25 人" in replies[0] and "职工总数" not in replies[0]


@pytest.mark.parametrize("message", ["研发差不多900万", "研发投了差不多900w", "营收差不多1个亿"])
def test_an_approximate_figure_is_no_change_word(message: str) -> None:
    vocab = load_vocab()
    intent = classify(message, vocab)
    assert intent is None or intent.kind != "whatif"
    assert whatif_mode(message, vocab) == "absolute"


@pytest.mark.parametrize("message", ["外包的研发费用200万算不算研发投入", "销售人员30个算科技人员吗", "委托研发100万能算研发费用吗"])
def test_a_figure_put_as_does_it_count_is_a_question(message: str) -> None:
    assert asks_about_rules(message, load_vocab())
