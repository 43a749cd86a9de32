"""Acting on plain-word requests (取消、暂停、恢复): the one subscription named, or a numbered question.

Nothing is cancelled on a guess: when a request fits several subscriptions the user gets them
numbered and picks one (or "全部"); cancelling several at once is confirmed first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.pending import PendingPrompts, is_no, is_yes
from bot.core.ports import Clock
from bot.core.subscriptions.editor import SubscriptionEditor
from bot.core.subscriptions.edits import number_of
from bot.core.subscriptions.parser import Vocabulary
from bot.core.subscriptions.plain import (
    PauseLength,
    PlainRequest,
    RequestWords,
    Target,
    load_request_words,
    only_filler,
    pause_length,
    read_target,
)
from bot.core.subscriptions.render import next_delivery_text, subscription_label
from bot.core.subscriptions.types import Subscription, SubscriptionRepository
from bot.core.texts import Texts
from bot.core.types import Choice, Reply

__all__ = ["PlainManager"]

_SEP = "|"
_TRIM = " 。.!！~～，,吧"


def _paused(sub: Subscription, now: datetime) -> bool:
    return sub.not_before is not None and sub.not_before > now


def _encode(pause: PauseLength | None) -> str:
    if pause is None:
        return ""
    return f"n{pause.until_next}" if pause.until_next else f"d{pause.days or 0}"


def _decode(code: str) -> PauseLength | None:
    if code.startswith("n"):
        return PauseLength(until_next=code[1:])
    if code.startswith("d") and code[1:].isdigit():
        return PauseLength(days=int(code[1:]) or None)
    return None


def _resume_day(code: str, today: date) -> date | None:
    """The day sends come again: "month", "week", "w2" (next Wednesday), "m12-15" (12月15日),
    "d15" (the next 15th); None for a day that does not exist."""
    if code == "week":
        return today + timedelta(days=7 - today.weekday())
    if code == "month":
        return (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    if code[:1] == "w" and code[1:].isdigit():
        return today + timedelta(days=7 - today.weekday() + int(code[1:]))
    try:
        if code[:1] == "m":
            month, day = (int(x) for x in code[1:].split("-"))
            on = date(today.year, month, day)
            return on if on > today else date(today.year + 1, month, day)
        day = int(code[1:])
        on = today.replace(day=day)
        return on if on > today else (today.replace(day=28) + timedelta(days=4)).replace(day=day)
    except ValueError:
        return None


class PlainManager:
    """Cancels, pauses and resumes the subscription a request names; asks when it names several."""

    PROMPTS = ("pick", "how_long", "confirm_all")

    def __init__(
        self,
        *,
        store: SubscriptionRepository,
        clock: Clock,
        texts: Texts,
        pending: PendingPrompts,
        editor: SubscriptionEditor,
        changed: Callable[[], None],
        vocab: Vocabulary,
        words: RequestWords | None = None,
    ) -> None:
        self.vocab = vocab
        self.store = store
        self.clock = clock
        self.texts = texts
        self.pending = pending
        self.editor = editor
        self.changed = changed
        self.words = words or load_request_words()

    def act(self, user_key: str, request: PlainRequest) -> list[Reply] | None:
        """Carry out a cancel / pause / resume request, or ask which one; None when not ours."""
        subs = self.store.list_for_user(user_key)
        found = self._matching(request.target, subs)
        if request.weak and not found:
            return None
        if not subs:
            return [Reply(text=self.texts.get("list_empty"))]
        now = self.clock.now()
        if not found:
            return [self._listed("plain_no_match", subs, subs, words=request.target.words)]
        if request.kind == "resume":
            paused = [s for s in found if _paused(s, now)]
            if not paused:
                return [self._listed("plain_none_paused", found, subs)]
            found = paused
        if request.kind == "cancel" and (request.asked or request.target.every):
            return [self.confirm_cancel(user_key, found, subs)]  # "都取消" / a question: confirm
        if len(found) == 1 or request.target.every:
            return self._do(user_key, request.kind, found, subs, request.pause)
        return [self._ask_pick(user_key, request.kind, found, subs, request.pause)]

    def _matching(self, target: Target, subs: list[Subscription]) -> list[Subscription]:
        """The subscriptions a target names: every named topic and region must be in it."""
        if target.number is not None:
            return [subs[target.number - 1]] if target.number <= len(subs) else []
        if target.every and not (target.topics or target.regions):
            return subs
        return [
            s for s in subs
            if set(target.topics) <= set(s.topics) and set(target.regions) <= set(s.regions)
        ]  # fmt: skip

    def _do(
        self,
        user_key: str,
        kind: str,
        chosen: list[Subscription],
        subs: list[Subscription],
        pause: PauseLength | None,
    ) -> list[Reply]:
        now = self.clock.now()
        numbers = {s.id: n for n, s in enumerate(subs, start=1)}
        if kind == "cancel":
            return [self._cancel(chosen, numbers)]
        if kind == "resume":
            return [self.editor.resume(s, numbers[s.id], now) for s in chosen]
        until = self._until(pause, now, chosen[0].timezone)
        if until is None:
            ids = ",".join(str(s.id) for s in chosen)
            self.pending.ask(user_key, "how_long", ids)
            return [Reply(text=self.texts.get("pause_how_long"))]
        return [self.editor.pause(s, numbers[s.id], until, now) for s in chosen]

    def _cancel(self, chosen: list[Subscription], numbers: dict[int, int]) -> Reply:
        now = self.clock.now()
        for sub in chosen:
            self.store.deactivate(sub.id, reason="unsubscribed", at=now)
        self.changed()
        if len(chosen) == 1:
            sub = chosen[0]
            label = subscription_label(sub, self.texts)
            return Reply(text=self.texts.get("plain_cancelled", n=numbers[sub.id], label=label))
        items = "\n".join(f"{numbers[s.id]}. {subscription_label(s, self.texts)}" for s in chosen)
        return Reply(text=self.texts.get("plain_cancelled_many", count=len(chosen), items=items))

    @staticmethod
    def _until(pause: PauseLength | None, now: datetime, timezone: str) -> datetime | None:
        """When a pause ends: after its days, at next month / week, or after the day named."""
        if pause is None or (pause.days is None and pause.until_next is None):
            return None
        if pause.days is not None:
            return now + timedelta(days=pause.days)
        zone = ZoneInfo(timezone)
        resume = _resume_day(pause.until_next or "", now.astimezone(zone).date())
        return datetime.combine(resume, time(0, 0), tzinfo=zone) if resume else None

    # --- asking which ---------------------------------------------------------------------------
    def _ask_pick(
        self,
        user_key: str,
        kind: str,
        found: list[Subscription],
        subs: list[Subscription],
        pause: PauseLength | None,
    ) -> Reply:
        ids = ",".join(str(s.id) for s in found)
        self.pending.ask(user_key, "pick", _SEP.join((kind, ids, _encode(pause))))
        verb = self.texts.get(f"verb_{kind}")
        numbers = {s.id: n for n, s in enumerate(subs, start=1)}
        lines = [self.texts.get("plain_pick", count=len(found), verb=verb)]
        lines += [f"{numbers[s.id]}. {subscription_label(s, self.texts)}" for s in found]
        lines.append(self.texts.get("plain_pick_tail", verb=verb))
        return Reply(text="\n".join(lines))

    def confirm_cancel(
        self, user_key: str, chosen: list[Subscription], subs: list[Subscription]
    ) -> Reply:
        """ "确认取消这 N 个订阅吗？" with the list; the answer is read by answer()."""
        self.pending.ask(user_key, "confirm_all", ",".join(str(s.id) for s in chosen))
        numbers = {s.id: n for n, s in enumerate(subs, start=1)}
        items = "\n".join(f"{numbers[s.id]}. {subscription_label(s, self.texts)}" for s in chosen)
        key = "confirm_all" if len(chosen) == len(subs) else "confirm_some"
        buttons = (
            (
                Choice(self.texts.get("btn_confirm"), "sub:delall:yes"),
                Choice(self.texts.get("btn_cancel"), "sub:delall:no"),
            ),
        )
        return Reply(text=self.texts.get(key, count=len(chosen), items=items), choices=buttons)

    def answer(self, user_key: str, kind: str, data: str, text: str) -> list[Reply] | None:
        """The reply to our open question ("2", "全部", "两周", "确认"); None when it is no answer."""
        if is_no(text):
            self.pending.clear(user_key)
            return [
                Reply(
                    text=self.texts.get(
                        "confirm_all_kept" if kind == "confirm_all" else "plain_kept"
                    )
                )
            ]
        subs = self.store.list_for_user(user_key)
        wanted = {int(i) for i in data.split(_SEP)[1 if kind == "pick" else 0].split(",") if i}
        chosen = [s for s in subs if s.id in wanted] if wanted else subs
        if kind == "confirm_all":
            return self.answer_all(user_key, chosen, subs) if is_yes(text) else None
        if kind == "how_long":
            pause, rest = pause_length(text, self.words)
            if pause is None or not only_filler(rest, self.words):
                return None
            self.pending.clear(user_key)
            return self._do(user_key, "pause", chosen, subs, pause)
        return self._answer_pick(user_key, data, text, chosen, subs)

    def _answer_pick(
        self,
        user_key: str,
        data: str,
        text: str,
        chosen: list[Subscription],
        subs: list[Subscription],
    ) -> list[Reply] | None:
        action, ids, code = data.split(_SEP)
        pause, rest = pause_length(text, self.words) if action == "pause" else (None, text)
        code = _encode(pause) or code
        if rest.strip(_TRIM) in (*self.words.all_words, "都要", "都是"):
            picked = chosen
        elif (n := number_of(rest.strip(_TRIM))) is not None:
            picked = [s for s in chosen if n <= len(subs) and subs[n - 1].id == s.id]
            if not picked:
                return [
                    Reply(
                        text=self.texts.get("plain_pick_again", numbers=self._numbers(chosen, subs))
                    )
                ]
        elif pause is not None and only_filler(
            rest, self.words
        ):  # "下个月再说": how long, not which
            self.pending.ask(user_key, "pick", _SEP.join((action, ids, code)))
            how_long = ("到" if pause.until_next else "") + pause.words
            numbers = self._numbers(chosen, subs)
            return [
                Reply(text=self.texts.get("plain_pick_length", how_long=how_long, numbers=numbers))
            ]
        else:  # "积分贷那个": named among the ones listed
            target = read_target(rest, self.vocab, self.words)
            picked = self._matching(target, chosen) if target and target.named else []
            if len(picked) != 1:
                return None
        self.pending.clear(user_key)
        return self._do(user_key, action, picked, subs, _decode(code))

    @staticmethod
    def _numbers(chosen: list[Subscription], subs: list[Subscription]) -> str:
        return "、".join(str(subs.index(s) + 1) for s in chosen)

    def answer_all(
        self, user_key: str, chosen: list[Subscription], subs: list[Subscription]
    ) -> list[Reply]:
        """Cancel the confirmed subscriptions and name them."""
        self.pending.clear(user_key)
        if len(chosen) == len(subs):
            now = self.clock.now()
            count = self.store.deactivate_user(user_key, reason="unsubscribed", at=now)
            self.changed()
            return [Reply(text=self.texts.get("removed_all", count=count))]
        numbers = {s.id: n for n, s in enumerate(subs, start=1)}
        return [self._cancel(chosen, numbers)]

    def _listed(
        self, key: str, shown: list[Subscription], subs: list[Subscription], **values: str
    ) -> Reply:
        now = self.clock.now()
        numbers = {s.id: n for n, s in enumerate(subs, start=1)}
        items = "\n".join(
            self.texts.get(
                "list_item",
                n=numbers[s.id],
                label=subscription_label(s, self.texts),
                next=next_delivery_text(s, now),
            )
            for s in shown
        )
        return Reply(text=self.texts.get(key, items=items, **values))
