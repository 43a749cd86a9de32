"""The saved firm profile and its conversation context, JSON-able and robust to damage."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from bot.core.estimate.port import Figure

__all__ = ["FieldEntry", "Figure", "FirmContext", "FirmRecord"]


SOURCES = ("chat", "sheet", "edit", "whatif")


class _Unset:
    """A context field not named in with_context (None is a value: "no last check")."""


_UNSET = _Unset()


@dataclass(frozen=True)
class FieldEntry:
    """One remembered figure: its value, how it was given and when."""

    value: Figure
    source: str  # chat | sheet | edit | whatif
    at: str  # ISO time (UTC)


@dataclass(frozen=True)
class FirmContext:
    """What the conversation is about: the last check run, the check asked about, open questions."""

    last_check: str | None = None  # rule-set id of the last result
    topic: str | None = None  # rule-set id the user asked about (figures sent next go there)
    pending: tuple[str, ...] = ()  # yes/no fields the last verdict asked the user to confirm
    scenario: tuple[tuple[str, Figure], ...] = ()  # the last what-if, kept only on request
    question: str | None = None  # the last policy question answered (追问 "那杭州呢" reads it)
    asked: str | None = None  # the last question about the firm's result ("要到良好还差多少"; "那中等呢" reads it)
    offer: tuple[tuple[str, Figure], ...] = ()  # figures named back ("是研发费用吗？"); the next "是" records them
    region_skipped: bool = False  # the region question was left unanswered once: never asked again
    undo: tuple[tuple[str, FieldEntry | None], ...] = ()  # the entries the last 保留 replaced (None: was absent)


@dataclass(frozen=True)
class FirmRecord:
    """One user's firm: figures by field name, plus the conversation context."""

    fields: dict[str, FieldEntry] = field(default_factory=dict)
    context: FirmContext = field(default_factory=FirmContext)

    @property
    def figures(self) -> dict[str, Figure]:
        """The values alone, as the scoring engine takes them."""
        return {name: entry.value for name, entry in self.fields.items()}

    def with_figures(self, figures: dict[str, Figure], source: str, now: datetime | None = None) -> FirmRecord:
        """A copy with figures set (each stamped with source and time)."""
        at = (now or datetime.now(UTC)).isoformat(timespec="seconds")
        merged = dict(self.fields)
        for name, value in figures.items():
            merged[name] = FieldEntry(value, source, at)
        return replace(self, fields=merged)

    def without(self, names: list[str]) -> FirmRecord:
        """A copy without the named fields."""
        return replace(self, fields={k: v for k, v in self.fields.items() if k not in names})

    def with_context(
        self,
        *,
        last_check: str | _Unset | None = _UNSET,
        topic: str | _Unset | None = _UNSET,
        pending: tuple[str, ...] | _Unset = _UNSET,
        scenario: tuple[tuple[str, Figure], ...] | _Unset = _UNSET,
        question: str | _Unset | None = _UNSET,
        asked: str | _Unset | None = _UNSET,
        offer: tuple[tuple[str, Figure], ...] | _Unset = _UNSET,
        region_skipped: bool | _Unset = _UNSET,
        undo: tuple[tuple[str, FieldEntry | None], ...] | _Unset = _UNSET,
    ) -> FirmRecord:
        """A copy with the named context fields changed (the others kept)."""
        c = self.context
        return replace(self, context=FirmContext(
            last_check=c.last_check if isinstance(last_check, _Unset) else last_check,
            topic=c.topic if isinstance(topic, _Unset) else topic,
            pending=c.pending if isinstance(pending, _Unset) else pending,
            scenario=c.scenario if isinstance(scenario, _Unset) else scenario,
            question=c.question if isinstance(question, _Unset) else question,
            asked=c.asked if isinstance(asked, _Unset) else asked,
            offer=c.offer if isinstance(offer, _Unset) else offer,
            region_skipped=c.region_skipped if isinstance(region_skipped, _Unset) else region_skipped,
            undo=c.undo if isinstance(undo, _Unset) else undo,
        ))

    def restored(self) -> FirmRecord:
        """A copy with the entries the last 保留 replaced put back (撤销), the undo step used up."""
        fields = dict(self.fields)
        for name, entry in self.context.undo:
            if entry is None:
                fields.pop(name, None)
            else:
                fields[name] = entry
        return replace(self, fields=fields).with_context(undo=())

    def to_json(self) -> str:
        """The stored form."""
        data = {
            "fields": {k: [v.value, v.source, v.at] for k, v in self.fields.items()},
            "context": {
                "last_check": self.context.last_check,
                "topic": self.context.topic,
                "pending": list(self.context.pending),
                "scenario": [list(item) for item in self.context.scenario],
                "question": self.context.question,
                "asked": self.context.asked,
                "offer": [list(item) for item in self.context.offer],
                "region_skipped": self.context.region_skipped,
                "undo": [[name, None if e is None else [e.value, e.source, e.at]] for name, e in self.context.undo],
            },
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> FirmRecord:
        """Rebuild a stored record; damaged parts are dropped, never guessed."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        fields = {str(name): entry for name, raw in (data.get("fields") or {}).items()
                  if (entry := _entry(raw)) is not None}
        raw_ctx = data.get("context")
        ctx: dict[str, Any] = raw_ctx if isinstance(raw_ctx, dict) else {}
        scenario, offer = (_pairs(ctx.get(name)) for name in ("scenario", "offer"))
        context = FirmContext(
            last_check=_opt_str(ctx.get("last_check")),
            topic=_opt_str(ctx.get("topic")),
            pending=tuple(str(p) for p in ctx.get("pending") or [] if isinstance(p, str)),
            scenario=scenario,
            question=_opt_str(ctx.get("question")),
            asked=_opt_str(ctx.get("asked")),
            offer=offer,
            region_skipped=ctx.get("region_skipped") is True,
            undo=_undo(ctx.get("undo")),
        )
        return cls(fields=fields, context=context)


def _entry(raw: object) -> FieldEntry | None:
    """A stored [value, source, at]; None when damaged."""
    if isinstance(raw, list) and len(raw) == 3 and _is_figure(raw[0]):
        return FieldEntry(raw[0], str(raw[1]), str(raw[2]))
    return None


def _undo(raw: object) -> tuple[tuple[str, FieldEntry | None], ...]:
    """Stored [name, entry or null] pairs; damaged ones dropped."""
    items = raw if isinstance(raw, list) else []
    return tuple((str(i[0]), _entry(i[1])) for i in items
                 if isinstance(i, list) and len(i) == 2 and (i[1] is None or _entry(i[1]) is not None))


def _pairs(raw: object) -> tuple[tuple[str, Figure], ...]:
    """Stored (field, figure) pairs; damaged ones dropped."""
    items = raw if isinstance(raw, list) else []
    return tuple((str(i[0]), i[1]) for i in items if isinstance(i, list) and len(i) == 2 and _is_figure(i[1]))


def _is_figure(value: object) -> bool:
    return isinstance(value, bool | int | float | str)


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
