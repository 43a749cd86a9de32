"""Retrieval worker processes: the same answers as in-process, each caller its own, index changes
followed, a dead worker never losing a reply, and no process left behind."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot import app
from bot.app.search_workers import RetrievalWorkers
from bot.settings import Settings
from tests.retrieval.conftest import REPO_ROOT
from tests.retrieval.test_ingest import NEW_BRIEF

QUESTIONS = ["宁科贷的余额超过多少？", "积分贷是什么？", "什么是企业创新积分制？", "德阳如何加速科技成果转化？"]


def _settings(data_dir: Path) -> Settings:
    s = Settings(_env_file=None, data_dir=data_dir, corpus_dir=REPO_ROOT / "corpus", embedder="hash")  # type: ignore[call-arg]
    s.ensure_data_dir()
    return s


@pytest.fixture(scope="module")
def shared_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """One built index for the module's read-only tests."""
    settings = _settings(tmp_path_factory.mktemp("pool"))
    app.build_searcher(settings, engines=app.RetrievalEngines())  # builds the index once
    return settings


@pytest.fixture
def pool(shared_settings: Settings) -> Iterator[tuple[app.RetrievalEngines, RetrievalWorkers]]:
    engines = app.RetrievalEngines()
    workers = RetrievalWorkers(engines.get(shared_settings), 1)
    yield engines, workers
    workers.close()
    asyncio.run(engines.aclose())


def test_workers_answer_as_this_process_does_each_caller_its_own(
    pool: tuple[app.RetrievalEngines, RetrievalWorkers], shared_settings: Settings
) -> None:
    engines, workers = pool
    local = engines.get(shared_settings)
    expected = {q: local.answerer.answer(q) for q in QUESTIONS}
    asked = QUESTIONS * 5
    with ThreadPoolExecutor(8) as threads:  # more callers than the pool takes at once
        answers = list(threads.map(workers.answer, asked))
    assert answers == [expected[q] for q in asked]
    assert workers.size == 1
    assert workers.search("积分贷", 3, None) == local.searcher.search("积分贷", 3)


def test_a_dead_worker_costs_no_reply(pool: tuple[app.RetrievalEngines, RetrievalWorkers], shared_settings: Settings) -> None:
    engines, workers = pool
    before = set(multiprocessing.active_children())
    assert workers.answer(QUESTIONS[0]).grounded
    for child in set(multiprocessing.active_children()) - before:
        child.kill()
        child.join(10)
    answer = workers.answer(QUESTIONS[0])  # the broken pool is noticed: answered here instead
    assert answer == engines.get(shared_settings).answerer.answer(QUESTIONS[0])
    assert workers.size == 0
    assert workers.search("积分贷", 2, None)


def test_closing_the_engines_stops_the_workers(shared_settings: Settings) -> None:
    before = set(multiprocessing.active_children())
    engines = app.RetrievalEngines()
    searcher, answerer = app.build_knowledge(shared_settings, engines=engines, workers=1)
    assert searcher is not None and answerer is not None
    engines.start_workers()
    assert answerer.answer(QUESTIONS[0]).grounded
    started = set(multiprocessing.active_children()) - before
    assert started
    asyncio.run(engines.aclose())
    assert not any(p.is_alive() for p in started)
    assert set(multiprocessing.active_children()) <= before


def test_a_briefing_added_while_serving_is_answered_at_once(tmp_path: Path) -> None:
    """The worker follows the store's generation; the remembered answer in front is forgotten."""
    settings = _settings(tmp_path / "data")
    engines = app.RetrievalEngines()
    _, answerer = app.build_knowledge(settings, engines=engines, workers=1)
    assert answerer is not None
    question = "鄂尔多斯的积分贷发放了多少贷款？"
    try:
        assert "1.26亿元" not in answerer.answer(question).answer
        brief = tmp_path / "new.txt"
        brief.write_text(NEW_BRIEF, encoding="utf-8")
        app.build_retrieval_engine(settings, engines=engines).ingestor.add_paths([brief])
        assert "1.26亿元" in answerer.answer(question).answer
    finally:
        asyncio.run(engines.aclose())
