"""Split long replies on paragraph/sentence boundaries so every chunk fits a phone message."""

from __future__ import annotations

import re

__all__ = ["split_text"]

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;…])|(?<=\. )")


def split_text(text: str, limit: int) -> list[str]:
    """Chunks of at most `limit` characters, cut at paragraphs, then lines, sentences, words."""
    if limit <= 0:
        raise ValueError("limit must be positive")
    text = text.strip()
    if not text:
        return []
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        if current and len(current) + len(piece) <= limit:
            current += piece
            continue
        if current.strip():
            chunks.append(current.strip())
        current = piece.lstrip("\n")
    if current.strip():
        chunks.append(current.strip())
    return chunks


def _pieces(text: str, limit: int) -> list[str]:
    """Atoms no longer than limit, each keeping its leading separator (paragraph or newline)."""
    out: list[str] = []
    for p_index, paragraph in enumerate(text.split("\n\n")):
        lead = "\n\n" if p_index else ""
        for l_index, line in enumerate(paragraph.split("\n")):
            line_lead = lead if l_index == 0 else "\n"
            for s_index, sentence in enumerate(_sentences(line, limit)):
                out.append((line_lead if s_index == 0 else "") + sentence)
    return out


def _sentences(line: str, limit: int) -> list[str]:
    """Sentences of a line; a sentence longer than limit is cut at spaces or hard."""
    parts = [s for s in _SENTENCE_END.split(line) if s]
    if not parts:
        return [line]
    out: list[str] = []
    for sentence in parts:
        while len(sentence) > limit:
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            out.append(sentence[:cut])
            sentence = sentence[cut:].lstrip(" ")
        if sentence:
            out.append(sentence)
    return out
