"""Answers that hold what was asked, or say exactly what is missing; refusals that are true; bad input."""

from __future__ import annotations

import pytest

from retrieval.answering import ExtractiveAnswerer
from retrieval.engine import RetrievalEngine
from retrieval.entities import key_entities, missing_entities
from retrieval.evaluation import evaluate, load_qa
from retrieval.hybrid import CatalogueView
from retrieval.textutil import match_key
from retrieval.variants import QueryVariants
from tests.retrieval.conftest import REPO_ROOT

CHECK_QA = REPO_ROOT / "eval" / "check_qa.jsonl"


@pytest.fixture(scope="module")
def answerer(built_engine: RetrievalEngine) -> ExtractiveAnswerer:
    return built_engine.answerer


def test_a_figure_the_briefing_does_not_give_is_named_as_missing(answerer: ExtractiveAnswerer) -> None:
    ans = answerer.answer("怀宁县在松江办的科创中心投资了多少钱？")
    assert not ans.grounded
    assert ans.answer.startswith("简报提到：") and "怀宁县（松江）科创中心" in ans.answer
    assert "但没有给出投资的具体金额" in ans.answer
    assert ans.citations and "安庆" in ans.citations[0].title


@pytest.mark.parametrize(
    "question",
    ["宁科贷的贷款利率是多少？", "中冶赛迪拿到了多少科技创新专项资金？", "襄阳的市级科创基金是哪一年设立的？",
     "德阳科创贷单笔最高能贷多少？", "湖北隆中实验室的主任是谁？", "南京那6家科创金融服务驿站分别在哪些区？"],
)
def test_near_misses_whose_subject_is_in_the_corpus_are_partial(answerer: ExtractiveAnswerer, question: str) -> None:
    ans = answerer.answer(question)
    assert not ans.grounded
    # what is said about the subject, unless it holds another figure: then only that the value is not known
    partial = ans.answer.startswith("简报提到：") and "但没有" in ans.answer
    assert partial or (ans.answer.startswith("未收录：") and "不作猜测" in ans.answer)


def test_a_missing_figure_is_never_answered_with_another_figure(answerer: ExtractiveAnswerer) -> None:
    ans = answerer.answer("德阳科创贷单笔最高能贷多少？")  # its passage gives 11.08亿元 of loans, not a cap
    assert not ans.grounded and ans.answer.startswith("未收录：") and "上限" in ans.answer
    assert "亿元" not in ans.answer.split("最接近的来源")[0]


def test_places_and_names_are_checked_against_the_whole_catalogue() -> None:
    catalogue = CatalogueView(frozenset({"攀枝花", "四川"}), match_key("攀枝花市科技局开发科研助理岗位\n宁科贷余额"))
    variants = QueryVariants(["宁科贷", "科研助理"])
    # no retrieved passage is needed: 攀枝花 has an article, 宁科袋 is a near-form of 宁科贷
    assert missing_entities(key_entities("攀枝花的“宁科袋”有多少？"), catalogue, variants) == []
    assert missing_entities(key_entities("深圳前海的积分贷利率是多少？"), catalogue, variants) == ["深圳", "前海"]


def test_a_place_outside_the_top_hits_gets_a_partial_not_a_false_refusal(answerer: ExtractiveAnswerer) -> None:
    ans = answerer.answer("攀枝花的科技金融双周汇服务了多少家企业？")
    assert not ans.answer.startswith("未在已收录的简报中找到关于“攀枝花")


def test_question_words_are_never_the_missing_entity(answerer: ExtractiveAnswerer) -> None:
    for question in ("哪些项目得到了宁夏的支持？", "南京出台了什么政策支持科创金融？"):
        ans = answerer.answer(question)
        assert "哪些项目" not in ans.answer and "什么政策" not in ans.answer


@pytest.mark.parametrize(
    ("question", "figure"),
    [("宁科带比年初多了多少", "100亿元"), ("长兴有几家省级以上孵化气", "4家"), ("天府科创代今年一共放了多少钱", "11.08亿元")],
)
def test_typos_of_domain_terms_still_answer(answerer: ExtractiveAnswerer, question: str, figure: str) -> None:
    ans = answerer.answer(question)
    assert ans.grounded and figure in ans.answer


def test_the_answer_keeps_the_asked_value_not_the_topic_sentence(answerer: ExtractiveAnswerer) -> None:
    ans = answerer.answer("成都打算最后把积分对象扩大到什么范围？")
    assert ans.grounded and "全市科技型企业" in ans.answer
    share = answerer.answer("宁夏今年立项的科特派项目里六特产业占多大比例？")
    assert share.grounded and "31.6%" in share.answer and "54.4%" not in share.answer


def test_list_questions_quote_the_list(answerer: ExtractiveAnswerer) -> None:
    ans = answerer.answer("南京金服平台有哪些功能？")
    assert ans.grounded and "债权融资、股权融资" in ans.answer and len(ans.answer) <= 220


@pytest.mark.parametrize(
    ("question", "needle"),
    [
        ("的了吗呢是什么", "我可以回答"),
        ("貅貔龘靐齉", "我可以回答"),
        ("How much is the Ningkedai balance?", "我可以回答"),
        ("宁科贷余额" + "这是一段很长的粘贴内容。" * 900, "问题太长"),
        ("宁夏那个啥", "关于宁夏"),
    ],
)
def test_bad_input_gets_a_short_chinese_guide_not_a_passage(
    answerer: ExtractiveAnswerer, question: str, needle: str
) -> None:
    ans = answerer.answer(question)
    assert not ans.grounded and needle in ans.answer and len(ans.answer) <= 160


def test_explain_shows_legs_target_candidates_and_the_deciding_check(answerer: ExtractiveAnswerer) -> None:
    ex = answerer.explain("宁科带比年初多了多少")
    data = ex.to_dict()
    assert data["corrected"] == "宁科贷比年初多了多少" and data["fixes"] == [["宁科带", "宁科贷"]]
    assert data["targets"][0]["kind"] == "change"
    hit = data["hits"][0]
    assert {"lexical_rank", "lexical_score", "dense_rank", "dense_score", "fused", "final"} <= set(hit)
    assert data["candidates"] and "score" in data["candidates"][0]
    assert data["decision"].startswith("answered") and data["answer"]["grounded"]
    assert "判定：" in ex.render()


def test_check_set_declined_and_kept_rates(built_engine: RetrievalEngine, answerer: ExtractiveAnswerer) -> None:
    report = evaluate(load_qa(CHECK_QA), lambda q, k: built_engine.searcher.search(q, k), answerer.answer)
    assert report.declined_rate >= 0.9 and report.kept_rate >= 0.95
    assert report.answer_accuracy >= 0.9 and report.hit_at_1 >= 0.9
    assert report.to_dict()["declined_rate"] == round(report.declined_rate, 4)
