"""Free-text subscription requests (`/subscribe 积分贷 成都 每周一 9点`) into a SubscriptionDraft."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from bot.core.subscription_types import SubscriptionDraft
from scoring.numbers import parse_number

__all__ = ["ParsedRequest", "Vocabulary", "load_vocabulary", "parse_request", "WEEKDAY_NAMES"]

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
MAX_TOPICS = 8
MAX_REGIONS = 5
MAX_TERM_CHARS = 20

_WEEKDAY_CHARS = {
    "一": 0,
    "二": 1,
    "三": 2,
    "四": 3,
    "五": 4,
    "六": 5,
    "日": 6,
    "天": 6,
    "1": 0,
    "2": 1,
    "3": 2,
    "4": 3,
    "5": 4,
    "6": 5,
    "7": 6,
}
_NUM = r"\d{1,2}|[零一二两三四五六七八九十]{1,3}"
_QUIET_OFF = re.compile(r"(关闭|不要|取消|不用)免打扰|不免打扰")
_QUIET = re.compile(
    rf"免打扰(?:时段|时间)?\s*({_NUM})(?:[:：](\d{{2}})|点)?\s*[-~到至]\s*({_NUM})(?:[:：](\d{{2}})|点)?"
)
_NOTIFY_EMPTY = re.compile(
    r"(没有|无)(更新|新内容|新简报|内容)(时)?也(要)?(提醒|通知|告诉我|说一声)"
)
_DAILY = re.compile(r"每天|每日|天天|\bdaily\b", re.IGNORECASE)
_WEEKLY_DAY = re.compile(r"(?:每周|每星期|每礼拜|周|星期|礼拜)([一二三四五六日天1-7])")
_WEEKLY = re.compile(r"每周|每星期|每礼拜|\bweekly\b", re.IGNORECASE)
_TIME = re.compile(
    rf"(早上|早晨|上午|中午|下午|傍晚|晚上)?\s*({_NUM})\s*"
    rf"(?:[:：]\s*(\d{{2}})|点\s*(?:(半)|(\d{{1,2}})分?|([一二三四五]十)分?)?)"
)
_SPLIT = re.compile(r"[\s,，、;；/|+＋]+")
_FILLER = {
    "订阅",
    "简报",
    "资讯",
    "新闻",
    "信息",
    "动态",
    "的",
    "相关",
    "关于",
    "方面",
    "推送",
    "发送",
    "我",
    "想",
    "要",
    "请",
    "帮我",
    "给我",
}
_ALL = {"全部", "所有", "不限", "全部主题", "所有主题"}


def _cn_number(text: str) -> int:
    """'十二' / '12' -> 12 through the product's one numeral reader; -1 if it is not a whole number."""
    number = parse_number(unicodedata.normalize("NFKC", text))
    if number is None or number != number.to_integral_value() or number > 10_000:
        return -1
    return int(number)


@dataclass(frozen=True)
class Vocabulary:
    """Known topics and regions, from subscription_vocab.yaml."""

    topics: tuple[str, ...]
    region_buttons: tuple[str, ...]
    provinces: tuple[str, ...]
    cities: dict[str, str]
    time_buttons: tuple[str, ...]

    @property
    def regions(self) -> tuple[str, ...]:
        """Every region name we recognise, longest first (so 呼和浩特 wins over shorter names)."""
        return tuple(sorted({*self.provinces, *self.cities}, key=len, reverse=True))

    def region_aliases(self, region: str) -> tuple[str, ...]:
        """A region and the cities inside it (订阅四川 also matches news about 成都)."""
        return (region, *sorted(c for c, p in self.cities.items() if p == region))


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """Read the bundled vocabulary once per process."""
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("bot.core").joinpath("subscription_vocab.yaml").read_text("utf-8")
    )
    return Vocabulary(
        topics=tuple(raw["topics"]),
        region_buttons=tuple(raw["region_buttons"]),
        provinces=tuple(raw["provinces"]),
        cities=dict(raw["cities"]),
        time_buttons=tuple(raw["time_buttons"]),
    )


@dataclass(frozen=True)
class ParsedRequest:
    """A draft plus what the parser noticed, so the reply can say what it understood."""

    draft: SubscriptionDraft
    explicit_schedule: bool = False
    wants_all: bool = False  # "全部": every new briefing, no topic or region filter
    problems: tuple[str, ...] = field(default_factory=tuple)  # keys: "time_invalid", "too_many"

    @property
    def has_filter(self) -> bool:
        """True when the user named at least one topic or region."""
        return bool(self.draft.topics or self.draft.regions)


def _hour_of_day(period: str | None, hour: int) -> int:
    if period in ("下午", "傍晚", "晚上") and hour < 12:
        return hour + 12
    if period == "晚上" and hour == 12:
        return 0
    if period == "中午" and hour < 11:
        return hour + 12
    return hour


def _take(pattern: re.Pattern[str], text: str) -> tuple[re.Match[str] | None, str]:
    match = pattern.search(text)
    if match is None:
        return None, text
    return match, text[: match.start()] + " " + text[match.end() :]


def parse_request(text: str, vocab: Vocabulary | None = None) -> ParsedRequest:
    """Parse topics, regions, frequency, time of day, quiet hours and options from one message."""
    vocab = vocab or load_vocabulary()
    rest = unicodedata.normalize("NFKC", text or "")[:500]
    rest = re.sub(r"^\s*/?(subscribe|订阅)", " ", rest, flags=re.IGNORECASE)
    draft = SubscriptionDraft()
    problems: list[str] = []
    explicit = False

    match, rest = _take(_QUIET_OFF, rest)
    if match:
        draft = replace(draft, quiet_start=None, quiet_end=None)
    match, rest = _take(_QUIET, rest)
    if match:
        qs, qe = _cn_number(match.group(1)), _cn_number(match.group(3))
        qsm, qem = int(match.group(2) or 0), int(match.group(4) or 0)
        if 0 <= qs <= 23 and 0 <= qe <= 23 and qsm < 60 and qem < 60:
            draft = replace(
                draft, quiet_start=f"{qs:02d}:{qsm:02d}", quiet_end=f"{qe:02d}:{qem:02d}"
            )
        else:
            problems.append("time_invalid")
    match, rest = _take(_NOTIFY_EMPTY, rest)
    if match:
        draft = replace(draft, notify_empty=True)

    match, rest = _take(_DAILY, rest)
    if match:
        draft, explicit = replace(draft, frequency="daily", weekday=None), True
    else:
        match, rest = _take(_WEEKLY_DAY, rest)
        if match:
            draft = replace(draft, frequency="weekly", weekday=_WEEKDAY_CHARS[match.group(1)])
            explicit = True
        else:
            match, rest = _take(_WEEKLY, rest)
            if match:
                draft, explicit = replace(draft, frequency="weekly", weekday=0), True

    match, rest = _take(_TIME, rest)
    if match:
        explicit = True
        hour = _hour_of_day(match.group(1), _cn_number(match.group(2)))
        if match.group(3):
            minute = int(match.group(3))
        elif match.group(4):
            minute = 30
        elif match.group(5):
            minute = int(match.group(5))
        elif match.group(6):
            minute = _cn_number(match.group(6))
        else:
            minute = 0
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            draft = replace(draft, hour=hour, minute=minute)
        else:
            problems.append("time_invalid")

    wants_all = any(chunk.strip() in _ALL for chunk in _SPLIT.split(rest))
    topics, regions = _terms(rest, vocab)
    if len(topics) > MAX_TOPICS or len(regions) > MAX_REGIONS:
        problems.append("too_many")
    draft = replace(draft, topics=tuple(topics[:MAX_TOPICS]), regions=tuple(regions[:MAX_REGIONS]))
    return ParsedRequest(
        draft=draft, explicit_schedule=explicit, wants_all=wants_all, problems=tuple(problems)
    )


def _terms(rest: str, vocab: Vocabulary) -> tuple[list[str], list[str]]:
    """Split what is left into known regions, known topics and free keywords."""
    topics: list[str] = []
    regions: list[str] = []
    known_topics = sorted(vocab.topics, key=len, reverse=True)
    for chunk in _SPLIT.split(rest):
        chunk = chunk.strip(" \"'“”‘’()（）[]【】《》.。!！?？:：")
        if not chunk or chunk in _FILLER or chunk in _ALL:
            continue
        for name in known_topics:
            if name in chunk:
                topics.append(name)
                chunk = chunk.replace(name, " ")
        for name in vocab.regions:
            if name in chunk:
                regions.append(name)
                chunk = chunk.replace(name, " ")
        for piece in chunk.split():
            piece = piece.strip("的和及与")
            if piece.endswith(("省", "市")) and len(piece) >= 3:
                regions.append(piece[:-1])
            elif piece.endswith(("县", "区")) and len(piece) >= 3:
                regions.append(piece)
            elif (
                len(piece) >= 2
                and piece not in _FILLER
                and piece not in _ALL
                and any(ch.isalpha() for ch in piece)
            ):
                topics.append(piece[:MAX_TERM_CHARS])
    return _unique(topics), _unique(regions)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
