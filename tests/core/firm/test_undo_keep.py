""""撤销" after "保留" puts the replaced figures back (one step, kept in the stored record)."""

from __future__ import annotations

import pytest

from bot.core.firm.record import FieldEntry, FirmRecord
from bot.storage.profiles import SqlProfileStore
from tests.core.firm.conftest import Chat

KEY = "console:boss"
SCORED = ("营收3000万 研发200万 员工100 研发人员20", "跳过", "b", "确认")


@pytest.mark.parametrize("undo", ["撤销", "不要保留，恢复原来的", "改回原来的吧"])
async def test_undo_restores_the_value_before_keep(chat: Chat, profiles: SqlProfileStore, undo: str) -> None:
    replies = await chat(*SCORED, "如果研发费用到400万呢", "保留", undo, "撤销")
    record = profiles.load(KEY)
    assert record is not None and record.figures["rd_expense"] == 200 and record.fields["rd_expense"].source == "chat"
    assert "档案恢复为：上年度研发费用 200 万元" in replies[-2] and "23.36 分" in replies[-2]
    assert "没有可撤销" in replies[-1]  # one step only


async def test_a_kept_new_field_is_removed_again(chat: Chat, profiles: SqlProfileStore) -> None:
    replies = await chat(*SCORED, "如果发明专利有3件呢", "保留", "撤销")
    record = profiles.load(KEY)
    assert record is not None and "invention_patents" not in record.fields
    assert "原来没有，已从档案去掉" in replies[-1]


def test_the_undo_step_survives_storage_and_damage() -> None:
    record = FirmRecord().with_context(undo=(("rd_expense", FieldEntry(200, "chat", "t")), ("invention_patents", None)))
    back = FirmRecord.from_json(record.to_json())
    assert back.context.undo == record.context.undo
    damaged = record.to_json().replace('"undo": [', '"undo": [["x", [1]], 5, ')
    assert FirmRecord.from_json(damaged).context.undo == record.context.undo
