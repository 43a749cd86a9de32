"""Digest pushes to WeChat users, respecting the 48-hour customer-service window.

Inside the window: customer-service messages. Outside it: a subscription notice when a
template is configured (the full digest then waits for the user's next message), otherwise the
digest waits and the result is DEFERRED.
"""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo

from bot.channels.wechat.api import UNSUBSCRIBED_ERRORS, WeChatAPI, WeChatAPIError
from bot.channels.wechat.render import (
    ChoiceMenu,
    OutPart,
    load_wechat_texts,
    merge_menus,
    parts_to_payload,
    render_replies,
)
from bot.channels.wechat.state import WeChatState, window_open
from bot.channels.wechat.webhook import CHANNEL, send_parts
from bot.core.ports import Clock, SystemClock
from bot.core.texts import Texts
from bot.core.types import DeliveryResult, DeliveryStatus, Reply

__all__ = ["WINDOW_HOURS", "WeChatNotifier"]

log = logging.getLogger(__name__)

WINDOW_HOURS = 47.5  # WeChat allows 48 h; keep a margin for clock skew and slow sends
_OUTSIDE_WINDOW_ERRORS = frozenset({45015, 45047})  # window closed / push quota used up
_BAD_USER_ERRORS = frozenset({40003})  # invalid OpenID: retrying cannot help


class WeChatNotifier:
    """`Notifier` for channel "wechat" (digests and other pushes)."""

    channel = CHANNEL

    def __init__(
        self,
        *,
        api: WeChatAPI | None,
        store: WeChatState,
        template_id: str | None = None,
        clock: Clock | None = None,
        timezone: str = "Asia/Shanghai",
        texts: Texts | None = None,
        close_api: bool = True,
    ) -> None:
        self.api = api
        self.store = store
        self.template_id = template_id
        self.clock = clock or SystemClock()
        self.tz = ZoneInfo(timezone)
        self.texts = texts or load_wechat_texts()
        self._close_api = close_api  # False when the webhook shares (and closes) the client

    async def aclose(self) -> None:
        """Release the API client's HTTP session (the scheduler calls this on shutdown)."""
        if self.api is not None and self._close_api:
            await self.api.aclose()

    async def send(self, user_id: str, replies: list[Reply]) -> DeliveryResult:
        """Push replies to one OpenID; see the module docstring for the routing."""
        if await asyncio.to_thread(self.store.is_unsubscribed, user_id):
            return DeliveryResult(DeliveryStatus.BLOCKED, "unsubscribed")
        rendered = render_replies(replies, self.texts, numbers=False)
        parts = rendered.parts
        if not parts:
            return DeliveryResult(DeliveryStatus.DELIVERED, "nothing to send")
        now = self.clock.now()
        last = await asyncio.to_thread(self.store.last_message_at, user_id)
        if self.api is not None and window_open(last, now, WINDOW_HOURS):
            result = await self._push(user_id, parts, rendered.menu)
            if result is not None:
                if result.status is DeliveryStatus.DELIVERED and rendered.menu is not None:
                    await asyncio.to_thread(self._add_menu, user_id, rendered.menu)
                return result
        return await self._outside_window(user_id, parts, replies, rendered.menu)

    def _add_menu(self, user_id: str, menu: ChoiceMenu) -> None:
        self.store.set_choices(user_id, merge_menus(self.store.get_choices(user_id), [menu]))

    async def _push(
        self, user_id: str, parts: list[OutPart], menu: ChoiceMenu | None
    ) -> DeliveryResult | None:
        """Customer-service push; None when WeChat says the window has closed after all."""
        failed = await send_parts(self.api, self.store, user_id, parts)
        if failed is None:
            return DeliveryResult(DeliveryStatus.DELIVERED)
        errcode = failed.error.errcode
        if failed.unsubscribed or errcode in _BAD_USER_ERRORS:
            return DeliveryResult(DeliveryStatus.BLOCKED, f"errcode {errcode}")
        if failed.index > 0:  # part of it arrived: queue the rest instead of repeating it
            await self._queue(user_id, parts[failed.index :], menu)
            return DeliveryResult(DeliveryStatus.DELIVERED, "partly; rest queued")
        if errcode in _OUTSIDE_WINDOW_ERRORS:
            return None
        log.warning("wechat digest push failed (errcode %s)", errcode)
        return DeliveryResult(DeliveryStatus.RETRY, f"errcode {errcode}", retry_after=60.0)

    async def _outside_window(
        self, user_id: str, parts: list[OutPart], replies: list[Reply], menu: ChoiceMenu | None
    ) -> DeliveryResult:
        """Queue the digest for the next message; nudge by subscription notice if configured."""
        await self._queue(user_id, parts, menu)
        if self.api is None or not self.template_id:
            return DeliveryResult(DeliveryStatus.DEFERRED, "outside the 48-hour window; queued")
        try:
            await self.api.send_subscription_notice(
                user_id, self.template_id, self._notice_data(replies)
            )
        except WeChatAPIError as exc:
            if exc.errcode in UNSUBSCRIBED_ERRORS:
                await asyncio.to_thread(self.store.mark_unsubscribed, user_id)
                return DeliveryResult(DeliveryStatus.BLOCKED, f"errcode {exc.errcode}")
            log.warning("wechat subscription notice failed (errcode %s)", exc.errcode)
            return DeliveryResult(DeliveryStatus.DEFERRED, f"notice failed ({exc.errcode}); queued")
        return DeliveryResult(DeliveryStatus.DELIVERED, "subscription notice; digest queued")

    async def _queue(
        self, user_id: str, parts: list[OutPart], menu: ChoiceMenu | None = None
    ) -> None:
        """Keep parts (and the menu their links belong to) for the user's next message."""
        payload = parts_to_payload(parts)
        if menu is not None:
            payload.append({"menu": menu.to_json()})
        await asyncio.to_thread(self.store.add_pending, user_id, payload, self.clock.now())

    def _notice_data(self, replies: list[Reply]) -> dict[str, str]:
        """Template fields from the first line of the digest and today's date."""
        first = next((r.text.strip() for r in replies if r.text.strip()), "")
        title = first.splitlines()[0] if first else ""
        limit = self.texts.number("notice_title_limit")
        if len(title) > limit:
            title = title[: limit - 1] + "…"
        local = self.clock.now().astimezone(self.tz)
        values = {"title": title, "date": local.strftime("%Y-%m-%d %H:%M")}
        fields = self.texts.mapping("notice_fields")
        return {key: template.format(**values) for key, template in fields.items()}

