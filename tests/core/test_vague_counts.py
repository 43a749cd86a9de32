"""A vague count ('三十几个', '十来个') is a figure said loosely, not a 'how many?' question."""

from __future__ import annotations

import pytest

from bot.core.intents import is_question
from bot.core.texts import load_texts
from scoring.units import without_vague_figures


@pytest.mark.parametrize("text", ["技术人员三十几个", "实用新型十几个", "研发人员二十来个", "营收6000万 技术人员三十几个"])
def test_a_vague_count_is_not_a_question(text: str) -> None:
    assert not is_question(text, load_texts())


@pytest.mark.parametrize("text", ["发明专利要几个", "研发人员要几个才够"])
def test_a_real_how_many_is_still_a_question(text: str) -> None:
    assert is_question(text, load_texts())


def test_only_the_vague_figure_is_blanked() -> None:
    assert without_vague_figures("营收6000万 技术人员三十几个") == "营收6000万 技术人员 个"
