"""A figure put as a supposition ("那发明专利有1个呢", "研发费用400万的话") is a what-if, never a profile change."""

from __future__ import annotations

import pytest

from bot.core.firm.intents import classify
from bot.core.firm.vocab import load_vocab
from bot.storage.profiles import SqlProfileStore
from tests.core.firm.conftest import Chat

KEY = "console:boss"
START = ("能认定高企吗", "营收3000万，研发投入200万，研发人员20人，职工100人，发明专利2件")


@pytest.mark.parametrize(
    ("message", "before", "after", "field", "saved"),
    [
        ("那发明专利有5个呢", "2 件", "5 件", "invention_patents", 2),
        ("那研发人员有30个呢", "20 人", "30 人", "rd_staff", 20),
        ("研发费用400万的话", "200 万元", "400 万元", "rd_expense", 200),
    ],
)
async def test_a_supposed_figure_is_a_whatif_on_a_copy(
    chat: Chat, profiles: SqlProfileStore, message: str, before: str, after: str, field: str, saved: int
) -> None:
    await chat(*START)
    replies = await chat(message)
    assert f"{before} → {after}" in replies[0] and "未改动档案" in replies[0] and "保留" in replies[0]
    record = profiles.load(KEY)
    assert record is not None and record.figures[field] == saved


@pytest.mark.parametrize("message", ["那科小呢", "那杭州呢", "那到中等呢", "研发人员有30个"])
def test_no_figure_or_no_supposition_is_no_whatif(message: str) -> None:
    intent = classify(message, load_vocab())
    assert intent is None or intent.kind != "whatif"
