"""A verdict with nothing failed but facts still unknown says so, never "暂不符合"."""

from __future__ import annotations

from bot.storage.profiles import SqlProfileStore
from tests.core.firm.conftest import Chat

FIRM = "营收八千万，研发费用280万，科技人员30人，员工260人，发明专利2件"


async def test_sme_score_passed_but_assets_unknown_is_pending_not_failed(chat: Chat) -> None:
    replies = await chat("能评上科小吗", "营收八千万，研发费用400万，科技人员30人，员工260人，发明专利2件")
    verdict = next(r for r in replies if "科小自评" in r)
    assert "74 分" in verdict and "暂不符合" not in verdict
    assert "评分已达 60 分" in verdict and "资产总额" in verdict


async def test_sme_score_below_the_line_still_fails(chat: Chat) -> None:
    replies = await chat("能评上科小吗", "营收八千万，研发费用200万，科技人员30人，员工260人，发明专利1件")
    verdict = next(r for r in replies if "科小自评" in r)
    assert "暂不符合" in verdict


async def test_hightech_whatif_that_clears_the_only_failure_changes_the_verdict(chat: Chat) -> None:
    replies = await chat("我们今年能不能去申请高企", FIRM, "如果研发费用提到400万呢？")
    assert "暂未满足全部条件" in replies[1]
    assert "结论不变" not in replies[-1]
    assert "已知条件都满足" in replies[-1]


async def test_a_check_name_answering_which_check_is_not_recorded_as_a_qualification(
    chat: Chat, profiles: SqlProfileStore
) -> None:
    replies = await chat("我们够格吗", "高企", "营收3000万 研发100万 职工120 研发人员6个 发明专利1", "那科小呢")
    assert "资质" not in replies[1] and "资质" not in replies[-1]
    assert "科小自评：50 分，暂不符合" in replies[-1]
    record = profiles.load("console:boss")
    assert record is not None and "qualification" not in record.figures


async def test_first_named_check_wins_when_a_second_is_asked_in_passing(chat: Chat) -> None:
    replies = await chat("帮我看看我们能不能评高企，营收一亿二，研发投入四百五十万，研发人员二十五人，职工两百人，"
                         "还有能不能申请积分贷")
    assert any("高企硬性门槛自查" in r for r in replies)
    assert not any("创新积分初步自评估" in r for r in replies)


async def test_sme_pending_through_a_direct_route_does_not_claim_the_score_passed(chat: Chat) -> None:
    replies = await chat("我们是高新技术企业，营收3000万 研发100万 职工120 研发人员6个 发明专利1", "能评上科小吗")
    verdict = next(r for r in replies if "科小自评" in r)
    assert "符合直接认定条件" in verdict and "评分已达" not in verdict and "还差 10 分" not in verdict


async def test_sme_without_any_ip_figure_is_not_failed_on_a_silent_zero(chat: Chat) -> None:
    replies = await chat("能不能评上科小", "职工60人，营收2000万，研发投入90万，研发人员8人", "发明专利0件，实用新型2件")
    first = next(r for r in replies if "科小自评：34 分" in r)
    assert "暂不符合" not in first and "科技成果 0/30：未提供有效发明专利、Ⅱ类知识产权数量" in first
    assert "科小自评：46 分，暂不符合" in replies[-2] + replies[-1]


async def test_a_not_a_question_about_a_check_is_an_eligibility_question(
    chat: Chat, profiles: SqlProfileStore
) -> None:
    replies = await chat("高企能不能过", "营收1.5亿 研发费用500万 研发人员40 职工300 发明专利3件 高新收入1.2亿 成立5年")
    assert "高企硬性条件" in replies[0] and "资质" not in replies[0]
    assert any("高企硬性门槛自查" in r for r in replies[1:])
    record = profiles.load("console:boss")
    assert record is not None and "qualification" not in record.figures


async def test_a_followup_at_the_confirm_screen_scores_instead_of_searching(chat: Chat) -> None:
    replies = await chat("/sme", "跳过", "职工两百，营收一个亿，研发五百万，科技人员三十，软著10个", "就这些", "差几分")
    assert "请确认以下数据" in replies[-2]
    assert "科小自评" in replies[-1] + "".join(replies[-3:])


async def test_a_firm_over_the_size_caps_is_told_so_without_score_advice(chat: Chat) -> None:
    replies = await chat("我们能评科小吗？职工600人，营收3个亿，研发投入一千五百万，研发人员90人，发明专利2件")
    verdict = next(r for r in replies if "科小自评" in r)
    assert "暂不符合" in verdict and "超出上限 100 人（上限 500 人）" in verdict
    assert "需减少" not in verdict and "还需增加 30 名研发人员" not in verdict


async def test_a_whatif_in_a_wrong_unit_names_the_problem_once(chat: Chat) -> None:
    replies = await chat("能认定高企吗", "营收3000万，研发投入100万，研发人员6人，职工120人", "如果研发人员提到1100万呢")
    assert "单位不对" in replies[-1] and "没有改动档案" in replies[-1]
    assert "没看懂要假设哪项" not in replies[-1]



async def test_a_failed_tech_sme_headline_names_why(chat: Chat) -> None:
    """80 分 yet 暂不符合 must say why: the 科技人员 part scored 0 (spec §3)."""
    replies = await chat("能评上科小吗", "营收1000万 研发100万 员工50 研发人员4 发明专利1个 总资产800万", "都没有")
    said = "\n".join(replies)
    assert "科小自评：80 分，暂不符合（科技人员指标得分为 0" in said


async def test_a_threshold_question_in_a_form_is_not_the_firms_figure(chat: Chat) -> None:
    """'研发人员占比要10%对吧' asks the rule; recording 10% would pass the 高企 condition on a question."""
    replies = await chat("/hightech", "跳过", "营收3000万 研发200万", "研发人员占比要10%对吧")
    assert "已记录" not in replies[-1] or "研发（科技）人员占职工总数比例" not in replies[-1]
    replies = await chat("发明专利要10个才满分？")
    assert "有效发明专利等Ⅰ类知识产权数 10" not in "\n".join(replies)
