"""Policy summaries (政策摘要): parsed with their sources, preferred for rules, cited precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.answering import ExtractiveAnswerer
from retrieval.engine import RetrievalEngine
from retrieval.errors import DocumentError
from retrieval.knowledge import is_knowledge, process_knowledge
from retrieval.preference import kind_preference
from tests.retrieval.conftest import CORPUS, make_engine

ARTICLE = """---
kind: knowledge
title: 测试政策
as_of: 2026-01-01
sources:
  - {id: doc, document: 《某某管理办法》, number: 国科发〔2099〕1号, issuer: 科技部, date: 2099-01}
  - {id: news, document: 某报报道, date: 2099-02-03}
---
## 第一节
依据：doc 第三条
第一段话，某某办法规定比例不低于7%。
第二段话，某某办法规定有效期为五年。

## 第二节
依据：news
第三段话：据报道某市发放贷款12亿元。
"""


@pytest.fixture(scope="module")
def engine(knowledge_engine: RetrievalEngine) -> RetrievalEngine:
    """The shared engine over briefings, knowledge articles and the rule sets' summaries."""
    return knowledge_engine


def test_front_matter_sections_and_precise_sources() -> None:
    assert is_knowledge(ARTICLE) and not is_knowledge("普通简报正文")
    doc = process_knowledge(ARTICLE, "fallback")
    first, second = doc.articles
    assert first.title == "测试政策：第一节" and first.kind == "knowledge" and first.date == "2026-01-01"
    assert first.source == "政策摘要，依据《某某管理办法》（国科发〔2099〕1号）第三条"
    assert second.source == "政策摘要，依据某报报道（2099-02-03）"
    assert [c.text for c in first.chunks] == [
        "第一段话，某某办法规定比例不低于7%。", "第二段话，某某办法规定有效期为五年。"
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (ARTICLE.replace("as_of: 2026-01-01\n", ""), "as_of"),
        (ARTICLE.replace("依据：news", "依据：unknown"), "unknown"),
        ("---\nkind: knowledge\ntitle: x\nas_of: 2026-01-01\n---\n正文", "sources"),
    ],
)
def test_a_bad_knowledge_file_is_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(DocumentError, match=reason):
        process_knowledge(text, "bad.md")


def test_knowledge_is_indexed_listed_and_kept_out_of_digests(engine: RetrievalEngine) -> None:
    articles = engine.catalog.all_articles()
    knowledge = [a for a in articles if a.kind == "knowledge"]
    assert {a.title.split("：")[0] for a in knowledge} >= {"积分贷与配套金融工具", "研发费用加计扣除"}
    assert all(a.source.startswith("政策摘要，依据") and a.date for a in knowledge)
    assert all(a.kind == "briefing" for a in engine.catalog.articles_since(None))


def test_corpus_add_takes_a_knowledge_file_and_a_bad_one_is_reported(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "e", corpus_dir=tmp_path / "empty")
    good, bad = tmp_path / "good.md", tmp_path / "bad.md"
    good.write_text(ARTICLE, encoding="utf-8")
    bad.write_text(ARTICLE.replace("sources:", "nosources:"), encoding="utf-8")
    report = engine.ingestor.add_paths([good, bad])
    assert len(report.added) == 1 and report.errors and "sources" in report.errors[0][1]
    hits = engine.searcher.search("某某办法规定的比例", 3)
    assert hits[0].kind == "knowledge" and "第三条" in hits[0].source
    engine.close()


def test_the_knowledge_directory_is_part_of_the_fingerprint(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "knowledge").mkdir(parents=True)
    engine = make_engine(tmp_path / "e", corpus_dir=corpus)
    assert not engine.ingestor.is_stale(corpus)
    (corpus / "knowledge" / "a.md").write_text(ARTICLE, encoding="utf-8")
    assert engine.ingestor.is_stale(corpus) and engine.ensure_built()
    assert engine.searcher.search("有效期为五年", 1)[0].kind == "knowledge"
    engine.close()


def test_rules_questions_prefer_knowledge_and_news_questions_briefings() -> None:
    assert kind_preference("高企认定的条件是什么").prefer == "knowledge"
    assert kind_preference("成都的成长经营指标主要看哪些", names_place=True).prefer == "briefing"
    assert kind_preference("最近有哪些创新积分的动态").prefer == "briefing"


def test_how_much_a_qualification_asks_for_is_answered_from_the_summary(engine: RetrievalEngine) -> None:
    assert kind_preference("高企要多少研发人员").prefer == "knowledge"
    ans = ExtractiveAnswerer(engine.searcher).answer("高企要多少研发人员")
    assert "10%" in ans.answer and ans.citations[0].kind == "knowledge"


def test_a_rules_question_is_answered_from_the_summary_with_its_citation(engine: RetrievalEngine) -> None:
    ans = ExtractiveAnswerer(engine.searcher).answer("积分贷的再贷款利率是多少？")
    assert ans.grounded and "1.75%" in ans.answer
    assert ans.citations[0].kind == "knowledge" and ans.citations[0].source.startswith("政策摘要，依据")


def test_a_region_the_knowledge_does_not_cover_gets_the_national_rule_only(engine: RetrievalEngine) -> None:
    ans = ExtractiveAnswerer(engine.searcher).answer("拉萨的创新积分贷款贴息政策是怎样的？")
    assert not ans.grounded and "拉萨" in ans.answer and "全国性规定" in ans.answer
    assert "贴息" in ans.answer and ans.citations and ans.citations[0].kind == "knowledge"
    ans = ExtractiveAnswerer(engine.searcher).answer("西宁的高企研发费用占比要求是多少？")
    assert not ans.grounded and "西宁" in ans.answer and "不低于4%" in ans.answer


def test_a_rate_no_source_gives_is_declined(engine: RetrievalEngine) -> None:
    ans = ExtractiveAnswerer(engine.searcher).answer("中关村的积分贷利率是多少？")
    assert not ans.grounded and "利率" in ans.answer


def test_a_rules_question_about_a_term_no_passage_uses_is_declined(engine: RetrievalEngine) -> None:
    ans = ExtractiveAnswerer(engine.searcher).answer("创新积分制对企业注册资本有什么要求？")
    assert not ans.grounded and "注册资本" in ans.answer


def test_bundled_knowledge_files_all_parse() -> None:
    files = sorted((CORPUS / "knowledge").glob("*.md"))
    parsed = [process_knowledge(p.read_text(encoding="utf-8"), p.stem) for p in files if p.name != "README.md"]
    assert len(parsed) >= 7 and all(d.articles for d in parsed)


def test_the_llm_is_grounded_in_the_same_policy_summaries(engine: RetrievalEngine) -> None:
    from retrieval.llm import LlmAnswerer, LlmConfig
    from tests.fakes.retrieval import FakeOpenAIServer

    server = FakeOpenAIServer().start()
    try:
        server.push("高企认定要求科技人员占职工总数的比例不低于10%[1]。")
        config = LlmConfig(base_url=server.base_url, model="fake", api_key="k", timeout=5.0)
        ans = LlmAnswerer(engine.searcher, engine.answerer, config).answer("高企对科技人员占比有什么要求？")
        prompt = server.requests[0]["messages"][1]["content"]
    finally:
        server.stop()
    assert "政策摘要，依据《高新技术企业认定管理办法》（国科发火〔2016〕32号）第十一条第（四）项" in prompt
    assert ans.grounded and "10%" in ans.answer and ans.citations[0].kind == "knowledge"


def test_how_points_are_computed_is_a_rules_question_answered_from_the_summary(engine: RetrievalEngine) -> None:
    assert kind_preference("创新积分是怎么算的？").prefer == "knowledge"
    ans = ExtractiveAnswerer(engine.searcher).answer("创新积分是怎么算的？")
    assert ans.grounded and ans.citations[0].kind == "knowledge" and "重庆" not in ans.answer


def test_a_rules_question_over_common_domain_words_is_not_too_vague(engine: RetrievalEngine) -> None:
    ans = ExtractiveAnswerer(engine.searcher).answer("全国试行版一共多少项核心指标")
    assert ans.grounded and "18项" in ans.answer


def test_where_to_check_the_score_names_the_platform(engine: RetrievalEngine) -> None:
    ans = ExtractiveAnswerer(engine.searcher).answer("去哪查创新积分")
    assert ans.grounded and "hjrz.chinatorch.org.cn" in ans.answer


def test_a_national_figure_question_says_the_figure_varies_by_region(engine: RetrievalEngine) -> None:
    ans = ExtractiveAnswerer(engine.searcher).answer("积分贷能贷多少？")
    assert ans.grounded and ans.answer.startswith("各地不同")
    assert "成都" in ans.answer or "杭州" in ans.answer
