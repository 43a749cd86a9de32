"""Cleaning and article splitting on the five seed bulletins."""

from __future__ import annotations

import re

import pytest

from retrieval.cleaning import parse_bulletin
from retrieval.pipeline import process_document
from retrieval.splitting import split_articles
from tests.retrieval.conftest import CORPUS

SEEDS = sorted(CORPUS.glob("*.txt"))


def _articles(name: str) -> list:
    path = CORPUS / name
    return split_articles(parse_bulletin(path.read_text(encoding="utf-8")), path.stem)


def test_every_seed_splits_into_its_articles() -> None:
    counts = {p.name[:3]: len(_articles(p.name)) for p in SEEDS}
    assert counts == {"000": 7, "001": 8, "002": 4, "003": 6, "004": 6}


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("000_006bf98c3a6348a7.txt", "南京全力打通科创金融服务“最后一公里”"),
        ("000_006bf98c3a6348a7.txt", "四川省攀枝花市积极开发科研助理岗助推应届大学毕业生就业"),
        # the TOC says 科创新路径, the body 科技创新路径: fuzzy TOC matching takes the body's title
        ("001_0e2e6c6ba6881e44.txt", "南京市积极打造金融服务生态链 探索赋能科技创新路径"),
        ("002_1f3e58db570de077.txt", "成都出台推动科技成果转化28条"),
        ("003_0baf63ac565749b8.txt", "杭州高新区(滨江): 发布“抢先机 拼经济”政策32条"),
        ("003_0baf63ac565749b8.txt", "包头稀土高新区:平台赋能 创新添翼 158家研发平台加速科技成果转化"),
        ("004_a97b05a5aa38a589.txt", "西湖：创新“科创直投”模式 打造独角兽发展强劲引擎"),
    ],
)
def test_article_titles(name: str, title: str) -> None:
    assert title in [a.title for a in _articles(name)]


def test_subheadings_are_not_articles() -> None:
    titles = [a.title for p in SEEDS for a in _articles(p.name)]
    assert not any(t.startswith("亮点") for t in titles)
    assert "30项指标 为企业精准“画像”" not in titles
    assert "聚焦模式创新，以制度重塑破解融资难题" not in titles


def test_photo_news_after_an_article_is_its_own_item() -> None:
    arts = _articles("003_0baf63ac565749b8.txt")
    assert arts[-1].title.startswith("南宁中关村信息谷科技园")
    assert "南宁" not in arts[-2].text


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_debris_is_cleaned(seed) -> None:
    doc = process_document(seed.read_text(encoding="utf-8"), None, seed.stem)
    text = "\n".join(a.title + "\n" + a.text for a in doc.articles)
    assert "★" not in text and "....." not in text and "……………" not in text
    assert "4366683" not in text and "编辑：" not in text
    assert "▶" not in text and "/摄" not in text and "本报讯" not in text
    assert not re.search(r"\d\s+[万亿元家个项]", text)  # "329 个" became "329个"


def test_page_breaks_inside_sentences_are_joined() -> None:
    text = "\n".join(a.text for p in SEEDS for a in _articles(p.name))
    for joined in ("科技金融资助", "“宁科贷”累计入库企业近1万家", "中国机械总院集团云南分院有限公司",
                   "研发中心对企业来说是一种无形资产,不仅可以开展科研项目时少走弯路"):
        assert joined in text.replace(" ", "")


def test_trailing_reporter_names_are_dropped() -> None:
    arts = _articles("003_0baf63ac565749b8.txt")
    kunming = next(a for a in arts if a.title.startswith("昆明"))
    assert kunming.text.endswith("融资问题。")


def test_masthead_gives_metadata_without_a_manifest() -> None:
    seed = CORPUS / "000_006bf98c3a6348a7.txt"
    doc = process_document(seed.read_text(encoding="utf-8"), None, seed.stem)
    assert doc.meta.publication == "科技情报参考"
    assert doc.meta.issue == "2023年第10期"
    assert doc.meta.date == "2023-10"
    assert doc.meta.source == "科技情报参考 2023年第10期"


def test_regions_and_tags() -> None:
    seed = CORPUS / "000_006bf98c3a6348a7.txt"
    doc = process_document(seed.read_text(encoding="utf-8"), None, seed.stem)
    chengdu = doc.articles[0]
    assert {"成都", "四川"} <= set(chengdu.regions)
    assert {"创新积分制", "积分贷"} <= set(chengdu.tags)
    xiangyang = doc.articles[2]
    assert "襄阳" in xiangyang.regions and "湖北" in xiangyang.regions


def test_plain_text_without_toc_or_headings_is_one_article() -> None:
    doc = process_document("这是一段没有标题的正文，介绍了创新积分制在某地的做法。" * 5, None, "note")
    assert len(doc.articles) == 1 and doc.articles[0].title == "note"


def _wrap(text: str, width: int = 30) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def test_pdf_style_pages_are_unwrapped() -> None:
    """pypdf output: hard-wrapped lines, no blank lines, running headers and page numbers."""
    header = "科技情报参考  2025年第1期"
    p1 = "鄂尔多斯市科技局联合三家银行推出鄂创积分贷，首批为37家科技型中小企业发放贷款1.26亿元，平均利率下降0.8个百分点。"
    p2 = "下一步，鄂尔多斯将把积分评价扩大到全市高新技术企业，并探索积分与人才政策、研发补助联动，让更多企业凭积分获得支持。"
    p3 = "赤峰市今年新增入库科技型中小企业118家，同比增长21%，其中农牧业科技企业占三成。"
    page1 = [header, "★ 鄂尔多斯市推行企业创新积分贷 ......2", "★ 赤峰市培育科技型中小企业 ......3",
             "鄂尔多斯市推行企业创新积分贷", *_wrap(p1), *_wrap(p2)[:1], "- 1 -"]
    page2 = [header, *_wrap(p2)[1:], "赤峰市培育科技型中小企业", *_wrap(p3), "- 2 -"]
    page3 = [header, "编辑：李 涛", "电话：4366683", "- 3 -"]
    text = "\n\n".join("\n".join(p) for p in (page1, page2, page3))
    doc = process_document(text, None, "pdf")
    titles = [a.title for a in doc.articles]
    assert titles == ["鄂尔多斯市推行企业创新积分贷", "赤峰市培育科技型中小企业"]
    first = doc.articles[0].text
    assert p1 in first and p2 in first  # lines joined, the page break inside p2 healed
    assert header.replace(" ", "") not in "".join(a.text for a in doc.articles).replace(" ", "")
    assert "- 2 -" not in first and "4366683" not in doc.articles[1].text
