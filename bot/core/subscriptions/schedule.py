"""Digest schedules: period keys, quiet hours and "what is due now", in the subscriber's time zone.

A schedule is a sequence of periods (a day, an ISO week, two weeks, a month) with at most one slot
each; the delivery log keys on the period, so a slot is delivered once whatever wakes the sender.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.subscriptions.types import SubscriptionDraft

__all__ = [
    "CronSpec",
    "Slot",
    "cron_spec",
    "due_slot",
    "in_quiet_hours",
    "next_slot",
    "slot_for",
    "week_phase",
    "with_phase",
]

WEEKDAY_CRON = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NTH_CRON = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", -1: "last"}
_EPOCH_MONDAY = date(1970, 1, 5)
_MAX_PERIODS = 800  # next_slot looks this far ahead (a paused daily subscription: ~2 years)


@dataclass(frozen=True)
class Slot:
    """One scheduled delivery: its period key and when it may actually be sent (after quiet hours)."""

    period_key: str
    scheduled: datetime  # local, tz-aware: the time the user chose
    effective: datetime  # local, tz-aware: scheduled, moved past quiet hours


@dataclass(frozen=True)
class CronSpec:
    """When a scheduler job must fire for a subscription (local time in `timezone`).

    A wake-up only: firing on a day without a slot is harmless (nothing is due then).
    """

    timezone: str
    day_of_week: str | None  # None = any weekday
    hour: int
    minute: int
    day: str | None = None  # day of month ("1", "last", "1st mon"); None = any day


def _hm(value: str) -> time:
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


def in_quiet_hours(sub: SubscriptionDraft, local: datetime) -> bool:
    """True when `local` (in the subscription's zone) falls inside its quiet hours."""
    if not sub.quiet_start or not sub.quiet_end:
        return False
    start, end = _hm(sub.quiet_start), _hm(sub.quiet_end)
    if start == end:
        return False
    t = local.timetz().replace(tzinfo=None)
    if start < end:
        return start <= t < end
    return t >= start or t < end


def _after_quiet(sub: SubscriptionDraft, local: datetime) -> datetime:
    """The first allowed instant at or after `local`."""
    if not in_quiet_hours(sub, local):
        return local
    assert sub.quiet_end is not None
    end = _hm(sub.quiet_end)
    candidate = datetime.combine(local.date(), end, tzinfo=local.tzinfo)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate


def week_phase(day: date) -> int:
    """0 or 1: which of two alternating weeks `day` lies in (for 每两周)."""
    return ((day - _EPOCH_MONDAY).days // 7) % 2


def _period_start(sub: SubscriptionDraft, day: date) -> date:
    if sub.frequency in ("daily", "workdays"):
        return day
    if sub.frequency == "monthly":
        return day.replace(day=1)
    monday = day - timedelta(days=day.weekday())
    if sub.frequency == "biweekly" and week_phase(monday) != sub.phase % 2:
        return monday - timedelta(days=7)
    return monday


def _next_start(sub: SubscriptionDraft, start: date) -> date:
    if sub.frequency in ("daily", "workdays"):
        return start + timedelta(days=1)
    if sub.frequency == "monthly":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=14 if sub.frequency == "biweekly" else 7)


def _prev_start(sub: SubscriptionDraft, start: date) -> date:
    return _period_start(sub, start - timedelta(days=1))


def _monthly_day(sub: SubscriptionDraft, first: date) -> date | None:
    last = calendar.monthrange(first.year, first.month)[1]
    if sub.nth is not None:
        weekday = sub.weekday or 0
        if sub.nth == -1:
            end = first.replace(day=last)
            return end - timedelta(days=(end.weekday() - weekday) % 7)
        day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (sub.nth - 1))
        return day if day.month == first.month else None
    if sub.month_day == -1:
        return first.replace(day=last)
    month_day = sub.month_day or 1
    return first.replace(day=month_day) if month_day <= last else None


def _slot_day(sub: SubscriptionDraft, start: date) -> date | None:
    """The day of the slot in the period starting at `start`, or None (a weekend for 工作日)."""
    if sub.frequency == "daily":
        return start
    if sub.frequency == "workdays":
        return start if start.weekday() < 5 else None
    if sub.frequency == "monthly":
        return _monthly_day(sub, start)
    return start + timedelta(days=sub.weekday or 0)


def _period_key(sub: SubscriptionDraft, start: date) -> str:
    if sub.frequency in ("daily", "workdays"):
        return f"D{start.isoformat()}"
    if sub.frequency == "monthly":
        return f"M{start:%Y-%m}"
    if sub.frequency == "biweekly":
        return f"B{start.isoformat()}"
    year, week, _ = start.isocalendar()
    return f"W{year}-{week:02d}"


def slot_for(sub: SubscriptionDraft, period_day: date) -> Slot | None:
    """The slot of the period that contains `period_day` (None when that period has none)."""
    start = _period_start(sub, period_day)
    day = _slot_day(sub, start)
    if day is None:
        return None
    scheduled = datetime.combine(day, time(sub.hour, sub.minute), tzinfo=ZoneInfo(sub.timezone))
    return Slot(
        period_key=_period_key(sub, start),
        scheduled=scheduled,
        effective=_after_quiet(sub, scheduled),
    )


def due_slot(
    sub: SubscriptionDraft, now: datetime, *, created_at: datetime | None = None
) -> Slot | None:
    """The latest slot whose effective time has passed, if sending it now is allowed.

    Catches up one missed period (the bot was down at 09:00) but never sends inside quiet hours
    and never a slot effective at or before `created_at` (creation, last edit or a pause).
    """
    zone = ZoneInfo(sub.timezone)
    local_now = now.astimezone(zone)
    if in_quiet_hours(sub, local_now):
        return None
    start = _period_start(sub, local_now.date())
    for _ in range(4):
        slot = slot_for(sub, start)
        if slot is not None and slot.effective <= local_now:
            if created_at is not None and slot.effective <= created_at:
                return None
            return slot
        start = _prev_start(sub, start)
    return None


def next_slot(sub: SubscriptionDraft, now: datetime, *, not_before: datetime | None = None) -> Slot:
    """The first slot effective after `now` and after `not_before`, as due_slot sends it: "下次推送"."""
    zone = ZoneInfo(sub.timezone)
    start = _prev_start(sub, _period_start(sub, now.astimezone(zone).date()))
    for _ in range(_MAX_PERIODS):
        slot = slot_for(sub, start)
        late_enough = slot is not None and (not_before is None or slot.effective > not_before)
        if slot is not None and late_enough and slot.effective > now:
            return slot
        start = _next_start(sub, start)
    raise ValueError("schedule has no slot")  # unreachable for a validated schedule


def _cron_days(sub: SubscriptionDraft) -> tuple[str | None, str | None]:
    """(day_of_week, day) of the scheduled slots, as APScheduler cron fields."""
    if sub.frequency == "workdays":
        return "mon-fri", None
    if sub.frequency in (
        "weekly",
        "biweekly",
    ):  # 每两周: fires weekly, the off week has no slot due
        return WEEKDAY_CRON[sub.weekday or 0], None
    if sub.frequency == "monthly":
        if sub.nth is not None:
            return None, f"{_NTH_CRON[sub.nth]} {WEEKDAY_CRON[sub.weekday or 0]}"
        return None, "last" if sub.month_day == -1 else str(sub.month_day or 1)
    return None, None


def cron_spec(sub: SubscriptionDraft) -> CronSpec:
    """The (zone, days, hour, minute) at which this subscription's slots become effective."""
    scheduled = datetime.combine(date(2024, 1, 1), time(sub.hour, sub.minute))
    eff = _after_quiet(sub, scheduled)
    day_of_week, day = _cron_days(sub)
    if eff.date() != scheduled.date():  # moved past quiet hours into the next day
        if sub.frequency in ("weekly", "biweekly"):
            day_of_week = WEEKDAY_CRON[((sub.weekday or 0) + 1) % 7]
        elif sub.frequency == "workdays":
            day_of_week = "tue-sat"
        else:
            day_of_week = day = None  # every day at that hour; due() knows which day is the slot
    return CronSpec(
        timezone=sub.timezone, day_of_week=day_of_week, hour=eff.hour, minute=eff.minute, day=day
    )


def with_phase(draft: SubscriptionDraft, now: datetime) -> SubscriptionDraft:
    """每两周: the first delivery is the next upcoming slot, so that week sets the phase."""
    if draft.frequency != "biweekly":
        return draft
    weekly = replace(draft, frequency="weekly")
    return replace(draft, phase=week_phase(next_slot(weekly, now).scheduled.date()))
