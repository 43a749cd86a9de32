"""Subscription commands (订阅): /subscribe (text or keyboard flow), /subs, /unsubscribe, /digest."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot.core.digest_compose import render_digest
from bot.core.digests import DigestService
from bot.core.ports import Clock, SystemClock
from bot.core.schedule import in_quiet_hours, next_slot, week_phase
from bot.core.subscription_parser import (
    WEEKDAY_NAMES,
    ParsedRequest,
    Vocabulary,
    load_vocabulary,
    parse_request,
)
from bot.core.subscription_render import (
    next_delivery_text,
    subscription_label,
    summary_lines,
    unused_lines,
)
from bot.core.subscription_texts import SubscriptionTexts, load_subscription_texts
from bot.core.subscription_types import (
    DeliveryLog,
    Subscription,
    SubscriptionDraft,
    SubscriptionRepository,
)
from bot.core.types import Choice, Incoming, Reply

__all__ = ["SubscriptionService", "MAX_PER_USER"]

log = logging.getLogger(__name__)

MAX_PER_USER = 10
_FLOW = re.compile(r"^sub:n(?::t(-|\d{1,2}))?(?::r(-|\d{1,2}))?(?::f(\d))?(?::h(\d{1,2}))?$")
_FLOW_FREQUENCIES = (0, 1, 3, 5)  # f0 = 每天, fN = 每周 (N-1): offered as buttons
_ALL_WORDS = {"all", "全部", "所有"}


def _rows(choices: list[Choice], per_row: int = 3) -> tuple[tuple[Choice, ...], ...]:
    return tuple(tuple(choices[i : i + per_row]) for i in range(0, len(choices), per_row))


def _same(a: SubscriptionDraft, b: SubscriptionDraft) -> bool:
    keys = ("topics", "regions", "frequency", "weekday", "hour", "minute", "month_day", "nth")
    return all(getattr(a, k) == getattr(b, k) for k in keys)


def with_phase(draft: SubscriptionDraft, now: datetime) -> SubscriptionDraft:
    """每两周: the first delivery is the next upcoming slot, so that week sets the phase."""
    if draft.frequency != "biweekly":
        return draft
    weekly = replace(draft, frequency="weekly")
    return replace(draft, phase=week_phase(next_slot(weekly, now).scheduled.date()))


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
        texts: SubscriptionTexts | None = None,
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
            return await self._preview_one(incoming, int(args[7:]))
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
    def subscribe(self, incoming: Incoming, args: str) -> list[Reply]:
        """Free-text subscription, or the keyboard flow when nothing was named."""
        args = re.sub(r"^订阅", "", args).strip()
        parsed = parse_request(args, self.vocab)
        if parsed.schedule_errors:
            return [Reply(text=self._refusal(parsed))]
        if not parsed.understood:
            if not (parsed.unknown or parsed.foreign):
                return self._flow_topics()  # nothing named at all: offer buttons
            lines = [
                self.texts.get("nothing_understood"),
                *unused_lines(parsed, self.texts),
                self.texts.get("topics_hint", topics="、".join(self.vocab.topics)),
            ]
            return [Reply(text="\n".join(lines), choices=self._flow_topics()[0].choices)]
        return self._create(incoming, parsed)

    def _refusal(self, parsed: ParsedRequest) -> str:
        """Why the schedule cannot be kept, with the forms that can; nothing was stored."""
        errors = "；".join(
            self.texts.get(f"sched_{e.kind}", words=e.words) for e in parsed.schedule_errors
        )
        return "\n".join(
            [self.texts.get("schedule_refused", errors=errors), *unused_lines(parsed, self.texts)]
        )

    def _create(self, incoming: Incoming, parsed: ParsedRequest) -> list[Reply]:
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
        summary = "\n".join(summary_lines(sub, self.vocab, self.texts, parsed))
        lines = [
            self.texts.get(
                "created",
                n=len(existing) + 1,
                summary=summary,
                next=next_delivery_text(sub, now),
            )
        ]
        lines += self._notes(sub, now)
        if "quiet_invalid" in parsed.problems:
            lines.append(self.texts.get("quiet_invalid", start=sub.quiet_start, end=sub.quiet_end))
        if "too_many" in parsed.problems:
            lines.append(self.texts.get("too_many"))
        lines += unused_lines(parsed, self.texts)
        if incoming.channel == "wechat" and not self.wechat_template_configured:
            lines.append(self.texts.get("wechat_note"))
        buttons = (
            (
                Choice(self.texts.get("btn_preview"), f"sub:pv:{sub.id}"),
                Choice(self.texts.get("btn_unsubscribe"), f"sub:del:{sub.id}"),
            ),
        )
        return [Reply(text="\n".join(lines), choices=buttons)]

    def _notes(self, sub: Subscription, now: datetime) -> list[str]:
        """Quiet-hours shift and the "nothing new" notice, when they apply."""
        lines = []
        slot = next_slot(sub, now)
        if in_quiet_hours(sub, slot.scheduled):
            eff = slot.effective
            lines.append(
                self.texts.get(
                    "quiet_shift",
                    time=f"{sub.hour:02d}:{sub.minute:02d}",
                    start=sub.quiet_start,
                    end=sub.quiet_end,
                    effective=("次日 " if eff.date() > slot.scheduled.date() else "")
                    + f"{eff:%H:%M}",
                )
            )
        if sub.notify_empty:
            lines.append(self.texts.get("notify_empty_on"))
        return lines

    # --- keyboard flow ---------------------------------------------------------------------
    def _flow_topics(self) -> list[Reply]:
        choices = [Choice(t, f"sub:n:t{i}") for i, t in enumerate(self.vocab.topics)]
        choices.append(Choice(self.texts.get("any_topic"), "sub:n:t-"))
        return [Reply(text=self.texts.get("flow_topic"), choices=_rows(choices))]

    def _flow(self, incoming: Incoming, data: str) -> list[Reply]:
        match = _FLOW.match(data)
        if match is None:
            return self._stale()
        t, r, f, h = match.groups()
        if t is None:
            return self._flow_topics()
        topics = self.vocab.topics
        regions = self.vocab.region_buttons
        times = self.vocab.time_buttons
        if t != "-" and int(t) >= len(topics):
            return self._stale()
        if r is None:
            base = f"sub:n:t{t}"
            choices = [Choice(name, f"{base}:r{j}") for j, name in enumerate(regions)]
            choices.append(Choice(self.texts.get("any_region"), f"{base}:r-"))
            return [Reply(text=self.texts.get("flow_region"), choices=_rows(choices, 4))]
        if r != "-" and int(r) >= len(regions):
            return self._stale()
        if f is None:
            base = f"sub:n:t{t}:r{r}"
            labels = [
                self.texts.get("daily")
                if k == 0
                else self.texts.get("weekly", weekday=WEEKDAY_NAMES[k - 1])
                for k in _FLOW_FREQUENCIES
            ]
            choices = [
                Choice(label, f"{base}:f{k}")
                for label, k in zip(labels, _FLOW_FREQUENCIES, strict=True)
            ]
            return [Reply(text=self.texts.get("flow_frequency"), choices=_rows(choices, 4))]
        if int(f) > 7:
            return self._stale()
        if h is None:
            base = f"sub:n:t{t}:r{r}:f{f}"
            choices = [Choice(hm, f"{base}:h{m}") for m, hm in enumerate(times)]
            return [Reply(text=self.texts.get("flow_time"), choices=_rows(choices, 4))]
        if int(h) >= len(times):
            return self._stale()
        hour, minute = (int(x) for x in times[int(h)].split(":"))
        draft = SubscriptionDraft(
            topics=() if t == "-" else (topics[int(t)],),
            regions=() if r == "-" else (regions[int(r)],),
            frequency="daily" if f == "0" else "weekly",
            weekday=None if f == "0" else int(f) - 1,
            hour=hour,
            minute=minute,
        )
        return self._create(
            incoming, ParsedRequest(draft=draft, explicit_schedule=True, wants_all=True)
        )

    def _stale(self) -> list[Reply]:
        return [Reply(text=self.texts.get("stale_button"))]

    # --- /subs, /unsubscribe -------------------------------------------------------------------
    def list_subscriptions(self, incoming: Incoming) -> list[Reply]:
        """Numbered list with preview / cancel buttons."""
        subs = self.store.list_for_user(incoming.user_key)
        if not subs:
            return [Reply(text=self.texts.get("list_empty"))]
        now = self.clock.now()
        lines = [self.texts.get("list_header")]
        rows: list[tuple[Choice, ...]] = []
        for n, sub in enumerate(subs, start=1):
            lines.append(
                self.texts.get(
                    "list_item",
                    n=n,
                    label=subscription_label(sub, self.texts),
                    next=next_delivery_text(sub, now),
                )
            )
            rows.append(
                (
                    Choice(self.texts.get("btn_preview_n", n=n), f"sub:pv:{sub.id}"),
                    Choice(self.texts.get("btn_unsubscribe_n", n=n), f"sub:del:{sub.id}"),
                )
            )
        return [Reply(text="\n".join(lines), choices=tuple(rows))]

    def unsubscribe(self, incoming: Incoming, args: str) -> list[Reply]:
        """`/unsubscribe n`, `/unsubscribe all`, or a topic word; nothing → ask which."""
        args = re.sub(r"^取消订阅", "", args).strip()
        subs = self.store.list_for_user(incoming.user_key)
        if not subs:
            return [Reply(text=self.texts.get("list_empty"))]
        now = self.clock.now()
        if args.lower() in _ALL_WORDS:
            count = self.store.deactivate_user(incoming.user_key, reason="unsubscribed", at=now)
            self._changed()
            return [Reply(text=self.texts.get("removed_all", count=count))]
        target: Subscription | None = None
        if args.isdigit():
            n = int(args)
            target = subs[n - 1] if 1 <= n <= len(subs) else None
            if target is None:
                return [Reply(text=self.texts.get("not_found"))]
        elif args:
            words = set(re.split(r"[\s,，、]+", args)) - {""}
            matches = [s for s in subs if words & {*s.topics, *s.regions}]
            if len(matches) == 1:
                target = matches[0]
        elif len(subs) == 1:
            target = subs[0]
        if target is None:
            rows = tuple(
                (Choice(f"{n}. {subscription_label(s, self.texts)}"[:60], f"sub:del:{s.id}"),)
                for n, s in enumerate(subs, start=1)
            )
            return [Reply(text=self.texts.get("remove_which"), choices=rows)]
        return self._remove(incoming, target.id)

    def _remove(self, incoming: Incoming, subscription_id: int) -> list[Reply]:
        sub = self.store.get(subscription_id)
        if sub is None or sub.user_key != incoming.user_key or not sub.active:
            return [Reply(text=self.texts.get("not_found"))]
        self.store.deactivate(sub.id, reason="unsubscribed", at=self.clock.now())
        self._changed()
        return [Reply(text=self.texts.get("removed", label=subscription_label(sub, self.texts)))]

    # --- /digest preview ---------------------------------------------------------------------
    async def preview(self, incoming: Incoming, args: str) -> list[Reply]:
        """What the next digest would contain now (nothing is recorded as sent)."""
        if self.digests is None:
            return [Reply(text=self.texts.get("error"))]
        pairs = await asyncio.to_thread(self.digests.preview, incoming.user_key, self.clock.now())
        if not pairs:
            return [Reply(text=self.texts.get("preview_none"))]
        if args.isdigit() and 1 <= int(args) <= len(pairs):
            pairs = [pairs[int(args) - 1]]
        return self._render_preview(pairs)

    async def _preview_one(self, incoming: Incoming, subscription_id: int) -> list[Reply]:
        if self.digests is None:
            return [Reply(text=self.texts.get("error"))]
        pairs = await asyncio.to_thread(self.digests.preview, incoming.user_key, self.clock.now())
        pairs = [p for p in pairs if p[0].id == subscription_id]
        if not pairs:
            return [Reply(text=self.texts.get("not_found"))]
        return self._render_preview(pairs)

    def _render_preview(self, pairs: list) -> list[Reply]:  # type: ignore[type-arg]
        replies = [Reply(text=self.texts.get("preview_header"))]
        for sub, digest in pairs:
            label = subscription_label(sub, self.texts)
            if digest.empty:
                replies.append(Reply(text=self.texts.get("preview_empty", label=label)))
            else:
                replies.extend(render_digest(label, digest, texts=self.texts))
        return replies

    # --- callbacks ---------------------------------------------------------------------------
    def callback(self, incoming: Incoming, data: str) -> list[Reply]:
        """Inline-keyboard clicks: "sub:new", "sub:n:…", "sub:del:ID", "sub:list" (previews above)."""
        if data in ("sub:new", "sub:n"):
            return self._flow_topics()
        if data.startswith("sub:n:"):
            return self._flow(incoming, data)
        if data == "sub:list":
            return self.list_subscriptions(incoming)
        if data == "sub:delall":
            return self.unsubscribe(incoming, "all")
        kind, _, ident = data.removeprefix("sub:").partition(":")
        if kind == "del" and ident.isdigit():
            return self._remove(incoming, int(ident))
        return self._stale()

    # --- /forget -------------------------------------------------------------------------------
    def forget_user(self, user_key: str) -> int:
        """Delete the user's subscriptions and delivery history."""
        count = self.store.forget_user(user_key) + self.deliveries.forget_user(user_key)
        self._changed()
        return count
