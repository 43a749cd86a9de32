"""A figure named back under another field (换项确认): "研发人员3000万" is no head count, so the reply asks
"是研发费用吗？"; the next message "是的" / "对" / "我说的是研发费用" records 研发费用 3000万 and "不是"
drops it. The offer is read by re-parsing the message with the other field's name, never guessed."""

from __future__ import annotations

import re

from bot.core.estimate.port import Figure, ParseOutcome, ScoringPort
from bot.core.texts import Texts

__all__ = ["OfferReply", "named_back", "offer_reply", "twin_of_answer"]

_TRIM = " \t\n。.!！,，~～、"
_DIGIT = re.compile(r"[0-9０-９]")
OfferReply = str  # "yes" | "no" | "other"


def named_back(scoring: ScoringPort, text: str, outcome: ParseOutcome) -> dict[str, Figure]:
    """{field: value} for each figure the reply named back under its twin ("是研发费用吗？")."""
    offers: dict[str, Figure] = {}
    understood = {i.field for i in outcome.understood if i.value is not None}
    for name in [*outcome.rejected, *(i.field for i in outcome.understood if i.value is None)]:
        spec = scoring.field(name)
        twin = scoring.lookup(spec.twin) if spec is not None and spec.twin else None
        word = _word_for(scoring, text, name) if twin is not None else None
        if twin is None or spec is None or word is None or twin.name in understood:
            continue
        again = scoring.parse(text.replace(word, spec.twin, 1))
        value = next((i.value for i in again.understood if i.field == twin.name), None)
        if value is not None:
            offers[twin.name] = value
    return offers


def twin_of_answer(scoring: ScoringPort, field: str, raw: str) -> dict[str, Figure]:
    """"3000万" answering 研发人员: the twin field read from the same words ({rd_expense: 3000})."""
    spec = scoring.field(field)
    twin = scoring.lookup(spec.twin) if spec is not None and spec.twin else None
    if spec is None or twin is None:
        return {}
    again = scoring.parse(spec.twin + raw)
    value = next((i.value for i in again.understood if i.field == twin.name), None)
    return {twin.name: value} if value is not None else {}


def offer_reply(scoring: ScoringPort, texts: Texts, offered: dict[str, Figure], text: str) -> OfferReply:
    """"yes" ("是的", "对", "我说的是研发费用"), "no" ("不是", "不对") or "other" (anything else)."""
    core = text.strip(_TRIM)
    if _DIGIT.search(core):
        return "other"  # "不是，是研发人员30人": new figures, read as usual
    if core in texts.words("intent.offer_no_words") or core.startswith(texts.words("intent.offer_no_leads")):
        return "no"
    if core in texts.words("intent.offer_yes_words"):
        return "yes"
    named = {spec.name for spec in (scoring.lookup(w) for w in _spans(core)) if spec is not None}
    said = core.startswith(texts.words("intent.offer_yes_leads")) or len(core) <= 8
    return "yes" if named and named <= set(offered) and said else "other"


def _word_for(scoring: ScoringPort, text: str, name: str) -> str | None:
    """The longest words in text that name the field ("研发人员" in "研发人员3000万")."""
    return next((w for w in _spans(text) if (spec := scoring.lookup(w)) is not None and spec.name == name), None)


def _spans(text: str) -> list[str]:
    """Every 2-8 character piece of text, longest first."""
    n = len(text)
    pieces = {text[i:j] for i in range(n) for j in range(i + 2, min(n, i + 8) + 1)}
    return sorted(pieces, key=len, reverse=True)
