"""Free-text subscription parsing (/subscribe 积分贷 成都 每周一 9点)."""

from __future__ import annotations

import pytest

from bot.core.subscriptions.parser import parse_request


@pytest.mark.parametrize(
    ("text", "topics", "regions", "frequency", "weekday", "hm"),
    [
        ("积分贷 成都 每周一 9点", ("积分贷",), ("成都",), "weekly", 0, (9, 0)),
        ("/subscribe 积分贷成都每周三下午3点半", ("积分贷",), ("成都",), "weekly", 2, (15, 30)),
        ("科技金融，四川省 每天 晚上8:15", ("科技金融",), ("四川",), "daily", None, (20, 15)),
        ("成果转化 雅安市 星期日 九点", ("成果转化",), ("雅安",), "weekly", 6, (9, 0)),
        (
            "专精特新 广东、深圳 每周五 上午十点三十分",
            ("专精特新",),
            ("广东", "深圳"),
            "weekly",
            4,
            (10, 30),
        ),
        ("积分贷款 每日 9：30", ("积分贷",), (), "daily", None, (9, 30)),
        ("创新积分贷 泸州 周2 中午12点", ("积分贷",), ("泸州",), "weekly", 1, (12, 0)),
        ("专利 合江 每月1号 下午3点", ("知识产权",), ("合江县",), "monthly", None, (15, 0)),
        ("泸县 工作日 晚上8点半", (), ("泸县",), "workdays", None, (20, 30)),
        ("呼和浩特 科技金融", ("科技金融",), ("呼和浩特",), "weekly", 0, (9, 0)),
    ],
)
def test_parses_topics_regions_and_schedule(text, topics, regions, frequency, weekday, hm) -> None:  # type: ignore[no-untyped-def]
    draft = parse_request(text).draft
    assert draft.topics == topics
    assert draft.regions == regions
    assert (draft.frequency, draft.weekday) == (frequency, weekday)
    assert (draft.hour, draft.minute) == hm
    assert draft.timezone == "Asia/Shanghai"


def test_defaults_and_options() -> None:
    parsed = parse_request("积分贷")
    assert not parsed.explicit_schedule and parsed.has_filter
    assert (parsed.draft.frequency, parsed.draft.weekday, parsed.draft.hour) == ("weekly", 0, 9)
    assert (parsed.draft.quiet_start, parsed.draft.quiet_end) == ("22:00", "07:00")
    parsed = parse_request("积分贷 每天 23:00 关闭免打扰 没有更新也提醒")
    assert parsed.draft.quiet_start is None and parsed.draft.notify_empty
    parsed = parse_request("积分贷 免打扰21:30-8点")
    assert (parsed.draft.quiet_start, parsed.draft.quiet_end) == ("21:30", "08:00")


def test_all_and_empty() -> None:
    assert parse_request("全部 每天 8点").wants_all
    empty = parse_request("")
    assert not empty.has_filter and not empty.wants_all
    assert not parse_request("   ").has_filter


def test_bad_input_never_raises() -> None:
    bad = parse_request("积分贷 每天 25点")
    assert [(e.kind, e.words) for e in bad.schedule_errors] == [("time", "25点")]
    many = parse_request(" ".join(["成都", "绵阳", "德阳", "泸州", "宜宾", "乐山", "南充"]))
    assert "too_many" in many.problems and len(many.draft.regions) == 5
    for junk in ["\x00\x01", "😀" * 300, "点点点", "每周八", "9:99", "a" * 10000, "免打扰99-1"]:
        parse_request(junk)


@pytest.mark.parametrize("text", ["科小 全国", "科小 全国范围", "科小 全国各地的"])
def test_national_means_no_region_filter_and_is_not_ignored(text: str) -> None:
    parsed = parse_request(text)
    assert parsed.draft.topics == ("科技型中小企业",) and parsed.draft.regions == ()
    assert not parsed.unknown
