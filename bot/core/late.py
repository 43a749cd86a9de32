"""Images drawn after the text (图表随后): split off, waited for with a bound, never holding the text."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.types import Reply

__all__ = ["LATE_IMAGE_TIMEOUT", "resolve_in_place", "resolve_late", "split_late"]

LATE_IMAGE_TIMEOUT = 20.0  # seconds a channel waits for a chart before sending the text alone


def split_late(replies: Sequence[Reply]) -> tuple[list[Reply], list[Reply]]:
    """The replies to send now, and the images still being drawn to send after them."""
    now = [r for r in replies if r.later is None]
    late = [r for r in replies if r.later is not None]
    return now, late


async def resolve_late(late: Sequence[Reply], timeout: float = LATE_IMAGE_TIMEOUT) -> list[Reply]:
    """Each finished image as a plain image reply; a failed or timed-out one is left out."""
    out: list[Reply] = []
    for reply in late:
        if reply.later is None:
            out.append(reply)
            continue
        png = await reply.later.wait(timeout)
        if png:
            out.append(Reply(text=reply.text, image_png=png, choices=reply.choices))
    return out


async def resolve_in_place(replies: Sequence[Reply], timeout: float = LATE_IMAGE_TIMEOUT) -> list[Reply]:
    """Every reply in its place with late images waited for (callers that send all at once)."""
    if all(r.later is None for r in replies):
        return list(replies)
    out: list[Reply] = []
    for reply in replies:
        out.extend(await resolve_late([reply], timeout))
    return out
