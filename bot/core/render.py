"""Turning answers and matched briefings into short phone-sized Chinese replies (results: firm/verdict)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.texts import Texts
from retrieval.types import Answer, Hit

__all__ = ["render_answer", "render_policies"]

MAX_ANSWER_CHARS = 700
MAX_CITATIONS = 3


def render_answer(answer: Answer, texts: Texts) -> str:
    """The answer, then up to three distinct sources.

    An abstention already names its nearest sources in the text, so no list repeats them.
    """
    body = answer.answer.strip()
    if len(body) > MAX_ANSWER_CHARS:
        body = body[:MAX_ANSWER_CHARS].rstrip() + "…"
    lines = [body]
    if not answer.grounded:
        return body
    seen: set[tuple[str, str]] = set()
    cites = []
    for c in answer.citations:
        key = (c.doc_id, c.title)
        if key in seen:
            continue
        seen.add(key)
        key_name = "citation_knowledge" if c.kind == "knowledge" else "citation"
        cites.append(texts.get(key_name, title=_title(c.title), source=c.source, date=c.date).rstrip())
        if len(cites) == MAX_CITATIONS:
            break
    if cites:
        lines += ["", texts.get("sources_header"), *cites]
    return "\n".join(lines)


def render_policies(hits: Sequence[Hit], texts: Texts) -> str:
    """The matched briefings, or an honest "none found"."""
    if not hits:
        return texts.get("policy_none")
    items = [
        texts.get("policy_item", title=_title(h.title), source=h.source, date=h.date).rstrip()
        for h in hits
    ]
    return "\n".join([texts.get("policies_header"), *items])


def _title(title: str) -> str:
    """A title in 《》 unless it already quotes a document itself (no 《…《…》…》)."""
    return title if "《" in title else f"《{title}》"
