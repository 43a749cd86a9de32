"""The dialogue over the real scoring library (parser, validation, engine, chart)."""

from __future__ import annotations

import pytest

import scoring
from bot.core.assistant import CoreAssistant
from bot.core.estimate.library import LibraryScoring
from bot.core.types import Incoming, Reply
from bot.storage import Database
from bot.storage.sessions import SessionStore
from bot.storage.users import UserStore
from tests.core.conftest import text_of
from tests.fakes.core import FakeAnswerer, FakeSearcher


@pytest.fixture
def assistant(database: Database) -> CoreAssistant:
    return CoreAssistant(
        users=UserStore(database), sessions=SessionStore(database), scoring=LibraryScoring(),
        answerer=FakeAnswerer(), searcher=FakeSearcher(),
    )


async def say(assistant: CoreAssistant, text: str = "", data: str | None = None) -> list[Reply]:
    if data is not None:
        return await assistant.handle(
            Incoming(channel="console", user_id="r", kind="callback", callback_data=data)
        )
    return await assistant.handle(Incoming(channel="console", user_id="r", text=text))


async def _skip_to_confirmation(assistant: CoreAssistant) -> None:
    """Skip the optional questions (at most eight) until the dialogue asks for confirmation."""
    for _ in range(8):
        replies = await say(assistant, "跳过")
        if "请确认" in replies[-1].text:
            break


async def test_real_dialogue_scores_exactly_what_the_engine_says(assistant: CoreAssistant) -> None:
    await say(assistant, "/score 营收1.2亿，研发投入800万")
    await say(assistant, "南京 生物医药")
    replies = await say(assistant, "一亿")  # revenue_prev, in Chinese numerals
    assert "前一年营业收入 10,000 万元" in text_of(replies)
    await say(assistant, "600万")  # rd_expense_prev
    await say(assistant, "职工总数一百二十人，研发人员30人")
    await say(assistant, "发明专利3件")  # class2_ip still missing in this step
    await say(assistant, "跳过")
    await _skip_to_confirmation(assistant)
    replies = await say(assistant, data="f:confirm")
    expected = scoring.score(
        {"revenue": 12000, "revenue_prev": 10000, "rd_expense": 800, "rd_expense_prev": 600,
         "employees": 120, "rd_staff": 30, "invention_patents": 3}
    ).to_dict()
    total = f"{expected['total']:.2f}".rstrip("0").rstrip(".")
    assert f"创新积分初步自评估：{total} 分（{expected['band']}）" in replies[0].text
    assert expected["stage_label"] in replies[0].text
    chart = next(r.image_png for r in replies if r.image_png)
    assert chart is not None and chart.startswith(b"\x89PNG") and len(chart) > 10_000


async def test_real_parser_wrong_unit_and_contradiction(
    assistant: CoreAssistant, database: Database
) -> None:
    await say(assistant, "/score")
    await say(assistant, "跳过")
    text = text_of(await say(assistant, "研发人员3000万"))
    assert "单位不对" in text
    await say(assistant, "职工总数50人")
    text = text_of(await say(assistant, "研发人员80人"))
    assert "不能大于职工总数" in text
    record = SessionStore(database).load("console:r")
    assert record is not None and record.state["figures"] == {"employees": 50}


async def test_wrong_unit_outside_a_dialogue_is_explained_not_answered(
    assistant: CoreAssistant, database: Database
) -> None:
    text = text_of(await say(assistant, "研发人员3000万"))
    assert "单位不对" in text
    record = SessionStore(database).load("console:r")
    assert record is not None and record.state["figures"] == {}


async def test_real_sme_and_hightech_results_render(assistant: CoreAssistant) -> None:
    await say(assistant, "/sme 职工总数100人 研发人员30人 营收5000万 资产总额8000万 研发投入400万 成本费用3000万 发明专利1件")
    await say(assistant, "跳过")
    await _skip_to_confirmation(assistant)
    text = text_of(await say(assistant, "确认"))
    assert "科小自评：100 分" in text and "依据：《科技型中小企业评价办法》" in text  # the chat's one verdict
    await say(assistant, "/hightech 注册年限3年 营收5000万 研发投入300万 职工100人 研发人员20人 发明专利2件")
    await _skip_to_confirmation(assistant)
    text = text_of(await say(assistant, "确认"))
    assert "高企硬性门槛自查" in text and ("✅" in text or "❌" in text)


def test_charts_drawn_in_a_worker_process_equal_in_thread_ones() -> None:
    figures = {"revenue": 3000, "rd_expense": 150, "employees": 50, "rd_staff": 10}
    in_thread = LibraryScoring().evaluate(figures, "cn-ref-2024", chart=True)
    pooled_scoring = LibraryScoring(chart_workers=1)
    try:
        pooled = pooled_scoring.evaluate(figures, "cn-ref-2024", chart=True)
    finally:
        pooled_scoring.close()
    assert pooled.result == in_thread.result
    assert pooled.chart_png is not None and pooled.chart_png.startswith(b"\x89PNG")
    assert abs(len(pooled.chart_png) - len(in_thread.chart_png or b"")) < 2000


async def test_bare_answers_read_with_the_one_numeral_reader(assistant: CoreAssistant) -> None:
    """Issue 13: '4,200万' answering a named question is that figure; 一千五 is 1500; 美元 is refused."""
    await say(assistant, "/score")
    await say(assistant, "跳过")  # region and industry
    replies = await say(assistant, "4,200万")
    assert "上年度营业收入 4,200 万元" in text_of(replies) and "前一年营业收入" not in text_of(replies).split("请提供")[0]
    replies = await say(assistant, "一千五")
    assert "前一年营业收入 1,500 万元" in text_of(replies)
    replies = await say(assistant, "300万美元")
    assert "请换算为人民币" in text_of(replies) and "已记录" not in text_of(replies)
    replies = await say(assistant, "800，600")  # two answers, never 800600
    assert "上年度研发费用 800 万元" in text_of(replies) and "前一年研发费用 600 万元" in text_of(replies)


@pytest.mark.parametrize("text", ["下一步该干啥", "成本1000万", "想贷500万"])
async def test_a_sentence_at_a_prompt_never_fills_the_asked_field(assistant: CoreAssistant, text: str) -> None:
    await say(assistant, "/score")
    await say(assistant, "跳过")
    await say(assistant, "营收3000万")
    replies = await say(assistant, text)
    assert "前一年营业收入" in text_of(replies) and "已记录" not in text_of(replies)
    replies = await say(assistant, "2800万")
    assert "前一年营业收入 2,800 万元" in text_of(replies)


async def test_a_plan_to_apply_does_not_make_the_firm_a_high_tech_enterprise(assistant: CoreAssistant) -> None:
    await say(assistant, "/score")
    await say(assistant, "跳过")
    await say(assistant, "营收3000万")
    replies = await say(assistant, "还没评上高企，打算明年申请")
    assert "高新技术企业" not in text_of(replies)


async def test_a_firm_that_says_it_is_on_the_dishonest_list_is_vetoed(assistant: CoreAssistant) -> None:
    await say(assistant, "/score")
    await say(assistant, "跳过")
    await say(assistant, "营收4000万 研发200万")
    replies = await say(assistant, "我们被列为失信被执行人了")
    assert "列入严重违法失信名单或失信被执行人 是" in text_of(replies)
    await say(assistant, data="f:done")
    replies = await say(assistant, data="f:confirm")
    assert "存在否决项" in text_of(replies)
