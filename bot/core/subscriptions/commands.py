"""Subscription commands (订阅): /subscribe (text or keyboard flow), /subs, /unsubscribe, /digest."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import replace

from bot.core.digests.fanout import DigestService
from bot.core.pending import PendingPrompts, PromptStore
from bot.core.ports import Clock, SystemClock
from bot.core.subscriptions.answers import SubscriptionAnswers
from bot.core.subscriptions.editor import SubscriptionEditor
from bot.core.subscriptions.flow import SubscriptionFlow
from bot.core.subscriptions.manage import PlainManager
from bot.core.subscriptions.parser import (
    ParsedRequest,
    Vocabulary,
    load_vocabulary,
    parse_request,
)
from bot.core.subscriptions.plain import PlainRequest, alike, load_request_words, read_target
from bot.core.subscriptions.render import subscription_label, unused_lines
from bot.core.subscriptions.replies import (
    created_reply,
    list_reply,
    preview_replies,
    refusal_text,
    remove_which_reply,
)
from bot.core.subscriptions.schedule import with_phase
from bot.core.subscriptions.texts import load_subscription_texts
from bot.core.subscriptions.types import (
    DeliveryLog,
    Subscription,
    SubscriptionDraft,
    SubscriptionRepository,
)
from bot.core.texts import Texts
from bot.core.types import Incoming, Reply

__all__ = ["MAX_PER_USER", "SubscriptionService"]

log = logging.getLogger(__name__)

MAX_PER_USER = 10


def _same(a: SubscriptionDraft, b: SubscriptionDraft) -> bool:
    keys = ("topics", "regions", "frequency", "weekday", "hour", "minute", "month_day", "nth")
    return all(getattr(a, k) == getattr(b, k) for k in keys)


class SubscriptionService:
    """Implements the core's SubscriptionHandler and Forgettable seams for subscriptions."""

    def __init__(
        self,
        *,
        store: SubscriptionRepository,
        deliveries: DeliveryLog,
        digests: DigestService | None = None,
        clock: Clock | None = None,
        wechat_template_configured: bool = False,
        max_per_user: int = MAX_PER_USER,
        timezone: str = "Asia/Shanghai",
        vocab: Vocabulary | None = None,
        texts: Texts | None = None,
        prompts: PromptStore | None = None,
    ) -> None:
        self.store = store
        self.deliveries = deliveries
        self.digests = digests
        self.clock = clock or SystemClock()
        self.wechat_template_configured = wechat_template_configured
        self.max_per_user = max_per_user
        self.timezone = timezone  # schedules users type are local times in this zone
        self.vocab = vocab or load_vocabulary()
        self.texts = texts or load_subscription_texts()
        self._listeners: list[Callable[[], object]] = []
        # "哪一个？", 确认/取消, "暂停多久？": in the database when given, so any worker reads the answer
        self.pending = PendingPrompts(prompts, scope="subscriptions", clock=self.clock)
        self.flow = SubscriptionFlow(vocab=self.vocab, texts=self.texts, pending=self.pending)
        self.editor = SubscriptionEditor(
            store=store,
            clock=self.clock,
            vocab=self.vocab,
            texts=self.texts,
            pending=self.pending,
            changed=self._changed,
            with_phase=with_phase,
        )
        self.words = load_request_words()
        self.manager = PlainManager(
            store=store,
            clock=self.clock,
            texts=self.texts,
            pending=self.pending,
            editor=self.editor,
            changed=self._changed,
            vocab=self.vocab,
            words=self.words,
        )
        self.answers = SubscriptionAnswers(
            commands=self,
            store=store,
            clock=self.clock,
            texts=self.texts,
            vocab=self.vocab,
            words=self.words,
            pending=self.pending,
            flow=self.flow,
            editor=self.editor,
            manager=self.manager,
        )

    def add_listener(self, listener: Callable[[], object]) -> None:
        """Called after any change (the scheduler re-syncs its jobs)."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in self._listeners:
            try:
                listener()
            except Exception:  # a scheduler hiccup must not fail the user's command
                log.exception("subscription change listener failed")

    async def handle(self, incoming: Incoming, command: str, args: str) -> list[Reply]:
        """Route one subscription command; never raises, never shows internals to the user."""
        try:
            return await self._dispatch(incoming, command, (args or "").strip())
        except Exception:
            log.exception("subscription command %s failed", command)
            return [Reply(text=self.texts.get("error"))]

    async def _dispatch(self, incoming: Incoming, command: str, args: str) -> list[Reply]:
        if command == "digest":
            return await self.preview(incoming, args)
        if command == "callback" and args.startswith("sub:pv:") and args[7:].isdigit():
            return await self.preview(incoming, "", int(args[7:]))
        # Everything else is a few quick store calls: one hop off the event loop for all of them.
        return await asyncio.to_thread(self._dispatch_sync, incoming, command, args)

    def _dispatch_sync(self, incoming: Incoming, command: str, args: str) -> list[Reply]:
        if command == "subscribe":
            return self.subscribe(incoming, args)
        if command == "unsubscribe":
            return self.unsubscribe(incoming, args)
        if command == "callback":
            return self.callback(incoming, args)
        return self.list_subscriptions(incoming)

    # --- /subscribe ------------------------------------------------------------------------
    def subscribe(self, incoming: Incoming, args: str, like: Subscription | None = None) -> list[Reply]:
        """Free-text subscription, or the keyboard flow when nothing was named."""
        parsed = parse_request(re.sub(r"^订阅", "", args).strip(), self.vocab)
        parsed = alike(parsed, like) if like is not None else parsed
        if parsed.schedule_errors:
            return [Reply(text=refusal_text(parsed, self.texts))]
        if not parsed.understood:
            if not (parsed.unknown or parsed.foreign):
                return self.flow.start(incoming.user_key)  # nothing named at all: ask step by step
            lines = [
                self.texts.get("nothing_understood"),
                *unused_lines(parsed, self.texts),
                self.texts.get("topics_hint", topics="、".join(self.vocab.topics)),
            ]
            [prompt] = self.flow.start(incoming.user_key)
            return [Reply(text="\n".join(lines), choices=prompt.choices)]
        return self.create(incoming, parsed)

    def create(self, incoming: Incoming, parsed: ParsedRequest) -> list[Reply]:
        """Store the understood request (unless a twin exists or the limit is reached) and say so."""
        now = self.clock.now()
        draft = with_phase(replace(parsed.draft, timezone=self.timezone), now)
        existing = self.store.list_for_user(incoming.user_key)
        for sub in existing:
            if _same(sub, draft):
                return [
                    Reply(
                        text=self.texts.get("duplicate", label=subscription_label(sub, self.texts))
                    )
                ]
        if len(existing) >= self.max_per_user:
            return [Reply(text=self.texts.get("limit", limit=self.max_per_user))]
        sub = self.store.add(
            draft,
            user_key=incoming.user_key,
            channel=incoming.channel,
            user_id=incoming.user_id,
            at=now,
        )
        self._changed()
        self.editor.touched(sub)
        wechat_note = incoming.channel == "wechat" and not self.wechat_template_configured
        reply = created_reply(
            sub, parsed, number=len(existing) + 1, now=now, vocab=self.vocab, texts=self.texts,
            wechat_note=wechat_note,
        )  # fmt: skip
        return [reply]

    def _stale(self) -> list[Reply]:
        return [Reply(text=self.texts.get("stale_button"))]

    # --- /subs, /unsubscribe -------------------------------------------------------------------
    def list_subscriptions(self, incoming: Incoming) -> list[Reply]:
        """Numbered list with preview / cancel buttons."""
        subs = self.store.list_for_user(incoming.user_key)
        if self.pending.peek(incoming.user_key, "done"):
            self.pending.clear(incoming.user_key)  # the whole list is in view: no "that one" now
        return [list_reply(subs, self.clock.now(), self.texts)]

    def unsubscribe(self, incoming: Incoming, args: str) -> list[Reply]:
        """`/unsubscribe n`, `/unsubscribe all`, or a topic word; nothing → ask which."""
        args = re.sub(r"^取消订阅", "", args).strip()
        subs = self.store.list_for_user(incoming.user_key)
        if not subs:
            return [Reply(text=self.texts.get("list_empty"))]
        target = read_target(args.lower(), self.vocab, self.words) if args else None
        if target is not None and target.named:
            return self.manager.act(incoming.user_key, PlainRequest("cancel", target=target)) or []
        if len(subs) == 1 and not args:
            return self._remove(incoming, subs[0].id)
        return [remove_which_reply(subs, self.texts)]

    def _remove(self, incoming: Incoming, subscription_id: int) -> list[Reply]:
        sub = self.store.get(subscription_id)
        if sub is None or sub.user_key != incoming.user_key or not sub.active:
            return [Reply(text=self.texts.get("not_found"))]
        self.store.deactivate(sub.id, reason="unsubscribed", at=self.clock.now())
        self._changed()
        return [Reply(text=self.texts.get("removed", label=subscription_label(sub, self.texts)))]

    # --- /digest preview ---------------------------------------------------------------------
    async def preview(
        self, incoming: Incoming, args: str, subscription_id: int | None = None
    ) -> list[Reply]:
        """What the next digest would contain now (nothing is recorded as sent)."""
        if self.digests is None:
            return [Reply(text=self.texts.get("error"))]
        pairs = await asyncio.to_thread(self.digests.preview, incoming.user_key, self.clock.now())
        if subscription_id is not None:
            pairs = [p for p in pairs if p[0].id == subscription_id]
            if not pairs:
                return [Reply(text=self.texts.get("not_found"))]
        if not pairs:
            return [Reply(text=self.texts.get("preview_none"))]
        if args.isdigit() and 1 <= int(args) <= len(pairs):
            pairs = [pairs[int(args) - 1]]
        return preview_replies(pairs, self.texts)

    # --- callbacks ---------------------------------------------------------------------------
    def callback(self, incoming: Incoming, data: str) -> list[Reply]:
        """Button clicks: "sub:new", "sub:n:…", "sub:del:ID", "sub:delall[:yes|:no]"."""
        user_key = incoming.user_key
        if data in ("sub:new", "sub:n"):
            return self.flow.start(user_key)
        if data.startswith("sub:n:"):
            result = self.flow.on_callback(user_key, data)
            if result is None:
                return self._stale()
            return self.create(incoming, result.done) if result.done else result.replies
        if data == "sub:list":
            return self.list_subscriptions(incoming)
        if data == "sub:delall":
            return self.unsubscribe(incoming, "all")
        if data in ("sub:delall:yes", "sub:delall:no"):
            pending = self.pending.peek(user_key, "confirm_all")
            if pending is None:
                return self._stale()
            answer = "确认" if data.endswith("yes") else "取消"
            return self.manager.answer(user_key, "confirm_all", pending.data, answer) or []
        kind, _, ident = data.removeprefix("sub:").partition(":")
        if kind == "del" and ident.isdigit():
            return self._remove(incoming, int(ident))
        return self._stale()

    # --- typed answers and plain-word edits (answers.py) ----------------------------------
    async def answer_prompt(self, incoming: Incoming, text: str) -> list[Reply] | None:
        """Text answering our open question (flow step, 确认/取消, which one); None otherwise."""
        return await asyncio.to_thread(self.answers.answer_prompt, incoming, text)

    async def edit(self, incoming: Incoming, text: str) -> list[Reply] | None:
        """A request or edit in plain words ("取消成都那个", "改成每周五"); None when the text is not one."""
        return await asyncio.to_thread(self.answers.plain, incoming, text)

    def leave(self, user_key: str) -> None:
        """The user started something else: an open subscription question is dropped."""
        self.pending.clear(user_key)

    def count(self, user_key: str) -> int:
        """How many active subscriptions the user has (for /forget's confirmation)."""
        return len(self.store.list_for_user(user_key))

    # --- /forget -------------------------------------------------------------------------------
    def forget_user(self, user_key: str) -> int:
        """Delete the user's subscriptions, delivery history and open subscription questions."""
        count = self.store.forget_user(user_key) + self.deliveries.forget_user(user_key)
        count += self.pending.forget_user(user_key)
        self._changed()
        return count
