"""Splitting a message into bare answers (bot/core/estimate/figures.py): thousands separators stay inside a figure."""

from __future__ import annotations

import pytest

from bot.core.estimate.figures import answer_parts


@pytest.mark.parametrize(("text", "parts"), [
    ("4,200万", ["4200万"]),
    ("４，２００万", ["4200万"]),
    ("4,200", ["4200"]),
    ("1,200,000元", ["1200000元"]),
    ("800，600", ["800", "600"]),
    ("3000 2800", ["3000", "2800"]),
    ("3000,2800", ["3000", "2800"]),
    ("1.2个亿、8000万。", ["1.2个亿", "8000万"]),
])
def test_answer_parts(text: str, parts: list[str]) -> None:
    assert answer_parts(text) == parts
