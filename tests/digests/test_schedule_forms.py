"""Every schedule form a user can type: what the reply promises is when the scheduler delivers.

Property: for any accepted schedule typed at any moment, the "下次推送" time the user is told is
(1) not due before then, (2) due exactly then, (3) a time the APScheduler cron job wakes at, and
(4) each later period is delivered once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.core.subscriptions.parser import parse_request
from bot.core.subscriptions.render import next_delivery_text, schedule_words
from bot.core.subscriptions.schedule import cron_spec, due_slot, next_slot, with_phase

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 1, 1, 0, 0, tzinfo=SH)

DAYS = [
    "每天",
    "每日",
    "工作日",
    "周一到周五",
    "每周一",
    "每周三",
    "每星期日",
    "礼拜六",
    "周2",
    "每两周",
    "每两周周五",
    "隔周周三",
    "每月1号",
    "每月15日",
    "每月二十八号",
    "每月最后一天",
    "月底",
    "每月第一个周一",
    "每月第二个星期三",
    "每月第4个周五",
    "每月最后一个周五",
    "",
]
TIMES = [
    "9点",
    "9:30",
    "21:05",
    "上午十点",
    "下午3点",
    "晚上8点半",
    "早上7点一刻",
    "中午12点",
    "凌晨2点",
    "十点三十分",
    "23点",
    "晚8点",
    "早7点半",
    "",
]


def _cron(sub: object) -> CronTrigger:
    spec = cron_spec(sub)  # type: ignore[arg-type]
    return CronTrigger(
        day_of_week=spec.day_of_week,
        day=spec.day,
        hour=spec.hour,
        minute=spec.minute,
        timezone=ZoneInfo(spec.timezone),
    )


@pytest.mark.parametrize("days", DAYS)
def test_every_day_form_is_accepted(days: str) -> None:
    parsed = parse_request(f"积分贷 {days} 下午3点")
    assert not parsed.schedule_errors and parsed.draft.topics == ("积分贷",)
    assert (parsed.draft.hour, parsed.draft.minute) == (15, 0)


@pytest.mark.parametrize("time", [t for t in TIMES if t])
def test_every_time_form_is_accepted(time: str) -> None:
    parsed = parse_request(f"积分贷 每天 {time}")
    assert not parsed.schedule_errors and parsed.draft.frequency == "daily"
    assert "time" not in parsed.defaulted


@given(
    days=st.sampled_from(DAYS),
    time=st.sampled_from(TIMES),
    offset=st.integers(0, 400 * 24 * 60),
    quiet=st.booleans(),
)
@example(days="每天", time="9点", offset=540, quiet=False)  # subscribing at the very minute
@settings(max_examples=150, deadline=None)
def test_told_time_is_when_it_is_delivered(days: str, time: str, offset: int, quiet: bool) -> None:
    now = START + timedelta(minutes=offset)
    parsed = parse_request(f"科技金融 {days} {time}")
    assert not parsed.schedule_errors
    sub = with_phase(parsed.draft, now)
    if not quiet:
        sub = replace(sub, quiet_start=None, quiet_end=None)
    told = next_slot(sub, now).effective
    text = next_delivery_text(sub, now)
    assert text.startswith(f"{told.month}月{told.day}日") and text.endswith(f"{told:%H:%M}")
    # (1) nothing is due between subscribing and the told time (told may be "now" itself)
    for t in (now, now + (told - now) / 2, told - timedelta(minutes=1)):
        if now <= t < told:
            assert due_slot(sub, t, created_at=now) is None, (schedule_words(sub), t)
    # (2) due exactly at the told time
    slot = due_slot(sub, told, created_at=now)
    assert slot is not None and slot.effective == told
    # (3) the cron job wakes exactly then (earlier wake-ups find nothing due)
    trigger = _cron(sub)
    fire = trigger.get_next_fire_time(None, now)
    while fire is not None and fire < told:
        assert due_slot(sub, fire, created_at=now) is None
        fire = trigger.get_next_fire_time(fire, fire + timedelta(minutes=1))
    assert fire == told
    # (4) the following period has another key and its own told time
    after = next_slot(sub, told)
    assert after.period_key != slot.period_key and after.effective > told


@pytest.mark.parametrize(
    ("text", "kind", "words"),
    [
        ("每周八", "weekday", "每周八"),
        ("每天 25点", "time", "25点"),
        ("2月30日", "date", "2月30日"),
        ("3月5日 9点", "date_unsupported", "3月5日"),
        ("每月31号", "month_day_short", "每月31号"),
        ("每月40号", "month_day", "每月40号"),
        ("每月", "month_needs_day", "每月"),
        ("每月第五个周一", "nth", "每月第五个周一"),
        ("every monday 9am", "english", "every monday 9am"),
        ("每周末", "weekday_weekend", "每周末"),
        ("每天 上午15点", "time", "上午15点"),
        ("每天 9:75", "time", "9:75"),
        ("每天 晚上", "time_vague", "晚上"),
        ("每周一三五", "two_days", "每周一三五"),
        ("每周一和周四 9点", "two_days", "每周一和周四"),
        ("每天 早上8点和晚上8点", "two_times", "晚上8点"),
    ],
)
def test_impossible_schedules_are_named_not_defaulted(text: str, kind: str, words: str) -> None:
    parsed = parse_request(f"积分贷 {text}")
    assert (parsed.schedule_errors[0].kind, parsed.schedule_errors[0].words) == (kind, words)


def test_biweekly_alternates_and_monthly_forms_land_on_their_days() -> None:
    now = datetime(2026, 11, 27, 12, 0, tzinfo=SH)  # a Friday
    sub = with_phase(parse_request("每两周周一 9点").draft, now)
    first = next_slot(sub, now)
    second = next_slot(sub, first.effective)
    assert first.scheduled == datetime(2026, 11, 30, 9, 0, tzinfo=SH)
    assert second.scheduled - first.scheduled == timedelta(days=14)
    assert due_slot(sub, first.effective + timedelta(days=7), created_at=now) == first  # off week
    nth = parse_request("每月第一个周一 9点").draft
    assert next_slot(nth, now).scheduled == datetime(2026, 12, 7, 9, 0, tzinfo=SH)
    last = parse_request("每月最后一个周五 9点").draft
    assert next_slot(last, now).scheduled == datetime(2026, 12, 25, 9, 0, tzinfo=SH)
    month_end = parse_request("每月最后一天 9点").draft
    assert next_slot(month_end, now).scheduled == datetime(2026, 11, 30, 9, 0, tzinfo=SH)
    workdays = parse_request("工作日 9点").draft
    assert next_slot(workdays, now).scheduled == datetime(2026, 11, 30, 9, 0, tzinfo=SH)
