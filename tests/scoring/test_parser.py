"""Figure parser: the spec §5 examples exactly, chat messages, previous-year words, wrong units."""

from __future__ import annotations

import pytest

from scoring import parse_figures


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("营收1.2亿", "revenue", 12000),
        ("研发投入800万元", "rd_expense", 800),
        ("研发费用 3,500,000 元", "rd_expense", 350),
        ("研发人员十二人", "rd_staff", 12),
        ("职工总数一百二十人", "employees", 120),
        ("发明专利3件", "invention_patents", 3),
        ("营收增长15%", "revenue_growth", 15),
        ("研发投入强度百分之四点五", "rd_intensity", 4.5),
        ("营收两千万", "revenue", 2000),
        ("营收1.5千万", "revenue", 1500),
        ("营收0.8亿元", "revenue", 8000),
        ("职工１２０人", "employees", 120),
        ("研发费用３，５００，０００元", "rd_expense", 350),
        ("净利润：-50万", "net_profit", -50),
        ("亏损200万", "net_profit", -200),
        ("营收下降5%", "revenue_growth", -5),
        ("有3件发明专利", "invention_patents", 3),
        ("120名员工", "employees", 120),
        ("职工1.2万人", "employees", 12000),
        ("成立5年", "years_registered", 5),
        ("研发投入占营收5%", "rd_intensity", 5),
        ("营收1亿2千万", "revenue", 12000),
        ("PCT国际专利申请2件", "pct_applications", 2),
        ("资产负债率45%", "debt_ratio", 45),
    ],
)
def test_single_figures(text: str, field: str, value: float) -> None:
    parsed = parse_figures(text)
    assert parsed.problems == []
    assert parsed.values == {field: value}
    assert parsed.understood[0].field == field and parsed.understood[0].raw


@pytest.mark.parametrize(
    ("answer", "field", "value"),
    [("两千万", "revenue", 2000), ("百分之四点五", "rd_intensity", 4.5), ("1.5千万", "revenue", 1500),
     ("0.8亿元", "revenue", 8000), ("十二人", "rd_staff", 12), ("是", "key_field", True),
     ("省级", "rd_platform_level", "provincial"), ("没有", "standards", "none"),
     ("3000", "revenue", 3000), ("3000万元", "revenue", 3000), ("12", "rd_staff", 12)],
)
def test_bare_answers_to_a_question(answer: str, field: str, value: object) -> None:
    parsed = parse_figures(answer, expect=field)
    assert parsed.values == {field: value} and parsed.problems == []


def test_realistic_chat_message_with_previous_year() -> None:
    parsed = parse_figures("营收1.2亿，研发投入800万，研发人员12人，职工120人，发明专利3件，前年营收1亿")
    assert parsed.problems == []
    assert parsed.values == {
        "revenue": 12000, "revenue_prev": 10000, "rd_expense": 800, "rd_staff": 12,
        "employees": 120, "invention_patents": 3,
    }
    labels = {i.field: i.label for i in parsed.understood}
    assert labels["revenue_prev"] == "前一年营业收入"


def test_previous_year_words() -> None:
    assert parse_figures("去年营收1亿").values == {"revenue": 10000}  # 上年度 = the main field
    assert parse_figures("前一年研发费用600万").values == {"rd_expense_prev": 600}
    assert parse_figures("前年营收8000万，去年营收1亿").values == {"revenue_prev": 8000, "revenue": 10000}
    mixed = parse_figures("今年营收1.2亿，上年营收1亿")  # one reading: 上年 is 上年度, 今年 is no form year
    assert mixed.values == {"revenue": 10000} and "未使用" in mixed.problems[0]
    assert parse_figures("2023年营收1亿，2022年营收8000万", data_year=2023).values == {"revenue": 10000, "revenue_prev": 8000}


@pytest.mark.parametrize(
    ("text", "values", "named"),
    [  # data year 2025 (today 2026-11-28): 2025 is 上年度, 2024 前一年, other years are named back
        ("2024年营收3000万", {"revenue_prev": 3000}, ""),
        ("2025年营收3000万", {"revenue": 3000}, ""),
        ("2024年营收3000万，2025年4000万", {"revenue_prev": 3000, "revenue": 4000}, ""),
        ("2025年营收4000万，2024年营收3000万", {"revenue": 4000, "revenue_prev": 3000}, ""),
        ("研发投入2025年500万，2024年400万", {"rd_expense": 500, "rd_expense_prev": 400}, ""),
        ("2023年营收3000万", {}, "2023年"),
        ("2026年营收3000万", {}, "今年（2026年，尚未结束）"),
        ("2023年营收1亿，2022年营收8000万", {}, "2022年"),
        ("2024年高新技术产品收入800万", {}, "2024年"),  # no 前一年 field: only 上年度 is used
        ("2025年营收5000万，2023年研发费用300万", {"revenue": 5000}, "2023年"),
    ],
)
def test_calendar_years_read_against_the_data_year(text: str, values: dict[str, float], named: str) -> None:
    parsed = parse_figures(text, data_year=2025)
    assert parsed.values == values
    assert (named in "".join(parsed.problems)) and bool(parsed.problems) == bool(named)


def test_enums_and_flags() -> None:
    parsed = parse_figures("我们是高新技术企业，有省级工程技术研究中心，主导制定过行业标准")
    assert parsed.values == {"qualification": "high_tech", "rd_platform_level": "provincial", "standards": "led"}
    assert parse_figures("不是高新技术企业").values == {"qualification": "none"}


def test_class2_parts_are_summed() -> None:
    assert parse_figures("实用新型5件，软著3件").values == {"class2_ip": 8}


def test_rejected_names_the_fields_whose_figure_was_unusable() -> None:
    assert parse_figures("研发人员3000万").rejected == ["rd_staff"]
    assert parse_figures("宁科贷的余额超过367亿元").rejected == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("研发人员3000万", "研发人员：“3000万”的单位不对"),
        ("营收3000", "没有单位"),
        ("营收100多万", "不是确切的数值"),
        ("营收1亿，营收8000万", "营业收入出现了不同的数值"),
        ("研发费用15%", "是百分比"),
        ("营收增长1000万", "单位不对，应为百分比"),
        ("发明专利2.5件", "应为整数"),
        ("营收1.2亿，另外还有300万", "没能判断“300万”"),
    ],
)
def test_problems_are_named_never_guessed(text: str, words: str) -> None:
    parsed = parse_figures(text)
    assert any(words in p for p in parsed.problems), parsed.problems
    if "研发人员" in text:
        assert "rd_staff" not in parsed.values


def test_text_without_figures() -> None:
    for text in ("", "   ", "我们公司是一家做软件的", "怎么申请创新积分？"):
        parsed = parse_figures(text)
        assert parsed.values == {} and parsed.problems == []


def test_growth_words_negations_and_person_units() -> None:
    parsed = parse_figures(data_year=2023, text="公司2023年营收3.2亿元，同比增长12%，研发费用占营收4.5%，拥有发明专利15件、实用新型30件、软著12项")
    assert parsed.problems == []
    assert parsed.values == {"revenue": 32000, "revenue_growth": 12, "rd_intensity": 4.5,
                             "invention_patents": 15, "class2_ip": 42}
    assert parse_figures("研发投入500万，比上年增长20%").values == {"rd_expense": 500, "rd_expense_growth": 20}
    assert parse_figures("营收1亿，下降5%").values == {"revenue": 10000, "revenue_growth": -5}
    assert parse_figures("没有发明专利，实用新型3件").values == {"invention_patents": 0, "class2_ip": 3}
    assert parse_figures("员工30人其中研发10人").values == {"employees": 30, "rd_staff": 10}
    problems = parse_figures("研发费用10人").problems
    assert problems and "单位不对，应为金额" in problems[0]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("收入：5千万；研发：300万；人员：50人，其中研发人员15人",
         {"revenue": 5000, "rd_expense": 300, "employees": 50, "rd_staff": 15}),
        ("营收 1200 万元, 研发 60 万元", {"revenue": 1200, "rd_expense": 60}),
        ("去年营收1.5亿，前年1.2亿", {"revenue": 15000, "revenue_prev": 12000}),
        ("去年营收1亿，前年8000万", {"revenue": 10000, "revenue_prev": 8000}),
        ("职工120人，去年3件发明专利", {"employees": 120, "invention_patents": 3}),
        ("有1个省级工程技术研究中心", {"rd_platform_level": "provincial"}),
        ("销售额两亿三千万元", {"revenue": 23000}),
        # a manager's short forms for high-tech product income must not fall through to 收入 (revenue)
        ("营收2300万，高新收入1500万", {"revenue": 2300, "high_tech_revenue": 1500}),
        ("高新技术收入1500万", {"high_tech_revenue": 1500}),
        ("高新技术产品和服务收入1500万", {"high_tech_revenue": 1500}),
        ("高新技术服务收入800万", {"high_tech_revenue": 800}),
    ],
)
def test_more_chat_phrasings(text: str, values: dict) -> None:
    parsed = parse_figures(text)
    assert parsed.problems == []
    assert parsed.values == values
