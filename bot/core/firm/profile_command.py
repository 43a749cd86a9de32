"""`/profile`: show the firm profile with where each figure came from, edit or delete a field."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.core.firm.changes import apply_correction
from bot.core.types import Reply

if TYPE_CHECKING:
    from bot.core.firm.desk import FirmDesk

__all__ = ["profile_command"]

_SPLIT = re.compile(r"[，,、；;\s]+")


async def profile_command(desk: FirmDesk, key: str, args: str, place: str | None = None) -> list[Reply]:
    """Show (no args), delete ("删除 营收") or edit ("营收 1.1亿") the profile; place is the saved 地区/行业."""
    v = desk.vocab
    record = await desk.record(key)
    words = args.strip()
    if not words:
        where = [v.get("profile_place", place=place)] if place else []
        if not record.fields:
            return [Reply(text="\n".join([v.get("profile_empty"), *where]))]
        lines = [v.get("profile_header", count=len(record.fields)), *where]
        for name, entry in record.fields.items():
            source = v.lookup("sources", entry.source)
            at = entry.at[5:16].replace("T", " ")
            lines.append(v.get("profile_item", label=desk.label(name), value=desk.shown(name, entry.value),
                               source=source, at=at))
        lines.append(v.get("profile_usage"))
        return [Reply(text="\n".join(lines))]
    for word in v.words("delete_words"):
        if words.startswith(word):
            return await _delete(desk, key, words[len(word):])
    joined = re.sub(r"(?<=\D)\s+(?=[-\d零〇一二两三四五六七八九十])", "", words)
    reading = desk.read(joined)
    if not reading.accepted and not reading.conflicts:
        return [Reply(text=v.get("profile_garbage", args=words[:30], usage=v.get("profile_usage")))]
    return await apply_correction(desk, key, record, joined)


async def _delete(desk: FirmDesk, key: str, rest: str) -> list[Reply]:
    v = desk.vocab
    record = await desk.record(key)
    names: list[str] = []
    for word in (w for w in _SPLIT.split(rest) if w):
        spec = desk.lookup(word)
        if spec is None or spec.name not in record.fields:
            return [Reply(text=v.get("profile_delete_unknown", word=word[:20]))]
        names.append(spec.name)
    if not names:
        return [Reply(text=v.get("profile_usage"))]
    await desk.save(key, record.without(names))
    return [Reply(text=v.get("profile_deleted", labels="、".join(desk.label(n) for n in names)))]
