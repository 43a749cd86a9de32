"""What's new: the newest briefings by their own dates (optionally one region's), or plainly none."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from retrieval.datafiles import data_file
from retrieval.entities import key_entities
from retrieval.evidence import synonyms
from retrieval.store import CorpusStore
from retrieval.textutil import CJK, match_key, segmenter, sentences
from retrieval.types import Answer, ArticleRecord, Citation

__all__ = ["RecentRules", "asks_whats_new", "whats_new", "whats_new_topic"]

_DATE = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
_CJK_LEFT = re.compile(f"[{CJK}A-Za-z0-9]")


@dataclass(frozen=True)
class RecentRules:
    """recent.yaml: the words of a what's-new question, the window and the texts."""

    recency: tuple[str, ...]
    periods: dict[str, tuple[str, ...]]
    news: tuple[str, ...]  # 政策, 消息, 简报: what is asked for
    words: tuple[str, ...]  # news words and filler, longest first
    recent_days: int
    recent_label: str
    topic_chars: int
    shown: int
    line_chars: int
    texts: dict[str, str]


@lru_cache(maxsize=1)
def recent_rules() -> RecentRules:
    """Read recent.yaml once per process."""
    data = data_file("recent.yaml") or {}
    periods = {str(k): tuple(str(w) for w in v) for k, v in (data.get("periods") or {}).items()}
    words = [str(w) for w in (*(data.get("news") or ()), *(data.get("filler") or ()))]
    return RecentRules(
        tuple(str(w) for w in data.get("recency") or ()), periods,
        tuple(str(w) for w in data.get("news") or ()), tuple(sorted(set(words), key=len, reverse=True)), int(data.get("recent_days") or 92),
        str(data.get("recent_label") or "近三个月"),
        int(data.get("topic_chars") or 6),
        int(data.get("shown") or 5), int(data.get("line_chars") or 36),
        {str(k): str(v) for k, v in (data.get("texts") or {}).items()},
    )


def _period(text: str, rules: RecentRules) -> str:
    return next((name for name, ws in rules.periods.items() if any(w in text for w in ws)), "")


def whats_new_topic(question: str) -> str | None:
    """The topic of a what's-new question ("" when it asks everything new, 积分贷 in
    最近积分贷有什么新消息); None when the question asks something else (最近一年销售收入…)."""
    rules = recent_rules()
    text = question
    cues = (*rules.recency, *(w for ws in rules.periods.values() for w in ws))
    if not any(c in text for c in cues):
        return None
    news = any(w in question for w in rules.news)
    words = {*cues, *key_entities(question).places, *(w for w in rules.words if len(w) > 1)}
    # one pass, leftmost first: 最新政策 is 最新 + 政策, never 最 + 新政策
    text = re.sub("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), " ", text)
    # what is left, word by word: a one-character filler (新, 的) only as a word of its own (专精特新 stays)
    short = {*rules.words, "市", "省", "区", "县"}  # 成都市 → 成都 was taken out
    left = [w for w in segmenter().cut(text, False) if w.strip() and w not in short and _CJK_LEFT.search(w)]
    if not left:
        return ""
    # a topic besides the news word (近期高企有什么新政策): one short word, the briefings about it
    topic = "".join(left)
    return topic if news and len(left) <= 2 and len(topic) <= rules.topic_chars else None


def asks_whats_new(question: str) -> bool:
    """A question that asks what is new (its places and one topic aside): 最近有什么新政策, 成都这个月有新消息吗."""
    return whats_new_topic(question) is not None


def _mentions(article: ArticleRecord, topic: str) -> bool:
    """The briefing names the topic or an equivalent term (高企 = 高新技术企业)."""
    key = match_key(article.title + article.text)
    words = (match_key(topic), *synonyms().get(match_key(topic), ()))
    return any(w in key for w in words)


def _day(article: ArticleRecord) -> date | None:
    """The last day an article's date can mean (a month-precision "2024-06" is June 30)."""
    m = _DATE.match(article.date or "")
    if m is None:
        return None
    year, month, day = int(m.group(1)), int(m.group(2) or 12), m.group(3)
    if day:
        return date(year, month, int(day))
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _about(article: ArticleRecord, place: str) -> bool:
    """The briefing is about the place: in its title, or among its first regions (not a passing mention)."""
    key = match_key(place)
    return key in match_key(article.title) or any(key in match_key(r) for r in article.regions[:3])


def _shown_date(article: ArticleRecord) -> str:
    m = _DATE.match(article.date or "")
    if m is None:
        return ""
    parts = [f"{int(m.group(1))}年"] + [f"{int(g)}{u}" for g, u in ((m.group(2), "月"), (m.group(3), "日")) if g]
    return "".join(parts)


def _line(article: ArticleRecord, limit: int) -> str:
    first = next(iter(sentences(article.text)), "").strip()
    return first if len(first) <= limit else first[:limit].rstrip("，,；;：:、") + "…"


def _items(articles: list[ArticleRecord], rules: RecentRules) -> str:
    item = rules.texts["item"]
    return "\n".join(
        item.format(n=n, title=a.title, date=_shown_date(a), region=f"·{a.regions[0]}" if a.regions else "",
                    line=_line(a, rules.line_chars))
        for n, a in enumerate(articles, 1)
    )


def _window(period: str, today: date, rules: RecentRules) -> tuple[date, str]:
    """The first day that counts as new, and how the answer names the span."""
    if period == "month":
        start = today.replace(day=1)
        return start, f"{start.year}年{start.month}月1日"
    if period == "year":
        return today.replace(month=1, day=1), f"{today.year}年1月1日"
    start = today - timedelta(days=rules.recent_days)
    return start, f"{start.year}年{start.month}月{start.day}日"


def whats_new(question: str, store: CorpusStore, today: date) -> Answer:
    """The newest briefings (of the question's place, if it names one), newest first; said plainly
    when none is dated in the asked period."""
    rules, texts = recent_rules(), recent_rules().texts
    places = key_entities(question).places
    topic = whats_new_topic(question) or ""
    articles = [a for a in store.articles(None, kind="briefing") if _day(a) is not None]
    if places:
        articles = [a for a in articles if any(_about(a, p) for p in places)]
    if topic:
        articles = [a for a in articles if _mentions(a, topic)]
    subject = "、".join(places) + topic
    if not articles:
        return Answer(texts["none_for_place" if subject else "empty"].format(place=subject), False, [])
    articles.sort(key=lambda a: (_day(a), a.ingested_at), reverse=True)
    period = _period(question, rules)
    start, span = _window(period, today, rules)
    fresh = [a for a in articles if (_day(a) or start) >= start]
    shown = (fresh or articles)[: rules.shown]
    about = f"关于{subject}的" if subject else ""
    if fresh:
        text = texts["recent"].format(about=about, items=_items(shown, rules))
    else:
        label = next((w for w in rules.periods.get(period, ()) if w in question), rules.recent_label)
        text = texts["none_recent"].format(label=label, since=span, about=about, items=_items(shown, rules))
    cites = [Citation(a.doc_id, a.title, a.source, a.date, _line(a, rules.line_chars), a.kind) for a in shown]
    return Answer(text, True, cites)
