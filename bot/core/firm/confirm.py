"""Yes/no answers (确认) outside a dialogue: to the question the last verdict asked ("没有" / "有" /
"被列入经营异常名录" record the open veto items) and to a figure named back ("是研发费用吗？" — "是的")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.core.estimate.offers import offer_reply
from bot.core.firm.record import Figure, FirmRecord
from bot.core.types import Reply

if TYPE_CHECKING:
    from bot.core.firm.desk import FirmDesk

__all__ = ["offer_answer", "pending_answer"]


async def pending_answer(desk: FirmDesk, key: str, record: FirmRecord, text: str) -> list[Reply] | None:
    """"没有" / "有" answering the yes/no question the last verdict asked."""
    core = text.strip(" 。.!！,，")
    pending = list(record.context.pending)
    plain = len(core) <= 15 and not any(ch.isdigit() or ch in "?？吗么什怎" for ch in core)
    named = _named_pending(desk, core, pending)
    if named and not any(w in core for w in desk.vocab.words("none_words")):
        answers: dict[str, Figure] = {name: True for name in named}
    elif plain and core.startswith(desk.vocab.words("none_words")):
        answers = {name: False for name in pending}
    elif core in desk.vocab.words("some_words") or (plain and core.startswith(("有过", "发生过"))):
        if len(pending) > 1:
            labels = "、".join(desk.label(p) for p in pending)
            return [Reply(text=desk.vocab.get("unconfirmed_which", labels=labels))]
        answers = {pending[0]: True}
    else:
        return None
    left = tuple(p for p in pending if p not in answers)
    record = record.with_figures(answers, "chat").with_context(pending=left)
    last = record.context.last_check
    if last is None:
        await desk.save(key, record)
        return [Reply(text=desk.vocab.get("correction_saved", items=desk.items(answers)))]
    return await desk.run_check(key, last, record)


def _named_pending(desk: FirmDesk, text: str, pending: list[str]) -> list[str]:
    """Pending yes/no items the message names ("被列入经营异常名录"), matched on the rule's own labels."""
    size = int(desk.vocab.lookup("veto_match", "chars", "4"))
    plain = re.sub(r"[\W_]", "", text)
    named: list[str] = []
    for name in pending:
        chunks = [c for c in re.split(r"[\W_]|[或和及]", desk.label(name)) if c]
        grams = {c[i:i + size] for c in chunks for i in range(max(len(c) - size + 1, 0))}
        if any(g in plain for g in grams):
            named.append(name)
    return named


async def offer_answer(desk: FirmDesk, key: str, record: FirmRecord, text: str) -> list[Reply] | None:
    """"是的" / "我说的是研发费用" after a figure named back ("是研发费用吗？"): record it and re-state the
    last result; "不是": drop it; anything else: drop it and read the message as usual (None)."""
    offered = dict(record.context.offer)
    record = record.with_context(offer=())
    answer = offer_reply(desk.scoring, desk.texts, offered, text)
    if answer == "other":
        await desk.save(key, record)
        return None
    if answer == "no":
        await desk.save(key, record)
        return [Reply(text=desk.texts.get("offer_dropped", items=desk.items(offered)))]
    saved = desk.updated(record.figures, offered) or [Reply(text=desk.texts.get("offer_same", items=desk.items(offered)))]
    record = record.with_figures(offered, "chat")
    last = record.context.last_check
    if last is None:
        await desk.save(key, record)
        return saved
    return [*saved, *await desk.run_check(key, last, record)]
