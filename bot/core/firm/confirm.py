"""Yes/no answers (确认) outside a dialogue: to the question the last verdict asked ("没有" / "有" /
"被列入经营异常名录" record the open veto and deduction items, read by firm/records.py as a form's records
question is), and to a figure named back ("是研发费用吗？" — "是的" records it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.estimate.offers import offer_reply
from bot.core.firm.record import FirmRecord
from bot.core.firm.records import read_record_answer
from bot.core.types import Reply

if TYPE_CHECKING:
    from bot.core.firm.desk import FirmDesk

__all__ = ["offer_answer", "pending_answer"]


async def pending_answer(desk: FirmDesk, key: str, record: FirmRecord, text: str) -> list[Reply] | None:
    """"没有" / "有" answering the yes/no question the last verdict asked (read as a form's records)."""
    pending = list(record.context.pending)
    if desk.scoring.parse(text).understood:  # "我们去年发生过重大安全事故": a fact, read as one
        return None
    answer = read_record_answer(text, pending, desk.scoring, desk.vocab, desk.texts)
    if answer is None:
        return None
    if answer.which:
        labels = "、".join(desk.label(p) for p in pending)
        return [Reply(text=desk.vocab.get("unconfirmed_which", labels=labels))]
    if answer.lessened:  # "有一次环保处罚，不严重": not the 重大 item; the question stays open
        return [Reply(text=desk.vocab.get("records_lessened", word=answer.lessened))]
    answers = answer.values
    left = tuple(p for p in pending if p not in answers)
    record = record.with_figures(answers, "chat").with_context(pending=left)
    last = record.context.last_check
    if last is None:
        await desk.save(key, record)
        return [Reply(text=desk.vocab.get("correction_saved", items=desk.items(answers)))]
    return await desk.run_check(key, last, record)


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
