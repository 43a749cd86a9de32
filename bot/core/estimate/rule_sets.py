"""The checks the chat offers (测算项目) as data: rule_sets.yaml says which command starts each rule
set, which words pick it, which texts name it; settings choose the default through the composition."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from bot.core.estimate.forms import FormSpec

__all__ = ["UPLOAD_SUFFIXES", "RuleSetInfo", "RuleSets", "load_rule_sets"]


@dataclass(frozen=True)
class RuleSetInfo:
    """One check: its rule set, the command and words that start it, and its texts."""

    id: str
    kind: str  # points | tech_sme | high_tech (the rule file's `kind`)
    command: str
    menu: str
    name: str
    start: str
    start_words: tuple[str, ...]
    caption_words: tuple[str, ...]
    policy_terms: str
    family: str  # the built-in entry whose form and firm texts it uses (itself unless a zone's)


class RuleSets:
    """The offered checks in menu order, and the default for figures and uploads without a command."""

    def __init__(self, entries: list[RuleSetInfo], default: str, suffixes: tuple[str, ...]) -> None:
        self._entries = entries
        self._by_id = {e.id: e for e in entries}
        if default not in self._by_id:
            raise ValueError(f"default rule set {default!r} is not offered")
        self.default = default
        self.upload_suffixes = suffixes

    def __iter__(self) -> Iterator[RuleSetInfo]:
        return iter(self._entries)

    def __contains__(self, rule_set: object) -> bool:
        return rule_set in self._by_id

    def get(self, rule_set: str) -> RuleSetInfo | None:
        """The entry of a rule set, or None when the chat does not offer it."""
        return self._by_id.get(rule_set)

    def for_command(self, command: str) -> str | None:
        """The rule set a command (/score, /sme, /hightech) starts."""
        return next((e.id for e in self._entries if e.command == command), None)

    def of_kind(self, kind: str) -> str | None:
        """The offered rule set of a kind ("points": what 积分 means)."""
        return next((e.id for e in self._entries if e.kind == kind), None)

    def family(self, rule_set: str) -> str:
        """The built-in id whose form and texts a rule set uses (itself when built in)."""
        entry = self._by_id.get(rule_set)
        return entry.family if entry is not None else rule_set

    def offered(self, rule_set: str) -> str:
        """The rule set the chat runs for a built-in id (a zone's replaces the one of its kind)."""
        return next((e.id for e in self._entries if e.family == rule_set), rule_set)

    def for_caption(self, caption: str) -> str:
        """The rule set an upload's caption asks for ("/sme", "科小", "高企" …), else the default."""
        for entry in self._entries:
            if any(word in caption for word in entry.caption_words):
                return entry.id
        return self.default

    def accepts_upload(self, file_name: str) -> bool:
        """Whether a file name has a table type batch scoring reads."""
        return file_name.lower().endswith(self.upload_suffixes)

    def forms(self, forms: dict[str, FormSpec]) -> dict[str, FormSpec]:
        """The dialogue form of each offered check (a zone's rule set takes its kind's form)."""
        return {e.id: replace(forms[e.family], rule_set=e.id, start=e.start) for e in self._entries}

    def with_default(self, default: str, kind_of: Callable[[str], str]) -> RuleSets:
        """These checks with another default; a rule set not offered (a zone's) replaces the entry
        of its kind, keeping that entry's command, words and texts. kind_of raises for an unknown id."""
        if default in self._by_id:
            return RuleSets(self._entries, default, self.upload_suffixes)
        kind = kind_of(default)
        if not any(e.kind == kind for e in self._entries):
            raise ValueError(f"default rule set {default!r} is of a kind the chat does not offer")
        entries = [replace(e, id=default) if e.kind == kind else e for e in self._entries]
        return RuleSets(entries, default, self.upload_suffixes)


def _read() -> dict[str, Any]:
    text = resources.files("bot.core.estimate").joinpath("rule_sets.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("rule_sets"), dict):
        raise ValueError("rule_sets.yaml needs a rule_sets mapping")
    return data


@lru_cache(maxsize=1)
def load_rule_sets() -> RuleSets:
    """The bundled checks; the first is the default until settings say otherwise."""
    data = _read()
    table = data["rule_sets"]
    assert isinstance(table, dict)  # checked by _read
    entries = [
        RuleSetInfo(
            id=str(key), kind=str(value["kind"]), command=str(value["command"]),
            menu=str(value["menu"]), name=str(value["name"]), start=str(value["start"]),
            start_words=_words(value.get("start_words")), caption_words=_words(value.get("caption_words")),
            policy_terms=str(value.get("policy_terms") or ""), family=str(key),
        )
        for key, value in table.items()
    ]
    uploads = data.get("uploads")
    suffixes = _words(uploads.get("suffixes") if isinstance(uploads, dict) else None)
    return RuleSets(entries, entries[0].id, tuple(s.lower() for s in suffixes))


def _words(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


UPLOAD_SUFFIXES = load_rule_sets().upload_suffixes
"""Table files batch scoring reads; every channel accepts exactly these."""
