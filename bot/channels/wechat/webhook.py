"""WeChat message handling: translate to Incoming, answer within 5 s, push the rest later.

WeChat waits 5 seconds for a passive reply and retries the same MsgId up to three times. The
assistant gets ~4.5 s; what is not ready by then goes out through the customer-service API.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from bot.channels.wechat.api import WeChatAPI, WeChatAPIError
from bot.channels.wechat.push import CHANNEL, PushFailure, UserPushes, send_parts
from bot.channels.wechat.render import (
    ChoiceMenu,
    OutPart,
    load_wechat_texts,
    merge_menus,
    parts_from_payload,
    parts_to_payload,
    render_replies,
)
from bot.channels.wechat.state import MessageStart, WeChatState
from bot.channels.wechat.xml import WeChatMessage, build_image_reply, build_text_reply
from bot.core.late import resolve_late, split_late
from bot.core.ports import Assistant, Clock, SystemClock
from bot.core.texts import Texts
from bot.core.types import Incoming, Reply

__all__ = [
    "CHANNEL",
    "PushFailure",
    "UserPushes",
    "WeChatWebhook",
    "opens_window",
    "send_parts",
    "to_incoming",
]

log = logging.getLogger(__name__)

_WINDOW_EVENTS = frozenset({"subscribe", "click", "scan", "scancode_push", "scancode_waitmsg"})
_DEDUPE_HORIZON = timedelta(hours=1)  # WeChat retries within ~15 s; keep keys a good while longer
_REPLY_HORIZON = timedelta(minutes=5)  # cached replies may hold figures: only as long as retries
_PENDING_HORIZON = timedelta(days=30)
_PRUNE_EVERY = 60.0
_PENDING_FLUSH_MAX = 3


def to_incoming(message: WeChatMessage, menu: ChoiceMenu | None = None) -> Incoming | None:
    """The core's view of a WeChat message; None for events that need no answer."""
    user = message.from_user
    kind = message.msg_type
    if kind == "text":
        text = message.content
        picked = menu.pick(text, message.menu_id) if menu is not None else None
        if picked is not None:
            return Incoming(CHANNEL, user, text=text, kind="callback", callback_data=picked)
        return Incoming(CHANNEL, user, text=text)
    if kind == "voice" and message.recognition:
        return Incoming(CHANNEL, user, text=message.recognition)
    if kind == "event":
        if message.event == "subscribe":
            return Incoming(CHANNEL, user, kind="follow")
        if message.event == "click" and message.event_key:
            key = message.event_key
            if key.startswith("/"):
                return Incoming(CHANNEL, user, text=key)
            return Incoming(CHANNEL, user, kind="callback", callback_data=key)
        return None  # VIEW, SCAN, LOCATION, TEMPLATESENDJOBFINISH, …: nothing to say
    return Incoming(CHANNEL, user, kind="unsupported")  # image, voice, location, link, video …


def opens_window(message: WeChatMessage) -> bool:
    """Whether WeChat counts this as the user's interaction (opening 48 h of pushes): messages,
    follow, CLICK and scan events do; VIEW, location reports and system events do not."""
    if message.msg_type != "event":
        return True
    return message.event in _WINDOW_EVENTS


class WeChatWebhook:
    """Turns one verified WeChat message into a passive reply (XML) or None ("success")."""

    def __init__(
        self,
        *,
        assistant: Assistant,
        store: WeChatState,
        api: WeChatAPI | None = None,
        clock: Clock | None = None,
        reply_timeout: float = 4.5,
        push_delay: float = 0.3,
        late_timeout: float = 120.0,
        texts: Texts | None = None,
        pushes: UserPushes | None = None,
    ) -> None:
        self.assistant = assistant
        self.store = store
        self.api = api
        self.clock = clock or SystemClock()
        self.reply_timeout = reply_timeout
        self.push_delay = push_delay  # lets WeChat show the passive reply before the pushed rest
        self.late_timeout = late_timeout  # longest wait for an answer delivered after "success"
        self.texts = texts or load_wechat_texts()
        self.pushes = pushes or UserPushes()
        self._tasks: set[asyncio.Task[None]] = set()
        self._inflight: dict[str, asyncio.Future[str | None]] = {}
        self._saving: set[str] = set()
        self._last_prune = 0.0

    # --- entry point ------------------------------------------------------------------------

    async def handle(self, message: WeChatMessage) -> str | None:
        """Passive reply XML (plaintext) for this message, or None to answer "success"."""
        started = time.monotonic()
        now = self.clock.now()
        openid = message.from_user
        if message.msg_type == "event" and message.event == "unsubscribe":
            await asyncio.to_thread(self.store.mark_unsubscribed, openid)
            return None
        key = message.dedupe_key
        inflight = self._inflight.get(key)
        if inflight is not None:  # a retry while this process still answers the first delivery
            try:
                return await asyncio.wait_for(asyncio.shield(inflight), self.reply_timeout)
            except (TimeoutError, asyncio.CancelledError):
                return None
        future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future  # registered before any await: no retry slips past it
        xml: str | None = None
        try:
            start = await asyncio.to_thread(
                self.store.begin_message, key, openid, now, touch=opens_window(message)
            )
            if not start.first:  # answered before (maybe by another process)
                log.info("wechat retry answered from cache")
                xml = start.saved_reply
            else:
                xml = await self._first_delivery(message, start, started)
            return xml
        finally:
            if not future.done():
                future.set_result(xml)
            if key not in self._saving:  # else _save releases it once stored
                self._inflight.pop(key, None)

    async def _save(
        self, key: str, xml: str | None, openid: str, shown: str | None, *, update_choices: bool
    ) -> None:
        """Store the passive reply for retries (and the menu shown); retries that arrive
        meanwhile are answered from the in-flight future until it is stored."""
        try:
            await asyncio.to_thread(
                self.store.finish_message, key, xml, openid, shown, update_choices=update_choices
            )
        except Exception:  # the answer was given: only a late retry loses the cache
            log.exception("could not save the wechat reply")
        finally:
            self._saving.discard(key)
            self._inflight.pop(key, None)

    async def _first_delivery(
        self, message: WeChatMessage, start: MessageStart, started: float
    ) -> str | None:
        openid = message.from_user
        self._maybe_prune()
        menu, pending = ChoiceMenu.from_json(start.choices), start.pending
        incoming = to_incoming(message, menu)
        if incoming is None:
            self._flush_pending(openid, pending)
            return None

        task = asyncio.create_task(self._answer(incoming))
        budget = self.reply_timeout - (time.monotonic() - started)
        try:
            replies = await asyncio.wait_for(asyncio.shield(task), timeout=max(budget, 0.05))
        except TimeoutError:
            log.info(
                "wechat answer not ready in %.1fs; delivering by customer service",
                self.reply_timeout,
            )
            self._spawn(self._deliver_late(openid, task, pending))  # not cancelled: may be /forget's
            return None

        replies, late = split_late(replies)  # a chart still being drawn follows by customer service
        rendered = render_replies(replies, self.texts)
        parts = list(rendered.parts)
        xml: str | None = None
        if parts:
            remaining = self.reply_timeout - (time.monotonic() - started)
            xml = await self._passive(message, parts[0], remaining)
            if xml is not None:
                parts = parts[1:]
        shown = rendered.menu.to_json() if rendered.menu is not None else None
        update_choices = rendered.menu is not None or start.choices is not None
        if update_choices:  # the next message may pick from this menu: store it first
            await self._save(message.dedupe_key, xml, openid, shown, update_choices=True)
        elif xml is not None:  # only retries need it: save after answering, one commit less
            self._saving.add(message.dedupe_key)
            self._spawn(self._save(message.dedupe_key, xml, openid, None, update_choices=False))
        if parts or pending or late:
            self._spawn(
                self._push_after(openid, parts, pending, delay=self.push_delay, late=late), openid
            )
        return xml

    async def aclose(self, timeout: float = 10.0) -> None:
        """Wait (bounded) for background customer-service pushes to finish."""
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
            for task in pending:
                task.cancel()

    # --- answering --------------------------------------------------------------------------

    async def _answer(self, incoming: Incoming) -> list[Reply]:
        """The core's replies; the catch-all for this channel (logs, never shows the error)."""
        try:
            replies = list(await self.assistant.handle(incoming, defer_images=True))
        except Exception:
            log.exception("assistant failed on a wechat message")
            return [Reply(text=self.texts.get("internal_error"))]
        if not replies and incoming.kind == "follow":
            return [Reply(text=self.texts.get("greeting_fallback"))]
        if not replies and incoming.kind == "unsupported":
            return [Reply(text=self.texts.get("unsupported"))]
        return replies

    async def _passive(self, message: WeChatMessage, part: OutPart, remaining: float) -> str | None:
        """The first part as passive-reply XML; an image is uploaded only if time allows."""
        now = int(self.clock.now().timestamp())
        if not part.is_image:
            return build_text_reply(message.from_user, message.to_user, part.text, now)
        if self.api is None or remaining < 0.3 or part.image_png is None:
            return None
        try:
            media_id = await asyncio.wait_for(
                self.api.upload_image(part.image_png), remaining - 0.1
            )
        except (TimeoutError, WeChatAPIError):
            return None
        return build_image_reply(message.from_user, message.to_user, media_id, now)

    # --- customer-service pushes ----------------------------------------------------------------

    async def _deliver_late(
        self, openid: str, task: asyncio.Task[list[Reply]], pending: list[list[dict[str, str]]]
    ) -> None:
        try:
            replies = await asyncio.wait_for(task, self.late_timeout)
        except TimeoutError:  # a stuck answer must not hold the digests that waited for it
            log.error("wechat answer abandoned after %.0fs", self.late_timeout)
            replies = [Reply(text=self.texts.get("internal_error"))]
        replies, late = split_late(replies)
        rendered = render_replies(replies, self.texts)
        if rendered.menu is not None:
            await asyncio.to_thread(self.store.set_choices, openid, rendered.menu.to_json())
        await self._push_after(openid, rendered.parts, pending, late=late)

    async def _push_after(
        self,
        openid: str,
        parts: list[OutPart],
        pending: list[list[dict[str, str]]],
        delay: float = 0.0,
        late: list[Reply] | None = None,
    ) -> None:
        """Send the answer's remaining parts, its chart once drawn (left out if it failed), then
        any digests that waited for this message."""
        if delay > 0:
            await asyncio.sleep(delay)
        if parts:
            await self.push(openid, parts)
        drawn = await resolve_late(late) if late else []
        if drawn:
            await self.push(openid, render_replies(drawn, self.texts).parts)
        if pending:
            recent = pending[-_PENDING_FLUSH_MAX:]  # older digests are superseded by newer ones
            header = OutPart(text=self.texts.get("pending_header", count=len(recent)))
            flat = [header]
            menus: list[ChoiceMenu] = []
            for item in recent:
                flat.extend(parts_from_payload(item))
                menus.extend(_menus_in(item))
            if await self.push(openid, flat, header=header) and menus:
                await asyncio.to_thread(self._add_menus, openid, menus)

    def _add_menus(self, openid: str, menus: list[ChoiceMenu]) -> None:
        """Links in flushed digests stay tappable, next to whatever options were shown last."""
        self.store.set_choices(openid, merge_menus(self.store.get_choices(openid), menus))

    def _flush_pending(self, openid: str, pending: list[list[dict[str, str]]]) -> None:
        if pending:
            self._spawn(self._push_after(openid, [], pending), openid)

    async def push(self, openid: str, parts: list[OutPart], *, header: OutPart | None = None) -> bool:
        """Customer-service messages in order; on failure the unsent rest waits in the queue
        (without the "有 N 条消息" header, which the next flush writes afresh) — unless the user
        was forgotten meanwhile."""
        failed = await send_parts(self.api, self.store, openid, parts)
        if failed is None:
            return True
        if not failed.unsubscribed:
            log.warning(
                "wechat push failed (errcode %s); queued for the next message", failed.error.errcode
            )
            rest = parts_to_payload([p for p in parts[failed.index :] if p is not header])
            if rest:
                await asyncio.to_thread(
                    self.store.add_pending, openid, rest, self.clock.now(), known_only=True
                )
        return False

    def _spawn(self, coro: Coroutine[Any, Any, None], openid: str | None = None) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        if openid is not None:
            self.pushes.add(openid, task)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("wechat background push crashed", exc_info=task.exception())

    def _maybe_prune(self) -> None:
        mono = time.monotonic()
        if mono - self._last_prune < _PRUNE_EVERY:
            return
        self._last_prune = mono
        self._spawn(self.prune())

    async def prune(self, call_horizon: float = 600.0) -> None:
        """Expire cached replies (minutes), dedupe keys (an hour), seen nonces and old queues."""
        now = self.clock.now()
        await asyncio.to_thread(self.store.prune_replies, now - _REPLY_HORIZON)
        await asyncio.to_thread(self.store.prune_messages, now - _DEDUPE_HORIZON)
        await asyncio.to_thread(self.store.prune_calls, now - timedelta(seconds=call_horizon))
        await asyncio.to_thread(self.store.prune_pending, now - _PENDING_HORIZON)


def _menus_in(payload: list[dict[str, str]]) -> list[ChoiceMenu]:
    menus = []
    for entry in payload:
        if isinstance(entry, dict) and "menu" in entry:
            menu = ChoiceMenu.from_json(entry["menu"])
            if menu is not None:
                menus.append(menu)
    return menus
