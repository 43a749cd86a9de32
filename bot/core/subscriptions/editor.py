"""Applies plain-word edits to stored subscriptions and restates the result (修改、暂停、恢复)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.core.intents import is_question
from bot.core.pending import PendingPrompts
from bot.core.ports import Clock
from bot.core.subscriptions.edits import (
    MAX_PAUSE_DAYS,
    EditRequest,
    find_targets,
    number_of,
    parse_edit,
    pause_days,
)
from bot.core.subscriptions.parser import (
    MAX_REGIONS,
    MAX_TOPICS,
    ParsedRequest,
    Vocabulary,
    apply_schedule,
    parse_request,
    read_terms,
)
from bot.core.subscriptions.render import (
    next_delivery_text,
    schedule_errors_text,
    subscription_label,
    summary_lines,
    unused_lines,
)
from bot.core.subscriptions.schedule_parser import parse_schedule
from bot.core.subscriptions.types import Subscription, SubscriptionDraft, SubscriptionRepository
from bot.core.texts import Texts, load_texts
from bot.core.types import Reply

__all__ = ["SubscriptionEditor"]

_SEP = "\x1f"  # between the edit's fields in the open "which one?" prompt


def _refusal(parsed: ParsedRequest, texts: Texts) -> str:
    return texts.get("edit_refused", errors=schedule_errors_text(parsed, texts))


class SubscriptionEditor:
    """Reads an edit, finds the subscription it names (or asks), changes it in place."""

    def __init__(
        self,
        *,
        store: SubscriptionRepository,
        clock: Clock,
        vocab: Vocabulary,
        texts: Texts,
        pending: PendingPrompts,
        changed: Callable[[], None],
        with_phase: Callable[[SubscriptionDraft, datetime], SubscriptionDraft],
    ) -> None:
        self.store = store
        self.clock = clock
        self.vocab = vocab
        self.texts = texts
        self.pending = pending
        self.changed = changed
        self.with_phase = with_phase

    def on_text(self, user_key: str, text: str, recent: int | None = None) -> list[Reply] | None:
        """Replies when the text edits a subscription; None when it is not an edit for us.

        `recent`: the subscription just created or changed, meant by an edit that names none.
        """
        edit = parse_edit(text)
        if edit is None or is_question(text, load_texts()) or not self._about_subscriptions(edit):
            return None
        parsed = parse_request(edit.payload, self.vocab)
        # A schedule, a pause or the word 订阅 can only mean a subscription; "把地区改成重庆"
        # may be the firm profile's business.
        ours = parsed.schedule.mentioned or "订阅" in text or edit.action in ("pause", "resume")
        if not ours and any(ch.isdigit() for ch in edit.payload):
            return None  # "加上研发人员12人": a figure for the scoring dialogue, not a topic
        subs = self.store.list_for_user(user_key)
        if not subs:
            return [Reply(text=self.texts.get("list_empty"))] if ours else None
        if edit.action == "change" and parsed.schedule_errors:
            return [Reply(text=_refusal(parsed, self.texts))]  # refused before asking which one
        found, named = find_targets(edit.target, subs, self.vocab)
        if not named:  # "把推送时间改成…" names no subscription: the one just changed, or ask
            edit = EditRequest(edit.action, "", edit.payload)
            found = [s for s in found if s.id == recent] or found
        if named and not found:
            if number_of(edit.target) is None and not ours:
                return None
            return [Reply(text=self.texts.get("edit_no_match", words=edit.target))]
        if len(found) > 1:
            return [self._ask_which(user_key, edit, found, subs)]
        return self.apply(edit, found[0], subs)

    def _about_subscriptions(self, edit: EditRequest) -> bool:
        """Only edits whose new content is subscription content are ours."""
        if edit.action == "resume":
            return True
        if edit.action == "pause":
            return not edit.payload or pause_days(edit.payload) is not None
        when = parse_schedule(edit.payload)
        terms = read_terms(when.rest, self.vocab)
        return when.mentioned or bool(terms.topics or terms.regions)

    def _ask_which(
        self, user_key: str, edit: EditRequest, found: list[Subscription], subs: list[Subscription]
    ) -> Reply:
        numbers = {s.id: n for n, s in enumerate(subs, start=1)}
        self.pending.ask(user_key, "which", _SEP.join((edit.action, edit.target, edit.payload)))
        if edit.target:
            lines = [self.texts.get("edit_which", count=len(found), words=edit.target)]
        else:
            lines = [self.texts.get("edit_which_any", count=len(found))]
        lines += [f"{numbers[s.id]}. {subscription_label(s, self.texts)}" for s in found]
        # No buttons: a channel that numbers its buttons (WeChat) would clash with /subs numbers.
        return Reply(text="\n".join(lines))

    def answer_which(self, user_key: str, text: str) -> list[Reply] | None:
        """A number typed at "改哪一个？"; None when the text is no number (the user moved on)."""
        pending = self.pending.peek(user_key, "which")
        n = number_of(text) if pending else None
        if pending is None or n is None:
            return None
        subs = self.store.list_for_user(user_key)
        return self._apply_pending(user_key, pending.data, subs[n - 1] if n <= len(subs) else None)

    def _apply_pending(self, user_key: str, data: str, sub: Subscription | None) -> list[Reply]:
        if sub is None:
            return [Reply(text=self.texts.get("not_found"))]
        self.pending.clear(user_key)
        action, target, payload = data.split(_SEP)
        subs = self.store.list_for_user(user_key)
        return self.apply(EditRequest(action, target, payload), sub, subs)

    # --- applying --------------------------------------------------------------------------
    def apply(
        self, edit: EditRequest, sub: Subscription, subs: list[Subscription]
    ) -> list[Reply]:
        """Change `sub` as the edit says and restate it; nothing changes when it cannot be read."""
        now = self.clock.now()
        number = next(n for n, s in enumerate(subs, start=1) if s.id == sub.id)
        if edit.action in ("pause", "resume"):
            return [self._pause(sub, number, edit, now)]
        parsed = parse_request(edit.payload, self.vocab)
        if parsed.schedule_errors:
            return [Reply(text=_refusal(parsed, self.texts))]
        draft, not_before = self._edited(sub, edit, parsed, now)
        if draft is None:
            lines = [self.texts.get("edit_unclear"), *unused_lines(parsed, self.texts)]
            return [Reply(text="\n".join(lines))]
        if not (draft.topics or draft.regions) and (sub.topics or sub.regions):
            return [Reply(text=self.texts.get("edit_would_be_all", n=number))]  # never widen silently
        updated = self.store.update(sub.id, draft, not_before=not_before)
        if updated is None:
            return [Reply(text=self.texts.get("not_found"))]
        self.changed()
        self.touched(updated)
        shown = replace(parsed, defaulted=())  # the edit changed only what it named
        return [Reply(text="\n".join(self._restated(updated, number, now, shown)))]

    def _edited(
        self, sub: Subscription, edit: EditRequest, parsed: ParsedRequest, now: datetime
    ) -> tuple[SubscriptionDraft | None, datetime | None]:
        """The new draft (None when the payload says nothing we can use) and its not_before."""
        new = parsed.draft
        topics, regions = list(sub.topics), list(sub.regions)
        named = read_terms(edit.target, self.vocab) if edit.target else None
        if edit.action == "add":
            topics += new.topics
            regions += new.regions
        elif edit.action == "remove":
            topics = [t for t in topics if t not in new.topics]
            regions = [r for r in regions if r not in new.regions]
        else:
            if new.topics:
                keep = [t for t in topics if named is not None and t not in named.topics]
                topics = (keep if named and named.topics else []) + list(new.topics)
            if new.regions:
                keep = [r for r in regions if named is not None and r not in named.regions]
                regions = (keep if named and named.regions else []) + list(new.regions)
        draft: SubscriptionDraft = replace(
            sub,
            topics=tuple(dict.fromkeys(topics))[:MAX_TOPICS],
            regions=tuple(dict.fromkeys(regions))[:MAX_REGIONS],
        )
        not_before = sub.not_before
        if edit.action == "change" and parsed.schedule.mentioned:
            draft, _ = apply_schedule(draft, parsed.schedule)
            # a new schedule starts now, but a pause the user set still holds
            draft = self.with_phase(draft, now)
            not_before = max(sub.not_before, now) if sub.not_before else now
        content = (draft.topics, draft.regions) != (sub.topics, sub.regions)
        if not content and not (edit.action == "change" and parsed.schedule.mentioned):
            return None, None
        return draft, not_before

    def _pause(self, sub: Subscription, number: int, edit: EditRequest, now: datetime) -> Reply:
        if edit.action == "resume":
            return self.resume(sub, number, now)
        days = pause_days(edit.payload)
        if days is None:
            return Reply(text=self.texts.get("pause_how_long"))
        return self.pause(sub, number, now + timedelta(days=days), now)

    def pause(self, sub: Subscription, number: int, until: datetime, now: datetime) -> Reply:
        """Hold `sub` back until `until` (at most 180 days) and restate it."""
        if until - now > timedelta(days=MAX_PAUSE_DAYS):
            return Reply(text=self.texts.get("pause_too_long", days=(until - now).days))
        updated = self.store.update(sub.id, sub, not_before=until)
        self.changed()
        self.touched(updated or sub)
        return Reply(
            text="\n".join(self._restated(updated or sub, number, now, None, "paused", until))
        )

    def resume(self, sub: Subscription, number: int, now: datetime) -> Reply:
        """Send `sub` again from its next slot and restate it."""
        updated = self.store.update(sub.id, sub, not_before=now)
        self.changed()
        self.touched(updated or sub)
        return Reply(text="\n".join(self._restated(updated or sub, number, now, None, "resumed")))

    def touched(self, sub: Subscription) -> None:
        """Remember the subscription just changed: "确认" or "改成每周五" next means that one."""
        self.pending.ask(sub.user_key, "done", str(sub.id))

    def _restated(
        self,
        sub: Subscription,
        number: int,
        now: datetime,
        parsed: ParsedRequest | None,
        how: str = "edited",
        until: datetime | None = None,
    ) -> list[str]:
        head = self.texts.get(f"edit_{how}", n=number, until=f"{until:%-m月%-d日}" if until else "")
        lines = [head, *summary_lines(sub, self.vocab, self.texts, parsed)]
        lines.append(self.texts.get("edit_next", next=next_delivery_text(sub, now)))
        if parsed is not None:
            lines += unused_lines(parsed, self.texts)
        return lines
