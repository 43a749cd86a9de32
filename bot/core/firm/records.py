"""Yes/no record items (诚信与安全记录: 失信、重大事故、经营异常…) asked as one question.

A form asks them at its end and a verdict asks again for those never confirmed; both read the
answer here, so "都没有", a named item and "有" alone mean the same in either place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.core.estimate.port import FieldSpec, Figure, ScoringPort
from bot.core.firm.vocab import FirmVocab
from bot.core.intents import is_question
from bot.core.texts import Texts

__all__ = ["RecordAnswer", "none_value", "read_record_answer", "record_labels", "record_question", "rest_settled", "rest_settled_all"]

_PLAIN = re.compile(r"[\W_]")


@dataclass(frozen=True)
class RecordAnswer:
    """What an answer settles: values by field, or `which` ("有" with several items open)."""

    values: dict[str, Figure] = field(default_factory=dict)
    which: bool = False
    lessened: str | None = None  # "不严重": the word that makes it not the 重大 item (nothing recorded)


def none_value(spec: FieldSpec | None) -> Figure | None:
    """The "没有" of an item: 否 for a yes/no, 0 for a count; None for anything else."""
    if spec is None:
        return None
    return False if spec.kind == "bool" else 0 if spec.kind == "count" else None


def _nones(names: list[str], scoring: ScoringPort) -> dict[str, Figure]:
    pairs = ((n, none_value(scoring.field(n))) for n in names)
    return {n: v for n, v in pairs if v is not None}


def record_labels(names: list[str] | tuple[str, ...], vocab: FirmVocab, label: Callable[[str], str]) -> str:
    """"失信名单或失信被执行人、经营异常名录": the items' short words, one each (label() without one)."""
    items = [vocab.lookup("record_items", n, "") or label(n) for n in names]
    return "、".join(dict.fromkeys(items))


def record_question(names: list[str], scoring: ScoringPort, vocab: FirmVocab) -> str:
    """"近三年有无以下情况：失信名单…、经营异常名录？回复“都没有”或说明哪一项"."""
    def label(name: str) -> str:
        spec = scoring.field(name)
        return spec.label if spec is not None else name

    return vocab.get("records_question", items=record_labels(names, vocab, label))


def _named(text: str, pending: list[str], scoring: ScoringPort, vocab: FirmVocab) -> list[str]:
    """Yes/no items the message names ("经营异常名录有"), matched on their labels and item words."""
    size = int(vocab.lookup("veto_match", "chars", "4"))
    plain = _PLAIN.sub("", text)
    named: list[str] = []
    for name in pending:
        spec = scoring.field(name)
        if spec is None or spec.kind != "bool":
            continue  # a count is a number: the figure parser reads it, naming it sets nothing
        words = f"{spec.label} {vocab.lookup('record_items', name, '')}"
        chunks = [c for c in re.split(r"[\W_]|[或和及]", words) if c]
        grams = {c[i : i + size] for c in chunks for i in range(max(len(c) - size + 1, 0))}
        if any(g in plain for g in grams):
            named.append(name)
    return named


def _lessened(text: str, items: list[str], vocab: FirmVocab) -> str | None:
    """The word ("轻微") that says a 重大/严重 item meant is a lesser one, or None."""
    if not any(n in vocab.words("lessened_fields") for n in items):
        return None
    return next((w for w in vocab.words("lessened_words") if w in text), None)


def rest_settled_all(pending: list[str], scoring: ScoringPort) -> dict[str, Figure]:
    """The "都没有" button: every item still open is 没有."""
    return _nones(pending, scoring)


def rest_settled(text: str, pending: list[str], scoring: ScoringPort, vocab: FirmVocab) -> dict[str, Figure]:
    """"…，其他都没有": every item still open is 没有; nothing when the message does not say so."""
    if not any(w in text for w in vocab.words("rest_none_words")):
        return {}
    return _nones(pending, scoring)


def read_record_answer(
    text: str, pending: list[str], scoring: ScoringPort, vocab: FirmVocab, texts: Texts
) -> RecordAnswer | None:
    """"都没有" → every item 没有; a named item → 有 (the rest 没有 after "其他都没有"); None: not an answer
    (a question naming an item, "被列入经营异常名录还能评科小吗", asks; it records nothing)."""
    if is_question(text, texts):
        return None
    core = text.strip(" 。.!！,，")
    rest_words = vocab.words("rest_none_words")
    plain = len(core) <= 15 and not any(ch.isdigit() or ch in "?？吗么什怎" for ch in core)
    bare = core
    for word in rest_words:
        bare = bare.replace(word, "")
    named = _named(bare, pending, scoring, vocab)
    denied = any(w in bare for w in vocab.words("none_words"))
    lesser = _lessened(bare, named or pending, vocab)
    if lesser is not None and not denied:  # "有一次环保处罚，不严重": asked back, never the veto
        return RecordAnswer(lessened=lesser)
    if named and not denied:
        values: dict[str, Figure] = {name: True for name in named}
        rest = [n for n in pending if n not in named]
        return RecordAnswer({**values, **rest_settled(core, rest, scoring, vocab)})
    if plain and core.startswith(vocab.words("none_words")):
        return RecordAnswer(_nones(pending, scoring))
    if core in vocab.words("some_words") or (plain and core.startswith(("有过", "发生过"))):
        asked = [n for n in pending if (s := scoring.field(n)) is not None and s.kind == "bool"]
        if len(asked) > 1:
            return RecordAnswer(which=True)
        return RecordAnswer({asked[0]: True}) if asked else None
    return None
