"""LLM answer mode against a loopback OpenAI-compatible server, through the real openai client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from retrieval.engine import RetrievalEngine
from retrieval.llm import LlmAnswerer, LlmConfig, check_grounding
from retrieval.types import Hit
from tests.fakes.retrieval import FakeOpenAIServer

QUESTION = "宁科贷的余额超过多少？"


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    fake = FakeOpenAIServer().start()
    yield fake
    fake.stop()


def _answerer(engine: RetrievalEngine, server: FakeOpenAIServer, timeout: float = 5.0) -> LlmAnswerer:
    config = LlmConfig(base_url=server.base_url, model="fake-qwen", api_key="k", timeout=timeout)
    return LlmAnswerer(engine.searcher, engine.answerer, config)


def test_grounded_llm_answer_with_checked_citations(built_engine: RetrievalEngine, server: FakeOpenAIServer) -> None:
    server.push("截至目前，“宁科贷”余额超过367亿元[1]。")
    ans = _answerer(built_engine, server).answer(QUESTION)
    assert ans.grounded and ans.answer == "截至目前，“宁科贷”余额超过367亿元。"
    assert "367亿元" in ans.citations[0].text
    sent = server.requests[0]
    assert sent["model"] == "fake-qwen"
    assert "367亿元" in sent["messages"][1]["content"]  # the passages went into the prompt
    assert "只能依据" in sent["messages"][0]["content"]  # the system prompt came from the data file


@pytest.mark.parametrize(
    "reply",
    [
        "宁科贷余额超过999亿元[1]。",  # a figure no cited passage contains
        "宁科贷余额超过367亿元。",  # no citation at all
        "宁科贷余额超过367亿元[9]。",  # a citation that does not exist
    ],
)
def test_ungrounded_replies_fall_back_to_extractive(
    built_engine: RetrievalEngine, server: FakeOpenAIServer, reply: str
) -> None:
    server.push(reply)
    ans = _answerer(built_engine, server).answer(QUESTION)
    assert ans.grounded and "367亿元" in ans.answer and "999" not in ans.answer
    assert ans.answer == built_engine.answerer.answer(QUESTION).answer


def test_http_error_and_timeout_fall_back(built_engine: RetrievalEngine, server: FakeOpenAIServer) -> None:
    server.push(status=500)
    assert "367亿元" in _answerer(built_engine, server).answer(QUESTION).answer
    server.push("宁科贷余额超过367亿元[1]。", delay=2.0)
    ans = _answerer(built_engine, server, timeout=0.3).answer(QUESTION)
    assert ans.answer == built_engine.answerer.answer(QUESTION).answer


def test_model_not_found_reply_abstains(built_engine: RetrievalEngine, server: FakeOpenAIServer) -> None:
    server.push("未找到")
    ans = _answerer(built_engine, server).answer("宁科贷的申请流程有哪些步骤？")
    assert not ans.grounded and ans.answer.startswith("未在已收录的简报中找到")


def test_missing_entity_abstains_without_calling_the_model(
    built_engine: RetrievalEngine, server: FakeOpenAIServer
) -> None:
    ans = _answerer(built_engine, server).answer("广州开发区的创新积分怎么计算？")
    assert not ans.grounded and server.requests == []


def test_whats_new_and_comparisons_are_listed_without_calling_the_model(
    built_engine: RetrievalEngine, server: FakeOpenAIServer
) -> None:
    """The model would write one passage's sentence; these are answered by their shape."""
    answerer = _answerer(built_engine, server)
    new = answerer.answer("最近有什么新政策")
    assert "最新简报" in new.answer or "最近收录" in new.answer
    pair = answerer.answer("成都和南京的科技金融有什么区别")
    assert "· 成都：" in pair.answer and "· 南京：" in pair.answer
    assert server.requests == []


def test_unreachable_endpoint_falls_back(built_engine: RetrievalEngine) -> None:
    config = LlmConfig(base_url="http://127.0.0.1:9/v1", model="m", timeout=0.5)
    ans = LlmAnswerer(built_engine.searcher, built_engine.answerer, config).answer(QUESTION)
    assert "367亿元" in ans.answer


def test_check_grounding() -> None:
    hit = Hit("a-01", "a-01-c000", "t", "s", "2023", "服务企业超200家，贷款1.5亿元。", 1.0)
    assert check_grounding("服务企业超200家[1]", [hit]) == ("服务企业超200家", [0])
    assert check_grounding("服务企业超300家[1]", [hit]) is None
    assert check_grounding("服务企业超200家[2]", [hit]) is None
