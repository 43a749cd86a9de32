"""The scale-out path: the same engine against a real `chroma run` server on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.engine import EngineConfig, RetrievalEngine
from tests.fakes.processes import free_port
from tests.retrieval.conftest import CORPUS

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start `chroma run` on a free loopback port; wait (bounded) for its heartbeat; stop it after."""
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        pytest.skip("chroma CLI not installed")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = (path / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(exe), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path / "db")],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"chroma server exited: {(path / 'server.log').read_text(errors='replace')[-500:]}")
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("chroma server did not start within 60 s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


def test_index_and_search_through_the_server(chroma_url: str, tmp_path: Path) -> None:
    config = EngineConfig(data_dir=tmp_path, corpus_dir=CORPUS, embedder="hash", chroma_url=chroma_url)
    engine = RetrievalEngine(config)
    assert engine.ensure_built() is True
    assert engine.dense.count() == engine.store.chunk_count()
    hits = engine.searcher.search("重庆高新区首批参与积分制平台试点的企业有多少家？", 3)
    assert any("527家" in h.text for h in hits)
    dense_only = engine.searcher.search("中银创新积分贷", 3, mode="dense")
    assert dense_only  # the vectors really come back from the server
    # a second process-like engine reopens the server collection (registered embedding function)
    again = RetrievalEngine(config)
    assert again.ensure_built() is False
    assert again.searcher.search("宁科贷的余额", 1, mode="dense")
    engine.close()
    again.close()


def test_unreachable_server_degrades_search_and_fails_builds_clearly(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    built = RetrievalEngine(EngineConfig(data_dir=tmp_path, corpus_dir=CORPUS, embedder="hash"))
    built.ensure_built()  # the store and BM25 exist from an embedded build
    built.close()
    config = EngineConfig(data_dir=tmp_path, corpus_dir=CORPUS, embedder="hash",
                          chroma_url=f"http://127.0.0.1:{port}")
    engine = RetrievalEngine(config)
    hits = engine.searcher.search("宁科贷的余额超过多少？", 3)
    assert hits and "367亿元" in hits[0].text  # BM25 alone still answers
    from retrieval.errors import RetrievalError

    with pytest.raises(RetrievalError):
        engine.ingestor.rebuild(CORPUS)
    engine.close()
