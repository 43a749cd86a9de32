"""Reading a raw message: clean it, spot a command, guess the intent of free text (意图识别)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.core.texts import Texts
from scoring.units import without_vague_figures

__all__ = [
    "Cleaned",
    "Command",
    "clean_text",
    "has_content",
    "is_bare_quantity",
    "is_question",
    "matches_word",
    "parse_command",
    "subscription_command",
]

_SPACES = re.compile(r"[ \t\u3000]+")
_COMMAND = re.compile(r"^/([A-Za-z_]+)(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)
_TRIM = " \t\n。.!！?？,，、;；:：~～"
_BARE_QUANTITY = re.compile(r"[\d０-９.．,，%％\s]+(?:[万亿千百]*(?:元|人|件|个|项|年)?)")


@dataclass(frozen=True)
class Cleaned:
    """Message text with control characters removed and length bounded."""

    text: str
    truncated: bool
    length: int = 0  # characters before the cut


@dataclass(frozen=True)
class Command:
    """A slash command such as `/score 营收3000万` (bot-name suffixes dropped)."""

    name: str
    args: str


def clean_text(raw: str, max_chars: int) -> Cleaned:
    """Drop control/format characters (keep newlines), squeeze spaces, cut to max_chars."""
    kept = []
    for ch in raw:
        if ch == "\n":
            kept.append(ch)
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            kept.append(" " if ch in "\t\r\x0b\x0c" else "")
            continue
        kept.append(ch)
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(kept).split("\n")]
    text = "\n".join(line for line in lines if line)
    truncated = len(text) > max_chars
    return Cleaned(text=text[:max_chars], truncated=truncated, length=len(text))


def has_content(text: str) -> bool:
    """True when the text holds a letter, digit or CJK character (not only emoji/punctuation)."""
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)


def is_bare_quantity(text: str) -> bool:
    """A number with at most a unit ("2", "3000万", "12人") and nothing saying what it is."""
    return _BARE_QUANTITY.fullmatch(text.strip()) is not None


def parse_command(text: str) -> Command | None:
    """The slash command at the start of text, or None for free text."""
    stripped = text.strip()
    if stripped.startswith("／"):  # a full-width slash from a Chinese keyboard
        stripped = "/" + stripped[1:]
    match = _COMMAND.match(stripped)
    if not match:
        return None
    return Command(name=match.group(1).lower(), args=(match.group(2) or "").strip())


def matches_word(text: str, words: tuple[str, ...]) -> bool:
    """True when the whole message is one of words (ignoring case and trailing punctuation)."""
    core = text.strip(_TRIM).lower()
    return any(core == w.lower() for w in words)


def is_question(text: str, texts: Texts) -> bool:
    """A message that asks something (question mark or a question word)."""
    if text.rstrip().endswith(("?", "？")):
        return True
    if any(word in without_vague_figures(text) for word in texts.words("intent.question_words")):
        return True
    # "高新技术企业认定条件": a topic typed like a search, with no figure in it
    core = text.strip().rstrip(_TRIM)
    return not any(ch.isdigit() for ch in core) and core.endswith(texts.words("intent.question_tails"))


def subscription_command(text: str, texts: Texts) -> Command | None:
    """Free text like "订阅 积分贷 成都" / "取消订阅…" as a subscription command, else None."""
    stripped = text.strip()
    if stripped.endswith(("?", "？", "吗")):  # "订阅要钱吗？" asks; plain-word requests read the rest
        return None
    for prefix in texts.words("intent.subscribe_prefixes"):
        if stripped.startswith(prefix):
            name = "unsubscribe" if prefix.startswith("取消") else "subscribe"
            return Command(name=name, args=stripped[len(prefix) :].strip(_TRIM))
    return None
