"""After a crash (中断恢复): settle the digests whose send was cut off, once, by the next run.

Never twice without saying so, never skipped silently: a send the channel confirms counts as
delivered (its watermark, recorded at the claim, advances); one that demonstrably never went
out is sent again; one nobody can confirm (Telegram, WeChat customer service keep no record we
can ask) is sent again with a note that it may repeat; one a later digest already carried is
closed."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.core.blocking import OwnThread
from bot.core.ports import DeliveryLedger, Notifier
from bot.core.subscriptions.types import (
    MAYBE_SENT,
    DeliveryLog,
    DeliveryState,
    Subscription,
    SubscriptionRepository,
    UncertainDelivery,
)
from bot.core.texts import Texts
from bot.core.types import Reply

__all__ = ["Settled", "Verdict", "delivery_key", "settle_after_crash", "settle_interrupted", "with_repeat_note"]

log = logging.getLogger(__name__)


def delivery_key(subscription_id: int, period_key: str) -> str:
    """The idempotency key of one period's digest, recorded by channels that can keep it."""
    return f"digest:{subscription_id}:{period_key}"


@dataclass(frozen=True)
class Settled:
    """How the interrupted sends found at the start of a run were settled."""

    confirmed: int = 0  # the channel's record has it: marked delivered, watermark advanced
    resent: int = 0  # demonstrably never went out: due again at once
    uncertain: int = 0  # nobody can tell: due again at once, sent with a "may repeat" note
    superseded: int = 0  # a later digest of the subscription already carried its articles


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
    """The verdict on each interrupted row (see the module's docstring); only the channels are
    asked here, the caller writes the verdicts (off the event loop)."""
    by_id = {s.id: s for s in active}
    counts = {"confirmed": 0, "resent": 0, "uncertain": 0, "superseded": 0}
    verdicts: list[Verdict] = []
    for row in rows:
        sub = by_id.get(row.subscription_id)
        notifier = notifiers.get(sub.channel) if sub is not None else None
        known: bool | None = None
        if row.overtaken:
            state, detail, outcome = DeliveryState.EMPTY, "superseded after a crash", "superseded"
        else:
            if sub is not None and isinstance(notifier, DeliveryLedger):
                known = await notifier.was_delivered(sub.user_id, delivery_key(sub.id, row.period_key))
            state, detail, outcome = _verdict(known)
        if outcome == "uncertain":
            log.warning("digest %s of subscription %s unconfirmed: resent with a note",
                        row.period_key, row.subscription_id)
        counts[outcome] += 1
        verdicts.append(Verdict(row.id, state, detail))
    return Settled(**counts), verdicts


def _verdict(known: bool | None) -> tuple[DeliveryState, str, str]:
    """(state, log detail, count) for what the channel's record says about the send."""
    if known is True:
        return DeliveryState.DELIVERED, "confirmed by the channel after a crash", "confirmed"
    if known is False:
        return DeliveryState.RETRY, "never sent before a crash; resent", "resent"
    return DeliveryState.RETRY, MAYBE_SENT, "uncertain"


async def settle_after_crash(
    db: OwnThread,
    deliveries: DeliveryLog,
    subscriptions: SubscriptionRepository,
    notifiers: Mapping[str, Notifier],
    now: datetime,
) -> Settled:
    """Find the rows a crash left uncertain, ask their channels, write the verdicts (store
    steps on db's thread)."""
    rows = await db.run(deliveries.interrupted)
    if not rows:
        return Settled()
    active = await db.run(subscriptions.list_active)
    settled, verdicts = await settle_interrupted(rows, active, notifiers)

    def write() -> None:
        for v in verdicts:
            deliveries.settle_interrupted(v.row_id, v.state, now=now, detail=v.detail)

    await db.run(write)
    return settled


def with_repeat_note(replies: list[Reply], texts: Texts) -> list[Reply]:
    """The digest with a first line saying it may already have arrived (a crash cut the first
    send off before anyone could tell)."""
    if not replies:
        return replies
    first = replies[0]
    noted = f"{texts.get('digest_maybe_repeated')}\n{first.text}"
    return [dataclasses.replace(first, text=noted), *replies[1:]]
