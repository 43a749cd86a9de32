"""/forget (删除我的数据): it cannot be undone, so it names what goes and waits for 确认 or 取消."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from bot.core.pending import PendingPrompts, PromptStore, is_yes
from bot.core.ports import Forgettable, SubscriptionHandler
from bot.core.privacy import user_tag
from bot.core.texts import Texts
from bot.core.types import Choice, Incoming, Reply

__all__ = ["Forgetting"]

log = logging.getLogger(__name__)


class Forgetting:
    """Asks, then erases the user from every store that keeps them, in the given order."""

    def __init__(
        self, forgettables: Sequence[Forgettable], subscriptions: SubscriptionHandler | None, texts: Texts,
        prompts: PromptStore | None = None,
    ) -> None:
        self._stores = list(forgettables)
        self._subscriptions = subscriptions
        self._texts = texts
        # an open "/forget: 确认/取消?" per user; in the database when given, so a restart keeps it
        self._pending = PendingPrompts(prompts, scope="forget")

    def drop_question(self, user_key: str) -> None:
        """Another command came: the question is no longer open."""
        self._pending.clear(user_key)

    def requested(self, text: str) -> bool:
        """"把我的数据都删了" / "删除我的信息" / "注销": /forget in plain words (never "删除档案里的研发费用")."""
        t = self._texts
        core = text.strip(" 。.!！~～吧啊呀")
        if core in t.words("intent.forget_whole"):
            return True
        if core.endswith(("吗", "么", "?", "？")) or not any(v in core for v in t.words("intent.forget_verbs")):
            return False
        return any(o in core and not _located(core, o) for o in t.words("intent.forget_objects"))

    async def ask(self, incoming: Incoming) -> list[Reply]:
        """Say what goes (and how many subscriptions) and wait for the answer."""
        subs = 0
        if self._subscriptions is not None:
            subs = await asyncio.to_thread(self._subscriptions.count, incoming.user_key)
        self._pending.ask(incoming.user_key, "forget")
        buttons = ((Choice("确认删除", "forget:yes"), Choice("取消", "forget:no")),)
        return [Reply(text=self._texts.get("forget_confirm", subs=subs), choices=buttons)]

    async def answer_text(self, incoming: Incoming, text: str) -> list[Reply] | None:
        """The open question owns the next message: only 确认 erases, anything else keeps; None when none is open."""
        if self._pending.peek(incoming.user_key, "forget") is None:
            return None
        self._pending.clear(incoming.user_key)
        if is_yes(text):
            return await self._forget(incoming)
        return [Reply(text=self._texts.get("forget_kept"))]  # "算了不删了": never data for an open form

    async def answer_button(self, incoming: Incoming, data: str) -> list[Reply]:
        """The forget:yes / forget:no buttons; a stale one says so."""
        if self._pending.peek(incoming.user_key, "forget") is None:
            return [Reply(text=self._texts.get("stale_choice"))]
        self._pending.clear(incoming.user_key)
        return await self._forget(incoming) if data == "forget:yes" else [Reply(text=self._texts.get("forget_kept"))]

    async def _forget(self, incoming: Incoming) -> list[Reply]:
        total = 0
        for store in self._stores:
            total += await asyncio.to_thread(store.forget_user, incoming.user_key)
        log.info("user %s forgotten (%d records)", user_tag(incoming.user_key), total)
        if total == 0:
            return [Reply(text=self._texts.get("forgotten_none"))]
        return [Reply(text=self._texts.get("forgotten", count=total))]


def _located(text: str, word: str) -> bool:
    """"我的档案里的研发费用": the word names where a field is, not what goes."""
    at = text.find(word) + len(word)
    return text[at : at + 1] in ("里", "中", "的")
