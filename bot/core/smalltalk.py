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
    particles = {w.lower() for w in texts.words("intent.smalltalk_particles")}
    found: list[str] = []
    for part in parts:
        pieces = _pieces(part, words["thanks"] | words["ack"], particles)
        if pieces is None:
            return None
        found += pieces
    if not found:
        return None
    return "thanks" if any(p in words["thanks"] for p in found) else "ack"


def _pieces(part: str, known: set[str], particles: set[str]) -> list[str] | None:
    """"好的谢谢啦" → ["好的", "谢谢"]: small-talk words run together, particles dropped; None if anything else."""
    vocabulary = sorted(known | particles, key=len, reverse=True)
    out: list[str] = []
    while part:
        word = next((w for w in vocabulary if part.startswith(w)), None)
        if word is None:
            return None
        if word in known:
            out.append(word)
        part = part[len(word):]
    return out
