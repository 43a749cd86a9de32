"""Subscriptions in words: labels, schedules and the "what I understood" summary every reply restates."""

from __future__ import annotations

from datetime import datetime

from bot.core.subscriptions.parser import WEEKDAY_NAMES, ParsedRequest, Vocabulary
from bot.core.subscriptions.schedule import in_quiet_hours, next_slot
from bot.core.subscriptions.texts import load_subscription_texts
from bot.core.subscriptions.types import Subscription, SubscriptionDraft
from bot.core.texts import Texts

__all__ = [
    "next_delivery_text",
    "notes_lines",
    "schedule_errors_text",
    "schedule_words",
    "subscription_label",
    "summary_lines",
    "unused_lines",
]

_CN_ORDINAL = {1: "一", 2: "二", 3: "三", 4: "四"}


def _days(sub: SubscriptionDraft, texts: Texts) -> str:
    weekday = WEEKDAY_NAMES[sub.weekday or 0]
    if sub.frequency == "daily":
        return texts.get("daily")
    if sub.frequency == "workdays":
        return texts.get("workdays")
    if sub.frequency == "biweekly":
        return texts.get("biweekly", weekday=weekday)
    if sub.frequency == "monthly":
        if sub.nth == -1:
            return texts.get("monthly_last_weekday", weekday=weekday)
        if sub.nth is not None:
            return texts.get("monthly_nth", nth=_CN_ORDINAL.get(sub.nth, sub.nth), weekday=weekday)
        if sub.month_day == -1:
            return texts.get("monthly_last")
        return texts.get("monthly_day", day=sub.month_day or 1)
    return texts.get("weekly", weekday=weekday)


def schedule_words(sub: SubscriptionDraft, texts: Texts | None = None) -> str:
    """ "每月第一个周一 09:00", "工作日（周一至周五） 08:30"."""
    texts = texts or load_subscription_texts()
    return f"{_days(sub, texts)} {sub.hour:02d}:{sub.minute:02d}"


def subscription_label(sub: SubscriptionDraft, texts: Texts | None = None) -> str:
    """Human label, e.g. "积分贷 · 成都 · 每周一 09:00"."""
    texts = texts or load_subscription_texts()
    parts = [*sub.topics, *sub.regions] or [texts.get("label_all")]
    return " · ".join([*parts, schedule_words(sub, texts)])


def next_delivery_text(sub: SubscriptionDraft, now: datetime) -> str:
    """ "11月23日 周一 09:00" for the next slot (local time), after any pause."""
    not_before = sub.not_before if isinstance(sub, Subscription) else None
    eff = next_slot(sub, now, not_before=not_before).effective
    return f"{eff.month}月{eff.day}日 {WEEKDAY_NAMES[eff.weekday()]} {eff:%H:%M}"


def summary_lines(
    sub: SubscriptionDraft,
    vocab: Vocabulary,
    texts: Texts,
    parsed: ParsedRequest | None = None,
) -> list[str]:
    """主题 / 地区 / 推送 lines: the subscription restated in words."""
    written = {m.topic: m.words for m in parsed.topic_words} if parsed else {}
    topics = [
        texts.get("summary_topic_form", topic=t, words=written[t])
        if t in written and written[t] != t
        else t
        for t in sub.topics
    ]
    lines = [
        texts.get("summary_topics", topics="、".join(topics))
        if topics
        else texts.get("summary_topics_all"),
        texts.get(
            "summary_regions", regions="、".join(vocab.places.describe(r) for r in sub.regions)
        )
        if sub.regions
        else texts.get("summary_regions_all"),
    ]
    schedule = texts.get("summary_schedule", schedule=schedule_words(sub, texts))
    if parsed is not None and "day" in parsed.defaulted:
        schedule += texts.get("default_day")
    elif parsed is not None and "time" in parsed.defaulted:
        schedule += texts.get("default_time", time=f"{sub.hour:02d}:{sub.minute:02d}")
    lines.append(schedule)
    return lines


def schedule_errors_text(parsed: ParsedRequest, texts: Texts) -> str:
    """Why each schedule phrase cannot be kept ("每月31号" …), joined by "；" for one refusal line."""
    return "；".join(texts.get(f"sched_{e.kind}", words=e.words) for e in parsed.schedule_errors)


def unused_lines(parsed: ParsedRequest, texts: Texts) -> list[str]:
    """The words of the request that were not used, each named back."""
    lines = []
    if parsed.unknown:
        lines.append(texts.get("ignored_words", words="”“".join(parsed.unknown)))
    if parsed.foreign:
        lines.append(texts.get("ignored_foreign", words="”“".join(parsed.foreign)))
    return lines


def notes_lines(sub: Subscription, now: datetime, texts: Texts) -> list[str]:
    """Quiet-hours shift and the "nothing new" notice, when they apply."""
    lines = []
    slot = next_slot(sub, now)
    if in_quiet_hours(sub, slot.scheduled):
        eff = slot.effective
        lines.append(
            texts.get(
                "quiet_shift",
                time=f"{sub.hour:02d}:{sub.minute:02d}",
                start=sub.quiet_start,
                end=sub.quiet_end,
                effective=("次日 " if eff.date() > slot.scheduled.date() else "") + f"{eff:%H:%M}",
            )
        )
    if sub.notify_empty:
        lines.append(texts.get("notify_empty_on"))
    return lines
