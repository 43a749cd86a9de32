"""The WeChat channel's own state, declared as the channel needs it.

bot.storage.wechat.WeChatStore implements it over the shared database and bot.app passes one in;
the channel never imports a store (an import-linter contract says so).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

__all__ = ["MessageStart", "WeChatState", "window_open"]


class MessageStart(Protocol):
    """What starting a message found: first delivery or a retry, and the user's saved state."""

    @property
    def first(self) -> bool: ...

    @property
    def saved_reply(self) -> str | None:
        """The passive reply already sent for this MsgId (served again on a retry)."""
        ...

    @property
    def choices(self) -> str | None:
        """The JSON menu of options shown last (written by the channel, opaque to the store)."""
        ...

    @property
    def pending(self) -> list[list[dict[str, str]]]:
        """Pushes that waited for the user's next message, oldest first (now taken)."""
        ...


class WeChatState(Protocol):
    """48-hour window, MsgId dedupe, replay protection, menus shown and pending pushes."""

    def begin_message(
        self, msg_key: str, openid: str, at: datetime, *, touch: bool = True
    ) -> MessageStart:
        """Claim msg_key, open the user's window and take what waits for them, at once."""
        ...

    def finish_message(
        self,
        msg_key: str,
        reply_xml: str | None,
        openid: str,
        choices: str | None,
        *,
        update_choices: bool = True,
    ) -> None:
        """Save the passive reply (for retries) and the options shown, together."""
        ...

    def remember_call(self, nonce: str, timestamp: str, body_hash: str, at: datetime) -> bool:
        """Record a signed call's (nonce, timestamp); False when the pair came with another body."""
        ...

    def last_message_at(self, openid: str) -> datetime | None:
        """When the user last wrote (opens the 48-hour window), or None."""
        ...

    def mark_unsubscribed(self, openid: str) -> None:
        """The user unfollowed: no more pushes."""
        ...

    def is_unsubscribed(self, openid: str) -> bool:
        """True after an unfollow, until the user writes again."""
        ...

    def set_choices(self, openid: str, payload: str | None) -> None:
        """Remember the options shown last."""
        ...

    def get_choices(self, openid: str) -> str | None:
        """The options shown last, or None."""
        ...

    def add_pending(
        self,
        openid: str,
        payload: list[dict[str, str]],
        at: datetime,
        *,
        known_only: bool = False,
    ) -> bool:
        """Queue what cannot be pushed now; False when nothing was queued."""
        ...

    def prune_calls(self, before: datetime) -> int:
        """Forget replay-protection pairs older than `before`."""
        ...

    def prune_replies(self, before: datetime) -> int:
        """Drop saved passive replies older than `before`."""
        ...

    def prune_messages(self, before: datetime) -> int:
        """Drop MsgId dedupe rows older than `before`."""
        ...

    def prune_pending(self, before: datetime) -> int:
        """Drop queued pushes older than `before`."""
        ...


def window_open(last: datetime | None, now: datetime, hours: float = 48.0) -> bool:
    """True while customer-service messages may still be sent (within 48 h of the last message)."""
    if last is None:
        return False
    return now - last < timedelta(hours=hours)
