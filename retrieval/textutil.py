"""Chinese text helpers shared by cleaning, indexing and answering: normalise, tokenise, split."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

__all__ = [
    "CJK",
    "compact",
    "content_tokens",
    "match_key",
    "normalize_query",
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


def tokenize(text: str) -> list[str]:
    """Search tokens for BM25: rjieba search-mode cut of the NFKC lower-cased text, no punctuation."""
    import rjieba

    norm = unicodedata.normalize("NFKC", text).lower()
    return [t for t in rjieba.cut_for_search(norm) if t.strip() and not _PUNCT_TOKEN.match(t)]


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
