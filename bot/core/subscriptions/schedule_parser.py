"""Schedule phrases (推送时间) in a subscription message: 每天 / 每周五 / 工作日 / 每两周 / 每月1号 /
每月第一个周一, and a time of day (9点, 9:30, 上午十点, 下午3点, 晚上8点半).

An impossible or unsupported phrase (每周八, 25点, 2月30日, "every monday") is reported with the
words the user wrote, never replaced by a default.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field

from scoring.numbers import parse_number

__all__ = ["ScheduleError", "ScheduleRequest", "cn_number", "parse_schedule"]

_WEEKDAY_CHARS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5,
                  "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}  # fmt: skip
_NUM = r"\d{1,3}|[零〇一二两三四五六七八九十]{1,4}"
_WEEK = r"(?:周|星期|礼拜)"
_DAYCHAR = r"[一二三四五六日天末\d八九十零〇]"

_ENGLISH = re.compile(
    r"\b(?:every|daily|weekly|monthly|biweekly|fortnightly|weekdays?|weekends?|mondays?|tuesdays?|"
    r"wednesdays?|thursdays?|fridays?|saturdays?|sundays?|morning|evening|noon|o'?clock|"
    r"mon|tue|wed|thu|fri|sat|sun)\b|\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b",
    re.IGNORECASE,
)
_DATE = re.compile(rf"({_NUM})\s*月\s*({_NUM})\s*[日号]")
_WORKDAYS = re.compile(rf"(?:每个?)?工作日|{_WEEK}一\s*(?:到|至|-|~)\s*{_WEEK}?五")
_BIWEEKLY = re.compile(rf"(?:每两周|每隔一周|每二周|隔周|双周)(?:的)?(?:{_WEEK}({_DAYCHAR}))?")
_MONTH_NTH = re.compile(rf"每个?月的?(?:第\s*({_NUM})\s*个?|(最后一?个?))\s*{_WEEK}({_DAYCHAR})")
_MONTH_LAST = re.compile(r"每个?月的?(?:最后一天|底|末)|月底|月末")
_MONTH_DAY = re.compile(rf"每个?月的?\s*({_NUM})\s*[号日]")
_MONTH_BARE = re.compile(r"每个?月|monthly", re.IGNORECASE)
_DAILY = re.compile(r"每天|每日|天天")
_WEEKLY_DAY = re.compile(rf"(?:每个?{_WEEK}|{_WEEK}|每周)({_DAYCHAR})")
_MULTI_DAY = re.compile(  # 每周一三五, 每周一和周四: one day per subscription
    rf"(?:每个?{_WEEK}|{_WEEK}|每周)[一二三四五六日天](?:[、,，和及]?{_WEEK}?[一二三四五六日天])+(?![点时:：])"
)
_WEEKLY = re.compile(rf"每{_WEEK}|每周")
_TIME = re.compile(
    rf"(凌晨|早上|早晨|清晨|上午|中午|午后|下午|傍晚|晚上|夜里|夜间|早|晚)?\s*({_NUM})\s*"
    rf"(?:[:：]\s*(\d{{1,2}})|点钟?\s*(?:(半)|(一刻)|(三刻)|({_NUM})\s*分?)?)"
)
_PERIOD_ONLY = re.compile(r"凌晨|早上|早晨|清晨|上午|中午|午后|下午|傍晚|晚上|夜里")


def cn_number(text: str) -> int:
    """"12" / "十二" / "二十八" → int through the product's one numeral reader; -1 otherwise."""
    number = parse_number(unicodedata.normalize("NFKC", text))
    if number is None or number != number.to_integral_value() or not 0 <= number <= 10_000:
        return -1
    return int(number)


@dataclass(frozen=True)
class ScheduleError:
    """A phrase we cannot schedule: the user's words and why ("weekday", "time", "date"…)."""

    kind: str
    words: str


@dataclass(frozen=True)
class ScheduleRequest:
    """What a message says about when to send; None fields were not mentioned."""

    frequency: str | None = None
    weekday: int | None = None
    month_day: int | None = None
    nth: int | None = None
    hour: int | None = None
    minute: int | None = None
    errors: tuple[ScheduleError, ...] = ()
    rest: str = ""  # the message with the schedule phrases cut out

    @property
    def mentioned(self) -> bool:
        """True when the message said anything about timing (valid or not)."""
        return self.frequency is not None or self.hour is not None or bool(self.errors)


@dataclass
class _Reading:
    rest: str
    frequency: str | None = None
    weekday: int | None = None
    month_day: int | None = None
    nth: int | None = None
    hour: int | None = None
    minute: int | None = None
    errors: list[ScheduleError] = field(default_factory=list)

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        match = pattern.search(self.rest)
        if match is not None:
            self.rest = self.rest[: match.start()] + " " + self.rest[match.end() :]
        return match

    def fail(self, kind: str, match: re.Match[str]) -> None:
        self.errors.append(ScheduleError(kind, match.group(0).strip()))


def _weekday(reading: _Reading, char: str | None, match: re.Match[str]) -> int | None:
    if char is None:
        return None
    if char not in _WEEKDAY_CHARS or char == "末":
        reading.fail("weekday_weekend" if char == "末" else "weekday", match)
        return None
    return _WEEKDAY_CHARS[char]


def _read_days(r: _Reading) -> None:
    """Frequency and day: the first form that matches wins; a second one is an error."""
    if m := r.take(_DATE):
        month, day = cn_number(m.group(1)), cn_number(m.group(2))
        valid = 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2024, month)[1]
        r.fail("date_unsupported" if valid else "date", m)
    if m := r.take(_WORKDAYS):
        r.frequency = "workdays"
    elif m := r.take(_BIWEEKLY):
        r.frequency, r.weekday = "biweekly", _weekday(r, m.group(1), m)
    elif m := r.take(_MONTH_NTH):
        nth = -1 if m.group(2) else cn_number(m.group(1))
        if nth not in (1, 2, 3, 4, -1):
            r.fail("nth", m)
        r.frequency, r.nth, r.weekday = "monthly", nth, _weekday(r, m.group(3), m)
    elif m := r.take(_MONTH_LAST):
        r.frequency, r.month_day = "monthly", -1
    elif m := r.take(_MONTH_DAY):
        day = cn_number(m.group(1))
        if not 1 <= day <= 31:
            r.fail("month_day", m)
        elif day > 28:
            r.fail("month_day_short", m)
        r.frequency, r.month_day = "monthly", day
    elif m := r.take(_MONTH_BARE):
        r.fail("month_needs_day", m)
    elif m := r.take(_DAILY):
        r.frequency = "daily"
    elif m := r.take(_MULTI_DAY):
        r.frequency = "weekly"
        r.fail("two_days", m)
    elif m := r.take(_WEEKLY_DAY):
        r.frequency, r.weekday = "weekly", _weekday(r, m.group(1), m)
    elif m := r.take(_WEEKLY):
        r.frequency = "weekly"
    if r.frequency and (m := r.take(_WEEKLY_DAY)):
        r.fail("two_days", m)


def _hour_of_day(period: str | None, hour: int) -> int:
    """12-hour words to 24 h; -1 when the pair is impossible ("上午15点")."""
    if period is None:
        return hour
    if period in ("凌晨", "早上", "早晨", "清晨", "上午", "早"):
        return hour if hour <= 12 else -1
    if period in ("中午",):
        return hour + 12 if 1 <= hour <= 2 else (hour if hour in (11, 12, 13, 14) else -1)
    if period in ("晚上", "晚") and hour == 12:
        return 0
    if hour > 12:
        return hour if hour <= 23 else -1
    return hour + 12 if hour != 12 or period in ("午后", "下午") else hour


def _minute(m: re.Match[str]) -> int:
    if m.group(3):
        return int(m.group(3))
    if m.group(4):
        return 30
    if m.group(5):
        return 15
    if m.group(6):
        return 45
    return cn_number(m.group(7)) if m.group(7) else 0


def _read_time(r: _Reading) -> None:
    m = r.take(_TIME)
    if m is None:
        if p := r.take(_PERIOD_ONLY):
            r.fail("time_vague", p)
        return
    raw = cn_number(m.group(2))
    hour = _hour_of_day(m.group(1), raw) if raw >= 0 else -1
    minute = _minute(m)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        r.fail("time", m)
        return
    r.hour, r.minute = hour, minute
    if second := r.take(_TIME):
        r.fail("two_times", second)


def parse_schedule(text: str) -> ScheduleRequest:
    """Read the schedule phrases of one (NFKC-normalised) message; never raises."""
    r = _Reading(rest=text)
    english = []
    while m := r.take(_ENGLISH):
        english.append(m.group(0).strip())
    if english:  # one complaint naming every English word, not one per word
        r.errors.append(ScheduleError("english", " ".join(english)))
    _read_days(r)
    _read_time(r)
    return ScheduleRequest(
        frequency=r.frequency,
        weekday=r.weekday,
        month_day=r.month_day,
        nth=r.nth,
        hour=r.hour,
        minute=r.minute,
        errors=tuple(r.errors),
        rest=r.rest,
    )
