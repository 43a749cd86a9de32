"""Digest schedules: period keys, quiet hours and "what is due now", in the subscriber's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.subscription_types import SubscriptionDraft

__all__ = ["CronSpec", "Slot", "cron_spec", "due_slot", "in_quiet_hours", "next_slot", "slot_for"]

WEEKDAY_CRON = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Slot:
    """One scheduled delivery: its period key and when it may actually be sent (after quiet hours)."""

    period_key: str
    scheduled: datetime  # local, tz-aware: the time the user chose
    effective: datetime  # local, tz-aware: scheduled, moved past quiet hours


@dataclass(frozen=True)
class CronSpec:
    """When a scheduler job must fire for a subscription (local time in `timezone`)."""

    timezone: str
    day_of_week: str | None  # None = every day
    hour: int
    minute: int


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


def _period_start(sub: SubscriptionDraft, day: date) -> date:
    if sub.frequency == "daily":
        return day
    return day - timedelta(days=day.weekday())


def slot_for(sub: SubscriptionDraft, period_day: date) -> Slot:
    """The slot of the period (day, or ISO week) that contains `period_day`."""
    zone = ZoneInfo(sub.timezone)
    start = _period_start(sub, period_day)
    if sub.frequency == "daily":
        day = start
        key = f"D{day.isoformat()}"
    else:
        day = start + timedelta(days=sub.weekday or 0)
        year, week, _ = start.isocalendar()
        key = f"W{year}-{week:02d}"
    scheduled = datetime.combine(day, time(sub.hour, sub.minute), tzinfo=zone)
    return Slot(period_key=key, scheduled=scheduled, effective=_after_quiet(sub, scheduled))


def _step(sub: SubscriptionDraft) -> timedelta:
    return timedelta(days=1 if sub.frequency == "daily" else 7)


def due_slot(
    sub: SubscriptionDraft, now: datetime, *, created_at: datetime | None = None
) -> Slot | None:
    """The latest slot whose effective time has passed, if sending it now is allowed.

    Catches up one missed period (the bot was down at 09:00) but never sends inside quiet hours
    and never a slot that became effective before the subscription existed.
    """
    zone = ZoneInfo(sub.timezone)
    local_now = now.astimezone(zone)
    if in_quiet_hours(sub, local_now):
        return None
    today = local_now.date()
    for day in (today, today - _step(sub), today - 2 * _step(sub)):
        slot = slot_for(sub, day)
        if slot.effective <= local_now:
            if created_at is not None and slot.effective < created_at:
                return None
            return slot
    return None


def next_slot(sub: SubscriptionDraft, now: datetime) -> Slot:
    """The first slot whose effective time is after `now` (for "下次推送" in replies)."""
    zone = ZoneInfo(sub.timezone)
    day = now.astimezone(zone).date() - _step(sub)
    for _ in range(4):
        slot = slot_for(sub, day)
        if slot.effective > now:
            return slot
        day += _step(sub)
    return slot_for(sub, day)


def cron_spec(sub: SubscriptionDraft) -> CronSpec:
    """The (zone, weekday, hour, minute) at which this subscription's slots become effective."""
    reference = slot_for(sub, date(2024, 1, 1))  # a Monday; the weekday offset carries over
    eff = reference.effective
    dow = None if sub.frequency == "daily" else WEEKDAY_CRON[eff.weekday()]
    return CronSpec(timezone=sub.timezone, day_of_week=dow, hour=eff.hour, minute=eff.minute)
