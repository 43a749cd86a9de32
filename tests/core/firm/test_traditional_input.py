"""繁體 input is read as simplified: figures are recorded, a question stays a question, replies are simplified."""

from __future__ import annotations

from bot.core.script import to_simplified
from bot.storage.profiles import SqlProfileStore
from tests.core.firm.conftest import Chat


def test_traditional_text_becomes_simplified_and_simplified_text_is_unchanged() -> None:
    assert to_simplified("高企認定條件") == "高企认定条件"
    assert to_simplified("營收3000萬 研發200萬") == "营收3000万 研发200万"
    plain = "研发人员翻一倍，干部面向后来的发现 /score 3000万"
    assert to_simplified(plain) == plain


async def test_a_traditional_question_is_asked_not_recorded_as_a_qualification(
    chat: Chat, answerer_questions: list[str], profiles: SqlProfileStore
) -> None:
    replies = await chat("高企認定條件")
    assert answerer_questions == ["高企认定条件"]
    assert "已记录" not in "\n".join(replies)
    record = profiles.load("console:boss")
    assert record is None or not record.fields


async def test_traditional_figures_are_recorded(chat: Chat, profiles: SqlProfileStore) -> None:
    replies = await chat("/score", "跳過", "營收3000萬 研發200萬")
    text = "\n".join(replies)
    assert "营业收入 3,000 万元" in text and "研发费用 200 万元" in text
    assert "營" not in text and "萬" not in text
