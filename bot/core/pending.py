"""What the bot last asked each user and is still waiting for (a flow step, 确认/取消, which one).

Kept for a few minutes in a `PromptStore`: the database when the composition passes one (a restart
or another worker process still reads the answer), else memory. A free-text answer is read as the
answer to that question; after the time-out, or once the user does something else, text is routed
as usual again.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.ports import Clock, SystemClock
from bot.core.texts import load_texts

__all__ = ["MemoryPrompts", "Pending", "PendingPrompts", "PromptStore", "is_no", "is_yes"]

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
    """One open question: its kind ("flow", "confirm_all", "forget", "which"), its data, its deadline."""

    kind: str
    data: str
    expires: datetime


class PromptStore(Protocol):
    """Open questions by user and asker (`scope`); SQL in bot/storage/prompts.py, `MemoryPrompts` here."""

    def put(self, user_key: str, scope: str, prompt: Pending, now: datetime) -> None:
        """Replace the user's open question of that scope (and drop any that lapsed before now)."""
        ...

    def get(self, user_key: str, scope: str) -> Pending | None:
        """The stored question, lapsed or not."""
        ...

    def delete(self, user_key: str, scope: str) -> None:
        """The question is answered or dropped."""
        ...

    def forget_user(self, user_key: str) -> int:
        """/forget: every open question of the user, every scope; returns how many went."""
        ...


class MemoryPrompts:
    """A PromptStore in this process only (bounded: the oldest questions go first)."""

    def __init__(self, max_users: int = 10_000) -> None:
        self._max = max_users
        self._open: OrderedDict[tuple[str, str], Pending] = OrderedDict()

    def put(self, user_key: str, scope: str, prompt: Pending, now: datetime) -> None:  # noqa: ARG002 - the port's signature
        """Replace the user's open question (the bound, not the clock, keeps memory small)."""
        self._open.pop((user_key, scope), None)
        self._open[(user_key, scope)] = prompt
        while len(self._open) > self._max:
            self._open.popitem(last=False)

    def get(self, user_key: str, scope: str) -> Pending | None:
        """The stored question, lapsed or not."""
        return self._open.get((user_key, scope))

    def delete(self, user_key: str, scope: str) -> None:
        """The question is answered or dropped."""
        self._open.pop((user_key, scope), None)

    def forget_user(self, user_key: str) -> int:
        """Every open question of the user."""
        keys = [k for k in self._open if k[0] == user_key]
        for key in keys:
            del self._open[key]
        return len(keys)


class PendingPrompts:
    """One asker's open questions per user, forgotten after `ttl` seconds."""

    def __init__(
        self,
        store: PromptStore | None = None,
        *,
        scope: str = "",
        ttl: float = 600.0,
        clock: Clock | None = None,
    ) -> None:
        self._store: PromptStore = store if store is not None else MemoryPrompts()
        self._scope = scope
        self._ttl = timedelta(seconds=ttl)
        self._clock = clock or SystemClock()

    def ask(self, user_key: str, kind: str, data: str = "") -> None:
        """Remember that we just asked user_key something."""
        now = self._clock.now()
        self._store.put(user_key, self._scope, Pending(kind, data, now + self._ttl), now)

    def peek(self, user_key: str, kind: str | None = None) -> Pending | None:
        """The open question (of that kind), if it has not expired."""
        pending = self._store.get(user_key, self._scope)
        if pending is None:
            return None
        if pending.expires < self._clock.now():
            self._store.delete(user_key, self._scope)
            return None
        return pending if kind is None or pending.kind == kind else None

    def clear(self, user_key: str) -> None:
        """The user answered or moved on (a read first: most messages have nothing open to delete)."""
        if self._store.get(user_key, self._scope) is not None:
            self._store.delete(user_key, self._scope)

    def forget_user(self, user_key: str) -> int:
        """/forget: the user's open questions go with the rest."""
        return self._store.forget_user(user_key)
