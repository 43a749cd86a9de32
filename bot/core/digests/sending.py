"""One send attempt of a digest: keyed where the channel records sends, and never raising."""

from __future__ import annotations

import logging

from bot.core.ports import DeliveryLedger, Notifier
from bot.core.types import DeliveryResult, DeliveryStatus, Reply

__all__ = ["attempt_send"]

log = logging.getLogger(__name__)


async def attempt_send(
    notifier: Notifier, user_id: str, replies: list[Reply], key: str, subscription_id: int
) -> DeliveryResult:
    """Hand the digest to the channel once; a notifier bug becomes a retry, not a stopped fan-out."""
    try:
        if isinstance(notifier, DeliveryLedger):
            return await notifier.send_keyed(user_id, replies, key)
        return await notifier.send(user_id, replies)
    except Exception as exc:
        log.warning("digest send to subscription %s raised %s", subscription_id, type(exc).__name__)
        return DeliveryResult(DeliveryStatus.RETRY, detail=type(exc).__name__)
