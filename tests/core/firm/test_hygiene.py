"""Dialogue hygiene and the profile's other doors: questions inside statements, typed ratios,
yes/no conditions, lettered choices, enum labels, one-row sheets."""

from __future__ import annotations

from bot.core.assistant import CoreAssistant
from bot.core.types import Incoming
from bot.storage.profiles import SqlProfileStore
from tests.core.firm.conftest import Chat

KEY = "console:boss"


async def test_a_question_inside_a_statement_is_answered_not_recorded(
    chat: Chat, profiles: SqlProfileStore
) -> None:
    replies = await chat("营收8000万，研发费用280万，科技人员30人，员工260人，还有能不能申请高企")
    text = "\n".join(replies)
    assert "高企硬性门槛自查" in text
    record = profiles.load(KEY)
    assert record is not None and "qualification" not in record.fields
    assert record.figures["revenue"] == 8000


async def test_a_typed_ratio_that_contradicts_the_figures_is_flagged(chat: Chat) -> None:
    replies = await chat("/score", "跳过", "营收1.1亿，研发投入800万，研发占比百分之五左右")
    assert "按您直接给出的 5%" in replies[2] and "7.27%" in replies[2]
    replies = await chat("研发占比应该是7.27%，我算错了")
    assert "按您直接给出的" not in replies[0]


async def test_yes_no_condition_is_asked_and_the_answer_reruns_the_check(
    chat: Chat, profiles: SqlProfileStore
) -> None:
    replies = await chat("能认定高企吗", "营收3000万，研发投入200万，研发人员20人，职工120人，发明专利1件")
    assert "未确认" in replies[1] and "回复“没有”或“有”" in replies[1]
    replies = await chat("没有")
    assert "✅ 申请认定前一年内未发生重大安全" in replies[0]
    record = profiles.load(KEY)
    assert record is not None and record.figures["major_incident_recent"] is False


async def test_lettered_choices_stay_valid_and_are_echoed(chat: Chat) -> None:
    replies = await chat("/score", "b")  # [a] 跳过 on the region prompt → "b" is not a button there
    assert "已选" not in replies[1]
    replies = await chat("/cancel", "/score", "a", "营收3000万", "b")
    text = "\n".join(replies)
    assert "已选：a 跳过" in text and "已选：b 就这些，去确认" in text
    assert "请确认以下数据" in replies[-1]


async def test_an_enum_is_fixed_by_typing_its_label(chat: Chat, profiles: SqlProfileStore) -> None:
    await chat("能认定高企吗", "营收3000万，研发投入200万，研发人员20人，职工120人")
    replies = await chat("资质改成无")
    assert "资质 无" in replies[0]
    record = profiles.load(KEY)
    assert record is not None and record.figures["qualification"] == "none"


async def test_which_check_when_none_is_named_or_known(chat: Chat) -> None:
    replies = await chat("我们够格吗")
    assert "高企" in replies[0] and "科小" in replies[0]


async def test_contradictory_correction_changes_nothing(chat: Chat, profiles: SqlProfileStore) -> None:
    await chat("能认定高企吗", "营收3000万，研发投入200万，研发人员20人，职工120人")
    before = profiles.load(KEY)
    replies = await chat("营收说错了，应该是1亿，不对，营收是2亿")
    assert "没有改动档案" in replies[0]
    replies = await chat("净利润改成很多")
    assert "没有改动档案" in replies[0]
    assert profiles.load(KEY) == before


async def test_a_one_row_sheet_fills_the_profile(
    assistant_over: CoreAssistant, chat: Chat, profiles: SqlProfileStore
) -> None:
    sheet = "上年度营业收入（万元）,上年度研发费用,职工总数,研发人员\n3000,200,120,20\n"
    replies = await assistant_over.handle(Incoming(
        channel="console", user_id="boss", kind="file", file_name="我司.csv", file_bytes=sheet.encode(),
    ))
    assert "已存入企业档案（4 项）" in replies[-1].text
    record = profiles.load(KEY)
    assert record is not None and record.fields["revenue"].source == "sheet"
    replies = await chat("能评上科小吗")
    assert "用了企业档案" in replies[0] and "科小自评" in replies[0]


async def test_no_answers_a_count_question_with_zero_and_is_not_a_question(
    chat: Chat, profiles: SqlProfileStore
) -> None:
    replies = await chat("/hightech", "跳过", "营收3000万，研发投入200万，研发人员20人，职工120人", "5年", "没有")
    assert "有效发明专利等Ⅰ类知识产权数 0 件" in replies[4]
    record = profiles.load(KEY)
    assert record is not None and record.figures["invention_patents"] == 0


async def test_choice_prompts_take_no_for_none_and_confirm_moves_on(chat: Chat) -> None:
    replies = await chat(
        "/sme", "跳过", "职工60人，研发人员8人，营收2000万，资产总额3000万，研发投入90万，成本费用900万",
        "实用新型2件", "发明专利0件", "否", "确认",
    )
    assert "资质 无" in replies[5]
    assert "请确认以下数据" in replies[6]


async def test_a_topic_typed_like_a_search_is_a_question_not_data(
    chat: Chat, profiles: SqlProfileStore
) -> None:
    replies = await chat("高新技术企业认定条件", "科小评价条件")
    text = "\n".join(replies)
    assert "已记录" not in text and "开始创新积分初步测算" not in text
    record = profiles.load(KEY)
    assert record is None or "qualification" not in record.fields


async def test_a_topic_query_at_the_region_prompt_is_answered_not_stored(chat: Chat) -> None:
    replies = await chat("/score", "积分贷申请条件")
    after = "\n".join(replies[1:])
    assert "已记录" not in after and "“画像”" in after  # answered by the answerer
    assert "所在地区和行业" in after  # and the dialogue asks its question again


async def test_a_condition_put_to_the_rules_is_a_rules_question(chat: Chat) -> None:
    replies = await chat("被列入经营异常名录还能评科小吗")
    assert "科小条件" not in "\n".join(replies) and "“画像”" not in replies[0]
    assert "未在已收录" in replies[0]  # the (fake) answerer got it
