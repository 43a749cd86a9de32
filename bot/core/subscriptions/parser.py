"""Free-text subscription requests (`/subscribe 积分贷 泸州 每月1号 9点`) into what was understood.

Topics come from the tag vocabulary, regions from the gazetteer, the schedule from
schedule_parser; every other word is kept as `unknown` so the reply can name it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from bot.core.places import Places, load_places
from bot.core.subscriptions.schedule_parser import (
    ScheduleError,
    ScheduleRequest,
    cn_number,
    parse_schedule,
)
from bot.core.subscriptions.topics import TopicMatch, Topics, build_topics
from bot.core.subscriptions.types import SubscriptionDraft

__all__ = [
    "WEEKDAY_NAMES",
    "ParsedRequest",
    "Vocabulary",
    "apply_schedule",
    "load_vocabulary",
    "parse_request",
]

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
MAX_TOPICS = 8
MAX_REGIONS = 5
MAX_TERM_CHARS = 20

_NUM = r"\d{1,2}|[零一二两三四五六七八九十]{1,3}"
_QUIET_OFF = re.compile(r"(关闭|不要|取消|不用)免打扰|不免打扰")
_QUIET = re.compile(
    rf"免打扰(?:时段|时间)?\s*({_NUM})(?:[:：](\d{{2}})|点)?\s*[-~到至]\s*({_NUM})(?:[:：](\d{{2}})|点)?"
)
_NOTIFY_EMPTY = re.compile(
    r"(没有|无)(更新|新内容|新简报|内容)(时)?也(要)?(提醒|通知|告诉我|说一声)"
)
_SPLIT = re.compile(r"[\s,，、;；/|+＋]+")
_STRIP = " \"'“”‘’()（）[]【】《》.。!！?？:：~～-"
_REGION_SUFFIX = ("省", "市", "县", "区", "州", "旗")


@dataclass(frozen=True)
class Vocabulary:
    """Topics (tags plus extras), the gazetteer, and the keyboard flow's buttons."""

    topics: tuple[str, ...]  # offered as buttons
    region_buttons: tuple[str, ...]
    time_buttons: tuple[str, ...]
    topic_forms: Topics
    places: Places
    filler: tuple[str, ...]
    all_words: frozenset[str]

    @property
    def provinces(self) -> tuple[str, ...]:
        """Provinces and municipalities."""
        return self.places.provinces()

    @property
    def cities(self) -> dict[str, str]:
        """Prefecture-level cities -> their province."""
        provinces = set(self.provinces)
        return {
            place: parents[0]
            for place, parents in self.places.gazetteer.parents.items()
            if len(parents) == 1 and parents[0] in provinces
        }

    def region_aliases(self, region: str) -> tuple[str, ...]:
        """A region and the places inside it (订阅四川 also matches news about 成都)."""
        return self.places.aliases(region)


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """Read the bundled vocabulary once per process."""
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("bot.core.subscriptions").joinpath("vocab.yaml").read_text("utf-8")
    )
    filler = sorted((str(w) for w in raw["filler"]), key=len, reverse=True)
    return Vocabulary(
        topics=tuple(raw["topics"]),
        region_buttons=tuple(raw["region_buttons"]),
        time_buttons=tuple(raw["time_buttons"]),
        topic_forms=build_topics(raw["extra_topics"], set(raw["topic_skip"])),
        places=load_places(),
        filler=tuple(filler),
        all_words=frozenset(str(w) for w in raw["all_words"]),
    )


@dataclass(frozen=True)
class ParsedRequest:
    """A draft plus what the parser noticed, so the reply can say what it understood."""

    draft: SubscriptionDraft
    explicit_schedule: bool = False
    wants_all: bool = False  # "全部": every new briefing, no topic or region filter
    problems: tuple[str, ...] = field(default_factory=tuple)  # "too_many", "quiet_invalid"
    schedule: ScheduleRequest = field(default_factory=ScheduleRequest)
    topic_words: tuple[TopicMatch, ...] = ()  # what the user wrote for each topic
    unknown: tuple[str, ...] = ()  # words that are neither topic nor region: named back
    foreign: tuple[str, ...] = ()  # places outside China: named back
    defaulted: tuple[str, ...] = ()  # "day", "time": parts we filled in (and say so)

    @property
    def has_filter(self) -> bool:
        """True when the user named at least one topic or region."""
        return bool(self.draft.topics or self.draft.regions)

    @property
    def schedule_errors(self) -> tuple[ScheduleError, ...]:
        """Schedule phrases that cannot be scheduled: the request is refused, nothing stored."""
        return self.schedule.errors

    @property
    def understood(self) -> bool:
        """Something to act on: a topic, a region, "全部", or a schedule."""
        return self.has_filter or self.wants_all or self.schedule.mentioned


def apply_schedule(
    base: SubscriptionDraft, when: ScheduleRequest
) -> tuple[SubscriptionDraft, tuple[str, ...]]:
    """`base` with the schedule parts `when` names; which parts were filled with a default."""
    draft, defaulted = base, []
    if when.frequency is not None:
        weekday = when.weekday
        if when.frequency in ("weekly", "biweekly") or when.nth is not None:
            if weekday is None:
                weekday = base.weekday if base.weekday is not None else 0
                defaulted.append("day")
        else:
            weekday = None
        draft = replace(
            draft,
            frequency=when.frequency,
            weekday=weekday,
            month_day=when.month_day if when.frequency == "monthly" else None,
            nth=when.nth if when.frequency == "monthly" else None,
        )
    if when.hour is not None:
        draft = replace(draft, hour=when.hour, minute=when.minute or 0)
    return draft, tuple(defaulted)


def _options(
    rest: str, draft: SubscriptionDraft, problems: list[str]
) -> tuple[str, SubscriptionDraft]:
    """Quiet hours and the "nothing new" notice."""
    if m := _QUIET_OFF.search(rest):
        draft = replace(draft, quiet_start=None, quiet_end=None)
        rest = rest.replace(m.group(0), " ")
    if m := _QUIET.search(rest):
        qs, qe = cn_number(m.group(1)), cn_number(m.group(3))
        qsm, qem = int(m.group(2) or 0), int(m.group(4) or 0)
        if 0 <= qs <= 23 and 0 <= qe <= 23 and qsm < 60 and qem < 60:
            draft = replace(
                draft, quiet_start=f"{qs:02d}:{qsm:02d}", quiet_end=f"{qe:02d}:{qem:02d}"
            )
        else:
            problems.append("quiet_invalid")
        rest = rest.replace(m.group(0), " ")
    if m := _NOTIFY_EMPTY.search(rest):
        draft = replace(draft, notify_empty=True)
        rest = rest.replace(m.group(0), " ")
    return rest, draft


def parse_request(text: str, vocab: Vocabulary | None = None) -> ParsedRequest:
    """Topics, regions, schedule, quiet hours and options of one message, plus what was not used."""
    vocab = vocab or load_vocabulary()
    rest = unicodedata.normalize("NFKC", text or "")[:500]
    rest = re.sub(r"^\s*/?(subscribe|订阅)", " ", rest, flags=re.IGNORECASE)
    problems: list[str] = []
    rest, draft = _options(rest, SubscriptionDraft(), problems)
    when = parse_schedule(rest)
    draft, defaulted = apply_schedule(draft, when)
    defaulted += ("day",) * (when.frequency is None) + ("time",) * (when.hour is None)
    terms = read_terms(when.rest, vocab)
    if len(terms.topics) > MAX_TOPICS or len(terms.regions) > MAX_REGIONS:
        problems.append("too_many")
    draft = replace(
        draft, topics=tuple(terms.topics[:MAX_TOPICS]), regions=tuple(terms.regions[:MAX_REGIONS])
    )
    return ParsedRequest(
        draft=draft,
        explicit_schedule=when.frequency is not None or when.hour is not None,
        wants_all=terms.wants_all,
        problems=tuple(problems),
        schedule=when,
        topic_words=tuple(terms.matches),
        unknown=tuple(terms.unknown),
        foreign=tuple(terms.foreign),
        defaulted=defaulted,
    )


@dataclass
class Terms:
    """Topics, regions and leftover words of a text (schedule phrases already cut out)."""

    topics: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    matches: list[TopicMatch] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    wants_all: bool = False


def read_terms(text: str, vocab: Vocabulary) -> Terms:
    """Split text into known topics, known regions and words we did not understand."""
    out = Terms()
    chunks = [c.strip(_STRIP) for c in _SPLIT.split(text)]
    for chunk in chunks:
        if chunk in vocab.all_words:
            out.wants_all = True
            continue
        region = vocab.places.resolve(chunk) if chunk else None
        if region is not None:  # a whole word that is a place ("合江", "泸州市") before substrings
            out.regions.append(region)
            continue
        matches, left = vocab.topic_forms.find(chunk)
        out.matches.extend(matches)
        out.topics.extend(m.topic for m in matches)
        for form, name in vocab.places.find(left):
            out.regions.append(name)
            left = left.replace(form, " ")
        _leftovers(left, vocab, out)
    out.topics, out.regions = _unique(out.topics), _unique(out.regions)
    out.unknown, out.foreign = _unique(out.unknown), _unique(out.foreign)
    return out


def _leftovers(left: str, vocab: Vocabulary, out: Terms) -> None:
    for filler in vocab.filler:
        left = left.replace(filler, " ")
    for piece in left.split():
        piece = piece.strip(_STRIP)
        if not piece or not any(ch.isalnum() for ch in piece):
            continue
        if piece in vocab.all_words:
            out.wants_all = True
        elif vocab.places.is_foreign(piece):
            out.foreign.append(piece[:MAX_TERM_CHARS])
        elif len(piece) >= 2 or piece.isascii():
            out.unknown.append(piece[:MAX_TERM_CHARS])


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
