"""Extractive answers: grounded, short, numbers intact, honest abstention, bad input."""

from __future__ import annotations

import pytest

from retrieval.answering import ExtractiveAnswerer, key_entities
from retrieval.engine import RetrievalEngine
from retrieval.evaluation import evaluate, load_qa
from tests.retrieval.conftest import DEV_QA


@pytest.fixture(scope="module")
def answerer(built_engine: RetrievalEngine) -> ExtractiveAnswerer:
    return built_engine.answerer


def test_dev_set_targets(built_engine: RetrievalEngine, answerer: ExtractiveAnswerer) -> None:
    report = evaluate(load_qa(DEV_QA), lambda q, k: built_engine.searcher.search(q, k), answerer.answer)
    assert report.hit_at_1 >= 0.9 and report.hit_at_5 >= 0.98
    assert report.answer_accuracy >= 0.85 and report.abstention_accuracy >= 0.8


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("宿州2022年以来落实了多少科技奖补资金？", "6448.735万元"),
        ("诸暨规上企业研发机构覆盖率是多少？", "85.94%"),
        ("南京市级科创基金合作成立了多少支子基金？", "49支"),
    ],
)
def test_numbers_are_kept_intact(answerer: ExtractiveAnswerer, question: str, figure: str) -> None:
    ans = answerer.answer(question)
    assert ans.grounded and figure in ans.answer
    assert len(ans.answer) <= 160
    assert ans.citations and figure in ans.citations[0].text
    assert ans.citations[0].title and ans.citations[0].source and ans.citations[0].date


def test_citation_names_the_article(answerer: ExtractiveAnswerer) -> None:
    ans = answerer.answer("中银创新积分贷是哪两家机构共同打造的？")
    assert ans.grounded and "科学城融资担保公司" in ans.answer
    assert ans.citations[0].title.startswith("重庆首个企业创新积分制平台发布")
    assert ans.to_dict()["citations"][0]["doc_id"] == ans.citations[0].doc_id


@pytest.mark.parametrize(
    ("question", "entity"),
    [
        ("广州开发区的创新积分怎么计算？", "广州"),
        ("申请欧盟地平线计划需要什么材料？", "欧盟"),
        ("深圳前海的积分贷利率是多少？", "深圳"),
        ("华为公司今年的研发投入是多少？", "华为"),
        ("苏科贷的申请条件是什么？", "苏科贷"),
    ],
)
def test_abstains_when_the_entity_is_not_in_the_corpus(
    answerer: ExtractiveAnswerer, question: str, entity: str
) -> None:
    ans = answerer.answer(question)
    assert not ans.grounded
    assert ans.answer.startswith("未在已收录的简报中找到") and entity in ans.answer
    assert ans.citations  # the nearest sources are still named


def test_a_function_character_glued_to_a_name_does_not_cause_an_abstention(
    answerer: ExtractiveAnswerer,
) -> None:
    # rjieba segments "项目中六特" as the place-like token "中六特"; the corpus says “六特”.
    assert "中六特" in key_entities("宁夏本年度立项的项目中六特产业占比多少？").names
    ans = answerer.answer("宁夏本年度立项的项目中六特产业占比多少？")
    assert ans.grounded and "31.6%" in ans.answer


def test_abstains_when_nothing_matches(answerer: ExtractiveAnswerer) -> None:
    ans = answerer.answer("量子纠缠光子的退相干时间如何测量？")
    assert not ans.grounded and ans.answer.startswith("未在已收录的简报中找到")


@pytest.mark.parametrize("question", ["", "   ", "\x00\x01", "？！。"])
def test_empty_questions_get_a_clear_message(answerer: ExtractiveAnswerer, question: str) -> None:
    ans = answerer.answer(question)
    assert not ans.grounded and "请输入" in ans.answer and ans.citations == []


def test_long_and_mixed_width_questions_still_answer(answerer: ExtractiveAnswerer) -> None:
    long = answerer.answer("宁科贷的余额超过多少？" + "请详细说明。" * 1700)
    assert long.answer
    mixed = answerer.answer("　“宁科贷”的余额\x07超过多少?（截至２０２２年）")
    assert mixed.grounded and "367亿元" in mixed.answer
    latin = answerer.answer("What is the balance of ningkedai loans in Nanjing?")
    assert latin.answer  # a normal (here: honest) answer, never an exception


def test_key_entities() -> None:
    ents = key_entities("“宁科贷”在南京的余额是多少？")
    assert ents.places == ("南京",) and ents.quoted == ("宁科贷",)


def test_asks_for_a_figure_the_evidence_does_not_state(answerer: ExtractiveAnswerer) -> None:
    # (the policy summaries now carry a reported 成都 financing cost; its loan term is stated nowhere)
    ans = answerer.answer("成都积分贷的贷款期限是多久？")
    assert not ans.grounded
    assert ans.answer.startswith("简报提到：") and "期限" in ans.answer
    assert ans.citations  # the nearest source is named


def test_concurrent_questions_from_worker_threads(answerer: ExtractiveAnswerer) -> None:
    """The core calls the answerer through asyncio.to_thread: answers must not interfere."""
    from concurrent.futures import ThreadPoolExecutor

    questions = ["宁科贷的余额超过多少？", "诸暨规上企业研发机构覆盖率是多少？", "广州开发区的创新积分怎么计算？"] * 8
    expected = {q: answerer.answer(q).answer for q in set(questions)}
    with ThreadPoolExecutor(max_workers=6) as pool:
        got = list(pool.map(lambda q: (q, answerer.answer(q).answer), questions))
    assert all(expected[q] == a for q, a in got)
