"""Subscription edits in plain words (修改订阅): "把成都那个改成每周五下午3点", "加上科技金融", "暂停两周".

An edit names its subscription by number, region or topic; with several candidates it asks which.
The subscription keeps its id, so its /subs number stays.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.core.subscriptions.parser import Vocabulary, read_terms
from bot.core.subscriptions.schedule_parser import cn_number
from bot.core.subscriptions.types import Subscription

__all__ = ["MAX_PAUSE_DAYS", "EditRequest", "find_targets", "number_of", "parse_edit", "pause_days"]

_LEAD = r"^(?:请|麻烦)?(?:帮我|给我)?(?:把|将)?"
_NAMED = r"(?P<target>.*?)(?:的订阅|那个订阅|那条订阅|那个|那条|这个|订阅)?"
_PATTERNS = (
    ("change", re.compile(
        _LEAD + _NAMED + r"(?:改成|改为|改到|换成|换为|换到|调成|调整为|调整成|调到|变成)(?P<payload>.+)$"
    )),
    ("add", re.compile(
        r"^(?:请|麻烦)?(?:帮我)?(?:(?:给|在)(?P<target>.+?)(?:那个|订阅)?(?:里|中|上)?)?(?:再)?"
        r"(?:加上|添加|增加|加入|再加)(?P<payload>.+)$"
    )),
    ("remove", re.compile(
        r"^(?:请|麻烦)?(?:帮我)?(?:(?:从|在)(?P<target>.+?)(?:那个|订阅)?(?:里|中)?)?"
        r"(?:去掉|删掉|移除|拿掉)(?P<payload>.+)$"
    )),
    ("pause", re.compile(_LEAD + _NAMED + r"(?:先)?暂停(?:推送|订阅)?(?P<payload>.*)$")),
    ("resume", re.compile(_LEAD + _NAMED + r"(?:恢复(?:推送|订阅)?|继续(?:推送|订阅))(?P<payload>)$")),
)  # fmt: skip
_NUMBER = re.compile(
    r"^(?:第\s*)?(\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(?:号|个|条)?(?:订阅)?$"
)
_DURATION = re.compile(
    r"^(\d{1,3}|[一二两三四五六七八九十半]{1,3})\s*(?:个)?\s*(天|日|周|星期|礼拜|月)$"
)
_UNIT_DAYS = {"天": 1, "日": 1, "周": 7, "星期": 7, "礼拜": 7, "月": 30}
MAX_PAUSE_DAYS = 180


@dataclass(frozen=True)
class EditRequest:
    """One edit: what to do, which subscription the user named, and the new content."""

    action: str  # "change" | "add" | "remove" | "pause" | "resume"
    target: str  # "成都", "2号", "" (none named)
    payload: str  # "每周五下午3点", "重庆", "两周"


def parse_edit(text: str) -> EditRequest | None:
    """An edit request, or None when the text is not one (checked before corpus questions)."""
    clean = unicodedata.normalize("NFKC", text).strip(" 。.!！~～")
    if len(clean) > 60 or clean.endswith(("?", "？", "吗")):
        return None
    for action, pattern in _PATTERNS:
        m = pattern.match(clean)
        if m is not None:
            target = (m.group("target") or "").strip(" ，,的")
            return EditRequest(action, target, m.group("payload").strip(" ，,的"))
    return None


def number_of(target: str) -> int | None:
    """ "2号" / "第二个" / "2" → 2; None when the target is not a number."""
    m = _NUMBER.match(target.strip())
    if m is None:
        return None
    n = cn_number(m.group(1))
    return n if n > 0 else None


def pause_days(payload: str) -> int | None:
    """ "两周" → 14, "10天" → 10, "一个月" → 30; None when no duration is given or readable."""
    m = _DURATION.match(payload.strip(" 一下吧"))
    if m is None:
        return None
    count = 0.5 if m.group(1) == "半" else cn_number(m.group(1))
    days = int(count * _UNIT_DAYS[m.group(2)])
    return days if days > 0 else None


def find_targets(
    target: str, subs: list[Subscription], vocab: Vocabulary
) -> tuple[list[Subscription], bool]:
    """(candidate subscriptions, named): by number, region or topic; all of them when none named."""
    if not target:
        return subs, False
    n = number_of(target)
    if n is not None:
        return ([subs[n - 1]] if n <= len(subs) else []), True
    terms = read_terms(target, vocab)
    regions, topics = set(terms.regions), set(terms.topics)
    if not regions and not topics:  # "把推送时间改成…" names none; "把火星那个改成…" names one we lack
        return ([], True) if terms.unknown or terms.foreign else (subs, False)
    found = [s for s in subs if regions & set(s.regions) or topics & set(s.topics)]
    return found, True
