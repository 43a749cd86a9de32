"""Messages about the firm's OWN result or profile are answered from its figures and the rule data, never
with a briefing excerpt (the fake answerer's texts mark a fall-through): score requests, why this score,
how an indicator is computed, stage, next steps, last score, veto facts, deletions, loans, switching checks."""

from __future__ import annotations

import pytest

from tests.core.firm.conftest import Chat

POINTS = "营收5000万 研发投入300万 研发人员20 员工100 发明专利2个"
SCORED = (POINTS, "跳过", "b", "确认")  # the points estimate: 30.67 分, 成长期
SME = ("/sme", "成都 软件", "营收1800万 研发费用90万 成本费用1500万 员工45 研发人员6 软著3个 资产2000万", "b", "确认", "都没有")
FALL_THROUGH = ("未在已收录的简报中找到", "画像")  # what the fake answerer says


def _ours(reply: str) -> bool:
    return not any(mark in reply for mark in FALL_THROUGH)


@pytest.mark.parametrize(("message", "expected"), [
    ("帮我算算我们能得多少分", "想测哪一项"),
    ("测评一下", "想测哪一项"),
    ("测一下科小", "职工总数"),
    ("我想评个科小", "职工总数"),
    ("帮我算下创新积分", "上年度营业收入"),
    ("给我测测高企", "职工总数"),
])
async def test_a_request_to_be_scored_opens_a_form_or_the_menu(chat: Chat, message: str, expected: str) -> None:
    reply = "\n".join(await chat(message))
    assert expected in reply and _ours(reply)


async def test_with_a_saved_profile_a_request_scores_from_it_and_the_last_score_is_recalled(chat: Chat) -> None:
    await chat(*SCORED)
    last, again = await chat("上次算的分数多少来着", "再算一遍积分")
    assert "30.67" in last and "用了企业档案" in last
    assert "30.67" in again


async def test_why_this_score_uses_the_firms_numbers_and_the_curve(chat: Chat) -> None:
    replies = await chat(*SCORED, "为什么是这个分", "研发费用那项为啥只有这么点")
    whole, rd = replies[-2], replies[-1]
    assert "300 万元，得 4.4/8 分" in whole and "成长期" in whole and "另有 13 项未填写" in whole
    assert "到 1000 万元 还需增加 700 万元研发费用" in rd and "满分（3000 万元）" in rd
    assert "科技型中小企业评价指标" not in whole  # never the 科小 method for a points result


@pytest.mark.parametrize(("message", "expected"), [
    ("我们是初创期吗", "属于成长期"),
    ("后面我该怎么做", "补齐 13 项未填数据"),
    ("能不能帮我打个分", "30.67"),
    ("这分怎么这么低", "300 万元，得 4.4/8 分"),
])
async def test_other_wordings_about_the_result(chat: Chat, message: str, expected: str) -> None:
    await chat(*SCORED)
    reply = "\n".join(await chat(message))
    assert expected in reply and _ours(reply)


@pytest.mark.parametrize("message", ["发生安全事故会怎样", "要是出了安全事故呢"])
async def test_a_question_or_a_what_if_about_an_accident_records_nothing(chat: Chat, message: str) -> None:
    replies = await chat(*SCORED, message, "/profile")
    assert "事故" not in replies[-1]


async def test_who_are_you_mid_form_keeps_the_form(chat: Chat) -> None:
    replies = await chat("/score", "你是谁", "跳过")
    assert any("创新积分制助手" in r for r in replies) and "请提供" in replies[-1]


async def test_stage_and_next_steps_come_from_the_result(chat: Chat) -> None:
    stage, steps = (await chat(*SCORED, "我们算什么阶段", "下一步该干啥"))[-2:]
    assert "5000 万元，属于成长期" in stage
    assert "补齐 13 项未填数据" in steps and "官方平台" in steps and _ours(steps)


async def test_how_an_indicator_is_computed_and_a_quoted_value_is_scored(chat: Chat) -> None:
    firm = ("我们去年营收1.2亿，前年1个亿，研发投入去年900万前年700万", "跳过", "员工260 研发52", "b", "确认")
    growth, quoted = (await chat(*firm, "研发增长怎么算的", "营收增长20%算高吗"))[-2:]
    assert "28.6%（900÷700−1）" in growth and "≥30% 满分" in growth
    assert "按您说的 20% 计" in quoted and "≥15% 满分" in quoted


async def test_why_not_passed_and_how_many_for_full_marks_on_the_sme_check(chat: Chat) -> None:
    replies = await chat(*SME, "为什么科技人员才4分", "研发人员再多几个要多少个才能满分")
    assert "13.3%（6÷45）" in replies[-2] and "计 4 分" in replies[-2]
    assert "满分（30%）还需增加 8 名研发人员" in replies[-1]


async def test_why_not_passed_lists_what_is_open(chat: Chat) -> None:
    firm = ("/sme", "跳过", "营收3000万 研发投入180万 员工80 研发人员12 没有发明专利 软著5个", "b", "确认")
    why, cannot = (await chat(*firm, "为啥没通过", "为什么不能判定"))[-2:]
    for reply in (why, cannot):
        assert "资产总额" in reply and _ours(reply)


async def test_a_veto_fact_after_a_result_updates_the_profile_and_the_verdict(chat: Chat) -> None:
    replies = await chat(*SCORED, "我们去年发生过重大安全事故", "我们被列入经营异常名录了", "/profile")
    assert "存在否决项" in replies[-3] and "已记入企业档案" in replies[-3]
    assert "列入经营异常名录 是" in replies[-2]
    assert "列入经营异常名录：是" in replies[-1] and "重大安全、质量事故或严重环境违法：是" in replies[-1]


async def test_a_rules_question_naming_a_veto_is_still_a_question(chat: Chat) -> None:
    reply = (await chat(*SCORED, "被列入经营异常名录还能评科小吗", "/profile"))[-1]
    assert "经营异常" not in reply


async def test_an_unplaced_figure_after_a_result_is_named_back(chat: Chat) -> None:
    replies = await chat(*SCORED, "都是软件产品收入，大概2500万", "不对，是3000万")
    assert "没能判断“2500万”" in replies[-2] and "没能判断“3000万”" in replies[-1]


async def test_plain_word_deletions_delete_and_echo_the_field(chat: Chat) -> None:
    replies = await chat(*SCORED, "把研发人员删了", "删掉职工总数", "/profile")
    assert "已从企业档案删除：研发（科技）人员数" in replies[-3]
    assert "已从企业档案删除：职工总数" in replies[-2]
    assert "职工总数" not in replies[-1] and "研发（科技）人员数" not in replies[-1]


async def test_a_loan_question_after_a_score_says_there_is_no_formula_then_the_knowledge_base(chat: Chat) -> None:
    replies = await chat(*SCORED, "能贷多少")
    loan = next(r for r in replies if "没有固定公式" in r)
    assert "30.67" in loan and "合作银行" in loan
    assert "画像" in "\n".join(replies[replies.index(loan):])  # the knowledge base's answer follows


async def test_another_check_mid_form_says_the_first_is_paused_and_it_comes_back(chat: Chat) -> None:
    form = ("/hightech", "跳过", "营收4000万 研发费用220万 员工90 研发人员10", "软著6个 注册3年", "高品收入3000万")
    replies = await chat(*form, "那科小呢", "高企那个呢")
    paused = next(r for r in replies if "高企先放下" in r)
    assert "高企那个呢" in paused
    assert "高企硬性门槛自查" in replies[-2] or "高企硬性门槛自查" in replies[-1]


@pytest.mark.parametrize("message", ["你是谁", "你能干嘛", "你都能做什么呀"])
async def test_who_are_you_gets_the_self_introduction(chat: Chat, message: str) -> None:
    reply = (await chat(message))[0]
    assert "创新积分制助手" in reply and "/score" in reply


async def test_a_policy_why_after_a_result_still_goes_to_the_knowledge_base(chat: Chat) -> None:
    replies = await chat(*SCORED, "为什么要搞积分制")
    assert "画像" in "\n".join(replies[-2:]) and "结果怎么来的" not in "\n".join(replies[-2:])


async def test_why_a_high_tech_condition_fails_names_its_gap(chat: Chat) -> None:
    form = ("/hightech", "跳过", "营收3000万 研发90万 员工100 研发人员8 注册3年 软著5个 高新产品收入2000万", "b", "确认")
    reply = (await chat(*form, "为什么研发人员那项不行"))[-1]
    assert "研发人员占比 8%" in reply and "还需增加 2 名研发人员" in reply


async def test_a_loan_question_naming_a_place_asks_the_knowledge_base_about_that_place(
    chat: Chat, answerer_questions: list[str]
) -> None:
    await chat(*SCORED, "我们在成都能贷多少")
    assert answerer_questions[-1].startswith("成都")
