"""Reading typed answers that are not figures: a choice ("省级", "没有"), the region and industry."""

from __future__ import annotations

import re

from bot.core.estimate.port import Figure, ScoringPort
from bot.core.intents import matches_word
from bot.core.places import load_places
from bot.core.texts import Texts

__all__ = ["choice_by_label", "industry_in", "match_choice", "profile_in", "read_profile"]

_PART_SPLIT = re.compile(r"[，,、；;\s/]+")
_ZERO_KINDS = ("count", "percent", "money")  # "没有" answering 专利数、境外研发占比、高新收入 is 0


def match_choice(scoring: ScoringPort, texts: Texts, asked: list[str], text: str) -> dict[str, Figure] | None:
    """A typed answer to a choice question ("省级", "是"), or "没有" for counts, shares, money."""
    zeroable = [scoring.field(n) for n in asked]
    no_words = texts.words("intent.no_words")
    if asked and matches_word(text, no_words) and all(s is not None and s.kind in _ZERO_KINDS for s in zeroable):
        return {s.name: 0 for s in zeroable if s is not None}
    if len(asked) != 1:
        return None
    spec = scoring.field(asked[0])
    if spec is None:
        return None
    if spec.kind == "bool":
        if matches_word(text, texts.words("intent.yes_words")):
            return {spec.name: True}
        if matches_word(text, no_words):
            return {spec.name: False}
        return None
    if spec.kind != "enum":
        return None
    typed = text.strip(" 。.")
    for value, label in spec.choices:
        if typed in (value, label):
            return {spec.name: value}
    if "none" in dict(spec.choices) and matches_word(text, no_words):
        return {spec.name: "none"}  # "没有" / "无" / "否" for 资质、研发机构、标准
    return None


def read_profile(text: str) -> tuple[str | None, str | None]:
    """(region, industry) from "泸州 白酒": the region is a gazetteer place wherever it stands."""
    places = load_places()
    words = [w for w in _PART_SPLIT.split(text.strip(" 。.")) if w]
    region = next((r for w in words if (r := places.resolve(w)) is not None), None)
    if region is None:
        found = places.find(text)
        region = found[0][1] if found else None
    rest = [w for w in words if places.resolve(w) is None and not places.find(w)]
    return region, " ".join(rest)[:50] or None


def industry_in(text: str, texts: Texts) -> str | None:
    """The industry a message names in passing ("成都的软件公司", "做软件的"), else None."""
    words = sorted(texts.words("intent.industry_words"), key=len, reverse=True)
    tails = "|".join(map(re.escape, texts.words("intent.industry_tails")))
    heads = "|".join(map(re.escape, texts.words("intent.industry_heads")))
    for word in words:
        w = re.escape(word)
        if re.search(f"{w}(?:{tails})|(?:{heads}){w}", text):
            return word
    return None


def profile_in(text: str, texts: Texts) -> tuple[str | None, str | None]:
    """(region, industry) a figures message names in passing; one region only, never a pick among several."""
    regions = {name for _, name in load_places().find(text)}
    region = next(iter(regions)) if len(regions) == 1 else None
    return region, industry_in(text, texts)


def choice_by_label(scoring: ScoringPort, vocab: Texts, text: str) -> dict[str, Figure]:
    """"资质无" / "研发机构省级": an enum or yes/no field named, then one of its labels."""
    core = text.strip(" 。.，,：:")
    none_words, some_words = vocab.words("none_words"), vocab.words("some_words")
    for cut in range(len(core) - 1, 0, -1):
        spec = scoring.lookup(core[:cut])
        if spec is None or spec.kind not in ("enum", "bool"):
            continue
        rest = core[cut:].strip(" ：:是为")
        if spec.kind == "bool":
            if rest in none_words:
                return {spec.name: False}
            if rest in some_words:
                return {spec.name: True}
        for value, label in spec.choices:
            if rest in (value, label) or (value == "none" and rest in none_words):
                return {spec.name: value}
    return {}
