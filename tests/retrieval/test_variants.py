"""Typo and colloquial variants (variants.yaml): homophone typos of corpus terms are read as the term."""

from __future__ import annotations

import pytest

from retrieval.variants import QueryVariants, domain_vocabulary

VOCAB = domain_vocabulary(["宁科贷", "孵化器", "天府科创贷", "科技成果转化", "贴息"])


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("宁科带比年初多了多少", "宁科贷比年初多了多少"),  # 贷 -> 带 (same reading)
        ("长兴有几家省级以上孵化气", "长兴有几家省级以上孵化器"),  # near-form 器 -> 气
        ("天府科创代放了多少", "天府科创贷放了多少"),
        ("成果转化带款贴习多少", "成果转化贷款贴息多少"),  # two-character domain terms
        ("蓬勃生物拿到多少股权头资", "蓬勃生物拿到多少股权投资"),  # a tag keyword of the data files
    ],
)
def test_homophone_typos_are_corrected(typed: str, read: str) -> None:
    assert QueryVariants(VOCAB).correct(typed).text == read


@pytest.mark.parametrize("text", ["带动就业的企业有哪些", "代表团来了几个人", "西湖区初创企业有多少"])
def test_real_words_are_left_alone(text: str) -> None:
    assert QueryVariants(VOCAB | {"初创期"}).correct(text).text == text


def test_colloquial_forms_become_briefing_wording_but_not_inside_other_words() -> None:
    v = QueryVariants(VOCAB)
    assert v.correct("杭州滨江的人才公寓咋申请").text == "杭州滨江的人才公寓怎么申请"
    assert v.correct("科特派项目有多少").text == "科技特派员项目有多少"
    assert v.correct("科技特派员有多少").text == "科技特派员有多少"  # already the canonical form
    assert v.correct("襄阳每年安排多少钱").text == "襄阳每年安排多少钱"  # 排多少 inside 安排多少


def test_corrections_are_reported() -> None:
    fixed = QueryVariants(VOCAB).correct("宁科带余额")
    assert fixed.original == "宁科带余额" and fixed.fixes == (("宁科带", "宁科贷"),)


def test_near_form_of_a_corpus_term() -> None:
    v = QueryVariants(VOCAB)
    assert v.near_form("宁科袋") == "宁科贷"
    assert v.near_form("苏科贷") is None or v.near_form("苏科贷") == "宁科贷"


def test_a_ratio_typed_with_a_near_homophone_is_read_as_the_policy_term() -> None:
    v = QueryVariants(VOCAB)
    assert "比例" in v.correct("科技人员要占多少比列").text
