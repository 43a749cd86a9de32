"""Optional LLM answers through any OpenAI-compatible endpoint, grounded in the same hits.

Citations are checked after generation; any error, timeout or unsupported claim falls back to
the extractive answer.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from retrieval.answering import ExtractiveAnswerer
from retrieval.datafiles import data_file
from retrieval.errors import InvalidQueryError
from retrieval.hybrid import HybridSearcher, prepare_query
from retrieval.textutil import match_key
from retrieval.types import Answer, Citation, Hit

__all__ = ["LlmAnswerer", "LlmConfig", "check_grounding", "prompt_template"]

log = logging.getLogger(__name__)

NOT_FOUND = "未找到"
_MARK = re.compile(r"\[(\d{1,2})\]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class LlmConfig:
    """Endpoint settings (plain values from the composition root)."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 20.0
    max_tokens: int = 300


@lru_cache(maxsize=1)
def prompt_template() -> dict[str, str]:
    """System and user prompt templates (data file)."""
    data = data_file("llm_prompt.yaml") or {}
    return {"system": str(data["system"]), "user": str(data["user"])}


def check_grounding(text: str, hits: list[Hit]) -> tuple[str, list[int]] | None:
    """(text without markers, cited hit indexes) when every marker is valid and every number
    in the answer occurs in a cited passage; None when the answer is not grounded."""
    cited: list[int] = []
    for m in _MARK.finditer(text):
        idx = int(m.group(1)) - 1
        if not 0 <= idx < len(hits):
            return None
        if idx not in cited:
            cited.append(idx)
    if not cited:
        return None
    clean = _MARK.sub("", text).strip()
    support = match_key("".join(hits[i].text for i in cited))
    for num in _NUMBER.findall(match_key(clean)):
        if num not in support:
            return None
    return clean, cited


class LlmAnswerer:
    """Asks the model with the retrieved passages; falls back to the extractive answerer."""

    def __init__(
        self, searcher: HybridSearcher, fallback: ExtractiveAnswerer, config: LlmConfig, k: int = 5
    ) -> None:
        self.searcher = searcher
        self.fallback = fallback
        self.config = config
        self.k = k
        self._client: Any = None

    @property
    def client(self) -> Any:
        """The OpenAI-compatible client, created on first use."""
        if self._client is None:
            from openai import OpenAI

            self._client = OpenAI(
                base_url=self.config.base_url,
                api_key=self.config.api_key or "not-needed",
                timeout=self.config.timeout,
                max_retries=0,
            )
        return self._client

    def _messages(self, question: str, hits: list[Hit]) -> list[dict[str, str]]:
        tpl = prompt_template()
        passages = "\n".join(
            f"[{i + 1}]《{h.title}》（{h.source}，{h.date}）：{h.text}" for i, h in enumerate(hits)
        )
        return [
            {"role": "system", "content": tpl["system"].format(not_found=NOT_FOUND)},
            {"role": "user", "content": tpl["user"].format(question=question, passages=passages)},
        ]

    def answer(self, question: str) -> Answer:
        """LLM answer checked against its citations; extractive answer on any failure."""
        try:
            q = prepare_query(question)
        except InvalidQueryError:
            return self.fallback.answer(question)
        shaped = self.fallback.by_shape(q)  # what's new and comparisons: listed and paired, not written
        if shaped is not None:
            return shaped
        hits = self.searcher.search(q, self.k)
        if not hits:
            return self.fallback.answer(q)
        missing = self.fallback.missing_entities(q, hits)
        if missing:
            return self.fallback.abstain(hits, missing)
        try:
            resp = self.client.chat.completions.create(
                model=self.config.model,
                messages=self._messages(q, hits),
                temperature=0,
                max_tokens=self.config.max_tokens,
            )
            text = (resp.choices[0].message.content or "").strip()
        except Exception as exc:  # network, timeout, HTTP and protocol errors all fall back
            log.warning("llm answer failed, using extractive answer: %s", type(exc).__name__)
            return self.fallback.answer(q)
        if not text or text.startswith(NOT_FOUND):
            return self.fallback.abstain(hits, [])
        checked = check_grounding(text, hits)
        if checked is None:
            log.warning("llm answer not grounded in its citations, using extractive answer")
            return self.fallback.answer(q)
        clean, cited = checked
        order = cited + [i for i in range(len(hits)) if i not in cited]
        return Answer(clean, True, [Citation.from_hit(hits[i]) for i in order[:3]])
