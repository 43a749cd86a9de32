"""A yes/no answer (确认) to the question the last verdict asked: "没有" / "有" / "被列入经营异常名录"
record the open veto and deduction items, then the verdict is re-stated (read by firm/records.py,
as a form's records question is)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.firm.record import FirmRecord
from bot.core.firm.records import read_record_answer
from bot.core.types import Reply

if TYPE_CHECKING:
    from bot.core.firm.desk import FirmDesk

__all__ = ["pending_answer"]


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
    answers = answer.values
    left = tuple(p for p in pending if p not in answers)
    record = record.with_figures(answers, "chat").with_context(pending=left)
    last = record.context.last_check
    if last is None:
        await desk.save(key, record)
        return [Reply(text=desk.vocab.get("correction_saved", items=desk.items(answers)))]
    return await desk.run_check(key, last, record)
