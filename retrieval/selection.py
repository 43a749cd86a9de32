"""Choose answer sentences by what they add: the asked value next to the asked noun, not the topic again."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.evidence import IdfTable, QueryProfile, score_text
from retrieval.targets import Ask, holds, is_subject_word, match, target_rules
from retrieval.textutil import match_key, sentences
from retrieval.types import Hit

__all__ = ["Candidate", "candidates", "combine", "rarest_terms", "trim", "with_subject"]

_CLAUSE = re.compile(r"(?<=[，,；;：:])")
_TOPIC_DISCOUNT = 0.6
_RANK_STEP = 0.03
_MIN_COVERAGE = 0.12
_HEADING_CHARS = 16
_PAIR_COST = 0.05  # two sentences must earn their length


@dataclass(frozen=True)
class Candidate:
    """A sentence (or two neighbours) of a retrieved passage, with how well it answers."""

    text: str
    hit: Hit
    rank: int
    index: int
    span: int
    coverage: float
    score: float
    holds: bool
    held: int
    clauses: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON shape for `ask --explain`."""
        return {"text": self.text, "title": self.hit.title, "rank": self.rank + 1,
                "coverage": round(self.coverage, 3), "score": round(self.score, 3), "holds_target": self.holds}


def _topic_profile(profile: QueryProfile, pool: list[str]) -> QueryProfile:
    """Down-weigh question words that most candidate sentences share (the topic, not the answer)."""
    keys = [match_key(s) for s in pool]
    n = max(len(keys), 1)
    weights = {}
    for tok, w in profile.weights.items():
        share = sum(tok in k for k in keys) / n
        weights[tok] = w * (1.0 - _TOPIC_DISCOUNT * share)
    return QueryProfile(profile.text, weights, profile.quantity, profile.time, profile.alternatives)


def candidates(
    profile: QueryProfile, ask: Ask, hits: list[Hit], idf: IdfTable, places: tuple[str, ...],
    keep: tuple[str, ...] = (),
) -> list[Candidate]:
    """Every sentence and neighbouring pair of the passages, scored; best first.

    `keep`: the question's rarest terms and names; a sentence that carries them all is preferred."""
    keep_keys = [match_key(k) for k in keep]
    split = [sentences(h.text) for h in hits]
    topical = _topic_profile(profile, [s for sents in split for s in sents])
    strict = ask.strict
    out: list[Candidate] = []
    for rank, (hit, sents) in enumerate(zip(hits, split, strict=True)):
        for i in range(len(sents)):
            for span in (1, 2):
                if i + span > len(sents):
                    continue
                text = "".join(sents[i : i + span])
                plain = score_text(profile, text, context=hit.title)
                if plain.coverage < _MIN_COVERAGE:
                    continue  # shares too little of the question to be chosen or quoted
                focused = score_text(topical, text, context=hit.title)
                found = [m for m in (match(t, text, idf, places) for t in strict) if m is not None]
                held = len(found)
                ok = bool(strict) and held == len(strict)
                bonus = 0.5 * held / len(strict) + 0.3 * sum(f for _, f in found) / len(strict) if strict else 0.0
                if ask.has("list") and "、" in text:
                    bonus += 0.15
                if keep_keys and all(k in match_key(text) for k in keep_keys):
                    bonus += 0.2
                if len(text) < _HEADING_CHARS:
                    bonus -= 0.2  # "二是创新优化“宁科贷”。": a heading names the topic, it does not answer
                score = focused.score + bonus - _RANK_STEP * rank - _PAIR_COST * (span - 1)
                out.append(Candidate(text, hit, rank, i, span, plain.coverage, score, ok, held,
                                     tuple(c for c, _ in found)))
    out.sort(key=lambda c: -c.score)
    return out


def with_subject(chosen: Candidate, entities: tuple[str, ...], limit: int) -> str:
    """Pull in the previous sentence when the chosen one leans on it for its subject."""
    sents = sentences(chosen.hit.text)
    text = chosen.text
    if chosen.index == 0:
        return text
    prev = sents[chosen.index - 1]
    key, prev_key = match_key(text), match_key(prev)
    named = any(match_key(e) in key for e in entities)  # the sentence names the subject itself
    leans = text.startswith(target_rules().subjectless) and not named
    lost = any(match_key(e) in prev_key and match_key(e) not in key for e in entities)
    if (leans or lost) and len(prev) + len(text) <= limit:
        return prev + text
    return text


def rarest_terms(profile: QueryProfile, idf: IdfTable, places: tuple[str, ...], n: int = 1) -> list[str]:
    """The question's rarest corpus nouns (not places, not question forms): the answer must not lose them."""
    place_keys = {match_key(p) for p in places}
    known = [
        t for t in profile.weights
        if len(t) >= 2 and idf.df(t) > 0 and t not in place_keys and is_subject_word(t, profile.text)
    ]
    return sorted(known, key=lambda t: -idf(t))[:n]


def trim(
    text: str, ask: Ask, idf: IdfTable, keep: list[str], limit: int,
    values: tuple[str, ...] = (), profile: QueryProfile | None = None,
) -> str:
    """Shorten to the clauses that matter, never dropping the asked value or the rarest term."""
    text = text.strip()
    if len(text) <= limit:
        return text
    clauses = [c for c in _CLAUSE.split(text) if c]
    value_keys = [match_key(v) for v in values if v.strip() and len(v) <= limit]
    held = {
        i for i, c in enumerate(clauses)
        if any(v and (v in match_key(c) or match_key(c) in v) for v in value_keys)
        or (not value_keys and any(holds(t, c, idf) for t in ask.strict))
    }
    rare = {i for i, c in enumerate(clauses) if any(match_key(k) in match_key(c) for k in keep)}
    best, best_score = "", -1.0
    for i in range(len(clauses)):
        span = ""
        for j in range(i, len(clauses)):
            if len(span) + len(clauses[j]) > limit and span:
                break
            span += clauses[j]
            key = match_key(span)
            terms = sum(w for t, w in profile.weights.items() if t in key) / profile.total if profile else 0.0
            score = (10 * sum(1 for m in held if i <= m <= j) + 3 * any(i <= m <= j for m in rare)
                     + terms - len(span) / 1000)
            if score > best_score:
                best, best_score = span, score
    best = best.strip().rstrip("，,；;：:")
    return best + ("" if best.endswith(("。", "！", "？", "”")) else "…")


def combine(first: Candidate, ranked: list[Candidate], ask: Ask, limit: int) -> list[Candidate]:
    """For list and multi-part questions: up to two more sentences that add what the first lacks."""
    picked = [first]
    multi = len(ask.strict) >= 2 or ask.has("list")
    if not multi:
        return picked
    used = set(match_key(first.text))
    total = len(first.text)
    for c in ranked[:30]:
        if len(picked) == 3 or c.score < 0.6 * first.score:
            break
        if c.span != 1 or any(c.text in p.text or p.text in c.text for p in picked):
            continue
        if ask.has("list"):  # more of the same list: its neighbours in the same passage
            adds = c.holds and c.hit.chunk_id == first.hit.chunk_id and abs(c.index - first.index) <= 2
        else:
            adds = c.held > max(p.held for p in picked)
        new = len(set(match_key(c.text)) - used) / max(len(c.text), 1)
        if adds and new > 0.5 and total + len(c.text) <= limit:
            picked.append(c)
            used |= set(match_key(c.text))
            total += len(c.text)
    picked.sort(key=lambda c: (c.rank, c.index))
    return picked
