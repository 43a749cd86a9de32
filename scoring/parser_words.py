"""Facts in plain words (不带数字的事实): denials ("没有专利", "发明专利没有"), the whole staff
("总共80人") and labels no check uses ("固定资产") — word lists in rules/fields.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from scoring.fields import FIELDS, Value, normalize_text

__all__ = [
    "Affirmed", "PhraseContext", "PlainWords", "absent_value", "affirmed_words", "clause_bounds", "denial", "mark_headcount", "not_known", "phrase_stance",
    "plain_words", "yearly_fields",
]

_NUMERAL = r"[0-9０-９零〇一二两三四五六七八九十百千]"
_HEAD = r"(?:个人|人|名|位)"
_BREAK = r"[,，、;；。!！?？\n]"


@dataclass(frozen=True)
class PlainWords:
    """The word lists: denied words → fields, denial words, head-count words, unused labels."""

    absent: dict[str, tuple[str, ...]]
    deny_before: tuple[str, ...]
    deny_after: tuple[str, ...]
    headcount: tuple[str, ...]
    unused: tuple[str, ...]
    unknown: tuple[str, ...]


@cache
def _fields_yaml() -> dict[str, object]:
    """fields.yaml parsed once: every word list below is one of its sections."""
    text = resources.files("scoring").joinpath("rules/fields.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return data if isinstance(data, dict) else {}


def _section(name: str) -> dict[str, object]:
    value = _fields_yaml().get(name)
    return value if isinstance(value, dict) else {}


def _words(section: dict[str, object], key: str) -> tuple[str, ...]:
    """A word list, normalised, in file order."""
    value = section.get(key)
    return tuple(normalize_text(str(w)) for w in value) if isinstance(value, list) else ()


@cache
def plain_words() -> PlainWords:
    """Read once from fields.yaml; an absent entry naming an unknown field is a packaging error."""
    data = _fields_yaml()
    absent = {normalize_text(str(w)): tuple(str(f) for f in fields) if isinstance(fields, list) else ()
              for w, fields in _section("absent").items()}
    unknown = [f for fields in absent.values() for f in fields if f not in FIELDS]
    if unknown:
        raise ValueError(f"fields.yaml absent: unknown fields {unknown}")

    def words(key: str) -> tuple[str, ...]:
        return tuple(sorted(_words(data, key), key=len, reverse=True))

    return PlainWords(absent, words("deny_before"), words("deny_after"), words("headcount_words"),
                      words("unused_labels"), words("unknown_words"))


def absent_value(field_name: str) -> Value | None:
    """What a denied field is: 0, 否 or 无; None for a field a denial cannot set (a ratio)."""
    spec = FIELDS[field_name]
    if spec.kind == "bool":
        return False
    if spec.kind == "enum":
        return "none" if "none" in spec.choices else None
    if spec.kind in ("count", "money") or (spec.kind == "percent" and not spec.derived):
        return 0
    return None


def denial(norm: str, start: int, end: int) -> str | None:
    """The denial word around the word at norm[start:end] ("没有" in "没有专利"/"专利没有"), else None."""
    words = plain_words()
    before = norm[max(0, start - 6) : start]
    for word in words.deny_before:
        if before.endswith(word):
            return word
    after = norm[end:]
    for word in words.deny_after:
        if re.match(f"(?:{re.escape(word)})了?(?:$|{_BREAK}|\\s)", after):
            return word
    return None


def not_known(norm: str, start: int, end: int) -> bool:
    """Whether the label at norm[start:end] is said to be unknown ("研发费用不清楚", "不知道研发费用")."""
    words = plain_words().unknown
    after = re.sub(r"^(?:我们|还|也|都|暂时|目前|的|是)+", "", norm[end : end + 12].lstrip())
    before = norm[max(0, start - 8) : start].rstrip(" 的")
    return any(after.startswith(w) or before.endswith(w) for w in words)


@cache
def _headcount_pattern() -> re.Pattern[str] | None:
    words = plain_words().headcount
    if not words:
        return None
    joined = "|".join(map(re.escape, words))
    return re.compile(f"({joined})\\s*(?={_NUMERAL}[0-9０-９.．零〇一二两三四五六七八九十百千万]*\\s*{_HEAD})")


def mark_headcount(text: str, labels: re.Pattern[str], label: str) -> str:
    """"总共80人" → "<label>80人", unless a label right before it names the figure ("研发人员一共12人").

    A label that already has its own number before it ("12个研发 一共80人") does not count.
    Runs on the raw message (before normalising), so the test sees what the user typed.
    """
    pattern = _headcount_pattern()
    if pattern is None:
        return text

    def swap(m: re.Match[str]) -> str:
        head = text[: m.start()].rstrip(" 的有是")
        named = re.search(f"(?:{labels.pattern})$", head.lower()) if labels.pattern else None
        if named is None:
            return label
        owned = re.search(f"{_NUMERAL}\\s*[个人名位件项]?\\s*$", head[: named.start()])
        return label if owned else m.group()

    return pattern.sub(swap, text)


@dataclass(frozen=True)
class PhraseContext:
    """Words in a phrase's clause that undo it: negations and plans (→ not held), questions (→ nothing)."""

    negation: tuple[str, ...]
    plan: tuple[str, ...]
    question: tuple[str, ...]
    lapsed: tuple[str, ...]
    check: tuple[str, ...]


@cache
def phrase_context() -> PhraseContext:
    """Read once from fields.yaml (phrase_context)."""
    data = _section("phrase_context")
    return PhraseContext(*(_words(data, k) for k in ("negation", "plan", "question", "lapsed", "check")))


def phrase_stance(before: str, after: str) -> str:
    """'held', 'not' or 'asked' for a phrase, from its clause ('还没评上高企' → not, '…高企吗' → asked)."""
    words = phrase_context()
    clause = before + after
    if any(w in clause for w in words.question) or any(w in before for w in words.check):
        return "asked"
    if any(w in before for w in (*words.negation, *words.plan)) or any(w in after for w in words.lapsed):
        return "not"
    return "held"


@dataclass(frozen=True)
class Affirmed:
    """How an affirmed yes/no record is read (fields.yaml affirmed)."""

    affirm: tuple[str, ...]
    undone_after: tuple[str, ...]
    recent_words: tuple[str, ...]
    recent_fields: tuple[str, ...]
    dated: dict[str, str]
    serious_fields: tuple[str, ...] = ()
    lessened: tuple[str, ...] = ()


@cache
def affirmed_words() -> Affirmed:
    """Read once from fields.yaml (affirmed)."""
    data = _section("affirmed")
    dated = data.get("dated")
    return Affirmed(_words(data, "affirm"), _words(data, "undone_after"), _words(data, "recent_words"),
                    _words(data, "recent_fields"),
                    {str(k): str(v) for k, v in dated.items()} if isinstance(dated, dict) else {},
                    _words(data, "serious_fields"), _words(data, "lessened"))


@cache
def yearly_fields() -> frozenset[str]:
    """Figures of one year (营收, 研发费用…): a part year or several years' total is not theirs."""
    names = frozenset(_words(_fields_yaml(), "yearly_fields"))
    unknown = names - FIELDS.keys()
    if unknown:
        raise ValueError(f"fields.yaml yearly_fields: unknown fields {sorted(unknown)}")
    return names


_CLAUSE_END = re.compile(r"[,;。；!！\n、]")  # not ?/？: a question mark belongs to its clause, which it makes a question


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the clause holding text[start:end] begins and ends ('…，还没评上高企，…')."""
    cut = [m.end() for m in _CLAUSE_END.finditer(text, 0, start)]
    nxt = _CLAUSE_END.search(text, end)
    return (cut[-1] if cut else 0), (nxt.start() if nxt else len(text))
