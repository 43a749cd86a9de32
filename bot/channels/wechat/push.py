"""Customer-service pushes of the WeChat channel: send parts in order, track them per user."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.channels.wechat.api import UNSUBSCRIBED_ERRORS, WeChatAPI, WeChatAPIError
from bot.channels.wechat.render import OutPart
from bot.channels.wechat.state import WeChatState

__all__ = ["CHANNEL", "PushFailure", "UserPushes", "send_part", "send_parts"]

CHANNEL = "wechat"


class UserPushes:
    """Background pushes per WeChat user, so /forget can cancel the ones still waiting (Forgettable).

    Shared by the webhook (which registers its pushes) and the assistant's /forget, which the
    composition builds first.
    """

    def __init__(self) -> None:
        self._by_user: dict[str, set[asyncio.Task[None]]] = {}

    def add(self, openid: str, task: asyncio.Task[None]) -> None:
        """Track a push for this user until it ends."""
        tasks = self._by_user.setdefault(openid, set())
        tasks.add(task)
        task.add_done_callback(lambda done: self._discard(openid, done))

    def _discard(self, openid: str, task: asyncio.Task[None]) -> None:
        tasks = self._by_user.get(openid)
        if tasks is not None:
            tasks.discard(task)
            if not tasks:
                self._by_user.pop(openid, None)

    def forget_user(self, user_key: str) -> int:
        """Cancel the user's pushes still in flight (their rows are deleted by the stores)."""
        channel, _, openid = user_key.partition(":")
        if channel != CHANNEL:
            return 0
        for task in list(self._by_user.get(openid, ())):
            task.cancel()
        return 0


async def send_part(api: WeChatAPI | None, openid: str, part: OutPart) -> None:
    """One customer-service message (uploading the image first)."""
    if api is None:
        raise WeChatAPIError(-1, "no API credentials configured")
    if part.image_png is not None:
        media_id = await api.upload_image(part.image_png)
        await api.send_image(openid, media_id)
    else:
        await api.send_text(openid, part.text)


@dataclass(frozen=True)
class PushFailure:
    """Where a customer-service push stopped: the first unsent part and WeChat's error."""

    index: int
    error: WeChatAPIError
    unsubscribed: bool  # the user unfollowed (already recorded in the store)


async def send_parts(
    api: WeChatAPI | None, store: WeChatState, openid: str, parts: list[OutPart]
) -> PushFailure | None:
    """Send the parts in order, stopping at the first error; an unfollow is recorded at once."""
    for index, part in enumerate(parts):
        try:
            await send_part(api, openid, part)
        except WeChatAPIError as exc:
            unsubscribed = exc.errcode in UNSUBSCRIBED_ERRORS
            if unsubscribed:
                await asyncio.to_thread(store.mark_unsubscribed, openid)
            return PushFailure(index, exc, unsubscribed)
    return None
