"""Changing the firm's figures in plain words: corrections, what-ifs (on a copy) and keeping one."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.core.estimate.port import FigureError
from bot.core.firm.record import Figure, FirmRecord
from bot.core.firm.verdict import verdict_line
from bot.core.types import Reply
from scoring.assessment import Assessment
from scoring.results import HighTechResult, ScoreResult, TechSmeResult

if TYPE_CHECKING:
    from bot.core.firm.desk import FirmDesk, Reading

__all__ = ["apply_correction", "apply_whatif", "keep_scenario", "undo_keep"]


def _refusal(desk: FirmDesk, reading: Reading, nothing_key: str) -> list[Reply] | None:
    """A reply when the message gives no usable figure or gives one field two values."""
    v = desk.vocab
    if reading.conflicts:
        name, values = next(iter(reading.conflicts.items()))
        shown = "、".join(desk.shown(name, x) for x in values)
        return [Reply(text=v.get("correction_conflict", label=desk.label(name), values=shown))]
    if not reading.accepted:
        # a unit note ("研发人员：1100万的单位不对") already says what was not understood
        lines = [*reading.notes, *([] if reading.notes else [v.get(nothing_key)]), v.get("not_changed")]
        return [Reply(text="\n".join(dict.fromkeys(lines)))]
    return None


async def apply_correction(desk: FirmDesk, key: str, record: FirmRecord, text: str) -> list[Reply]:
    """"营收说错了，应该是1.1亿": update that field, then re-run the last check."""
    v = desk.vocab
    reading = desk.read(text)
    refused = _refusal(desk, reading, "correction_nothing")
    if refused is not None:
        return refused
    merged = {**record.figures, **reading.accepted}
    try:
        await desk.assess(merged, record.context.last_check or desk.default_check)
    except FigureError as exc:
        return [Reply(text="\n".join([str(exc), v.get("not_changed")]))]
    new = [desk.label(k) for k in reading.accepted if k not in record.fields]
    lines = [v.get("correction_saved", items=desk.items(dict(reading.accepted), record.figures)), *reading.notes]
    if new:
        lines.append(v.get("correction_new", labels="、".join(new)))
    record = record.with_figures(dict(reading.accepted), "edit")
    return await _save_and_rerun(desk, key, record, Reply(text="\n".join(lines)))


async def _save_and_rerun(desk: FirmDesk, key: str, record: FirmRecord, head: Reply) -> list[Reply]:
    """Store the changed firm; with an earlier result, run that check again on it."""
    last = record.context.last_check
    if last is None:
        await desk.save(key, record)
        return [head]
    return [head, *await desk.run_check(key, last, record)]


def _named_fields(desk: FirmDesk, text: str) -> list[str]:
    """The inputs a message names by word ("研发费用翻倍" -> rd_expense; "高新收入" is not also 收入)."""
    hits = {name: [w for w in words if w in text] for name, words in desk.vocab.table("focus_fields").items()}
    found = [w for words in hits.values() for w in words]
    return [name for name, words in hits.items()
            if any(not any(w != o and w in o for o in found) for w in words)]


def _plus(value: Figure, delta: Figure) -> Figure:
    total = float(value) + float(delta)
    return int(total) if isinstance(value, int) and total.is_integer() else round(total, 4)


def _with_hires(desk: FirmDesk, record: FirmRecord, accepted: dict[str, Figure]) -> tuple[dict[str, Figure], str | None]:
    """"再招2个研发": the new people join the staff total too (and the reply says so)."""
    total = desk.vocab.get("whatif_hire_total")
    old, new, staff = record.figures.get("rd_staff"), accepted.get("rd_staff"), record.figures.get(total)
    if total in accepted or not isinstance(staff, int | float):
        return accepted, None
    if not isinstance(old, int | float) or not isinstance(new, int | float) or new <= old:
        return accepted, None
    grown = {**accepted, total: _plus(staff, new - old)}
    return grown, desk.vocab.get("whatif_hired_note", label=desk.label(total))


async def apply_whatif(
    desk: FirmDesk, key: str, record: FirmRecord, text: str, *, relative: bool = False, factor: float | None = None,
    hired: bool = False,
) -> list[Reply]:
    """"如果研发费用提到400万呢": re-score a copy and show before → after; the profile stays."""
    v = desk.vocab
    rule_set = record.context.last_check
    if rule_set is None or not record.fields:
        return [Reply(text=v.get("no_result_whatif"))]
    reading = desk.read(text)
    if factor is not None:  # "研发费用翻倍": the named figures times the factor
        named = _named_fields(desk, text)
        if not named:
            return [Reply(text=v.get("whatif_factor_nothing"))]
        unknown = [k for k in named if not isinstance(record.figures.get(k), int | float)]
        if unknown:
            return [Reply(text=v.get("whatif_relative_missing", label=desk.label(unknown[0])))]
        scaled = {k: _plus(record.figures[k], float(record.figures[k]) * (factor - 1)) for k in named}
        reading, relative = replace(reading, accepted=scaled, notes=[], conflicts={}), False
    refused = _refusal(desk, reading, "whatif_nothing")
    if refused is not None:
        return refused
    if relative:  # "再加100万": the number moves the figure the profile has
        unknown = [k for k in reading.accepted if not isinstance(record.figures.get(k), int | float)]
        if unknown:
            return [Reply(text=v.get("whatif_relative_missing", label=desk.label(unknown[0])))]
        moved = {k: _plus(record.figures[k], x) for k, x in reading.accepted.items()}
        reading = replace(reading, accepted=moved)
    hire_note = None
    if hired:
        accepted, hire_note = _with_hires(desk, record, dict(reading.accepted))
        reading = replace(reading, accepted=accepted)
    trial = {**record.figures, **reading.accepted}
    try:
        before, _ = await desk.assess(record.figures, rule_set)
        after, warnings = await desk.assess(trial, rule_set)
    except FigureError as exc:
        return [Reply(text="\n".join([str(exc), v.get("not_changed")]))]
    changes = "，".join(
        v.get("changed_line", label=desk.label(k), before=desk.shown(k, record.figures[k]) if k in record.fields
              else "未提供", after=desk.shown(k, x))
        for k, x in reading.accepted.items()
    )
    lines = [v.get("whatif_header", changes=changes), *_difference(before, after, desk)]
    lines += [*reading.notes, *([hire_note] if hire_note else [])]
    lines += [*(v.get("ratio_warning", message=w) for w in warnings), v.get("whatif_keep")]
    scenario: tuple[tuple[str, Figure], ...] = tuple(reading.accepted.items())
    await desk.save(key, record.with_context(scenario=scenario))
    return [Reply(text="\n".join(lines))]


def _difference(before: Assessment, after: Assessment, desk: FirmDesk) -> list[str]:
    """The verdict before → after, then what moved (scores, or the conditions that changed)."""
    v = desk.vocab
    was, now = verdict_line(before, v), verdict_line(after, v)
    lines = [v.get("verdict_same", verdict=now) if was == now else f"{was} → {now}"]
    match before.result, after.result:
        case ScoreResult() as b, ScoreResult() as a:
            lines = [f"创新积分：{b.rectified_total:g} → {a.rectified_total:g} 分（{b.band or '否决'} → {a.band or '否决'}）"]
            if b.stage != a.stage:  # "那等营收过500万会怎样": another stage weighs the categories anew
                weights = "、".join(f"{y.label} {x.max:g}→{y.max:g}" for x, y in zip(b.categories, a.categories, strict=True))
                lines.append(v.get("whatif_stage", was=b.stage_label, now=a.stage_label, weights=weights))
            moved = [
                f"· {y.label} {x.points:.2f} → {y.points:.2f} 分"
                for x, y in zip(b.indicators, a.indicators, strict=True)
                if abs(x.points - y.points) > 0.005
            ]
            return lines + moved
        case TechSmeResult() as b, TechSmeResult() as a:
            parts = [f"· {y.label} {x.points:g} → {y.points:g} 分" for x, y in zip(b.parts, a.parts, strict=True)
                     if x.points != y.points]
            return lines + (parts or [v.get("whatif_no_moves")])
        case HighTechResult(), HighTechResult():
            marks = v.raw("marks")
            for x, y in zip(before.gaps, after.gaps, strict=True):
                if x.text != y.text:
                    lines.append(f"{marks.get(y.status, '·')} {y.text}")
    return lines


async def keep_scenario(desk: FirmDesk, key: str, record: FirmRecord) -> list[Reply]:
    """"保留": the last what-if becomes the profile, and the last check runs on it."""
    v = desk.vocab
    scenario = dict(record.context.scenario)
    if not scenario:
        return [Reply(text=v.get("nothing_to_keep"))]
    before = tuple((name, record.fields.get(name)) for name in scenario)  # what "撤销" puts back
    record = record.with_figures(scenario, "whatif").with_context(scenario=(), undo=before)
    return await _save_and_rerun(desk, key, record, Reply(text=v.get("whatif_kept", items=desk.items(scenario))))


async def undo_keep(desk: FirmDesk, key: str, record: FirmRecord) -> list[Reply]:
    """"撤销" / "不要保留，恢复原来的": the figures the last 保留 replaced come back, the check runs again."""
    v = desk.vocab
    if not record.context.undo:
        return [Reply(text=v.get("nothing_to_undo"))]
    back = {name: e.value for name, e in record.context.undo if e is not None}
    gone = "、".join(desk.label(name) for name, e in record.context.undo if e is None)
    lines = ([v.get("undo_done", items=desk.items(back))] if back else []) + \
        ([v.get("undo_removed", labels=gone)] if gone else [])
    return await _save_and_rerun(desk, key, record.restored(), Reply(text="\n".join(lines)))
