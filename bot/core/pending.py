"""What the bot last asked each user and is still waiting for (a flow step, 确认/取消, which one).

Kept in memory for a few minutes: a free-text answer is read as the answer to that question; after
the time-out, or once the user does something else, text is routed as usual again.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.texts import load_texts

__all__ = ["Pending", "PendingPrompts", "is_no", "is_yes"]

_TRIM = " \t\n。.!！~～，,"


def _said(text: str, words: str) -> bool:
    wanted = {w.lower() for w in load_texts().words(f"intent.{words}")}
    return text.strip(_TRIM).lower() in wanted


def is_yes(text: str) -> bool:
    """ "确认" / "确定" / "是的": the user agrees (texts.yaml intent.agree_words)."""
    return _said(text, "agree_words")


def is_no(text: str) -> bool:
    """ "取消" / "算了" / "不": the user backs out (texts.yaml intent.decline_words)."""
    return _said(text, "decline_words")


@dataclass(frozen=True)
class Pending:
    """One open question: its kind ("flow", "confirm_all", "forget", "which") and its data."""

    kind: str
    data: str
    expires: float


class PendingPrompts:
    """Open questions per user, forgotten after `ttl` seconds (bounded: the oldest go first)."""

    def __init__(
        self,
        *,
        ttl: float = 600.0,
        max_users: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max = max_users
        self._clock = clock
        self._open: OrderedDict[str, Pending] = OrderedDict()

    def ask(self, user_key: str, kind: str, data: str = "") -> None:
        """Remember that we just asked user_key something."""
        self._open.pop(user_key, None)
        self._open[user_key] = Pending(kind, data, self._clock() + self._ttl)
        while len(self._open) > self._max:
            self._open.popitem(last=False)

    def peek(self, user_key: str, kind: str | None = None) -> Pending | None:
        """The open question (of that kind), if it has not expired."""
        pending = self._open.get(user_key)
        if pending is None:
            return None
        if pending.expires < self._clock():
            del self._open[user_key]
            return None
        return pending if kind is None or pending.kind == kind else None

    def clear(self, user_key: str) -> None:
        """The user answered or moved on."""
        self._open.pop(user_key, None)
