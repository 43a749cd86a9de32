"""Small talk (寒暄): "谢谢" / "好的" / "收到" get a short polite reply and change nothing."""

from __future__ import annotations

import re

from bot.core.texts import Texts

__all__ = ["small_talk"]

_PARTS = re.compile(r"[\s,，。.!！~～、;；:：]+")
KINDS = ("thanks", "ack")  # intent.<kind>_words -> smalltalk.<kind>


def small_talk(text: str, texts: Texts) -> str | None:
    """"thanks" or "ack" when every part of the message is a small-talk word ("好的，谢谢"), else None."""
    parts = [p.lower() for p in _PARTS.split(text.strip()) if p]
    if not parts or len(parts) > 3:
        return None
    words = {kind: {w.lower() for w in texts.words(f"intent.{kind}_words")} for kind in KINDS}
    if not all(any(p in words[kind] for kind in KINDS) for p in parts):
        return None
    return "thanks" if any(p in words["thanks"] for p in parts) else "ack"
