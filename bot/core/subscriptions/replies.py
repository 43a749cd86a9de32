"""The subscription commands' replies (created, the list, which to cancel, the preview), kept apart
from the service so the wording and buttons can be read and changed without its routing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.core.digests.compose import Digest, render_digest
from bot.core.subscriptions.parser import ParsedRequest, Vocabulary
from bot.core.subscriptions.render import (
    next_delivery_text,
    notes_lines,
    schedule_errors_text,
    subscription_label,
    summary_lines,
    unused_lines,
)
from bot.core.subscriptions.types import Subscription
from bot.core.texts import Texts
from bot.core.types import Choice, Reply

__all__ = ["created_reply", "list_reply", "preview_replies", "refusal_text", "remove_which_reply"]


def refusal_text(parsed: ParsedRequest, texts: Texts) -> str:
    """Why the schedule cannot be kept, with the forms that can; nothing was stored."""
    errors = schedule_errors_text(parsed, texts)
    return "\n".join([texts.get("schedule_refused", errors=errors), *unused_lines(parsed, texts)])


def created_reply(
    sub: Subscription,
    parsed: ParsedRequest,
    *,
    number: int,
    now: datetime,
    vocab: Vocabulary,
    texts: Texts,
    wechat_note: bool,
) -> Reply:
    """已订阅（第 n 个）: what was understood, the next push, notes, and preview / cancel buttons."""
    summary = "\n".join(summary_lines(sub, vocab, texts, parsed))
    lines = [texts.get("created", n=number, summary=summary, next=next_delivery_text(sub, now))]
    lines += notes_lines(sub, now, texts)
    if "quiet_invalid" in parsed.problems:
        lines.append(texts.get("quiet_invalid", start=sub.quiet_start, end=sub.quiet_end))
    if "too_many" in parsed.problems:
        lines.append(texts.get("too_many"))
    lines += unused_lines(parsed, texts)
    if wechat_note:
        lines.append(texts.get("wechat_note"))
    buttons = (
        (
            Choice(texts.get("btn_preview"), f"sub:pv:{sub.id}"),
            Choice(texts.get("btn_unsubscribe"), f"sub:del:{sub.id}"),
        ),
    )
    return Reply(text="\n".join(lines), choices=buttons)


def list_reply(subs: Sequence[Subscription], now: datetime, texts: Texts) -> Reply:
    """Numbered list (paused ones marked) with preview / cancel buttons per subscription."""
    if not subs:
        return Reply(text=texts.get("list_empty"))
    lines = [texts.get("list_header")]
    rows: list[tuple[Choice, ...]] = []
    for n, sub in enumerate(subs, start=1):
        paused = sub.not_before is not None and sub.not_before > now
        lines.append(
            texts.get(
                "list_item_paused" if paused else "list_item",
                n=n,
                label=subscription_label(sub, texts),
                next=next_delivery_text(sub, now),
            )
        )
        rows.append(
            (
                Choice(texts.get("btn_preview_n", n=n), f"sub:pv:{sub.id}"),
                Choice(texts.get("btn_unsubscribe_n", n=n), f"sub:del:{sub.id}"),
            )
        )
    return Reply(text="\n".join(lines), choices=tuple(rows))


def remove_which_reply(subs: Sequence[Subscription], texts: Texts) -> Reply:
    """ "要取消哪一个？" with one button per subscription."""
    rows = tuple(
        (Choice(f"{n}. {subscription_label(s, texts)}"[:60], f"sub:del:{s.id}"),)
        for n, s in enumerate(subs, start=1)
    )
    return Reply(text=texts.get("remove_which"), choices=rows)


def preview_replies(pairs: Sequence[tuple[Subscription, Digest]], texts: Texts) -> list[Reply]:
    """What the next digests would hold, one block per subscription (an empty one says so)."""
    replies = [Reply(text=texts.get("preview_header"))]
    for sub, digest in pairs:
        label = subscription_label(sub, texts)
        if digest.empty:
            replies.append(Reply(text=texts.get("preview_empty", label=label)))
        else:
            replies.extend(render_digest(label, digest, texts=texts))
    return replies
