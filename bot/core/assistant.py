"""The assistant core (助手核心): one Incoming in, short Chinese replies out, whatever the channel.

This module routes: commands by a table, buttons by prefix, free text by what it looks like. The
features live beside it — the scoring dialogue (scoring_session), free text outside it (free_text), uploads,
/forget, the firm desk."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable, Sequence

from bot.core.estimate.forms import FormSpec, PolicySpec, load_forms, load_policy
from bot.core.estimate.port import ScoringPort
from bot.core.estimate.rule_sets import RuleSets, load_rule_sets
from bot.core.firm.asks import leave_note
from bot.core.firm.desk import FirmDesk
from bot.core.firm.profile_command import profile_command
from bot.core.firm.vocab import load_vocab
from bot.core.forgetting import Forgetting
from bot.core.free_text import FreeText
from bot.core.gate import UserGate
from bot.core.intents import (
    Command,
    clean_text,
    has_content,
    parse_command,
    subscription_command,
)
from bot.core.late import LATE_IMAGE_TIMEOUT, resolve_in_place
from bot.core.pending import PromptStore
from bot.core.ports import (
    DialogueSessions,
    Forgettable,
    ProfileStore,
    SubscriptionHandler,
    UserProfiles,
)
from bot.core.privacy import user_tag
from bot.core.render import render_answer
from bot.core.scoring_session import ScoringSession
from bot.core.script import to_simplified
from bot.core.texts import Texts, load_texts
from bot.core.types import Choice, Incoming, Reply
from bot.core.uploads import UploadDesk
from retrieval.errors import RetrievalError
from retrieval.types import Answerer, Searcher

__all__ = ["CoreAssistant", "user_tag"]

log = logging.getLogger(__name__)

SUBSCRIPTION_COMMANDS = ("subscribe", "unsubscribe", "subs", "digest")
CommandHandler = Callable[[Incoming, str], Awaitable[list[Reply]]]


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
        prompts: PromptStore | None = None,
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
        """default_rule_set: INNOBOT_DEFAULT_RULE_SET (figures and uploads without a command); prompts: where
        open questions (/forget's 确认) live, so a restart keeps them (in memory when None)."""
        self._users = users
        self._scoring = scoring
        self._answerer = answerer
        self._subscriptions = subscriptions
        self._texts = texts or load_texts()
        self._max_chars = max_chars
        self._late_timeout = late_image_timeout
        self._gate = UserGate(max_pending_per_user, rate=per_user_rate, burst=per_user_burst)
        self._rule_sets = _offered(default_rule_set, scoring)
        self._desk = _desk(profiles, scoring, self._texts, self._rule_sets)
        self._session = None if scoring is None else ScoringSession(
            users=users, sessions=sessions, scoring=scoring, texts=self._texts,
            forms=self._rule_sets.forms(forms or load_forms()), rule_sets=self._rule_sets, desk=self._desk,
            searcher=searcher, policy=policy or load_policy(), answer=self._answer,
            scoring_threads=scoring_threads, chart_threads=chart_threads,
        )
        self._free = FreeText(desk=self._desk, scoring=scoring, texts=self._texts, rule_sets=self._rule_sets,
                              answer=self._answer, start=self._start, welcome=self._welcome, users=users)
        self._uploads = UploadDesk(scoring=scoring, rule_sets=self._rule_sets, texts=self._texts, desk=self._desk)
        # In the given order (the composition puts its one-transaction eraser first), then the
        # core's own stores if the caller did not pass them.
        stores: list[Forgettable] = []
        for store in [*forgettables, users, sessions, *([profiles] if profiles else [])]:
            if all(store is not known for known in stores):
                stores.append(store)
        self._forgetting = Forgetting(stores, subscriptions, self._texts, prompts)
        self._commands = self._command_table()

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
        if self._session is not None:
            self._session.close()
        self._uploads.close()
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
            return await self._uploads.handle(incoming)
        if incoming.kind == "unsupported":
            return [Reply(text=t.get("unsupported_kind"))]
        if incoming.kind == "callback":
            return await self._on_callback(incoming, incoming.callback_data or "")
        cleaned = clean_text(incoming.text, self._max_chars)
        if not cleaned.text:
            return [Reply(text=t.get("empty_message"))]
        if not has_content(cleaned.text):  # "！！！" / "？？" mid-form: the pending question again
            waiting = await self._still_waiting(incoming)
            return [Reply(text=t.get("only_symbols_waiting" if waiting else "only_symbols")), *waiting]
        if cleaned.truncated:  # one clear limit, nothing half-read; an open dialogue waits as it was
            note = Reply(text=t.get("too_long", length=cleaned.length, limit=self._max_chars))
            return [note, *await self._still_waiting(incoming)]
        return await self._on_text(incoming, to_simplified(cleaned.text))

    async def _still_waiting(self, incoming: Incoming) -> list[Reply]:
        """The open dialogue's question again, after a message that changed nothing; with no dialogue,
        the yes/no question the last result asked."""
        waiting = await self._session.waiting(incoming.user_key) if self._session is not None else []
        if waiting or self._desk is None:
            return waiting
        question = await self._desk.open_question(incoming.user_key)
        return [Reply(text=self._texts.get("question_waiting", question=question))] if question else []

    async def _on_text(self, incoming: Incoming, text: str) -> list[Reply]:
        """A command, an answer to an open question, a dialogue step, a firm message, or a question."""
        command = parse_command(text)
        if command is not None:
            return await self._on_command(incoming, command)
        sub = subscription_command(text, self._texts)
        if sub is not None:
            return await self._subscription(incoming, sub.name, sub.args)
        answered = await self._forgetting.answer_text(incoming, text)
        if answered is not None:  # an open form resumes after "取消"
            return [*answered, *await self._still_waiting(incoming)]
        if self._forgetting.requested(text):  # "把我的数据都删了": /forget's question, never data or a question
            return await self._on_command(incoming, Command(name="forget", args=""))
        if self._subscriptions is not None:  # "重庆" typed at the subscription flow's 地区 prompt
            answered = await self._subscriptions.answer_prompt(incoming, text)
            if answered is not None:
                return answered
        if self._subscriptions is not None:  # "取消成都那个", "把成都那个改成每周五下午3点", even mid-dialogue
            edited = await self._subscriptions.edit(incoming, text)
            if edited is not None:
                return edited
        if self._session is not None:
            state = await self._session.load(incoming.user_key)
            if (state is not None and self._desk is not None  # "高企" answering the 资质 choice stays in
                    and self._desk.leaves_dialogue(state.rule_set, state.core, text)
                    and not self._session.dialogue.answers_choice(state, text)):
                await self._session.drop(incoming.user_key)  # "那科小呢" / "能评上科小吗" mid-dialogue
                note = Reply(text=leave_note(self._desk.vocab, state.rule_set))  # never a silent loss
                return [note, *await self._free.handle(incoming, text)]
            if state is not None and self._free.about_bot(text):  # "你是谁" mid-form: say it, the form waits
                return [*await self._welcome(incoming), *await self._session.waiting(incoming.user_key)]
            if state is not None:
                return await self._session.on_text(incoming, state, text)
        return await self._free.handle(incoming, text)

    # --- commands and buttons --------------------------------------------------------------------

    def _command_table(self) -> dict[str, CommandHandler]:
        """Command name -> handler(incoming, args); each check's command starts its dialogue."""
        table: dict[str, CommandHandler] = {
            "start": lambda incoming, _args: self._welcome(incoming),
            "help": self._help,
            "ask": self._ask,
            "profile": self._profile,
            "forget": lambda incoming, _args: self._forgetting.ask(incoming),
            "cancel": self._cancel,
        }
        for name in SUBSCRIPTION_COMMANDS:
            table[name] = _subscriber(self, name)
        for check in self._rule_sets:
            table[check.command] = _starter(self, check.id)
        return table

    async def _on_command(self, incoming: Incoming, command: Command) -> list[Reply]:
        self._forgetting.drop_question(incoming.user_key)
        if self._subscriptions is not None and command.name not in SUBSCRIPTION_COMMANDS:
            self._subscriptions.leave(incoming.user_key)
        handler = self._commands.get(command.name)
        if handler is None:
            return [Reply(text=self._texts.get("unknown_command", command="/" + command.name))]
        return await handler(incoming, command.args)

    async def _help(self, incoming: Incoming, args: str) -> list[Reply]:  # noqa: ARG002 - one signature for the command table
        return [Reply(text=self._texts.get("help"))]

    async def _ask(self, incoming: Incoming, args: str) -> list[Reply]:  # noqa: ARG002 - one signature for the command table
        if not args or not has_content(args):
            return [Reply(text=self._texts.get("ask_usage"))]
        return await self._answer(args)

    async def _profile(self, incoming: Incoming, args: str) -> list[Reply]:
        if self._desk is None:
            return [Reply(text=self._texts.get("scoring_failed"))]
        user = await asyncio.to_thread(self._users.get, incoming.user_key)
        place = "，".join(p for p in (user.region, user.industry) if p) if user is not None else ""
        return await profile_command(self._desk, incoming.user_key, args, place or None)

    async def _cancel(self, incoming: Incoming, args: str) -> list[Reply]:  # noqa: ARG002 - one signature for the command table
        if self._session is None or await self._session.load(incoming.user_key) is None:
            return [Reply(text=self._texts.get("nothing_to_cancel"))]
        await self._session.drop(incoming.user_key)
        return [Reply(text=self._texts.get("cancelled"))]

    async def _on_callback(self, incoming: Incoming, data: str) -> list[Reply]:
        if data.startswith("sub:"):
            return await self._subscription(incoming, "callback", data)
        if data in ("forget:yes", "forget:no"):
            return await self._forgetting.answer_button(incoming, data)
        if data.startswith("cmd:"):
            return await self._on_command(incoming, Command(name=data[4:], args=""))
        if data.startswith("f:") and self._session is not None:
            state = await self._session.load(incoming.user_key)
            if state is not None:
                return await self._session.on_button(incoming, state, data)
        if data.startswith("f:") and self._desk is not None:  # "确认" on a finished dialogue's button
            replies = await self._desk.stale_button(incoming.user_key)
            if replies:
                return replies
        return [Reply(text=self._texts.get("stale_choice"))]

    # --- features --------------------------------------------------------------------------------

    async def _welcome(self, incoming: Incoming) -> list[Reply]:
        await asyncio.to_thread(self._users.ensure, incoming.user_key, incoming.channel, incoming.display_name)
        name = f"，{incoming.display_name}" if incoming.display_name else ""
        buttons = [*(Choice(c.menu, f"cmd:{c.command}") for c in self._rule_sets), Choice("全部命令", "cmd:help")]
        menu = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
        return [Reply(text=self._texts.get("welcome", name=name), choices=menu)]

    async def _answer(self, question: str) -> list[Reply]:
        t = self._texts
        if self._answerer is None:
            return [Reply(text=t.get("knowledge_unavailable"))]
        try:
            answer = await asyncio.to_thread(self._answerer.answer, question)
        except RetrievalError as exc:
            log.warning("answerer failed: %s", type(exc).__name__)
            return [Reply(text=exc.user_message or t.get("knowledge_unavailable"))]
        return [Reply(text=render_answer(answer, t))]

    async def _subscription(self, incoming: Incoming, command: str, args: str) -> list[Reply]:
        if self._subscriptions is None:
            return [Reply(text=self._texts.get("subscriptions_unavailable"))]
        await asyncio.to_thread(self._users.ensure, incoming.user_key, incoming.channel, incoming.display_name)
        return await self._subscriptions.handle(incoming, command, args)

    async def _start(self, incoming: Incoming, rule_set: str, text: str, *, quick: bool = False) -> list[Reply]:
        if self._session is None:
            return [Reply(text=self._texts.get("scoring_failed"))]
        return await self._session.start(incoming, rule_set, text, quick=quick)


def _offered(default_rule_set: str | None, scoring: ScoringPort | None) -> RuleSets:
    """The checks offered (rule_sets.yaml); settings may make a zone's rule set the default."""
    rule_sets = load_rule_sets()
    if default_rule_set and scoring is not None:
        rule_sets = rule_sets.with_default(default_rule_set, scoring.kind)
    return rule_sets


def _desk(profiles: ProfileStore | None, scoring: ScoringPort | None, texts: Texts, rule_sets: RuleSets) -> FirmDesk | None:
    """The firm desk, when there is a profile store to keep the firm in."""
    if profiles is None or scoring is None:
        return None
    vocab = load_vocab().for_zones({e.id: e.family for e in rule_sets if e.id != e.family})
    return FirmDesk(profiles=profiles, scoring=scoring, texts=texts, default_check=rule_sets.default, vocab=vocab)


def _subscriber(assistant: CoreAssistant, name: str) -> CommandHandler:
    """The handler of one subscription command."""
    return lambda incoming, args: assistant._subscription(incoming, name, args)


def _starter(assistant: CoreAssistant, rule_set: str) -> CommandHandler:
    """The handler of a check's command: open its dialogue with the figures typed after it."""
    return lambda incoming, args: assistant._start(incoming, rule_set, args)
