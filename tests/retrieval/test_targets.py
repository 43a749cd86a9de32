"""Question targets (targets.yaml): what is asked, and whether a sentence states it next to the asked noun."""

from __future__ import annotations

import pytest

from retrieval.targets import detect_targets, holds


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("宁科贷的贷款利率是多少？", "rate"),
        ("宿州众创空间的入驻率是多少？", "rate"),
        ("德阳科创贷单笔最高能贷多少？", "cap"),
        ("襄阳的市级科创基金是哪一年设立的？", "date"),
        ("怀宁县把科创中心办在了哪里？", "place"),
        ("燕牌线缆是从哪家银行拿到的贷款？", "name"),
        ("湖北隆中实验室的主任是谁？", "name"),
        ("长兴在中国创新百强县中排第几位？", "rank"),
        ("成都打算把积分对象扩大到什么范围？", "extent"),
        ("宁科贷比年初多了多少", "change"),
        ("宁夏建设了多少个农业社会化科技服务站？", "quantity"),
        ("南京金服平台有哪些功能？", "list"),
        ("银行怎么利用创新积分帮助科技企业？", "how"),
        ("积分贷要什么材料", "materials"),
        ("申报高企需要提交哪些材料？", "materials"),
    ],
)
def test_the_target_kind_comes_from_the_wording(question: str, kind: str) -> None:
    assert detect_targets(question).primary.kind == kind  # type: ignore[union-attr]


def test_a_topic_question_has_no_target() -> None:
    assert detect_targets("成都的创新积分指标体系是以什么为基础设计的？").targets == ()


def test_the_asked_noun_is_the_one_next_to_the_cue() -> None:
    after = detect_targets("宁夏建设了多少个农业社会化科技服务站？").primary
    assert after is not None and after.asked[0] == "服务站" and after.counter == "个"
    before = detect_targets("宁科贷的余额超过多少？").primary
    assert before is not None and before.asked[0] == "余额"
    money = detect_targets("怀宁县在松江办的科创中心投资了多少钱？").primary
    assert money is not None and money.unit == "money" and money.asked[0] == "投资"


def test_a_two_part_question_has_two_targets() -> None:
    ask = detect_targets("中国银行给西部科学城几家科技企业发了积分贷款，一共多少钱？")
    assert [t.kind for t in ask.strict] == ["quantity", "quantity"]


def test_any_figure_is_not_enough_the_asked_noun_must_sit_with_it() -> None:
    invest = detect_targets("怀宁县在松江办的科创中心投资了多少钱？").primary
    assert invest is not None
    assert not holds(invest, "怀宁县在上海松江区投资创办“怀宁县（松江）科创中心”，构建协同创新新模式。")
    assert not holds(invest, "迎江区在昆山举办座谈会，41家高端装备制造业企业参与。")
    assert holds(invest, "南宁中关村信息谷科技园项目总投资额3.7亿元。")
    count = detect_targets("成都首批参加创新积分试点的企业有多少家？").primary
    assert count is not None
    assert not holds(count, "成都高新区作为首批试点的13家国家高新区之一。")  # 13家 counts 高新区
    assert holds(count, "试点一年来已涵盖西部(重庆)科学城核心区527家企业。")


@pytest.mark.parametrize(
    ("question", "good", "bad"),
    [
        ("宁科贷的贷款利率是多少？", "贷款利率较基准下降15%。", "宁科贷余额超过367亿元。"),
        ("德阳科创贷单笔最高能贷多少？", "科创贷单笔最高可贷500万元。", "天府科创贷为160家企业发放贷款11.08亿元。"),
        ("内蒙古的金融顾问工作是哪天启动的？", "8月19日，金融顾问启动仪式举行。", "首批16位金融顾问颁发聘书。"),
        ("燕牌线缆是从哪家银行拿到的贷款？", "中国银行重庆高新分行使燕牌线缆很快获得贷款。", "燕牌线缆获得1000万元银行贷款。"),
        ("泰州市级实验室的认定条件有哪些？", "市级实验室认定条件包括研发投入、人员、场地等。", "企业研发机构建设条件等。"),
        ("泰安鲁科贷的贷款利率是多少？", "鲁科贷贷款利率下浮10%。", "财政为鲁科贷承担备案贷款不良本金的35%。"),
        ("联谊会的会议是在哪里开的？", "联谊会在云南省昆明市召开会议。", "云南省科学技术院副院长参加会议。"),
        ("西湖区独角兽企业有哪几家上市了？", "西湖心辰科技有限公司等3家独角兽企业完成上市。", "提供股权设计、上市服务等培训，服务企业225家次。"),
        ("南京宁科投的基金管理人是谁？", "宁科投的基金管理人为南京创投公司。", "设立南京市级科技创新基金。"),
        ("积分贷要什么材料", "申请积分贷需提交营业执照和财务报表。", "积分贷助力宁波新材料科技城建设。"),
    ],
)
def test_value_shapes(question: str, good: str, bad: str) -> None:
    target = detect_targets(question).primary
    assert target is not None
    assert holds(target, good)
    assert not holds(target, bad)


@pytest.mark.parametrize("question", ["去哪查创新积分", "在哪里可以查到企业的创新积分？", "积分贷在哪个平台申请"])
def test_where_to_check_asks_for_a_channel_not_a_city(question: str) -> None:
    ask = detect_targets(question)
    assert ask.primary is not None and ask.primary.kind == "channel"
    assert not ask.has("place")


def test_a_channel_is_a_platform_or_address_and_a_city_is_not() -> None:
    target = detect_targets("去哪查创新积分").primary
    assert target is not None
    assert holds(target, "查询创新积分的渠道：在工信部服务平台 https://hjrz.chinatorch.org.cn 注册登录查看。")
    assert not holds(target, "2023年我们将在重庆高新区推广企业创新积分制,力争覆盖2000家以上科技企业。")


def test_which_platform_something_is_built_on_is_not_a_where_to_check_question() -> None:
    assert not detect_targets("这个平台是在哪个平台基础上打造的？").has("channel")


def test_a_validity_of_the_current_year_and_a_count_of_classes_answer_a_quantity() -> None:
    validity = detect_targets("入库登记编号有效期多长？").primary
    assert validity is not None and holds(validity, "入库登记编号的有效期为当年（当年有效），第二年需重新填报。")
    classes = detect_targets("2.0版一级指标有几类").primary
    assert classes is not None and holds(classes, "2.0版是4类一级指标、9项定量指标加3项加分指标。")


def test_a_share_asked_as_百分之多少_is_a_rate_about_the_thing_before_it() -> None:
    share = detect_targets("温州龙湾的创新领跑榜是前百分之多少的企业？").primary
    assert share is not None and share.kind == "rate" and share.asked[0] == "领跑榜"
    assert holds(share, "每年在各阶段内发布三张榜单：前5%为“创新领跑榜”。")
    deduct = detect_targets("研发费用加计扣除现在是百分之多少").primary
    assert deduct is not None and deduct.kind == "rate"
    assert holds(deduct, "研发费用加计扣除比例现在是100%。")


def test_points_are_counted_in_分_and_a_count_of_classes_is_not_a_list() -> None:
    points = detect_targets("科小研发费用占收入6%能拿几分").primary
    assert points is not None and points.counter == "分"
    assert holds(points, "研发费用占销售收入比例6%及以上得50分。")
    assert not holds(points, "研发费用加计扣除比例为100%，其中研发费用1000万元。")
    classes = detect_targets("2.0版本一级指标有几类")
    assert [t.kind for t in classes.strict] == ["quantity"]
    assert holds(classes.strict[0], "2.0版是4类一级指标、9项定量指标加3项加分指标。")


def test_a_counted_figure_followed_by_a_condition_asks_for_the_figure() -> None:
    pass_mark = detect_targets("科小评价得多少分才算符合条件？").primary
    assert pass_mark is not None and pass_mark.counter == "分" and "条件" not in pass_mark.asked
    full = detect_targets("创新积分制2.0版满分是多少分？").primary
    assert full is not None and full.asked[0] == "满分"


def test_a_measure_word_at_the_figure_states_the_asked_value_for_the_sentence_noun() -> None:
    """再贷款额度多大: "再贷款，额度5000亿元" states it as well as "再贷款中有1000亿元" (one of its parts)."""
    from retrieval.targets import match

    target = detect_targets("再贷款额度一共多大").primary
    assert target is not None and target.measure == "额度"
    quota = match(target, "人民银行设立科技创新和技术改造再贷款，额度5000亿元，利率1.75%。")
    part = match(target, "三是人民银行科技创新和技术改造再贷款中有1000亿元专门支持首贷。")
    assert quota is not None and part is not None and quota[1] >= part[1]
    # the measure of another thing (担保额度) in a sentence without the asked noun is no answer
    assert match(target, "单户科技型中小企业的担保额度上限提高到3000万元。") is None
