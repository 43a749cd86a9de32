"""Free text for subscriptions: the answer to our open question (a flow step, 确认/取消, which one,
how long) or a request in plain words ("取消成都那个", "改成每周五"); None lets other routes try."""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from bot.core.pending import PendingPrompts, is_yes
from bot.core.ports import Clock
from bot.core.subscriptions.editor import SubscriptionEditor
from bot.core.subscriptions.flow import SubscriptionFlow
from bot.core.subscriptions.manage import PlainManager
from bot.core.subscriptions.parser import ParsedRequest, Vocabulary, parse_request
from bot.core.subscriptions.plain import RequestWords, Target, read_request
from bot.core.subscriptions.render import next_delivery_text, subscription_label
from bot.core.subscriptions.types import Subscription, SubscriptionRepository
from bot.core.texts import Texts
from bot.core.types import Incoming, Reply

__all__ = ["SubscriptionAnswers", "SubscriptionCommands"]


class SubscriptionCommands(Protocol):
    """What a typed answer may end in: a new subscription, or the list."""

    def subscribe(self, incoming: Incoming, args: str, like: Subscription | None = None) -> list[Reply]: ...

    def create(self, incoming: Incoming, parsed: ParsedRequest) -> list[Reply]: ...

    def list_subscriptions(self, incoming: Incoming) -> list[Reply]: ...


class SubscriptionAnswers:
    """Reads text against the open question first, then as a plain-word request (blocking calls)."""

    def __init__(
        self,
        *,
        commands: SubscriptionCommands,
        store: SubscriptionRepository,
        clock: Clock,
        texts: Texts,
        vocab: Vocabulary,
        words: RequestWords,
        pending: PendingPrompts,
        flow: SubscriptionFlow,
        editor: SubscriptionEditor,
        manager: PlainManager,
    ) -> None:
        self._commands = commands
        self._store = store
        self._clock = clock
        self._texts = texts
        self._vocab = vocab
        self._words = words
        self._pending = pending
        self._flow = flow
        self._editor = editor
        self._manager = manager

    def answer_prompt(self, incoming: Incoming, text: str) -> list[Reply] | None:
        """Text answering our open question (flow step, 确认/取消, which one); None otherwise."""
        pending = self._pending.peek(incoming.user_key)
        if pending is None:
            return None
        kind = pending.kind
        if kind == "flow":
            result = self._flow.on_text(incoming.user_key, text)
            if result is None:
                return None
            return self._commands.create(incoming, result.done) if result.done else result.replies
        if kind == "which":
            replies = self._editor.answer_which(incoming.user_key, text)
        elif kind == "done":
            replies = self._after_change(incoming, text, pending.data)
        elif kind in self._manager.PROMPTS:
            replies = self._manager.answer(incoming.user_key, kind, pending.data, text)
        else:
            replies = None
        if replies is None:
            self._pending.clear(incoming.user_key)  # the user moved on: route the text as usual
        return replies

    def plain(self, incoming: Incoming, text: str, recent: int | None = None) -> list[Reply] | None:
        """A request or edit in plain words; `recent` is the subscription just changed ("那个")."""
        request = read_request(text, self._vocab, self._words)
        if request is None and recent is not None:  # "不要了，取消吧" right after a change: that one
            request = read_request(text, self._vocab, self._words, recent=True)
            if request is not None and request.kind != "subscribe" and not request.target.named:
                request = replace(request, target=self._target_of(incoming.user_key, recent))
        if request is None:
            return self._editor.on_text(incoming.user_key, text, recent)
        if request.kind == "list":
            return self._commands.list_subscriptions(incoming)
        if request.kind == "subscribe":
            like = self._store.get(recent) if request.alike and recent else None
            return self._commands.subscribe(incoming, request.text, like)
        return self._manager.act(incoming.user_key, request)

    def _target_of(self, user_key: str, sub_id: int) -> Target:
        """The subscription just changed, by its number in the user's list."""
        ids = [s.id for s in self._store.list_for_user(user_key)]
        return Target(number=ids.index(sub_id) + 1) if sub_id in ids else Target()

    def _after_change(self, incoming: Incoming, text: str, data: str) -> list[Reply] | None:
        """ "确认" right after a change keeps it; "改成每周五" means the subscription just changed."""
        sub = self._store.get(int(data)) if data.isdigit() else None
        if sub is None or not sub.active:
            return None
        if is_yes(text):  # the context stays: "改成每周五" next still means this one
            label = subscription_label(sub, self._texts)
            when = next_delivery_text(sub, self._clock.now())
            return [Reply(text=self._texts.get("kept", label=label, next=when))]
        replies = self.plain(incoming, text, recent=sub.id)
        return replies if replies is not None else self._terms_for(incoming, sub, text)

    def _terms_for(self, incoming: Incoming, sub: Subscription, text: str) -> list[Reply] | None:
        """Right after a change, a bare schedule, region or topic ("每周发一次就行", "杭州的") edits that one;
        "全国的" when it has no region keeps it as it is."""
        parsed = parse_request(text, self._vocab)
        if parsed.unknown or parsed.foreign or len(text) > 20:
            return None
        if parsed.schedule.mentioned or parsed.understood:
            return self._editor.on_text(incoming.user_key, self._texts.get("schedule_as_edit", text=text), sub.id)
        if not sub.regions and text.strip(" 。.!！的吧") in self._texts.words("nationwide_words"):
            label = subscription_label(sub, self._texts)
            return [Reply(text=self._texts.get("kept", label=label, next=next_delivery_text(sub, self._clock.now())))]
        return None
