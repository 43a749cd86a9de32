"""Property: sweeping the clock minute by minute delivers every period exactly once, never in quiet hours."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.core.subscriptions.schedule import due_slot, in_quiet_hours
from bot.core.subscriptions.types import SubscriptionDraft

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 2, 0, 0, tzinfo=SH)  # a Monday


def _hm(h: int, m: int) -> str:
    return f"{h:02d}:{m:02d}"


subs = st.builds(
    lambda daily, weekday, hour, minute, quiet, qs, qe: SubscriptionDraft(
        frequency="daily" if daily else "weekly",
        weekday=None if daily else weekday,
        hour=hour,
        minute=minute,
        quiet_start=_hm(*qs) if quiet else None,
        quiet_end=_hm(*qe) if quiet else None,
    ),
    st.booleans(),
    st.integers(0, 6),
    st.integers(0, 23),
    st.sampled_from([0, 15, 30, 45]),
    st.booleans(),
    st.tuples(st.integers(0, 23), st.sampled_from([0, 30])),
    st.tuples(st.integers(0, 23), st.sampled_from([0, 30])),
)


@settings(max_examples=60, deadline=None)
@example(  # the slot's only allowed hour falls between two sweeps: next allowed sweep delivers
    sub=SubscriptionDraft(frequency="weekly", weekday=0, hour=0, minute=45,
                          quiet_start="01:00", quiet_end="00:00"),
    created_offset=0,
    step=30,
)
@given(sub=subs, created_offset=st.integers(0, 3 * 24 * 60), step=st.sampled_from([5, 15, 30]))
def test_sweeps_deliver_each_period_once_outside_quiet_hours(
    sub: SubscriptionDraft, created_offset: int, step: int
) -> None:
    created = START + timedelta(minutes=created_offset)
    delivered: dict[str, datetime] = {}
    t = created
    end = START + timedelta(days=22)
    swept: list[datetime] = []
    while t < end:
        slot = due_slot(sub, t, created_at=created)
        if slot is not None:
            assert slot.effective <= t
            assert not in_quiet_hours(sub, t)
            assert slot.effective >= created
            if slot.period_key not in delivered:
                delivered[slot.period_key] = t
                # Delivered at the first sweep at or after the slot that is outside quiet hours.
                missed = [s for s in swept if s >= slot.effective and not in_quiet_hours(sub, s)]
                assert not missed, f"an allowed sweep at {missed[0]} skipped the slot"
        swept.append(t)
        t += timedelta(minutes=step)
    # Liveness: at least two full weeks of periods got their delivery.
    expected = 14 if sub.frequency == "daily" else 2
    assert len(delivered) >= expected
    # Deliveries are in period order and at least a period apart, roughly.
    times = sorted(delivered.values())
    gap = timedelta(days=1 if sub.frequency == "daily" else 7)
    assert all(
        b - a >= gap - timedelta(hours=23, minutes=59)
        for a, b in itertools.pairwise(times)
    )
