"""After a crash (中断恢复): settle the digests whose send was cut off, once, by the next run."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.ports import DeliveryLedger, Notifier
from bot.core.subscriptions.types import DeliveryState, Subscription, UncertainDelivery

__all__ = ["Settled", "Verdict", "delivery_key", "settle_interrupted"]

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


@dataclass(frozen=True)
class Verdict:
    """How one interrupted row is to be closed (the caller writes it to the delivery log)."""

    row_id: int
    state: DeliveryState
    detail: str


async def settle_interrupted(
    rows: list[UncertainDelivery],
    active: list[Subscription],
    notifiers: Mapping[str, Notifier],
) -> tuple[Settled, list[Verdict]]:
    """Delivered if the channel's record has the send, resent if it shows the send never went
    out, else left uncertain — at least once to those who did not get it, never twice.

    Only the channels are asked here; the caller writes the verdicts (off the event loop)."""
    by_id = {s.id: s for s in active}
    confirmed = resent = uncertain = 0
    verdicts: list[Verdict] = []
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
        verdicts.append(Verdict(row.id, state, detail))
    return Settled(confirmed, resent, uncertain), verdicts
