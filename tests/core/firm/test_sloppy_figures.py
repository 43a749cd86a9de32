"""Figures as managers type them in a form: each is recorded right or named back, never guessed."""

from __future__ import annotations

import pytest

from tests.core.firm.conftest import Chat

START = ("/score", "跳过")


@pytest.mark.parametrize(
    ("message", "recorded"),
    [
        ("营收3.5kw", "上年度营业收入 3,500 万元"),
        ("营收3000W，前年2800w", "上年度营业收入 3,000 万元，前一年营业收入 2,800 万元"),
        ("营收三千万出头", "上年度营业收入 3,000 万元"),
        ("营收两个亿左右", "上年度营业收入 20,000 万元"),
        ("营收约0.3亿", "上年度营业收入 3,000 万元"),
        ("营收3千5百万", "上年度营业收入 3,500 万元"),
        ("营收同比涨了两成", "营业收入增长率 20%"),
        ("研发投入比去年多了20%", "研发费用增长率 20%"),
        ("研发费用比去年少了10%", "研发费用增长率 -10%"),
    ],
)
async def test_a_sloppy_figure_is_recorded_right(chat: Chat, message: str, recorded: str) -> None:
    replies = await chat(*START, message)
    assert f"已记录：{recorded}" in replies[-1]


@pytest.mark.parametrize(
    ("message", "named"),
    [
        ("营收大概3到4千万", "是一个范围"),
        ("营收3000万-4000万", "是一个范围"),
        ("营收3000万到3500万之间", "是一个范围"),
        ("大概3到4千万", "是一个范围"),  # a bare range answering 营业收入
        ("研发人员12-15人", "是一个范围"),
        ("营收3000多万", "不是确切的数值"),
        ("营收1个多亿", "不是确切的数值"),
        ("研发投入增加了200万", ""),  # an increase is no year's total
        ("2023年营收3000万", "2023年"),
    ],
)
async def test_an_unreadable_figure_is_named_back_never_recorded(chat: Chat, message: str, named: str) -> None:
    replies = await chat(*START, message)
    assert named in replies[-1] and "已记录" not in replies[-1] and "200 万元" not in replies[-1]


async def test_a_bare_correction_fixes_the_figure_just_recorded(chat: Chat) -> None:
    replies = await chat(*START, "营收3000万", "不对，是3500万")
    assert "上年度营业收入 3,000 万元 → 3,500 万元" in replies[-1]
    assert "前一年营业收入 3,500" not in replies[-1]


async def test_a_bare_correction_after_several_figures_asks_which(chat: Chat) -> None:
    replies = await chat(*START, "营收3000万，研发费用200万", "不对，是250万")
    assert "要改哪一项" in replies[-1] and "已记录" not in replies[-1]
