"""Chinese text helpers shared by cleaning, indexing and answering: normalise, tokenise, split."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from retrieval.datafiles import data_file

if TYPE_CHECKING:
    from rjieba import Jieba

__all__ = [
    "CJK",
    "clip_sentences",
    "compact",
    "content_tokens",
    "match_key",
    "normalize_query",
    "segmenter",
    "segmenter_words",
    "sentences",
    "stopwords",
    "strip_controls",
    "tokenize",
]

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACE_CJK_LEFT = re.compile(rf"(?<=[{CJK}，。、；：！？）》”（《“])[ \t\u3000]+(?=[0-9A-Za-z])")
_SPACE_CJK_RIGHT = re.compile(rf"(?<=[0-9A-Za-z%])[ \t\u3000]+(?=[{CJK}（《“，。、；：）》”%])")
_WS = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])(?![”’」』）)])|(?<=[。！？!?；;][”’」』）)])")
_PUNCT_TOKEN = re.compile(rf"^[^0-9A-Za-z{CJK}]+$")


def strip_controls(text: str) -> str:
    """Drop control and zero-width characters that break matching and terminals."""
    return _CONTROL.sub("", text)


def compact(text: str) -> str:
    """Remove the spaces PDF extraction puts between Chinese and digits ("329 个" → "329个")."""
    text = _SPACE_CJK_LEFT.sub("", text)
    return _SPACE_CJK_RIGHT.sub("", text)


@lru_cache(maxsize=8192)
def match_key(text: str) -> str:
    """A comparison key: NFKC (full/half width), lower case, no whitespace (cached: answers reuse it)."""
    return _WS.sub("", unicodedata.normalize("NFKC", text)).lower()


def normalize_query(text: str) -> str:
    """Clean a user question: controls out, NFKC, single spaces, trimmed."""
    text = unicodedata.normalize("NFKC", strip_controls(text))
    return _WS.sub(" ", text).strip()


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences at Chinese sentence ends (keeping closing quotes)."""
    return list(_sentences(text))


def clip_sentences(text: str, limit: int) -> str:
    """Whole sentences up to the limit (the first one cut with … when it alone is longer): a phone-sized part."""
    out = ""
    for s in sentences(text):
        if out and len(out) + len(s) > limit:
            break
        out += s
    return out if len(out) <= limit else out[: limit - 1] + "…"


@lru_cache(maxsize=8192)
def _sentences(text: str) -> tuple[str, ...]:
    """The split, remembered: every question splits the same retrieved passages again."""
    out: list[str] = []
    for para in re.split(r"[\n\u3000]", text):
        for piece in _SENTENCE_END.split(para):
            piece = piece.strip()
            if piece:
                out.append(piece)
    return tuple(out)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Function words and question words that carry no topic (data file)."""
    raw = resources.files("retrieval.data").joinpath("stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in raw.splitlines() if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=1)
def segmenter_words() -> tuple[tuple[str, int, str], ...]:
    """Domain words the segmenter keeps whole: (word, frequency, part of speech) (data file; in the
    index fingerprint, since the index holds the tokens they make)."""
    data = data_file("segmenter.yaml") or {}
    freq, tag = int(data.get("default_freq") or 2000), str(data.get("default_tag") or "n")
    out: list[tuple[str, int, str]] = []
    for item in data.get("words") or []:
        entry = {"word": item} if isinstance(item, str) else dict(item)
        word = unicodedata.normalize("NFKC", str(entry["word"])).lower()
        out.append((word, int(entry.get("freq", freq)), str(entry.get("tag", tag))))
    return tuple(out)


@lru_cache(maxsize=1)
def segmenter() -> Jieba:
    """rjieba's segmenter with the domain words added, once a process (every cut goes through it)."""
    import rjieba

    jieba: Jieba = rjieba._DEFAULT_JIEBA
    for word, freq, tag in segmenter_words():
        jieba.add_word(word, freq, tag)
    return jieba


def tokenize(text: str) -> list[str]:
    """Search tokens for BM25: search-mode cut of the NFKC lower-cased text, no punctuation."""
    norm = unicodedata.normalize("NFKC", text).lower()
    return [t for t in segmenter().cut_for_search(norm) if t.strip() and not _PUNCT_TOKEN.match(t)]


_COPULA = frozenset("是")


def unglue(tokens: Iterable[str]) -> list[str]:
    """A noun glued to the copula ('积分贷是什么' cuts as 积分/贷是/什么) loses it, as '什么是积分贷' reads."""
    stop = stopwords()
    return [t[0] if len(t) == 2 and t[1] in _COPULA and t not in stop else t for t in tokens]


def content_tokens(tokens: Iterable[str]) -> list[str]:
    """Tokens minus stopwords, order kept, duplicates removed."""
    stop = stopwords()
    seen: dict[str, None] = {}
    for t in tokens:
        if t not in stop:
            seen.setdefault(t, None)
    return list(seen)
