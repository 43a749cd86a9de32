"""Evidence scoring shared by reranking and extractive answers: where do the question's terms meet?"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from retrieval.datafiles import data_file
from retrieval.textutil import content_tokens, match_key, sentences, tokenize, unglue

__all__ = [
    "IdfTable",
    "QueryProfile",
    "Window",
    "best_window",
    "expand_tokens",
    "has_quantity",
    "profile_query",
    "synonyms",
    "windows",
]

_QUANTITY = re.compile(
    r"多少|几[个家项支名位次年月倍天亿万]?|多大|多高|多长|多久|多远|比例|占比|比重|覆盖率|增速|增幅|规模|金额|额度|总额|数量|排名|第几"
)
_TIME = re.compile(r"什么时候|何时|哪一年|哪年|哪个月|几月|时间|日期")
_HAS_NUMBER = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|％|万|亿|元|家|个|项|支|只|名|人|位|倍|台|套|件|场|次|户|所|座|吨|平方米|条|批|余|多)"
)
_GLUED = frozenset("中的在和与及对从向于把被将为里")
_HAS_DATE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月|\d{1,2}\s*日|年底|年初|上半年|下半年|季度")


class IdfTable:
    """Inverse document frequency of tokens over the chunk collection."""

    def __init__(self, df: Mapping[str, int], n: int) -> None:
        self.n = n
        self._df = df

    @classmethod
    def from_tokens(cls, token_sets: Iterable[Iterable[str]]) -> IdfTable:
        """Count document frequencies from token lists."""
        df: dict[str, int] = {}
        n = 0
        for toks in token_sets:
            n += 1
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
        return cls(df, n)

    def __call__(self, token: str) -> float:
        """BM25-style idf; unseen tokens get the maximum."""
        d = self._df.get(token, 0)
        return math.log((self.n - d + 0.5) / (d + 0.5) + 1.0)

    def df(self, token: str) -> int:
        """In how many chunks the token occurs."""
        return self._df.get(token, 0)


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """Term -> equivalent terms (data file)."""
    out: dict[str, tuple[str, ...]] = {}
    for group in (data_file("synonyms.yaml") or {}).get("groups") or []:
        terms = tuple(match_key(str(t)) for t in group)
        for t in terms:
            out[t] = tuple(dict.fromkeys(out.get(t, ()) + tuple(x for x in terms if x != t)))
    return out


@dataclass(frozen=True)
class QueryProfile:
    """The question's content tokens with weights, and what kind of answer it wants."""

    text: str
    weights: Mapping[str, float]
    quantity: bool
    time: bool
    alternatives: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def total(self) -> float:
        """Sum of token weights (the denominator of coverage)."""
        return sum(self.weights.values()) or 1.0


def profile_query(question: str, idf: IdfTable | None) -> QueryProfile:
    """Weigh the question's content tokens by idf (tokens the corpus never uses count half)."""
    tokens = content_tokens(unglue(tokenize(question)))
    if idf is not None:  # "项目里六特" segments as 里六特: drop the glued function character
        tokens = [t[1:] if len(t) >= 3 and t[0] in _GLUED and idf.df(t) == 0 and idf.df(t[1:]) > 0 else t
                  for t in tokens]
    weights: dict[str, float] = {}
    for t in tokens:
        if idf is None:
            weights[t] = 1.0
        else:
            w = idf(t)
            weights[t] = w * 0.5 if idf.df(t) == 0 else w
        if len(t) == 1:
            weights[t] *= 0.25  # one character matches inside unrelated words (算 in 清算)
    syn = synonyms()
    alternatives = {t: syn[t] for t in weights if t in syn}
    return QueryProfile(
        question, weights, bool(_QUANTITY.search(question)), bool(_TIME.search(question)), alternatives
    )


@dataclass(frozen=True)
class Window:
    """One or two consecutive sentences and how well they match the question."""

    text: str
    coverage: float
    score: float


def windows(text: str) -> list[str]:
    """Single sentences and pairs of neighbouring sentences of a passage."""
    sents = sentences(text)
    out = list(sents)
    out.extend(a + b for a, b in itertools.pairwise(sents))
    return out


def score_text(profile: QueryProfile, text: str, context: str = "") -> Window:
    """Coverage of the question's weighted tokens by the text (context such as the title counts half)."""
    key = match_key(text)
    ctx = match_key(context) if context else ""
    got = 0.0
    for tok, w in profile.weights.items():
        alts = profile.alternatives.get(tok, ())
        if tok in key:
            got += w
        elif alts and any(a in key for a in alts):
            got += 0.8 * w
        elif ctx and tok in ctx:
            got += 0.5 * w
    coverage = got / profile.total
    bonus = 0.0
    if profile.quantity and has_quantity(text):
        bonus += 0.15
    if profile.time and _has_date(text):
        bonus += 0.15
    # shorter windows that cover the same terms are more precise evidence
    length_penalty = 0.0008 * max(0, len(text) - 80)
    return Window(text, coverage, coverage + bonus - length_penalty)


@lru_cache(maxsize=16384)
def has_quantity(text: str) -> bool:
    """True when the text states a figure with a unit (367亿元, 52家, 85.94%); remembered, as every
    question scores the same passages' sentences again."""
    return bool(_HAS_NUMBER.search(text))


@lru_cache(maxsize=16384)
def _has_date(text: str) -> bool:
    return bool(_HAS_DATE.search(text))


def best_window(profile: QueryProfile, text: str, context: str = "") -> Window:
    """The best sentence or sentence pair of a passage for the question."""
    best = Window("", 0.0, -1.0)
    for w in windows(text):
        cand = score_text(profile, w, context)
        if cand.score > best.score:
            best = cand
    return best


def expand_tokens(tokens: list[str]) -> list[str]:
    """Query tokens plus their equivalent terms (for the BM25 leg)."""
    syn = synonyms()
    out = list(tokens)
    for t in tokens:
        out.extend(a for a in syn.get(t, ()) if a not in out)
    return out
