"""Questions about a rule set's thresholds get the rule's passage with its numbers, not a cut-off excerpt."""

from __future__ import annotations

import pytest

from retrieval.answering import ExtractiveAnswerer
from retrieval.engine import RetrievalEngine


@pytest.mark.parametrize(("question", "wanted"), [
    ("科小研发投入要占多少", ("6%及以上得50分", "30%及以上得50分")),
    ("成长期技术创新占多少分", ("官方权重未公开", "成长期（营业收入500万元至1亿元）技术创新55分")),
    ("创新积分里发明专利怎么算分", ("官方权重未公开", "1件得5分", "10件及以上得满分10分")),
    ("高企要注册几年", ("注册成立1年以上",)),
    ("科小要多少研发人员", ("科技人员占比10%（含）至15%得4分", "得0分的企业不能评为科技型中小企业")),
    ("研发强度几分能拿满分", ("官方权重未公开", "6%及以上得满分12分")),
    ("成立不到一年能评高企吗", ("注册成立1年以上",)),
])
def test_a_threshold_table_is_shown_whole(
    knowledge_engine: RetrievalEngine, question: str, wanted: tuple[str, ...]
) -> None:
    ans = ExtractiveAnswerer(knowledge_engine.searcher).answer(question)
    assert all(w in ans.answer for w in wanted), ans.answer
    assert "…" not in ans.answer and ans.citations[0].kind == "knowledge"
