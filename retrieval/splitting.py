"""Split a bulletin into its articles, each with its own title (a citation names the article)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from retrieval.cleaning import Paragraph, ParsedBulletin
from retrieval.textutil import match_key, sentences

__all__ = ["ArticleDraft", "split_articles"]

_NEWS_LEDE = re.compile(r"^(本报讯|▶|►|（来源|\(来源|【来源|来源[：:]|记者)")
_BYLINE = re.compile(r"^(▶|►)")
_SOURCE_NOTE = re.compile(r"^[（(【]\s*来源[：:].*[）)】]$")
_PHOTO_CREDIT = re.compile(r"^.{1,12}[/／]\s*摄$|^(图片来源|图片|摄影|供图)[：:]")
_NEWS_PREFIX = re.compile(r"^本报讯\s*([（(][^）)]{0,30}[）)])?\s*")
_KEY_PUNCT = re.compile(r"[\"'“”‘’《》〈〉「」『』()（）【】\[\]:：,，.。、!！?？·•*#\-—_~\s]")


@dataclass
class ArticleDraft:
    """An article before indexing: its title and cleaned paragraphs."""

    title: str
    paragraphs: list[str]

    @property
    def text(self) -> str:
        """Body text, one paragraph a line."""
        return "\n".join(self.paragraphs)


def _key(text: str) -> str:
    return _KEY_PUNCT.sub("", match_key(text))


def _title_matches(para: Paragraph, title: str) -> bool:
    """A body paragraph is the TOC title when it is (nearly) the same short line."""
    p, t = _key(para.text), _key(title)
    if not p or not t or len(p) > len(t) * 1.6 + 6:
        return False
    if p == t or (t in p and len(p) - len(t) <= 8) or (p in t and len(p) >= 0.7 * len(t)):
        return True
    return SequenceMatcher(None, p, t).ratio() >= 0.8


def _by_toc(paras: list[Paragraph], titles: list[str]) -> list[tuple[int, int]]:
    """(paragraph index, heading paragraphs count) for each TOC title found in order."""
    starts: list[tuple[int, int]] = []
    pos = 0
    for title in titles:
        for i in range(pos, len(paras)):
            if _title_matches(paras[i], title):
                span = 1
                # a title broken over two heading lines ("…积分为企业创新" / "“画像”")
                if i + 1 < len(paras) and paras[i + 1].looks_like_heading and not _title_matches(
                    paras[i + 1], title
                ):
                    joined = Paragraph(paras[i].text + paras[i + 1].text, paras[i].heading)
                    if _key(joined.text) == _key(title):
                        span = 2
                starts.append((i, span))
                pos = i + span
                break
    return starts


def _heading_run(paras: list[Paragraph], i: int) -> int:
    """How many consecutive heading-like paragraphs start at i."""
    n = 0
    while i + n < len(paras) and paras[i + n].looks_like_heading and n < 3:
        text = paras[i + n].text
        if _NEWS_LEDE.match(text) or _PHOTO_CREDIT.match(text):
            break
        n += 1
    return n


def _by_news_layout(paras: list[Paragraph]) -> list[tuple[int, int]]:
    """Article starts on a newspaper page: top-level headings, or a headline before 本报讯/▶."""
    starts: list[tuple[int, int]] = []
    i = 0
    while i < len(paras):
        p = paras[i]
        run = _heading_run(paras, i)
        if run and not _NEWS_LEDE.match(p.text) and not _PHOTO_CREDIT.match(p.text):
            top = all(paras[j].heading in (1, 2) for j in range(i, i + run))
            nxt = paras[i + run].text if i + run < len(paras) else ""
            if top or _NEWS_LEDE.match(nxt):
                starts.append((i, run))
                i += run
                continue
        if _PHOTO_CREDIT.match(p.text) and p.text.startswith("图片来源") and i + 1 < len(paras):
            starts.append((i, 1))
            i += 1
            continue
        i += 1
    return starts


def _clean_body(paras: list[Paragraph]) -> list[str]:
    out: list[str] = []
    for idx, p in enumerate(paras):
        t = p.text.strip()
        if not t or _BYLINE.match(t) or _SOURCE_NOTE.match(t) or _PHOTO_CREDIT.match(t):
            continue
        nxt = paras[idx + 1].text if idx + 1 < len(paras) else ""
        if _PHOTO_CREDIT.match(nxt) and p.looks_like_heading and not p.heading:
            continue  # photo caption right above its credit line
        t = _NEWS_PREFIX.sub("", t)
        if t:
            out.append(t)
    return out


def _untitled(paras: list[str], fallback: str) -> str:
    if paras:
        first = sentences(paras[0])[0] if sentences(paras[0]) else paras[0]
        first = re.sub(r"^(近日|日前|目前|近期|近年来)[,，]?", "", first).rstrip("。；;，,")
        if first:
            return first[:30]
    return fallback


def split_articles(parsed: ParsedBulletin, fallback_title: str) -> list[ArticleDraft]:
    """Articles of a bulletin: by TOC titles when it has a TOC, else by headline layout."""
    paras = parsed.paragraphs
    starts = _by_toc(paras, parsed.toc_titles) if parsed.toc_titles else []
    if not starts:
        starts = _by_news_layout(paras)
    if not starts:
        body = _clean_body(paras)
        return [ArticleDraft(fallback_title, body)] if body else []
    articles: list[ArticleDraft] = []
    if starts[0][0] > 0:
        lead = _clean_body(paras[: starts[0][0]])
        if sum(len(x) for x in lead) >= 80:
            articles.append(ArticleDraft(fallback_title, lead))
    for n, (i, span) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(paras)
        head = [paras[j] for j in range(i, i + span)]
        body = _clean_body(paras[i + span : end])
        if _PHOTO_CREDIT.match(head[0].text):
            title = _untitled(body, fallback_title)
        else:
            title = " ".join(h.text.strip() for h in head)
        title = re.sub(r"\s+", " ", title).strip()
        if body:
            articles.append(ArticleDraft(title, body))
    return articles
