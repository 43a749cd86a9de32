"""Colloquial and typo-tolerant questions: read 宁科带 as 宁科贷 and 咋 as 怎么 before searching."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from retrieval.datafiles import data_file
from retrieval.textutil import CJK, segmenter

__all__ = ["Correction", "QueryVariants", "domain_vocabulary", "variant_rules"]

_CJK_RUN = re.compile(rf"[{CJK}]+")


@dataclass(frozen=True)
class VariantRules:
    """The data file: confusable characters, short domain terms, colloquial forms."""

    confusable: dict[str, frozenset[str]]
    domain_terms: frozenset[str]
    colloquial: tuple[tuple[str, str], ...]


@lru_cache(maxsize=1)
def variant_rules() -> VariantRules:
    """Read variants.yaml once per process."""
    data = data_file("variants.yaml") or {}
    confusable: dict[str, set[str]] = {}
    for group in data.get("homophones") or []:
        chars = [str(c) for c in group]
        for c in chars:
            confusable.setdefault(c, set()).update(x for x in chars if x != c)
    colloquial = sorted(((str(k), str(v)) for k, v in (data.get("colloquial") or {}).items()),
                        key=lambda kv: -len(kv[0]))
    return VariantRules(
        {c: frozenset(s) for c, s in confusable.items()},
        frozenset(str(t) for t in data.get("domain_terms") or []),
        tuple(colloquial),
    )


def domain_vocabulary(index_tokens: Collection[str]) -> frozenset[str]:
    """Index tokens plus the domain terms of the data files (tag keywords, synonym groups)."""
    from retrieval.evidence import synonyms
    from retrieval.tagging import tag_rules

    words = set(index_tokens) | set(variant_rules().domain_terms) | set(synonyms())
    for keywords in tag_rules().keywords.values():
        words.update(keywords)
    return frozenset(words)


@dataclass(frozen=True)
class Correction:
    """A question as typed, as read, and each replacement made (typed -> read)."""

    original: str
    text: str
    fixes: tuple[tuple[str, str], ...] = ()


def _is_word(text: str) -> bool:
    return bool(segmenter().has_word(text))


class QueryVariants:
    """Typo and colloquial normaliser over a vocabulary (the index's tokens plus the domain terms)."""

    def __init__(self, vocabulary: Collection[str], rules: VariantRules | None = None) -> None:
        self.rules = rules or variant_rules()
        self.vocabulary = frozenset(vocabulary)
        self._cache: dict[str, Correction] = {}
        self._masked: dict[str, set[str]] = {}
        for term in self.vocabulary:
            if 3 <= len(term) <= 8 and _CJK_RUN.fullmatch(term):
                self._index(term)
        self._short: dict[str, set[str]] = {}
        for term in self.rules.domain_terms:
            for k in range(len(term)):
                self._short.setdefault(term[:k] + "?" + term[k + 1 :], set()).add(term)

    def _index(self, term: str) -> None:
        for k in range(len(term)):
            self._masked.setdefault(term[:k] + "?" + term[k + 1 :], set()).add(term)

    def correct(self, question: str) -> Correction:
        """Colloquial forms first, then one-character typos of corpus and domain terms (memoised)."""
        hit = self._cache.get(question)
        if hit is None:
            hit = self._correct(question)
            if len(self._cache) >= 2048:
                self._cache.clear()
            self._cache[question] = hit
        return hit

    def _correct(self, question: str) -> Correction:
        text, fixes = self._colloquial(question)
        out: list[str] = []
        pos = 0
        for run in _CJK_RUN.finditer(text):
            out.append(text[pos : run.start()])
            fixed, run_fixes = self._fix_run(run.group(0))
            out.append(fixed)
            fixes.extend(run_fixes)
            pos = run.end()
        out.append(text[pos:])
        return Correction(question, "".join(out), tuple(fixes))

    def _colloquial(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        fixes: list[tuple[str, str]] = []
        for form, canonical in self.rules.colloquial:
            if form not in text:
                continue
            kept = [(m.start(), m.end()) for m in re.finditer(re.escape(canonical), text)]
            pieces: list[str] = []
            last = 0
            for m in re.finditer(re.escape(form), text):
                if any(s < m.end() and m.start() < e for s, e in kept):
                    continue  # already the canonical wording (特派员 inside 科技特派员)
                left, right = text[max(m.start() - 1, 0) : m.start() + 1], text[m.end() - 1 : m.end() + 1]
                if (m.start() > 0 and _is_word(left)) or (m.end() < len(text) and _is_word(right)):
                    continue  # part of another word (排多少 inside 安排多少)
                pieces += [text[last : m.start()], canonical]
                last = m.end()
            if pieces:
                text = "".join(pieces) + text[last:]
                fixes.append((form, canonical))
        return text, fixes

    def _fix_run(self, run: str) -> tuple[str, list[tuple[str, str]]]:
        """Greedy left to right: the longest fragment that is one confusable character off a term."""
        fixes: list[tuple[str, str]] = []
        i = 0
        chars = list(run)
        while i < len(chars):
            done = False
            for length in range(min(8, len(chars) - i), 1, -1):
                frag = "".join(chars[i : i + length])
                term = self._term_for(frag)
                if term is not None and self._breaks_word(chars, i, length, term):
                    term = None
                if term is not None:
                    chars[i : i + length] = list(term)
                    fixes.append((frag, term))
                    i += length
                    done = True
                    break
                if frag in self.vocabulary and length >= 3:
                    i += length  # a real term: keep it whole
                    done = True
                    break
            if not done:
                i += 1
        return "".join(chars), fixes

    @staticmethod
    def _breaks_word(chars: list[str], i: int, length: int, term: str) -> bool:
        """The changed character forms a real word with its outside neighbour (初创企|业: 企业 stays)."""
        for k in range(length):
            if chars[i + k] == term[k]:
                continue
            left = "".join(chars[i + k - 1 : i + k + 1]) if k == 0 and i > 0 else ""
            right = "".join(chars[i + k : i + k + 2]) if k == length - 1 and i + length < len(chars) else ""
            if (left and _is_word(left)) or (right and _is_word(right)):
                return True
        return False

    def _term_for(self, frag: str) -> str | None:
        """The term this fragment mistypes, if exactly one is a confusable character away."""
        if frag in self.vocabulary or frag in self.rules.domain_terms:
            return None
        short = len(frag) == 2
        if short and _is_word(frag):
            return None  # 带动, 代表: real words, not typos
        masked = self._short if short else self._masked
        found: set[str] = set()
        for k, ch in enumerate(frag):
            alts = self.rules.confusable.get(ch)
            if not alts:
                continue
            for term in masked.get(frag[:k] + "?" + frag[k + 1 :], ()):
                if term[k] in alts:
                    found.add(term)
        return found.pop() if len(found) == 1 else None

    def near_form(self, fragment: str) -> str | None:
        """A corpus term one character away from an unknown fragment (any character, 3+ long)."""
        if len(fragment) < 3:
            return None
        found = {t for k in range(len(fragment)) for t in self._masked.get(fragment[:k] + "?" + fragment[k + 1 :], ())}
        return found.pop() if len(found) == 1 else None
