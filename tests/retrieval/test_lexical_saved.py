"""A saved BM25 index is scored without bm25s, exactly as bm25s scores it."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np

from retrieval.lexical import Bm25Index

_WORDS = ["积分", "贷款", "研发", "余额", "高企", "科小", "成都", "杭州", "增长", "专利", "人员", "政策"]


def _corpus(seed: int, docs: int) -> list[list[str]]:
    rng = random.Random(seed)
    return [[rng.choice(_WORDS) for _ in range(rng.randint(1, 12))] for _ in range(docs)]


def test_saved_index_scores_equal_bm25s(tmp_path: Path) -> None:
    import bm25s

    corpus = _corpus(7, 80)
    built = Bm25Index()
    built.build(corpus)
    built.save(tmp_path, "g1")
    loaded = Bm25Index()
    assert loaded.load(tmp_path, "g1")
    reference = bm25s.BM25.load(str(tmp_path))
    mask = np.array([i % 3 != 0 for i in range(80)], dtype=np.float32)
    for query in (["积分", "贷款"], ["研发", "研发", "人员"], ["不存在"], ["政策", "不存在", "高企"]):
        expected = np.asarray(reference.get_scores(query), dtype=np.float32)
        assert loaded.scores(query).tolist() == expected.tolist()
        assert built.scores(query).tolist() == expected.tolist()
        masked = np.asarray(reference.get_scores(query, weight_mask=mask), dtype=np.float32)
        assert loaded.scores(query, mask).tolist() == masked.tolist()
    assert loaded.scores(["积分"]).max() > 0
    assert loaded.scores([]).tolist() == [0.0] * 80


def test_loading_and_scoring_do_not_import_bm25s(tmp_path: Path) -> None:
    built = Bm25Index()
    built.build(_corpus(3, 20))
    built.save(tmp_path, "g1")
    script = (
        "import sys\nfrom pathlib import Path\nfrom retrieval.lexical import Bm25Index\n"
        f"i = Bm25Index()\nassert i.load(Path({str(tmp_path)!r}), 'g1')\n"
        "assert i.scores(['积分']).max() > 0\nprint('bm25s' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_damaged_saved_index_is_rebuilt_not_used(tmp_path: Path) -> None:
    built = Bm25Index()
    built.build(_corpus(5, 10))
    built.save(tmp_path, "g1")
    (tmp_path / "vocab.index.json").write_text("[1, 2]", encoding="utf-8")
    assert not Bm25Index().load(tmp_path, "g1")
    built.save(tmp_path, "g2")
    (tmp_path / "indptr.csc.index.npy").write_bytes(b"not numpy")
    assert not Bm25Index().load(tmp_path, "g2")
