"""After a crash (中断恢复): settle the digests whose send was cut off, once, by the next run."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.core.ports import DeliveryLedger, Notifier
from bot.core.subscriptions.types import DeliveryLog, DeliveryState, Subscription

__all__ = ["Settled", "delivery_key", "settle_interrupted"]

log = logging.getLogger(__name__)


def delivery_key(subscription_id: int, period_key: str) -> str:
    """The idempotency key of one period's digest, recorded by channels that can keep it."""
    return f"digest:{subscription_id}:{period_key}"


@dataclass(frozen=True)
class Settled:
    """How the interrupted sends found at the start of a run were settled."""

    confirmed: int = 0  # the channel's record has it: marked delivered
    resent: int = 0  # demonstrably never went out: due again at once
    uncertain: int = 0  # nobody can tell: left for `digest log`, never resent


async def settle_interrupted(
    deliveries: DeliveryLog,
    active: list[Subscription],
    notifiers: Mapping[str, Notifier],
    now: datetime,
) -> Settled:
    """Delivered if the channel's record has the send, resent if it shows the send never went
    out, else left uncertain — at least once to those who did not get it, never twice."""
    rows = deliveries.interrupted()
    if not rows:
        return Settled()
    by_id = {s.id: s for s in active}
    confirmed = resent = uncertain = 0
    for row in rows:
        sub = by_id.get(row.subscription_id)
        notifier = notifiers.get(sub.channel) if sub is not None else None
        known: bool | None = None
        if sub is not None and isinstance(notifier, DeliveryLedger):
            known = await notifier.was_delivered(sub.user_id, delivery_key(sub.id, row.period_key))
        if known is True:
            state, detail = DeliveryState.DELIVERED, "confirmed by the channel after a crash"
            confirmed += 1
        elif known is False:
            state, detail = DeliveryState.RETRY, "never sent before a crash; resent"
            resent += 1
        else:
            state, detail = DeliveryState.UNCERTAIN, "interrupted; channel cannot confirm"
            uncertain += 1
            log.warning("digest %s of subscription %s left uncertain", row.period_key, row.subscription_id)
        deliveries.settle_interrupted(row.id, state, now=now, detail=detail)
    return Settled(confirmed, resent, uncertain)
