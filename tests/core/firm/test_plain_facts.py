"""Figures and facts in plain Chinese, in conversations as a manager types them (real scoring)."""

from __future__ import annotations

from bot.storage import Database
from bot.storage.profiles import SqlProfileStore
from bot.storage.users import UserStore
from tests.core.firm.conftest import Chat

KEY = "console:boss"


async def test_colloquial_figures_and_facts_beside_them_are_recorded_and_echoed(
    chat: Chat, profiles: SqlProfileStore, sqlite_database: Database
) -> None:
    replies = await chat(
        "能评上科小吗",
        "我们是成都的软件公司，营收3000万，12个研发，总共80人，资产2000万，研发占比5%，发明专利没有，没有事故",
        "研发费用不清楚",
    )
    echo = replies[1]
    for shown in ("研发（科技）人员数 12 人", "职工总数 80 人", "资产总额 2,000 万元", "研发投入强度", "5%",
                  "有效发明专利等Ⅰ类知识产权数 0 件", "重大安全、质量事故或严重环境违法 否", "成都", "软件"):
        assert shown in echo, shown
    assert "没能" not in echo  # nothing in it went unread
    assert "已跳过：上年度研发费用" in replies[2]  # "不清楚" after a label skips that field, never 0
    assert "科小自评" in replies[2]  # and the check runs on what is known (the ratio was given)
    record = profiles.load(KEY)
    assert record is not None
    assert record.figures["rd_staff"] == 12 and record.figures["employees"] == 80
    assert "rd_expense" not in record.figures
    user = UserStore(sqlite_database).get(KEY)
    assert user is not None and (user.region, user.industry) == ("成都", "软件")


async def test_no_patents_at_another_fields_prompt_is_zero_and_the_dialogue_goes_on(chat: Chat) -> None:
    replies = await chat("/score", "跳过", "营收3000万", "没有专利", "2800")
    assert "有效发明专利等Ⅰ类知识产权数 0 件" in replies[3]
    assert "前一年营业收入" in replies[3]  # still waiting for the figure it asked
    assert "前一年营业收入 2,800 万元" in replies[4]


async def test_unknown_words_at_a_prompt_skip_the_field(chat: Chat) -> None:
    replies = await chat("/score", "跳过", "营收3000万", "没统计", "研发费用不知道", "前年研发费用没统计过")
    assert "已跳过：前一年营业收入" in replies[3]
    assert "已跳过：上年度研发费用" in replies[4] and "没能" not in replies[4]
    assert "已跳过：前一年研发费用" in replies[5] and "职工总数" in replies[5]


async def test_a_figure_replacing_a_saved_one_shows_both(chat: Chat) -> None:
    replies = await chat("/score", "跳过", "营收3000万，研发投入350万", "研发投入200万")
    assert "上年度研发费用 350 万元 → 200 万元" in replies[3]


async def test_last_year_answering_the_previous_year_question_is_the_main_year(chat: Chat) -> None:
    replies = await chat("/score", "跳过", "营收3000万", "去年3500万", "2800")
    assert "上年度营业收入 3,000 万元 → 3,500 万元" in replies[3]
    assert "前一年营业收入" in replies[3]  # the 前一年 figure is still asked, never taken from 去年
    assert "前一年营业收入 2,800 万元" in replies[4]


async def test_money_on_a_head_count_suggests_the_money_field(chat: Chat) -> None:
    replies = await chat("/score", "跳过", "研发人员3000万")
    assert "单位不对" in replies[2] and "是研发费用吗" in replies[2] and "研发费用3000万" in replies[2]


async def test_facts_in_the_high_tech_check_answer_its_conditions(chat: Chat) -> None:
    replies = await chat(
        "能认定高企吗", "营收3000万，研发投入150万，研发人员12人，一共80个人，属于重点领域，没有事故，成立5年"
    )
    verdict = replies[-1] if "高企硬性门槛" in replies[-1] else replies[-2]
    assert "✅ 核心技术属于《国家重点支持的高新技术领域》" in verdict
    assert "✅ 申请认定前一年内未发生重大安全" in verdict


async def test_an_approximate_figure_is_recorded_and_echoed_as_approximate(chat: Chat) -> None:
    replies = await chat("/score", "跳过", "营收约3000万，研发人员12人", "大概2800万吧")
    assert "上年度营业收入 3,000 万元" in replies[2] and "按约数记录：上年度营业收入 约 3,000 万元" in replies[2]
    assert "研发（科技）人员数 约" not in replies[2]
    assert "前一年营业收入 约 2,800 万元" in replies[3]
