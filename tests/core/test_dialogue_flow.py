"""The scoring dialogue end to end through the core, with fake scoring and retrieval."""

from __future__ import annotations

from tests.core.conftest import Rig, text_of
from tests.fakes.core import FAKE_PNG


async def test_full_dialogue_asks_only_missing_figures_confirms_and_scores(rig: Rig) -> None:
    assert not rig.scoring.prepared
    replies = await rig.say("/score 营收3000万，研发投入150万")
    assert rig.scoring.prepared  # chart workers warm up while the figures are typed
    text = text_of(replies)
    assert "已记录" in text and "上年度营业收入 3,000 万元" in text
    assert "地区和行业" in text  # profile is asked first

    replies = await rig.say("成都 软件")
    text = text_of(replies)
    assert "成都" in text
    assert "前一年营业收入" in text and "上年度营业收入（" not in text  # only the missing one
    profile = rig.users.get("console:u1")
    assert profile is not None and (profile.region, profile.industry) == ("成都", "软件")

    await rig.say("2800")  # a bare number answers the one field asked
    replies = await rig.say("跳过")  # rd_expense_prev
    assert "已跳过：前一年研发费用" in text_of(replies)
    replies = await rig.say("职工总数100人，研发人员30人")
    assert "有效发明专利数" in text_of(replies)
    await rig.say("发明专利2件 实用新型3件")
    for _ in range(3):  # high_tech_revenue/tax_paid, net_profit/net_assets -> skip
        replies = await rig.say("跳过")
        if replies[-1].choices and "资质" in replies[-1].text:
            break
    assert "资质" in replies[-1].text
    labels = [c.label for row in replies[-1].choices for c in row]
    assert "科技型中小企业" in labels and "跳过" in labels
    await rig.click("f:set:qualification:tech_sme")
    await rig.say("省级")  # typed enum answer
    replies = await rig.click("f:skip")  # standards
    confirm = replies[-1]
    assert "请确认" in confirm.text and "资质：科技型中小企业" in confirm.text
    assert "研发机构级别：省级" in confirm.text
    assert [c.data for c in confirm.choices[0]] == ["f:confirm", "f:edit", "f:cancel"]

    replies = await rig.click("f:confirm")
    text = text_of(replies)
    assert "初步自评估" in text and "最需提升的三项" in text and "提分建议" in text
    assert "官方平台" in text
    assert any(r.image_png == FAKE_PNG for r in replies)
    policies = replies[-1].text
    assert "成都" in policies and "南京" not in policies  # the firm's region; never another one
    assert policies.count("成都正式出台") == 1  # one line per article
    figures, rule_set = rig.scoring.evaluations[-1]
    assert rule_set == "cn-ref-2024"
    assert figures["revenue"] == 3000 and figures["revenue_prev"] == 2800
    assert figures["qualification"] == "tech_sme" and figures["rd_platform_level"] == "provincial"
    assert "rd_expense_prev" not in figures
    assert rig.sessions.load("console:u1") is None  # dialogue closed


async def test_restart_mid_dialogue_loses_nothing(rig: Rig) -> None:
    await rig.say("/score")
    await rig.say("跳过")  # profile
    await rig.say("营收3000万 前一年营业收入2500万")
    restarted = rig.rebuilt()
    from bot.core.types import Incoming

    replies = await restarted.handle(Incoming(channel="console", user_id="u1", text="研发投入200万"))
    assert "前一年研发费用" in text_of(replies)
    record = rig.sessions.load("console:u1")
    assert record is not None
    assert record.state["figures"] == {"revenue": 3000.0, "revenue_prev": 2500.0, "rd_expense": 200.0}


async def test_contradiction_is_explained_and_previous_figures_kept(rig: Rig) -> None:
    await rig.say("/score 职工总数50人")
    await rig.say("跳过")
    replies = await rig.say("研发人员80人")
    text = text_of(replies)
    assert "不能大于职工总数" in text and "未记录" in text
    record = rig.sessions.load("console:u1")
    assert record is not None and record.state["figures"] == {"employees": 50}


async def test_wrong_unit_is_refused_by_name(rig: Rig) -> None:
    await rig.say("/score")
    await rig.say("跳过")
    replies = await rig.say("研发人员3000万")
    text = text_of(replies)
    assert "研发（科技）人员数" in text and "看起来像金额" in text
    record = rig.sessions.load("console:u1")
    assert record is not None and "rd_staff" not in record.state["figures"]


async def test_cancel_and_edit_in_confirmation(rig: Rig) -> None:
    await rig.say("/hightech 注册年限3年 营收1000万 研发投入80万")
    await rig.say("跳过")  # profile
    for _ in range(8):
        replies = await rig.say("跳过")
        if "请确认" in replies[-1].text:
            break
    assert "请确认" in replies[-1].text
    replies = await rig.click("f:edit")
    assert "修改" in text_of(replies)
    replies = await rig.say("发明专利1件")
    assert "请确认" in replies[-1].text and "有效发明专利数：1 件" in replies[-1].text
    replies = await rig.say("确认")
    text = text_of(replies)
    assert "✅ 拥有知识产权" in text and "❓ 创新能力评价" in text and "高新技术企业认定管理办法" in text
    assert rig.scoring.evaluations[-1][1] == "high-tech-2016"
    await rig.say("/sme")
    replies = await rig.say("/cancel")
    assert "已取消" in text_of(replies)
    assert rig.sessions.load("console:u1") is None
    assert "没有进行中的测算" in text_of(await rig.say("/cancel"))


async def test_question_during_dialogue_is_answered_and_dialogue_waits(rig: Rig) -> None:
    await rig.say("/score")
    await rig.say("跳过")
    replies = await rig.say("积分制是什么？")
    text = text_of(replies)
    assert "画像" in text and "测算仍在进行中" in text and "上年度营业收入" in text
    record = rig.sessions.load("console:u1")
    assert record is not None and record.state["stage"] == "collect"


async def test_figures_in_free_text_start_a_dialogue(rig: Rig) -> None:
    replies = await rig.say("营收3000万，研发投入150万")
    assert "开始创新积分初步测算" in text_of(replies)
    record = rig.sessions.load("console:u1")
    assert record is not None and record.state["figures"]["rd_expense"] == 150.0


async def test_switching_rule_set_carries_figures_over(rig: Rig) -> None:
    await rig.say("/score 职工总数100人 研发人员20人")
    await rig.say("/sme")
    record = rig.sessions.load("console:u1")
    assert record is not None
    assert record.state["rule_set"] == "tech-sme-2022"
    assert record.state["figures"] == {"employees": 100, "rd_staff": 20}


async def test_stale_button_after_dialogue_closed(rig: Rig) -> None:
    replies = await rig.click("f:confirm")
    assert "按钮已失效" in text_of(replies)


async def test_done_goes_straight_to_confirmation_with_what_was_given(rig: Rig) -> None:
    await rig.say("/score 营收3000万 研发投入150万")
    replies = await rig.say("跳过")
    assert [c.data for c in replies[-1].choices[-1]] == ["f:skip", "f:done"]
    replies = await rig.say("就这些")
    assert "请确认" in replies[-1].text and "项：前一年营业收入、前一年研发费用、职工总数 等" in replies[-1].text
    replies = await rig.click("f:confirm")
    assert "初步自评估" in text_of(replies)
    assert rig.scoring.evaluations[-1][0] == {"revenue": 3000.0, "rd_expense": 150.0}


def test_policy_matching_puts_briefings_of_the_firms_region_first() -> None:
    from bot.core.estimate.forms import load_policy
    from bot.core.policy import match_policies, policy_query
    from tests.fakes.core import FakeSearcher

    searcher = FakeSearcher()
    hits = match_policies(searcher, load_policy(), "", ("四川省成都市高新区", None),
                          ["invention_patents"])
    assert [h.doc_id for h in hits] == ["d2"]  # 南京 and 宁夏 are other regions: never listed
    query = policy_query(load_policy(), "", "成都", "软件", ["invention_patents"])
    assert query.startswith("成都 软件") and "发明专利" in query
    assert [h.doc_id for h in match_policies(searcher, load_policy(), "", (None, None), [])] == [
        "d1", "d2", "d3"
    ]



def test_policy_matching_keeps_own_region_then_province_then_national_and_drops_the_rest() -> None:
    from dataclasses import replace

    from bot.core.estimate.forms import load_policy
    from bot.core.policy import match_policies
    from tests.fakes.core import FakeSearcher

    searcher = FakeSearcher()
    zhuji, chengdu, nanjing = searcher.hits[0], searcher.hits[1], searcher.hits[0]
    searcher.hits = [
        replace(zhuji, doc_id="zhuji", title="诸暨：聚力加大研发投入", regions=("诸暨", "绍兴", "浙江")),
        replace(nanjing, doc_id="national", title="科技部：创新积分制全国试行", regions=()),
        replace(chengdu, doc_id="mianyang", title="绵阳：科技型企业培育", regions=("绵阳", "四川")),
        replace(zhuji, doc_id="tongling", title="铜陵市以高水平科技创新壮大新质生产力", regions=("铜陵", "安徽")),
        replace(chengdu, doc_id="chengdu", regions=("成都", "四川")),
    ]
    hits = match_policies(searcher, load_policy(), "", ("成都", None), ["rd_expense"])
    assert [h.doc_id for h in hits] == ["chengdu", "mianyang", "national"]
    anywhere = match_policies(searcher, load_policy(), "", (None, None), ["rd_expense"])
    assert [h.doc_id for h in anywhere] == ["zhuji", "national", "mianyang"]  # no region known: as found


def test_policy_matching_lists_briefings_not_policy_summaries() -> None:
    from dataclasses import replace

    from bot.core.estimate.forms import load_policy
    from bot.core.policy import match_policies
    from tests.fakes.core import FakeSearcher

    searcher = FakeSearcher()
    summaries = [replace(h, doc_id=f"k{i}", kind="knowledge") for i, h in enumerate(searcher.hits)]
    searcher.hits = summaries + searcher.hits  # the summaries rank first, as they do for R&D queries
    hits = match_policies(searcher, load_policy(), "", (None, None), [])
    assert [h.doc_id for h in hits] == ["d1", "d2", "d3"]


async def test_a_question_while_the_profile_is_asked_is_answered_not_stored(rig: Rig) -> None:
    await rig.say("/score")
    replies = await rig.say("积分制是什么？")
    assert "画像" in text_of(replies) and "地区和行业" in text_of(replies)
    profile = rig.users.get("console:u1")
    assert profile is not None and profile.region is None
    await rig.say("营收3000万")  # figures instead of a profile: kept, profile skipped
    record = rig.sessions.load("console:u1")
    assert record is not None and record.state["stage"] == "collect"
    assert record.state["figures"] == {"revenue": 3000.0}
