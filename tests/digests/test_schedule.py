"""Schedules in Asia/Shanghai: period keys, quiet hours, catch-up, cron specs."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.core.subscriptions.schedule import cron_spec, due_slot, in_quiet_hours, next_slot
from bot.core.subscriptions.types import SubscriptionDraft

SH = ZoneInfo("Asia/Shanghai")
WEEKLY_MON_9 = SubscriptionDraft(topics=("积分贷",), frequency="weekly", weekday=0, hour=9)
DAILY_23 = SubscriptionDraft(topics=("x",), frequency="daily", weekday=None, hour=23)


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def test_weekly_due_from_its_slot_in_shanghai_time() -> None:
    # 2026-11-23 is a Monday; 09:00 Shanghai is 01:00 UTC.
    assert (
        due_slot(WEEKLY_MON_9, datetime(2026, 11, 23, 0, 59, tzinfo=UTC)) is not None
    )  # last week's
    slot = due_slot(WEEKLY_MON_9, datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    assert slot is not None and slot.period_key == "W2026-48"
    assert slot.scheduled == sh(2026, 11, 23, 9, 0)
    assert due_slot(WEEKLY_MON_9, sh(2026, 11, 23, 8, 59)).period_key == "W2026-47"  # type: ignore[union-attr]
    # Later in the week the same period is still the due one (catch-up after downtime).
    assert due_slot(WEEKLY_MON_9, sh(2026, 11, 27, 15, 0)).period_key == "W2026-48"  # type: ignore[union-attr]


def test_new_subscription_does_not_fire_for_a_slot_before_it_existed() -> None:
    created = sh(2026, 11, 23, 10, 0)
    assert due_slot(WEEKLY_MON_9, sh(2026, 11, 23, 11, 0), created_at=created) is None
    created_early = sh(2026, 11, 23, 8, 0)
    assert due_slot(WEEKLY_MON_9, sh(2026, 11, 23, 9, 0), created_at=created_early) is not None


def test_quiet_hours_move_the_slot_to_the_next_allowed_time() -> None:
    assert in_quiet_hours(DAILY_23, sh(2026, 11, 23, 23, 0))
    assert in_quiet_hours(DAILY_23, sh(2026, 11, 24, 6, 59))
    assert not in_quiet_hours(DAILY_23, sh(2026, 11, 24, 7, 0))
    # Inside quiet hours nothing is due, although the slot (23:00) has passed.
    assert due_slot(DAILY_23, sh(2026, 11, 23, 23, 30), created_at=sh(2026, 11, 1, 0, 0)) is None
    assert due_slot(DAILY_23, sh(2026, 11, 24, 3, 0), created_at=sh(2026, 11, 1, 0, 0)) is None
    slot = due_slot(DAILY_23, sh(2026, 11, 24, 7, 0), created_at=sh(2026, 11, 1, 0, 0))
    assert slot is not None and slot.period_key == "D2026-11-23"
    assert slot.effective == sh(2026, 11, 24, 7, 0)
    spec = cron_spec(DAILY_23)
    assert (spec.day_of_week, spec.hour, spec.minute, spec.timezone) == (
        None,
        7,
        0,
        "Asia/Shanghai",
    )


def test_weekly_sunday_late_shifts_to_monday_morning() -> None:
    sub = SubscriptionDraft(frequency="weekly", weekday=6, hour=22, minute=30)
    spec = cron_spec(sub)
    assert (spec.day_of_week, spec.hour, spec.minute) == ("mon", 7, 0)
    slot = due_slot(sub, sh(2026, 11, 30, 7, 5))  # Monday after
    assert slot is not None and slot.period_key == "W2026-48"


def test_no_quiet_hours_and_midnight() -> None:
    sub = SubscriptionDraft(
        frequency="daily", weekday=None, hour=0, minute=15, quiet_start=None, quiet_end=None
    )
    slot = due_slot(sub, sh(2026, 11, 23, 0, 15))
    assert slot is not None and slot.period_key == "D2026-11-23"
    assert next_slot(sub, sh(2026, 11, 23, 0, 15)).period_key == "D2026-11-24"


def test_next_slot_is_strictly_after_now() -> None:
    now = sh(2026, 11, 23, 9, 0)
    assert next_slot(WEEKLY_MON_9, now).scheduled == sh(2026, 11, 30, 9, 0)
    assert next_slot(WEEKLY_MON_9, sh(2026, 11, 23, 8, 0)).scheduled == sh(2026, 11, 23, 9, 0)


def test_other_time_zones_are_respected() -> None:
    sub = SubscriptionDraft(frequency="daily", weekday=None, hour=9, timezone="Europe/Berlin")
    slot = due_slot(sub, datetime(2026, 11, 23, 8, 0, tzinfo=UTC))  # 09:00 in Berlin (CET)
    assert slot is not None and slot.period_key == "D2026-11-23"
    assert due_slot(sub, datetime(2026, 11, 23, 7, 59, tzinfo=UTC)).period_key == "D2026-11-22"  # type: ignore[union-attr]
