"""Policy questions managers ask: the key fact from the right summary, one region's figure never passed
off as national, and a plain "未收录" instead of another number."""

from __future__ import annotations

import pytest

from retrieval.answering import ExtractiveAnswerer
from retrieval.engine import RetrievalEngine
from retrieval.preference import kind_preference
from retrieval.scope import (
    REGIONAL_COST,
    asks_national,
    kind_bonus,
    other_places,
    region_label,
    regional_cost,
)
from retrieval.types import Hit


@pytest.fixture(scope="module")
def answerer(knowledge_engine: RetrievalEngine) -> ExtractiveAnswerer:
    """The extractive answerer over briefings and policy summaries."""
    return ExtractiveAnswerer(knowledge_engine.searcher)


def _hit(regions: tuple[str, ...], title: str = "某简报", kind: str = "briefing") -> Hit:
    return Hit(chunk_id="c", doc_id="d", title=title, source="s", date="2024-01", text="正文", score=1.0,
               regions=regions, kind=kind)


def test_a_regional_passage_loses_a_near_tie_only_when_the_question_names_nothing() -> None:
    assert regional_cost(_hit(("成都", "四川")), names_subject=False) == REGIONAL_COST
    assert regional_cost(_hit(("成都",)), names_subject=True) == 0.0
    assert regional_cost(_hit(()), names_subject=False) == 0.0
    assert regional_cost(_hit(("成都",)), names_subject=False, national=True) > REGIONAL_COST
    assert asks_national("全国有多少家企业参与了创新积分") and not asks_national("成都有多少家企业")


def test_a_regional_answer_names_its_region_unless_the_text_already_does() -> None:
    hit = _hit(("四川", "成都"), title="成都正式出台实施方案")
    assert region_label(hit, "区县科技主管部门每年6月30日前提交上年度数据。") == "成都"
    assert region_label(hit, "成都市各区县每年6月30日前提交数据。") == ""
    assert region_label(_hit(()), "全国统一的规定。") == ""
    assert other_places("广州高新区发放积分贷超过60亿元。", ["深圳"]) == ["广州"]
    assert other_places("深圳的积分贷。", ["深圳"]) == []


@pytest.mark.parametrize(
    ("question", "fact", "wrong"),
    [
        ("科小营收上限是多少", "2亿元", "担保"),
        ("科小有什么好处", "加计扣除", "宿州"),
        ("积分高了有啥好处", "积分贷", "高企是一项资质认定"),
        ("创新积分制是谁管的", "火炬中心", "张家港"),
        ("在哪查积分", "hjrz.chinatorch.org.cn", "企业一般不需要"),
        ("我们公司能查到积分吗", "hjrz.chinatorch.org.cn", "中银创新积分贷"),
        ("创新积分用的是哪年的数据", "上一个完整会计年度", "区（市）县科技主管部门"),
        ("积分贷利率多少", "没有全国统一", "驿站"),
        ("科技型中小企业收入上限多少", "2亿元", "担保额度"),
        ("高企有什么好处", "15%", "积分贷"),
    ],
)
def test_a_policy_question_gets_the_key_fact_not_a_neighbouring_topic(
    answerer: ExtractiveAnswerer, question: str, fact: str, wrong: str
) -> None:
    ans = answerer.answer(question)
    assert ans.grounded and fact in ans.answer and wrong not in ans.answer
    assert ans.citations[0].kind == "knowledge"


@pytest.mark.parametrize(
    ("question", "wrong"),
    [
        ("申请高企需要缴纳多少费用", "15%"),
        ("科小入库后地方奖励多少钱", "万元"),
    ],
)
def test_a_figure_no_source_gives_is_said_unknown_without_another_number(
    answerer: ExtractiveAnswerer, question: str, wrong: str
) -> None:
    ans = answerer.answer(question)
    assert not ans.grounded and ans.answer.startswith("未收录") and wrong not in ans.answer


def test_a_region_without_sources_is_said_first_and_other_regions_are_not_called_national(
    answerer: ExtractiveAnswerer,
) -> None:
    ans = answerer.answer("深圳的积分贷额度多少")
    assert not ans.grounded and ans.answer.startswith("未在已收录") and "深圳" in ans.answer[:20]
    if "广州" in ans.answer:
        assert "全国性规定" not in ans.answer and "其他地区只代表那个地区" in ans.answer


def test_a_summary_of_the_asked_place_keeps_the_edge_a_briefing_about_it_gets() -> None:
    prefer = kind_preference("湖北积分平台叫什么", names_place=True)
    own = _hit(("湖北",), title="各地创新积分制做法：湖北省", kind="knowledge")
    national = _hit((), title="创新积分制是什么", kind="knowledge")
    assert kind_bonus(prefer, own, ("湖北",)) == kind_bonus(prefer, _hit(("湖北",)), ("湖北",)) > 0
    assert kind_bonus(prefer, national, ("湖北",)) == 0.0


@pytest.mark.parametrize(
    ("question", "fact"),
    [("湖北积分平台叫啥", "湖北科创企业智慧大脑"), ("成都创新积分现在有多少项二级指标", "55项")],
)
def test_a_place_question_is_answered_from_that_place_s_summary(
    answerer: ExtractiveAnswerer, question: str, fact: str
) -> None:
    ans = answerer.answer(question)
    assert ans.grounded and fact in ans.answer


def test_a_list_the_subject_never_has_is_not_answered_from_another_subject_s_list(
    answerer: ExtractiveAnswerer,
) -> None:
    ans = answerer.answer("泰州市级实验室的认定条件有哪些？")  # 泰州 passages list 研发机构建设条件
    assert not ans.grounded


@pytest.mark.parametrize("question", ["利率多少", "额度多少", "申请要交多少钱"])
def test_a_figure_asked_of_nothing_named_gets_a_request_to_be_specific(
    answerer: ExtractiveAnswerer, question: str
) -> None:
    ans = answerer.answer(question)
    assert not ans.grounded and "笼统" in ans.answer and not ans.citations


def test_a_national_figure_question_never_gets_one_region_s_figure(answerer: ExtractiveAnswerer) -> None:
    ans = answerer.answer("全国有多少家企业参与了创新积分")
    assert "重庆" not in ans.answer.split("最接近的来源")[0]
    assert ans.grounded == ("万家" in ans.answer)  # the national count, or a plain "未收录"


def test_most_and_highest_are_the_same_question(answerer: ExtractiveAnswerer) -> None:
    """'最多贷多少' is answered by '最高可贷1000万元' without a hedge that the briefing lacks '最多'."""
    answer = answerer.answer("成都积分贷最多贷多少")
    assert "1000万" in answer.answer and "没有讲到" not in answer.answer


@pytest.mark.parametrize(("question", "key"), [("积分贷是什么", "纯信用"), ("积分贷是啥", "纯信用"),
                                               ("什么是积分贷", "纯信用")])
def test_word_order_of_a_definition_question_does_not_matter(
    answerer: ExtractiveAnswerer, question: str, key: str
) -> None:
    """'积分贷是什么' cuts as 积分/贷是/什么: the copula glued to the noun must not lose the answer."""
    answer = answerer.answer(question)
    assert answer.grounded and key in answer.answer


def test_a_noun_glued_to_the_copula_is_unglued() -> None:
    from retrieval.textutil import content_tokens, tokenize, unglue

    def words(text: str) -> list[str]:
        return content_tokens(unglue(tokenize(text)))

    assert words("积分贷是什么") == words("什么是积分贷")  # no 贷是
    assert "贷是" not in unglue(tokenize("人才贷是什么"))
    assert "制" in unglue(tokenize("创新积分制是一种政策工具"))


def test_a_how_long_question_needs_a_length_of_time(answerer: ExtractiveAnswerer) -> None:
    """'积分贷最长贷几年' must not be answered by '近几年来…' (a phrase, not a term of years)."""
    assert "近几年来" not in answerer.answer("积分贷最长贷几年").answer
    assert "1年以上" in answerer.answer("高企要注册几年").answer


def test_a_materials_question_needs_documents_never_a_new_materials_sector(answerer: ExtractiveAnswerer) -> None:
    """'积分贷要什么材料' must not be answered by '…新材料科创高地…' (材料 inside 新材料 is a sector)."""
    answer = answerer.answer("积分贷要什么材料").answer
    assert "新材料" not in answer and answer.startswith("未收录")
    assert "提交申请材料" in answerer.answer("高企认定要什么材料").answer
