"""Elliptical follow-ups (省略追问): "那杭州呢" after "成都的积分贷最高能贷多少" is that question for
杭州; "利率多少" after it asks about the same 成都积分贷. Pure text work; words in followup.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.core.places import Places, load_places
from bot.core.texts import Texts

__all__ = ["Followups", "load_followups", "question_place"]

_PUNCT = re.compile(r"[\s,，。.!！?？~～、;；:：…]+")
MAX_CHARS = 16  # a follow-up is short; anything longer stands on its own


@dataclass(frozen=True)
class Followups:
    """Rewrites a short follow-up into a whole question from the previous one."""

    leads: tuple[str, ...]
    tails: tuple[str, ...]
    checks: tuple[str, ...]  # qualification words (高企, 科小 …), longest first
    topics: tuple[str, ...]  # other policy subjects (积分贷 …), longest first
    attributes: tuple[str, ...]
    places: Places

    def rewrite(self, previous: str | None, text: str) -> str | None:
        """The whole question a follow-up stands for, or None when it is not one."""
        if not previous or len(text.strip()) > MAX_CHARS or any(ch.isdigit() for ch in text):
            return None
        core = self._core(text)
        if not core:
            return None
        if core in self.checks or core in self.topics:  # "那高企呢" swaps; a bare "高企" switches topic
            return self._swap_subject(previous, core) if core != _PUNCT.sub("", text) else None
        if self.places.resolve(core) is not None:
            return self._swap_place(previous, core)
        places = [s for s, _ in self.places.find(core) if s in core]
        subjects = [w for _, w in self._subjects(core)]
        if not places and not subjects:
            subject = self._subject_of(previous) if self._only_attributes(core) else ""
            return subject + core if subject else None
        return self._fill(previous, core, places, subjects)

    def _fill(self, previous: str, core: str, places: list[str], subjects: list[str]) -> str | None:
        """"那杭州的利率呢" after a 成都积分贷 question: its subject (积分贷) from the previous one. A
        subject named with no place ("那高企的条件呢") stands on its own: rules are mostly national."""
        if len(places) != 1 or subjects or not self._only_attributes(core.replace(places[0], "", 1)):
            return None
        carried = "".join(w for _, w in self._subjects(previous))
        return core.replace(places[0], places[0] + carried, 1) if carried else None

    def _core(self, text: str) -> str:
        """The message without lead words ("那"), tails ("的呢") and punctuation."""
        core = _PUNCT.sub("", text)
        for _ in range(3):
            before = core
            core = next((core[len(w):] for w in self.leads if core.startswith(w) and len(core) > len(w)), core)
            core = next((core[: -len(w)] for w in self.tails if core.endswith(w) and len(core) > len(w)), core)
            if core == before:
                break
        return core

    def _only_attributes(self, core: str) -> bool:
        rest = core
        for word in self.attributes:
            rest = rest.replace(word, "")
        return rest == ""

    def _subjects(self, text: str) -> list[tuple[int, str]]:
        """Qualification and topic words in text, in order, never one inside a longer one."""
        found: list[tuple[int, str]] = []
        taken: set[int] = set()
        for word in sorted((*self.checks, *self.topics), key=len, reverse=True):
            at = text.find(word)
            if at >= 0 and not taken & set(range(at, at + len(word))):
                found.append((at, word))
                taken |= set(range(at, at + len(word)))
        return sorted(found)

    def _swap_subject(self, previous: str, word: str) -> str:
        """The previous question about another qualification or topic (one of the same kind swapped,
        else the word put in front: "那科小呢" after a 加计扣除 question asks it for 科小)."""
        kind = self.checks if word in self.checks else self.topics
        same = [w for _, w in self._subjects(previous) if w in kind]
        return previous.replace(same[0], word, 1) if same else word + previous

    def _swap_place(self, previous: str, word: str) -> str:
        """The previous question about another place (prefixed when it named none)."""
        for surface, _ in self.places.find(previous):
            if surface in previous:
                return previous.replace(surface, word, 1)
        return word + previous

    def _subject_of(self, previous: str) -> str:
        """"成都积分贷": the place and the subjects the previous question named."""
        place = next((s for s, _ in self.places.find(previous) if s in previous), "")
        return place + "".join(w for _, w in self._subjects(previous))


@lru_cache(maxsize=4)
def load_followups(checks: tuple[str, ...]) -> Followups:
    """The bundled words, with the qualification words of the firm vocabulary."""
    t = Texts.load("bot.core", "followup.yaml")
    topics = tuple(w for w in t.words("topics") if w not in checks)
    return Followups(t.words("leads"), t.words("tails"), _by_length(checks), _by_length(topics),
                     _by_length(t.words("attributes")), load_places())


def _by_length(words: tuple[str, ...]) -> tuple[str, ...]:
    """Longest first, so a word is never matched inside a longer one."""
    return tuple(sorted(words, key=len, reverse=True))


def question_place(question: str | None) -> str | None:
    """The region a question names first (canonical), or None."""
    found = load_places().find(question) if question else []
    return found[0][1] if found else None
