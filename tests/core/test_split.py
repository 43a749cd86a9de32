"""split_text keeps every chunk within the limit and cuts at natural boundaries."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.split import split_text


def test_short_text_is_one_chunk() -> None:
    assert split_text("你好。", 100) == ["你好。"]
    assert split_text("   ", 10) == []


def test_cuts_between_paragraphs_first() -> None:
    text = "第一段内容。" * 3 + "\n\n" + "第二段内容。" * 3
    chunks = split_text(text, 20)
    assert chunks[0] == "第一段内容。" * 3
    assert chunks[1] == "第二段内容。" * 3


def test_cuts_between_sentences_when_a_paragraph_is_too_long() -> None:
    text = "甲乙丙丁。" * 10
    chunks = split_text(text, 12)
    assert all(len(c) <= 12 for c in chunks)
    assert all(c.endswith("。") for c in chunks)
    assert "".join(chunks) == text


def test_hard_cut_for_a_sentence_without_boundaries() -> None:
    text = "字" * 25
    assert split_text(text, 10) == ["字" * 10, "字" * 10, "字" * 5]


@given(st.text(alphabet="甲乙。！\n ab.", max_size=300), st.integers(min_value=5, max_value=60))
def test_never_exceeds_limit_and_keeps_all_characters(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(0 < len(c) <= limit for c in chunks)
    squash = lambda s: "".join(s.split())  # noqa: E731
    assert squash("".join(chunks)) == squash(text)
