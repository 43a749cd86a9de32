"""Retrieval fixtures: engines over the bundled corpus with the fast hash embedder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.engine import EngineConfig, RetrievalEngine

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS = REPO_ROOT / "corpus"
DEV_QA = REPO_ROOT / "eval" / "dev_qa.jsonl"


def make_engine(data_dir: Path, corpus_dir: Path = CORPUS, embedder: str = "hash") -> RetrievalEngine:
    """An engine built from a corpus directory."""
    engine = RetrievalEngine(EngineConfig(data_dir=data_dir, corpus_dir=corpus_dir, embedder=embedder))
    engine.ensure_built()
    return engine


@pytest.fixture(scope="module")
def built_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RetrievalEngine]:
    """A read-only engine over the bundled corpus, shared by a module's tests."""
    engine = make_engine(tmp_path_factory.mktemp("built"))
    yield engine
    engine.close()


@pytest.fixture
def fresh_engine(tmp_path: Path) -> Iterator[RetrievalEngine]:
    """An engine a test may change (add, remove, rebuild)."""
    engine = make_engine(tmp_path / "engine")
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def knowledge_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RetrievalEngine]:
    """The bundled briefings, knowledge articles and the rule sets' summaries (as bot.app wires it)."""
    from scoring.knowledge import rule_articles

    config = EngineConfig(
        data_dir=tmp_path_factory.mktemp("knowledge"), corpus_dir=CORPUS, embedder="hash",
        generated=rule_articles,
    )
    engine = RetrievalEngine(config)
    engine.ensure_built()
    yield engine
    engine.close()
