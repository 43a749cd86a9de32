"""The assistant core (助手核心): one Incoming in, short Chinese replies out, whatever the channel."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from bot.core.estimate.batch import MAX_UPLOAD_BYTES, MAX_UPLOAD_ROWS, render_batch
from bot.core.estimate.dialogue import SESSION_KIND, FormState, ScoringDialogue, Turn
from bot.core.estimate.forms import FormSpec, PolicySpec, load_forms, load_policy
from bot.core.estimate.port import FigureError, Result, ScoreOutcome, ScoringPort
from bot.core.estimate.rule_sets import load_rule_sets
from bot.core.firm.desk import FirmDesk
from bot.core.firm.intents import correction_text, whatif_text
from bot.core.firm.profile_command import profile_command
from bot.core.firm.verdict import render_points, render_result, weak_fields
from bot.core.firm.vocab import load_vocab
from bot.core.gate import UserGate
from bot.core.intents import (
    Command,
    clean_text,
    has_content,
    is_bare_quantity,
    is_question,
    matches_word,
    parse_command,
    subscription_command,
)
from bot.core.late import LATE_IMAGE_TIMEOUT, resolve_in_place
from bot.core.pending import PendingPrompts, is_no, is_yes
from bot.core.policy import match_policies
from bot.core.ports import (
    DialogueSessions,
    Forgettable,
    ProfileStore,
    SubscriptionHandler,
    UserProfiles,
)
from bot.core.render import render_answer, render_policies
from bot.core.texts import Texts, load_texts
from bot.core.types import Choice, Incoming, LateImage, Reply
from retrieval.errors import RetrievalError
from retrieval.types import Answerer, Searcher
from scoring.results import ScoreResult

__all__ = ["CoreAssistant", "user_tag"]

log = logging.getLogger(__name__)
T = TypeVar("T")

SUBSCRIPTION_COMMANDS = ("subscribe", "unsubscribe", "subs", "digest")


def user_tag(user_key: str) -> str:
    """A short hash that identifies a user in logs without naming them."""
    return hashlib.sha256(user_key.encode("utf-8")).hexdigest()[:12]


class CoreAssistant:
    """Routes commands and free text to answers, the scoring dialogue and subscriptions."""

    def __init__(
        self,
        *,
        users: UserProfiles,
        sessions: DialogueSessions,
        scoring: ScoringPort | None,
        answerer: Answerer | None,
        searcher: Searcher | None = None,
        subscriptions: SubscriptionHandler | None = None,
        profiles: ProfileStore | None = None,
        forgettables: Sequence[Forgettable] = (),
        texts: Texts | None = None,
        forms: dict[str, FormSpec] | None = None,
        default_rule_set: str | None = None,
        policy: PolicySpec | None = None,
        max_chars: int = 2000,
        max_pending_per_user: int = 20,
        per_user_rate: float | None = None,
        per_user_burst: int = 30,
        scoring_threads: int = 2,
        chart_threads: int = 1,
        late_image_timeout: float = LATE_IMAGE_TIMEOUT,
    ) -> None:
        self._users = users
        self._sessions = sessions
        self._scoring = scoring
        self._answerer = answerer
        self._searcher = searcher
        self._subscriptions = subscriptions
        self._texts = texts or load_texts()
        # The checks offered (rule_sets.yaml); settings may make a zone's rule set the default.
        rule_sets = load_rule_sets()
        if default_rule_set and scoring is not None:
            rule_sets = rule_sets.with_default(default_rule_set, scoring.kind)
        self._rule_sets = rule_sets
        self._forms = rule_sets.forms(forms or load_forms())
        self._policy = policy or load_policy()
        self._max_chars = max_chars
        self._gate = UserGate(max_pending_per_user, rate=per_user_rate, burst=per_user_burst)
        # CPU-heavy work in bounded pools of its own, so a burst of scores, charts or one large
        # upload never queues every question and dialogue step behind it: scoring (a few ms),
        # charts (drawn after the text has gone out) and uploaded tables (one at a time).
        self._scoring_pool = ThreadPoolExecutor(scoring_threads, thread_name_prefix="innobot-score")
        self._chart_pool = ThreadPoolExecutor(chart_threads, thread_name_prefix="innobot-chart")
        self._table_pool = ThreadPoolExecutor(1, thread_name_prefix="innobot-table")
        self._late_timeout = late_image_timeout
        self._pending = PendingPrompts()  # an open "/forget: 确认/取消?" per user
        # In the given order (the composition puts its one-transaction eraser first), then the
        # core's own stores if the caller did not pass them.
        self._forgettables: list[Forgettable] = []
        for store in [*forgettables, users, sessions, *([profiles] if profiles else [])]:
            if all(store is not known for known in self._forgettables):
                self._forgettables.append(store)
        self._dialogue = (
            ScoringDialogue(scoring, self._texts, self._forms) if scoring is not None else None
        )
        self._desk = (
            FirmDesk(profiles=profiles, scoring=scoring, texts=self._texts, default_check=rule_sets.default,
                     vocab=load_vocab().for_zones({e.id: e.family for e in rule_sets if e.id != e.family}))
            if profiles is not None and scoring is not None else None
        )

    # --- the Assistant protocol ------------------------------------------------------------------

    async def handle(self, incoming: Incoming, *, defer_images: bool = False) -> list[Reply]:
        """Handle one message; a user's messages are handled strictly in order.

        defer_images: return a chart still being drawn as a `Reply.later` for the channel to send
        after the text (see bot.core.late); otherwise it is waited for in its place.
        """
        async with self._gate.enter(incoming.user_key) as admitted:
            if not admitted:
                return [Reply(text=self._texts.get("flood"))]
            try:
                replies = await self._dispatch(incoming)
                if defer_images:
                    return replies
                return await resolve_in_place(replies, self._late_timeout)
            except Exception as exc:  # the one catch-all: log without message text, reply kindly
                frames = "".join(traceback.format_tb(exc.__traceback__))
                log.error(
                    "unhandled %s for user %s on %s\n%s",
                    type(exc).__name__,
                    user_tag(incoming.user_key),
                    incoming.channel,
                    frames,
                )
                return [Reply(text=self._texts.get("internal_error"))]

    def close(self) -> None:
        """Release the scoring threads and chart workers (the stores belong to the caller)."""
        for pool in (self._scoring_pool, self._chart_pool, self._table_pool):
            pool.shutdown(wait=False, cancel_futures=True)
        if self._scoring is not None:
            self._scoring.close()

    async def aclose(self) -> None:
        """close() off the loop: waiting for the worker processes to exit blocks."""
        await asyncio.to_thread(self.close)

    # --- dispatch --------------------------------------------------------------------------------

    async def _dispatch(self, incoming: Incoming) -> list[Reply]:
        t = self._texts
        if incoming.kind == "follow":
            return await self._welcome(incoming)
        if incoming.kind == "file":
            return await self._batch(incoming)
        if incoming.kind == "unsupported":
            return [Reply(text=t.get("unsupported_kind"))]
        if incoming.kind == "callback":
            return await self._on_callback(incoming, incoming.callback_data or "")
        cleaned = clean_text(incoming.text, self._max_chars)
        if not cleaned.text:
            return [Reply(text=t.get("empty_message"))]
        if not has_content(cleaned.text):
            return [Reply(text=t.get("only_symbols"))]
        replies = await self._on_text(incoming, cleaned.text)
        if cleaned.truncated:
            replies.insert(0, Reply(text=t.get("too_long", limit=self._max_chars)))
        return replies

    async def _on_text(self, incoming: Incoming, text: str) -> list[Reply]:
        t = self._texts
        command = parse_command(text)
        if command is not None:
            return await self._on_command(incoming, command)
        sub = subscription_command(text, t)
        if sub is not None:
            return await self._subscription(incoming, sub.name, sub.args)
        if self._pending.peek(incoming.user_key, "forget") is not None:
            self._pending.clear(incoming.user_key)
            if is_yes(text) or is_no(text):
                return await self._forget(incoming) if is_yes(text) else [Reply(text=t.get("forget_kept"))]
        if self._subscriptions is not None:  # "重庆" typed at the subscription flow's 地区 prompt
            answered = await self._subscriptions.answer_prompt(incoming, text)
            if answered is not None:
                return answered
        state = await self._load_state(incoming.user_key)
        if state is not None and self._desk is not None and self._desk.leaves_dialogue(state.rule_set, state.core, text):
            await _run(self._sessions.delete, incoming.user_key)  # "那科小呢" / "能评上科小吗" mid-dialogue
            state = None
        if state is not None and self._dialogue is not None:
            if self._desk is not None and whatif_text(text, self._desk.vocab) is not None:
                note = Reply(text=self._desk.vocab.get("whatif_in_dialogue"))
                return [note, *self._dialogue.prompt(state)]
            if self._desk is not None and self._desk.asks_for_result(state.stage, text):
                return await self._apply(incoming, await _run(self._dialogue.on_callback, state, "f:confirm"))
            corrected = correction_text(text, self._desk.vocab) if self._desk else None
            turn = await _run(self._dialogue.on_text, state, corrected or text)
            return await self._apply(incoming, turn)
        if self._subscriptions is not None:  # "把成都那个改成每周五下午3点"
            edited = await self._subscriptions.edit(incoming, text)
            if edited is not None:
                return edited
        if self._desk is not None:
            outcome = await self._desk.handle(incoming.user_key, text)
            if outcome is not None:
                if outcome.start is None:
                    return outcome.replies
                rule_set, opening = outcome.start
                return outcome.replies + await self._start(incoming, rule_set, opening, quick=True)
        if matches_word(text, t.words("intent.greetings")):
            return await self._welcome(incoming)
        for check in self._rule_sets:
            if matches_word(text, check.start_words):
                return await self._start(incoming, check.id, "")
        if is_bare_quantity(text):
            return [Reply(text=t.get("bare_number"))]
        if self._scoring is not None:
            parsed = await _run(self._scoring.parse, text)
            figures = len(parsed.understood)
            statement = not is_question(text, t)
            # A named figure in the wrong unit ("研发人员3000万") starts the dialogue, which says why.
            if figures >= 2 or (statement and (figures == 1 or parsed.rejected)):
                topic = await self._topic(incoming.user_key)
                default = self._rule_sets.default
                return await self._start(incoming, topic or default, text, quick=topic is not None)
        if self._desk is not None:
            await self._desk.note_topic(incoming.user_key, text)
        return await self._answer(text)

    async def _topic(self, user_key: str) -> str | None:
        """The check the user last asked about: figures sent next go there."""
        if self._desk is None:
            return None
        return (await self._desk.record(user_key)).context.topic

    async def _on_command(self, incoming: Incoming, command: Command) -> list[Reply]:
        t = self._texts
        name = command.name
        self._pending.clear(incoming.user_key)
        if self._subscriptions is not None and name not in SUBSCRIPTION_COMMANDS:
            self._subscriptions.leave(incoming.user_key)
        if name == "start":
            return await self._welcome(incoming)
        if name == "help":
            return [Reply(text=t.get("help"))]
        if name == "ask":
            if not command.args or not has_content(command.args):
                return [Reply(text=t.get("ask_usage"))]
            return await self._answer(command.args)
        rule_set = self._rule_sets.for_command(name)
        if rule_set is not None:
            return await self._start(incoming, rule_set, command.args)
        if name in SUBSCRIPTION_COMMANDS:
            return await self._subscription(incoming, name, command.args)
        if name == "profile":
            if self._desk is None:
                return [Reply(text=t.get("scoring_failed"))]
            return await profile_command(self._desk, incoming.user_key, command.args)
        if name == "forget":
            return await self._ask_forget(incoming)
        if name == "cancel":
            if await self._load_state(incoming.user_key) is None:
                return [Reply(text=t.get("nothing_to_cancel"))]
            await _run(self._sessions.delete, incoming.user_key)
            return [Reply(text=t.get("cancelled"))]
        return [Reply(text=t.get("unknown_command", command="/" + name))]

    async def _on_callback(self, incoming: Incoming, data: str) -> list[Reply]:
        if data.startswith("sub:"):
            return await self._subscription(incoming, "callback", data)
        if data in ("forget:yes", "forget:no"):
            if self._pending.peek(incoming.user_key, "forget") is None:
                return [Reply(text=self._texts.get("stale_choice"))]
            self._pending.clear(incoming.user_key)
            return await self._forget(incoming) if data == "forget:yes" else [Reply(text=self._texts.get("forget_kept"))]
        if data.startswith("cmd:"):
            return await self._on_command(incoming, Command(name=data[4:], args=""))
        if data.startswith("f:") and self._dialogue is not None:
            state = await self._load_state(incoming.user_key)
            if state is not None:
                turn = await _run(self._dialogue.on_callback, state, data)
                return await self._apply(incoming, turn)
        return [Reply(text=self._texts.get("stale_choice"))]

    # --- features --------------------------------------------------------------------------------

    async def _welcome(self, incoming: Incoming) -> list[Reply]:
        t = self._texts
        await _run(self._users.ensure, incoming.user_key, incoming.channel, incoming.display_name)
        name = f"，{incoming.display_name}" if incoming.display_name else ""
        buttons = [*(Choice(c.menu, f"cmd:{c.command}") for c in self._rule_sets), Choice("全部命令", "cmd:help")]
        menu = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
        return [Reply(text=t.get("welcome", name=name), choices=menu)]

    async def _answer(self, question: str) -> list[Reply]:
        t = self._texts
        if self._answerer is None:
            return [Reply(text=t.get("knowledge_unavailable"))]
        try:
            answer = await _run(self._answerer.answer, question)
        except RetrievalError as exc:
            log.warning("answerer failed: %s", type(exc).__name__)
            return [Reply(text=exc.user_message or t.get("knowledge_unavailable"))]
        return [Reply(text=render_answer(answer, t))]

    async def _batch(self, incoming: Incoming) -> list[Reply]:
        """An uploaded CSV/XLSX: score every row, send the ranked workbook back."""
        t = self._texts
        name = incoming.file_name or ""
        if self._scoring is None or not incoming.file_bytes or not self._rule_sets.accepts_upload(name):
            return [Reply(text=t.get("batch_not_table"))]
        if len(incoming.file_bytes) > MAX_UPLOAD_BYTES:
            limit_mb = MAX_UPLOAD_BYTES // (1024 * 1024)
            return [Reply(text=t.get("batch_too_large", mb=limit_mb, rows=MAX_UPLOAD_ROWS))]
        rule_set = self._rule_sets.for_caption(incoming.text)
        score_table = functools.partial(
            self._scoring.score_table, incoming.file_bytes, name, rule_set
        )
        try:
            outcome = await asyncio.get_running_loop().run_in_executor(self._table_pool, score_table)
        except FigureError as exc:
            return [Reply(text=t.get("batch_unreadable", message=str(exc)))]
        log.info(
            "user %s batch-scored %d rows with %s (%d errors)",
            user_tag(incoming.user_key), outcome.rows, rule_set, len(outcome.errors),
        )
        info = self._rule_sets.get(rule_set)
        replies = [render_batch(outcome, t, info.name if info is not None else rule_set)]
        if outcome.firm and self._desk is not None:  # one firm: it is the manager's own
            await self._desk.remember(incoming.user_key, outcome.firm, "sheet")
            replies.append(Reply(text=self._desk.vocab.get("sheet_saved", count=len(outcome.firm))))
        return replies

    async def _subscription(self, incoming: Incoming, command: str, args: str) -> list[Reply]:
        if self._subscriptions is None:
            return [Reply(text=self._texts.get("subscriptions_unavailable"))]
        await _run(self._users.ensure, incoming.user_key, incoming.channel, incoming.display_name)
        return await self._subscriptions.handle(incoming, command, args)

    async def _ask_forget(self, incoming: Incoming) -> list[Reply]:
        """/forget cannot be undone: say what goes and wait for 确认 (or 取消)."""
        subs = 0
        if self._subscriptions is not None:
            subs = await _run(self._subscriptions.count, incoming.user_key)
        self._pending.ask(incoming.user_key, "forget")
        buttons = ((Choice("确认删除", "forget:yes"), Choice("取消", "forget:no")),)
        return [Reply(text=self._texts.get("forget_confirm", subs=subs), choices=buttons)]

    async def _forget(self, incoming: Incoming) -> list[Reply]:
        total = 0
        for store in self._forgettables:
            total += await _run(store.forget_user, incoming.user_key)
        log.info("user %s forgotten (%d records)", user_tag(incoming.user_key), total)
        if total == 0:
            return [Reply(text=self._texts.get("forgotten_none"))]
        return [Reply(text=self._texts.get("forgotten", count=total))]

    # --- scoring dialogue ------------------------------------------------------------------------

    async def _load_state(self, user_key: str) -> FormState | None:
        record = await _run(self._sessions.load, user_key)
        if record is None or record.kind != SESSION_KIND:
            return None
        try:
            state = FormState.from_dict(record.state)
            if state.rule_set not in self._forms:
                raise ValueError("rule set no longer offered")
            return state
        except (KeyError, TypeError, ValueError):
            log.warning("dropping unreadable session of user %s", user_tag(user_key))
            await _run(self._sessions.delete, user_key)
            return None

    async def _start(self, incoming: Incoming, rule_set: str, text: str, *, quick: bool = False) -> list[Reply]:
        if self._dialogue is None or self._scoring is None:
            return [Reply(text=self._texts.get("scoring_failed"))]
        rule_set = self._rule_sets.offered(rule_set)  # a topic saved before a zone's rules took over
        profile = await _run(
            self._users.ensure, incoming.user_key, incoming.channel, incoming.display_name
        )
        carried = await self._load_state(incoming.user_key)
        known: dict[str, Any] = {}
        core: tuple[str, ...] = ()
        if self._desk is not None:
            known = (await self._desk.record(incoming.user_key)).figures
            core = self._desk.core_fields(rule_set) if quick else ()
        await _run(self._scoring.prepare)
        turn = await _run(
            functools.partial(
                self._dialogue.start, rule_set, text, needs_profile=not profile.region,
                carried=carried, known=known, core=core,
            )
        )
        log.info("user %s started %s", user_tag(incoming.user_key), rule_set)
        return await self._apply(incoming, turn)

    async def _apply(self, incoming: Incoming, turn: Turn) -> list[Reply]:
        """Persist what a dialogue turn changed, then answer / score as it asks."""
        key = incoming.user_key
        if turn.profile is not None:
            region, industry = turn.profile
            await _run(self._users.update_profile, key, region=region, industry=industry)
        if turn.state is None:
            await _run(self._sessions.delete, key)
            return turn.replies
        await _run(self._sessions.save, key, SESSION_KIND, turn.state.to_dict())
        if turn.figures_changed:
            log.info("user %s gave fields %s", user_tag(key), ",".join(turn.figures_changed))
            if self._desk is not None:
                changed = {n: turn.state.figures[n] for n in turn.figures_changed if n in turn.state.figures}
                await self._desk.remember(key, changed)
        replies = list(turn.replies)
        if turn.question is not None and self._dialogue is not None:
            answer = await self._answer(turn.question)
            if turn.figures_changed:  # figures recorded and a question asked: both answered
                replies = [*answer, *replies]
            else:
                replies = answer
                waiting = self._dialogue.prompt(turn.state)
                if waiting and not turn.score:
                    note = self._texts.get("question_during_dialogue", prompt=waiting[0].text)
                    replies.append(Reply(text=note, choices=waiting[0].choices))
        if turn.score:
            replies += await self._finish(incoming, turn.state)
        return replies

    async def _finish(self, incoming: Incoming, state: FormState) -> list[Reply]:
        """Score the confirmed figures, render result, chart and matched policies, close."""
        t = self._texts
        assert self._scoring is not None and self._dialogue is not None
        if not state.figures:
            return [Reply(text=t.get("missing_all")), *self._dialogue.prompt(state)]
        form = self._forms[state.rule_set]
        try:
            evaluate = functools.partial(
                self._scoring.evaluate, dict(state.figures), state.rule_set, chart=False
            )
            outcome = await asyncio.get_running_loop().run_in_executor(self._scoring_pool, evaluate)
        except FigureError as exc:
            return [Reply(text=t.get("figure_error", message=str(exc))), *self._dialogue.prompt(state)]
        replies = await self._result_replies(incoming, state, outcome)
        if form.chart:
            replies.append(self._chart_later(incoming, dict(state.figures), state.rule_set))
        policies = await self._policies(incoming, state.rule_set, outcome.result)
        if policies is not None:
            replies.append(policies)
        await _run(self._sessions.delete, incoming.user_key)
        log.info(
            "user %s scored %s with fields %s",
            user_tag(incoming.user_key),
            state.rule_set,
            ",".join(sorted(state.figures)),
        )
        return replies

    def _chart_later(self, incoming: Incoming, figures: dict[str, Any], rule_set: str) -> Reply:
        """Start drawing the chart in the chart pool; the text does not wait for it."""
        assert self._scoring is not None
        draw = functools.partial(_draw_chart, self._scoring, figures, rule_set, user_tag(incoming.user_key))
        future = asyncio.get_running_loop().run_in_executor(self._chart_pool, draw)
        return Reply(text=self._texts.get("chart_caption"), later=LateImage(future))

    async def _result_replies(self, incoming: Incoming, state: FormState, outcome: ScoreOutcome) -> list[Reply]:
        """The verdict with gaps (and the profile's last check), or the plain result without a profile."""
        assert self._scoring is not None
        if self._desk is None:
            text = render_result(outcome.assessment, load_vocab(), self._texts, self._scoring.field)
            return [Reply(text=text)]
        result = outcome.result  # the points estimate keeps its indicator layout
        points = render_points(result, self._scoring.field, self._texts) if isinstance(result, ScoreResult) else None
        return await self._desk.after_dialogue(incoming.user_key, dict(state.figures), outcome.assessment, points)

    async def _policies(self, incoming: Incoming, rule_set: str, result: Result) -> Reply | None:
        if self._searcher is None:
            return None
        profile = await _run(self._users.get, incoming.user_key)
        region = profile.region if profile else None
        industry = profile.industry if profile else None
        info = self._rule_sets.get(rule_set)
        try:
            hits = await _run(
                match_policies, self._searcher, self._policy, info.policy_terms if info else "",
                (region, industry), weak_fields(result),
            )
        except RetrievalError as exc:
            log.warning("policy matching failed: %s", type(exc).__name__)
            return None
        return Reply(text=render_policies(hits, self._texts))


def _draw_chart(scoring: ScoringPort, figures: dict[str, Any], rule_set: str, tag: str) -> bytes | None:
    """A chart, or None when drawing fails: the text already went out, so never an error reply."""
    try:
        return scoring.chart(figures, rule_set)
    except Exception as exc:  # any renderer failure only costs the picture
        log.warning("chart for user %s failed: %s", tag, type(exc).__name__)
        return None


async def _run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one blocking library or database call off the event loop."""
    return await asyncio.to_thread(fn, *args, **kwargs)
