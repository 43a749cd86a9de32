"""Subscription requests in plain words (订阅管理): "取消成都那个" "暂停1号两周" "我订了哪些".

A small reader over the verb, pause and filler lists of requests.yaml and the topic/region
vocabulary: a message is a request only when, once its verb, pause length and the subscription it
names are cut out, nothing but filler is left. Anything else goes on to question answering.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from bot.core.subscriptions.parser import ParsedRequest, Vocabulary, parse_request
from bot.core.subscriptions.schedule_parser import cn_number
from bot.core.subscriptions.types import SubscriptionDraft

__all__ = [
    "PauseLength",
    "PlainRequest",
    "RequestWords",
    "Target",
    "alike",
    "load_request_words",
    "only_filler",
    "pause_length",
    "read_request",
    "read_target",
]

KINDS = ("resume", "pause", "cancel", "subscribe")  # the order verbs are tried in
MAX_CHARS = 60
_TRIM = " \t\n。.!！~～，,、;；:："
_NUMBER = re.compile(
    r"第\s*(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*(?:号|个|条)?|(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*号"
    r"|(\d{1,2})\s*(?:个|条)"
)
_BARE_NUMBER = re.compile(r"^\s*(\d{1,2})\s*$")
_N = r"\d{1,3}|[一二两三四五六七八九十半]{1,3}"
_LENGTH = re.compile(rf"({_N})\s*(?:个\s*(月)|个?\s*(天|日|周|星期|礼拜|年))")
_ON_DATE = re.compile(rf"(?:到|至)\s*(?:({_N})\s*月\s*)?({_N})\s*[号日]|({_N})\s*月\s*({_N})\s*[号日]")
_NEXT_WEEKDAY = re.compile(r"(?:到|至)?\s*下个?(?:周|星期|礼拜)([一二三四五六日天])")
_WEEKDAYS = "一二三四五六"
_RESIDUE = re.compile(r"[\w]", re.UNICODE)


@dataclass(frozen=True)
class RequestWords:
    """The lists of requests.yaml."""

    lists: tuple[re.Pattern[str], ...]
    verbs: tuple[tuple[str, str, bool], ...]  # (kind, verb, needs a named subscription)
    open_verbs: frozenset[str]
    weak_verbs: frozenset[str]
    question_ends: tuple[str, ...]
    alike_words: tuple[str, ...]
    not_verbs: tuple[str, ...]
    filler: tuple[str, ...]  # longest first
    all_words: tuple[str, ...]
    question_words: tuple[str, ...]
    units: dict[str, int]
    next_words: dict[str, str]


@lru_cache(maxsize=1)
def load_request_words() -> RequestWords:
    """Read the bundled request words once per process."""
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("bot.core.subscriptions").joinpath("requests.yaml").read_text("utf-8")
    )
    verbs: list[tuple[str, str, bool]] = []
    for kind in KINDS:
        forms = [(v, False) for v in raw["kinds"][kind]["alone"]]
        forms += [(v, True) for v in raw["kinds"][kind]["named"]]
        verbs += [(kind, v, named) for v, named in sorted(forms, key=lambda f: -len(f[0]))]
    return RequestWords(
        lists=tuple(re.compile(p) for p in raw["list"]),
        verbs=tuple(verbs),
        open_verbs=frozenset(raw["open_verbs"]),
        weak_verbs=frozenset(raw["weak_verbs"]),
        question_ends=tuple(raw["question_ends"]),
        alike_words=tuple(raw["alike_words"]),
        not_verbs=tuple(raw["not_verbs"]),
        filler=tuple(sorted(raw["filler"], key=len, reverse=True)),
        all_words=tuple(raw["all_words"]),
        question_words=tuple(raw["question_words"]),
        units={str(k): int(v) for k, v in raw["pause_units"].items()},
        next_words={str(k): str(v) for k, v in raw["pause_next"].items()},
    )


@dataclass(frozen=True)
class Target:
    """Which subscription a request names: by number, topic and region, or all of them."""

    number: int | None = None
    topics: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    every: bool = False
    words: str = ""  # what the user wrote, for "没有找到和“…”对得上的订阅"

    @property
    def named(self) -> bool:
        """True when the message names a subscription (or all of them)."""
        return self.number is not None or bool(self.topics or self.regions) or self.every


@dataclass(frozen=True)
class PauseLength:
    """How long to pause: a number of days, or until the next "month" / "week" starts."""

    days: int | None = None
    until_next: str | None = None
    words: str = ""


@dataclass(frozen=True)
class PlainRequest:
    """One request: list, subscribe, cancel, pause or resume, with what it names."""

    kind: str
    text: str = ""  # subscribe: the message without its verb, for the subscription parser
    target: Target = field(default_factory=Target)
    pause: PauseLength | None = None
    weak: bool = False  # a request only if it names a subscription the user has
    asked: bool = False  # "取消订阅吗？": confirmed before anything is cancelled
    alike: bool = False  # "重庆的也订一个": like the subscription just made


def read_request(text: str, vocab: Vocabulary, words: RequestWords, *, recent: bool = False) -> PlainRequest | None:
    """The request a message makes, or None when it is no subscription request.

    recent: a subscription was just made or changed, so "不要了，取消吧" may leave it unnamed (that one)."""
    clean = unicodedata.normalize("NFKC", text or "").strip(_TRIM)
    if not clean or len(clean) > MAX_CHARS:
        return None
    bare = re.sub(r"[\s?？]", "", clean)
    if any(p.search(bare) for p in words.lists):
        return PlainRequest("list")
    if any(q in clean for q in words.question_words):
        return None
    masked = clean
    for look_alike in words.not_verbs:
        masked = masked.replace(look_alike, "\0" * len(look_alike))
    managing = False  # a cancel / pause / resume verb was seen: no new subscription then
    for kind, verb, needs_name in words.verbs:
        at = masked.find(verb)
        if at < 0 or (kind == "subscribe" and managing):
            continue
        managing = managing or kind != "subscribe"
        rest = clean[:at] + " " + clean[at + len(verb) :]
        found = _reading(kind, verb, needs_name and not (recent and kind != "subscribe"), rest, vocab, words)
        if found is not None:
            return found
    return None


def _reading(
    kind: str, verb: str, needs_name: bool, rest: str, vocab: Vocabulary, words: RequestWords
) -> PlainRequest | None:
    """The request when `rest` (the message without its verb) fits the verb's kind."""
    if kind == "subscribe":
        return _subscribe(verb, needs_name, rest, vocab, words)
    pause, rest = pause_length(rest, words)
    if kind == "resume" and pause is not None:
        kind = "pause"  # "两周后恢复推送": a pause of two weeks
    elif kind != "pause" and pause is not None:
        return None
    target = read_target(rest, vocab, words)
    if target is None or (needs_name and not target.named):
        return None
    asked = rest.rstrip().endswith(words.question_ends)
    return PlainRequest(kind, target=target, pause=pause, weak=verb in words.weak_verbs, asked=asked)


def _subscribe(
    verb: str, needs_name: bool, rest: str, vocab: Vocabulary, words: RequestWords
) -> PlainRequest | None:
    parsed = parse_request(rest, vocab)
    unknown = parsed.unknown or parsed.foreign
    open_verb = any(o in verb for o in words.open_verbs)
    if unknown and (not open_verb or rest.rstrip().endswith(words.question_ends)):
        return None  # "订阅简报要钱吗" is a question
    if needs_name and not parsed.schedule.mentioned:
        return None  # "把这篇发给我" is no subscription; "每周一发给我积分贷" is
    if not open_verb and not parsed.understood:
        return None
    alike = any(w in rest for w in words.alike_words)
    return PlainRequest("subscribe", text=rest.strip(), alike=alike)


def alike(parsed: ParsedRequest, like: SubscriptionDraft) -> ParsedRequest:
    """ "重庆的也订一个": the topic, region and schedule it leaves out come from `like`."""
    draft = replace(
        parsed.draft,
        topics=parsed.draft.topics or like.topics,
        regions=parsed.draft.regions or like.regions,
    )
    when = parsed.schedule
    if when.frequency is None:
        keys = ("frequency", "weekday", "month_day", "nth", "phase")
        draft = replace(draft, **{k: getattr(like, k) for k in keys})
    if when.hour is None:
        draft = replace(draft, hour=like.hour, minute=like.minute)
    return replace(parsed, draft=draft, defaulted=())


def read_target(text: str, vocab: Vocabulary, words: RequestWords) -> Target | None:
    """The subscription `text` names; None when other words are left (the text is no target)."""
    rest = unicodedata.normalize("NFKC", text)
    number = None
    if m := _NUMBER.search(rest) or _BARE_NUMBER.match(rest):
        number = cn_number(next(g for g in m.groups() if g))
        rest = rest[: m.start()] + " " + rest[m.end() :]
        if number <= 0:
            return None
    matches, left = vocab.topic_forms.find(rest)
    regions = []
    for form, name in vocab.places.find(left):
        regions.append(name)
        left = re.sub(re.escape(form) + "[市省县区]?", " ", left)  # "成都市那个"
    every = False
    for word in words.all_words:  # after the places: "成都" holds "都"
        if word in left:
            every, left = True, left.replace(word, " ")
    if not only_filler(left, words):
        return None
    return Target(
        number=number,
        topics=tuple(dict.fromkeys(m.topic for m in matches)),
        regions=tuple(dict.fromkeys(regions)),
        every=every,
        words=text.strip(_TRIM),
    )


def only_filler(text: str, words: RequestWords) -> bool:
    """True when nothing but filler words and punctuation is left in `text`."""
    for filler in words.filler:
        text = text.replace(filler, " ")
    return _RESIDUE.search(text) is None


def pause_length(text: str, words: RequestWords) -> tuple[PauseLength | None, str]:
    """A pause length in `text` ("两周", "下个月", "到12月15号") and the text without it."""
    if m := _NEXT_WEEKDAY.search(text):  # "到下周三": sends resume next Wednesday
        weekday = _WEEKDAYS.find(m.group(1)) if m.group(1) in _WEEKDAYS else 6
        return PauseLength(until_next=f"w{weekday}", words=m.group(0)), _cut(text, m)
    if m := _ON_DATE.search(text):  # "到12月15号", "到15号": sends resume that day
        month, day = m.group(1) or m.group(3), m.group(2) or m.group(4)
        code = f"m{cn_number(month)}-{cn_number(day)}" if month else f"d{cn_number(day)}"
        return PauseLength(until_next=code, words=m.group(0)), _cut(text, m)
    for word, unit in words.next_words.items():
        if word in text:
            return PauseLength(until_next=unit, words=word), text.replace(word, " ")
    m = _LENGTH.search(text)
    if m is None:
        return None, text
    count = 0.5 if m.group(1) == "半" else cn_number(m.group(1))
    days = int(count * words.units[m.group(2) or m.group(3)]) if count > 0 else 0
    return PauseLength(days=days or None, words=m.group(0)), _cut(text, m)


def _cut(text: str, m: re.Match[str]) -> str:
    return text[: m.start()] + " " + text[m.end() :]
