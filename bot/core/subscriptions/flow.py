"""The step-by-step subscription flow (主题 → 地区 → 频率 → 时间), by button or by typed answer.

The flow's state travels in the button data ("sub:n:t=积分贷:r=重庆:f=w4") and, for typed answers,
in the user's open prompt: "重庆" typed at "关注哪个地区？" is that region, not a question.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.core.intents import is_question
from bot.core.pending import PendingPrompts, is_no
from bot.core.subscriptions.parser import (
    WEEKDAY_NAMES,
    ParsedRequest,
    Vocabulary,
    parse_request,
)
from bot.core.subscriptions.render import schedule_errors_text
from bot.core.subscriptions.types import SubscriptionDraft
from bot.core.texts import Texts, load_texts
from bot.core.types import Choice, Reply

__all__ = ["FlowResult", "SubscriptionFlow", "schedule_code"]

MAX_DATA_BYTES = 64  # Telegram's callback_data limit
_OLD_FREQUENCIES = {"0": "d", **{str(k): f"w{k - 1}" for k in range(1, 8)}}  # old f0…f7 buttons
_FREQUENCY_BUTTONS = ("d", "k", "w0", "w2", "w4", "b0", "m1")
_LEAVING_MIN_CHARS = 15  # a longer free text at a prompt is a new request, not an answer


@dataclass(frozen=True)
class FlowResult:
    """Either the next prompt, or a finished request to store."""

    replies: list[Reply]
    done: ParsedRequest | None = None


def schedule_code(draft: SubscriptionDraft) -> str:
    """A compact code of a schedule for button data: d, k, w4, b4, m1, mL, n1w0, nLw4."""
    weekday = draft.weekday or 0
    if draft.frequency == "daily":
        return "d"
    if draft.frequency == "workdays":
        return "k"
    if draft.frequency == "biweekly":
        return f"b{weekday}"
    if draft.frequency == "monthly":
        if draft.nth is not None:
            return f"n{'L' if draft.nth == -1 else draft.nth}w{weekday}"
        return f"m{'L' if draft.month_day == -1 else draft.month_day}"
    return f"w{weekday}"


def _from_code(code: str) -> SubscriptionDraft | None:
    """The schedule fields of a code (None for a forged one)."""
    base = SubscriptionDraft()
    try:
        if code == "d":
            return replace(base, frequency="daily", weekday=None)
        if code == "k":
            return replace(base, frequency="workdays", weekday=None)
        kind, rest = code[0], code[1:]
        if kind in "wb" and rest in "0123456" and len(rest) == 1:
            return replace(
                base, frequency="weekly" if kind == "w" else "biweekly", weekday=int(rest)
            )
        if kind == "m" and (rest == "L" or 1 <= int(rest) <= 28):
            day = -1 if rest == "L" else int(rest)
            return replace(base, frequency="monthly", weekday=None, month_day=day)
        if kind == "n":
            nth, _, weekday = rest.partition("w")
            n = -1 if nth == "L" else int(nth)
            if n in (1, 2, 3, 4, -1) and weekday in tuple("0123456"):
                return replace(base, frequency="monthly", nth=n, weekday=int(weekday))
    except ValueError:
        return None
    return None


@dataclass(frozen=True)
class _State:
    topics: tuple[str, ...] | None = None  # () = any topic
    regions: tuple[str, ...] | None = None
    schedule: str | None = None
    time: str | None = None  # "HHMM"

    def encode(self) -> str:
        parts = ["sub:n"]
        for key, value in (("t", self.topics), ("r", self.regions)):
            if value is not None:
                parts.append(f"{key}={'+'.join(value) or '-'}")
        if self.schedule is not None:
            parts.append(f"f={self.schedule}")
        if self.time is not None:
            parts.append(f"h={self.time}")
        return ":".join(parts)


class SubscriptionFlow:
    """Asks for whatever the subscription still lacks; answers come by button or typed text."""

    def __init__(
        self, *, vocab: Vocabulary, texts: Texts, pending: PendingPrompts
    ) -> None:
        self.vocab = vocab
        self.texts = texts
        self.pending = pending

    def start(self, user_key: str) -> list[Reply]:
        """The first prompt (主题)."""
        return self._prompt(user_key, _State())

    def on_callback(self, user_key: str, data: str) -> FlowResult | None:
        """A flow button; None when the data is stale or forged."""
        base = _State()
        if data.startswith("sub:n:p:"):  # a long state: the rest is in the open prompt
            pending = self.pending.peek(user_key, "flow")
            base = self._decode(pending.data) if pending else None  # type: ignore[assignment]
            data = "sub:n:" + data[8:]
        state = self._decode(data, base) if base is not None else None
        if state is None:
            return None
        return self._next(user_key, state)

    def on_text(self, user_key: str, text: str) -> FlowResult | None:
        """A typed answer to the open flow prompt; None when the user has left the flow."""
        pending = self.pending.peek(user_key, "flow")
        if pending is None:
            return None
        state = self._decode(pending.data) or _State()
        if is_no(text):
            self.pending.clear(user_key)
            return FlowResult([Reply(text=self.texts.get("flow_cancelled"))])
        if len(text) >= _LEAVING_MIN_CHARS or is_question(text, load_texts()):
            self.pending.clear(user_key)
            return None  # a question or a new request: the user left the flow
        parsed = parse_request(text, self.vocab)
        step = self._step(state)
        if parsed.schedule_errors:
            errors = schedule_errors_text(parsed, self.texts)
            return FlowResult([Reply(text=self.texts.get("flow_bad_schedule", errors=errors))])
        merged = self._merge(state, parsed, step)
        if merged == state:
            return FlowResult([self._reask(step, text, parsed)])
        return self._next(user_key, merged)

    # --- steps -----------------------------------------------------------------------------
    def _step(self, state: _State) -> str:
        if state.topics is None:
            return "topic"
        if state.regions is None:
            return "region"
        if state.schedule is None:
            return "frequency"
        return "time"

    def _merge(self, state: _State, parsed: ParsedRequest, step: str) -> _State:
        """What a typed answer adds; "不限" answers the step being asked."""
        draft = parsed.draft
        topics = state.topics if state.topics is not None else None
        regions = state.regions
        if draft.topics:
            topics = tuple(draft.topics[:2])
        if draft.regions:
            regions = tuple(draft.regions[:2])
        if parsed.wants_all and step in ("topic", "region"):
            if step == "topic" and not draft.topics:
                topics = ()
            if step == "region" and not draft.regions:
                regions = ()
        if regions is not None and topics is None:
            topics = ()  # a region typed at the topic prompt: any topic in that region
        schedule, time = state.schedule, state.time
        if parsed.schedule.frequency is not None:
            schedule = schedule_code(draft)
        if parsed.schedule.hour is not None:
            time = f"{draft.hour:02d}{draft.minute:02d}"
            schedule = schedule or schedule_code(SubscriptionDraft())
        if schedule is not None and regions is None and topics is not None:
            regions = ()
        return _State(topics, regions, schedule, time)

    def _next(self, user_key: str, state: _State) -> FlowResult:
        if state.time is None:
            return FlowResult(self._prompt(user_key, state))
        self.pending.clear(user_key)
        base = _from_code(state.schedule or "w0") or SubscriptionDraft()
        draft = replace(
            base,
            topics=state.topics or (),
            regions=state.regions or (),
            hour=int(state.time[:2]),
            minute=int(state.time[2:]),
        )
        return FlowResult(
            [], done=ParsedRequest(draft=draft, explicit_schedule=True, wants_all=True)
        )

    def _prompt(self, user_key: str, state: _State) -> list[Reply]:
        step = self._step(state)
        self.pending.ask(user_key, "flow", state.encode())
        return [Reply(text=self.texts.get(f"flow_{step}"), choices=self._buttons(step, state))]

    def _buttons(self, step: str, state: _State) -> tuple[tuple[Choice, ...], ...]:
        if step == "topic":
            options = [(t, replace(state, topics=(t,))) for t in self.vocab.topics]
            options.append((self.texts.get("any_topic"), replace(state, topics=())))
        elif step == "region":
            options = [(r, replace(state, regions=(r,))) for r in self.vocab.region_buttons]
            options.append((self.texts.get("any_region"), replace(state, regions=())))
        elif step == "frequency":
            options = [
                (self._frequency_label(code), replace(state, schedule=code))
                for code in _FREQUENCY_BUTTONS
            ]
        else:
            options = [
                (hm, replace(state, time=hm.replace(":", ""))) for hm in self.vocab.time_buttons
            ]
        per_row = 3 if step == "topic" else 4
        choices = [Choice(label, self._data(s)) for label, s in options]
        return tuple(tuple(choices[i : i + per_row]) for i in range(0, len(choices), per_row))

    def _data(self, state: _State) -> str:
        data = state.encode()
        if len(data.encode()) <= MAX_DATA_BYTES:
            return data
        return "sub:n:p:" + data.rsplit(":", 1)[-1]  # too long: the open prompt holds the rest

    def _frequency_label(self, code: str) -> str:
        draft = _from_code(code) or SubscriptionDraft()
        if draft.frequency == "daily":
            return self.texts.get("daily")
        if draft.frequency == "workdays":
            return self.texts.get("workdays_short")
        if draft.frequency == "biweekly":
            return self.texts.get("biweekly_short")
        if draft.frequency == "monthly":
            return self.texts.get("monthly_day", day=draft.month_day)
        return self.texts.get("weekly", weekday=WEEKDAY_NAMES[draft.weekday or 0])

    def _reask(self, step: str, text: str, parsed: ParsedRequest) -> Reply:
        words = "”“".join(parsed.unknown or parsed.foreign) or text.strip()[:20]
        return Reply(text=self.texts.get(f"flow_reask_{step}", words=words))

    # --- button data -------------------------------------------------------------------------
    def _decode(self, data: str, base: _State | None = None) -> _State | None:
        """Button data (new "t=…" or old index form) into a state; None when forged."""
        if data != "sub:n" and not data.startswith("sub:n:"):
            return None
        state: _State | None = base or _State()
        for part in data.split(":")[2:]:
            if state is None:
                return None
            key, value = part[:1], part[1:].removeprefix("=")
            state = self._apply_part(state, key, value, named=part[1:2] == "=")
        return state

    def _apply_part(self, state: _State, key: str, value: str, *, named: bool) -> _State | None:
        if key in "tr" and value in ("-", ""):
            return replace(state, topics=()) if key == "t" else replace(state, regions=())
        if key == "t":
            topics = tuple(value.split("+")) if named else self._index(self.vocab.topics, value)
            ok = topics is not None and all(t in self.vocab.topic_forms.names for t in topics)
            return replace(state, topics=topics) if ok else None
        if key == "r":
            if named:
                regions = tuple(r for r in value.split("+") if self.vocab.places.resolve(r))
                return replace(state, regions=regions) if regions else None
            found = self._index(self.vocab.region_buttons, value)
            return replace(state, regions=found) if found is not None else None
        if key == "f":
            code = value if named else _OLD_FREQUENCIES.get(value)
            return replace(state, schedule=code) if code and _from_code(code) else None
        if key == "h":
            return self._time(state, value, named=named)
        return None

    def _time(self, state: _State, value: str, *, named: bool) -> _State | None:
        if not named:
            found = self._index(self.vocab.time_buttons, value)
            return replace(state, time=found[0].replace(":", "")) if found else None
        if len(value) == 4 and value.isdigit() and int(value[:2]) < 24 and int(value[2:]) < 60:
            return replace(state, time=value)
        return None

    @staticmethod
    def _index(options: tuple[str, ...], value: str) -> tuple[str, ...] | None:
        if value.isdigit() and int(value) < len(options):
            return (options[int(value)],)
        return None
