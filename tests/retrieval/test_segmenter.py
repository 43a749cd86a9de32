"""The segmenter's domain words (retrieval/data/segmenter.yaml): policy terms stay whole tokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.ingest import Ingestor
from retrieval.store import CorpusStore
from retrieval.textutil import segmenter, segmenter_words, tokenize


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("再贷款额度一共多大", "再贷款"),  # not 再 + 贷款额度
        ("积分贷最长贷几年", "积分贷"),  # not 积分 + 贷
        ("研发费用加计扣除比例", "加计扣除"),
    ],
)
def test_a_domain_word_is_one_search_token(text: str, word: str) -> None:
    assert word in tokenize(text)


def test_search_mode_still_gives_the_shorter_words_inside() -> None:
    tokens = tokenize("科技创新和技术改造再贷款额度5000亿元")
    assert {"再贷款", "贷款", "额度"} <= set(tokens)


def test_every_listed_word_is_known_to_the_segmenter_as_a_noun() -> None:
    for word, _, tag in segmenter_words():
        assert segmenter().has_word(word)
        assert tag.startswith("n")


def test_the_domain_words_are_part_of_the_index_fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An index tokenised with other words is rebuilt (`innobot index build` sees it stale)."""
    import retrieval.textutil as textutil

    store = CorpusStore(tmp_path / "c.sqlite3")
    ingestor = Ingestor(store, None, "hash")
    try:
        before = ingestor.fingerprint(tmp_path)
        monkeypatch.setattr(textutil, "data_file", lambda name, package="": {"words": ["测试词"]})
        segmenter_words.cache_clear()
        assert ingestor.fingerprint(tmp_path) != before
    finally:
        segmenter_words.cache_clear()
        store.close()
