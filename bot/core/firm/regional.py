"""A region's own rules asked for (按地区规则测算): "按成都的规则帮我算" is answered plainly — which rules are
installed (the national reference model for 积分; the national 办法 for 高企 and 科小), that the region's own
are not — and then the estimate is offered on what is installed, never passed off as the region's score."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.core.firm.intents import check_named
from bot.core.places import load_places
from bot.core.texts import Texts
from bot.core.types import Reply
from scoring.errors import ScoringError
from scoring.loader import load_rule_set

if TYPE_CHECKING:
    from bot.core.firm.desk import FirmDesk

__all__ = ["regional_note", "rules_place", "without_rules_phrase"]


@lru_cache(maxsize=2)
def _pattern(t: Texts) -> re.Pattern[str]:
    """A lead ("按", "根据"), a short stretch naming the place, then a rule word ("规则", "标准")."""
    leads, words = (sorted(t.words(k), key=len, reverse=True) for k in ("region_rule_leads", "region_rule_words"))
    lead, word = ("|".join(map(re.escape, w)) for w in (leads, words))
    return re.compile(rf"(?:{lead})(?P<where>[^，,。；;？?！!]{{1,14}}?)(?:{word})")


def rules_place(text: str, t: Texts) -> tuple[str, str] | None:
    """(surface, canonical) of the place whose rules the message asks to be scored by, or None."""
    for found in _pattern(t).finditer(text):
        places = load_places().find(found.group("where"))
        if places:
            return places[0]
    return None


def without_rules_phrase(text: str, t: Texts, check_words: list[str]) -> str:
    """The message without "按成都的规则" and check names: what is left may hold the firm's figures
    (the place there is the rules', not the firm's, and "高企" picks the check, never 资质)."""
    rest = _pattern(t).sub(" ", text)
    for word in sorted(check_words, key=len, reverse=True):
        rest = rest.replace(word, " ")
    return rest.strip()


def regional_note(desk: FirmDesk, text: str, t: Texts, place: tuple[str, str]) -> tuple[str, Reply]:
    """The check to run (高企/科小 when named, else 积分) and the plain note on whose rules it uses."""
    named = check_named(text, desk.vocab)  # a region's own rules are about 积分 unless a check is named
    rule_set = named if named is not None and _national(desk, named) else desk.vocab.get("generic_check")
    surface, _ = place
    try:
        title = load_rule_set(rule_set).title
    except ScoringError:  # a zone's own file outside the built-in folder: its id names it
        title = rule_set
    if surface in title:  # a zone's rules for this place are installed: nothing to warn about
        return rule_set, Reply(text=t.get("region_rules_installed", place=surface, title=title))
    name = desk.vocab.lookup("check_names", rule_set)
    key = "region_rules_national" if _national(desk, rule_set) else "region_rules_reference"
    return rule_set, Reply(text=t.get(key, place=surface, name=name, title=title))


def _national(desk: FirmDesk, rule_set: str) -> bool:
    """高企 and 科小 follow one national 办法; only the points model is a regional matter."""
    return not desk.vocab.is_generic(rule_set)
