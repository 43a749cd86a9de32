"""A scoring dialogue with its I/O (测算会话): the stored session, the profile, the score in a pool of
its own, the chart drawn after the text, the matched briefings. The dialogue logic itself is pure
(bot.core.estimate.dialogue); this module persists and runs what its turns ask for."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from bot.core.estimate.dialogue import SESSION_KIND, FormState, ScoringDialogue, Turn
from bot.core.estimate.forms import FormSpec, PolicySpec
from bot.core.estimate.port import Figure, FigureError, Result, ScoreOutcome, ScoringPort
from bot.core.estimate.rule_sets import RuleSets
from bot.core.firm.asks import load_asks
from bot.core.firm.desk import FirmDesk
from bot.core.firm.intents import classify, correction_text, whatif_text
from bot.core.firm.regional import regional_note, rules_place
from bot.core.firm.verdict import render_points, render_result, weak_fields
from bot.core.firm.vocab import load_vocab
from bot.core.followup import question_place
from bot.core.policy import match_policies
from bot.core.ports import DialogueSessions, UserProfiles
from bot.core.privacy import user_tag
from bot.core.render import render_policies
from bot.core.texts import Texts
from bot.core.types import Incoming, LateImage, Reply
from retrieval.errors import RetrievalError
from retrieval.types import Searcher
from scoring.results import ScoreResult

__all__ = ["ScoringSession"]

log = logging.getLogger(__name__)

Answer = Callable[[str], Awaitable[list[Reply]]]


class ScoringSession:
    """Starts, continues and finishes users' scoring dialogues; one stored session a user."""

    def __init__(
        self,
        *,
        users: UserProfiles,
        sessions: DialogueSessions,
        scoring: ScoringPort,
        texts: Texts,
        forms: dict[str, FormSpec],
        rule_sets: RuleSets,
        desk: FirmDesk | None,
        searcher: Searcher | None,
        policy: PolicySpec,
        answer: Answer,
        scoring_threads: int = 2,
        chart_threads: int = 1,
    ) -> None:
        """answer: how a question asked mid-dialogue is answered (the assistant's answerer)."""
        self._users = users
        self._sessions = sessions
        self._scoring = scoring
        self._texts = texts
        self._forms = forms
        self._rule_sets = rule_sets
        self._desk = desk
        self._searcher = searcher
        self._policy = policy
        self._answer = answer
        self.dialogue = ScoringDialogue(scoring, texts, forms)
        # Scoring (a few ms) and charts (drawn after the text has gone out) in bounded pools of
        # their own, so a burst of them never queues every question behind it.
        self._scoring_pool = ThreadPoolExecutor(scoring_threads, thread_name_prefix="innobot-score")
        self._chart_pool = ThreadPoolExecutor(chart_threads, thread_name_prefix="innobot-chart")

    def close(self) -> None:
        """Stop the scoring and chart threads."""
        for pool in (self._scoring_pool, self._chart_pool):
            pool.shutdown(wait=False, cancel_futures=True)

    # --- the stored session ------------------------------------------------------------------------

    async def load(self, user_key: str) -> FormState | None:
        """The user's open dialogue; an unreadable or retired one is dropped."""
        record = await asyncio.to_thread(self._sessions.load, user_key)
        if record is None or record.kind != SESSION_KIND:
            return None
        try:
            state = FormState.from_dict(record.state)
            if state.rule_set not in self._forms:
                raise ValueError("rule set no longer offered")
            return state
        except (KeyError, TypeError, ValueError):
            log.warning("dropping unreadable session of user %s", user_tag(user_key))
            await self.drop(user_key)
            return None

    async def waiting(self, user_key: str) -> list[Reply]:
        """The open dialogue's question, marked as still waiting (nothing when none is open)."""
        state = await self.load(user_key)
        prompt = self.dialogue.prompt(state) if state is not None else []
        if not prompt:
            return []
        note = self._texts.get("dialogue_waiting", prompt=prompt[0].text)
        return [Reply(text=note, choices=prompt[0].choices), *prompt[1:]]

    async def drop(self, user_key: str) -> None:
        """Close the user's dialogue."""
        await asyncio.to_thread(self._sessions.delete, user_key)

    # --- turns -------------------------------------------------------------------------------------

    async def on_text(self, incoming: Incoming, state: FormState, text: str) -> list[Reply]:
        """A message inside an open dialogue: figures, a correction, "差几分" at the confirm screen."""
        desk = self._desk
        if desk is not None and whatif_text(text, desk.vocab) is not None:
            note = Reply(text=desk.vocab.get("whatif_in_dialogue"))
            return [note, *self.dialogue.prompt(state)]
        if desk is not None and desk.asks_for_result(state.stage, text):
            return await self.apply(incoming, await asyncio.to_thread(self.dialogue.on_callback, state, "f:confirm"))
        corrected = correction_text(text, desk.vocab) if desk else None
        intent = classify(text, desk.vocab) if desk is not None else None
        if desk is not None and intent is not None and intent.kind == "eligibility" and intent.rule_set == state.rule_set:
            name = desk.vocab.lookup("check_names", state.rule_set)  # "能评上科小吗" in the 科小 form: it answers that
            return [Reply(text=self._texts.get("same_check_waiting", name=name)), *await self.waiting(incoming.user_key)]
        place = rules_place(text, load_asks())
        if desk is not None and place is not None:  # "按成都的规则算": whose rules these are, the form waits
            return [regional_note(desk, text, load_asks(), place)[1], *await self.waiting(incoming.user_key)]
        was = state.stage
        if corrected is not None:  # "不对，是3500万": the figure just recorded, not the one asked next
            turn = await asyncio.to_thread(self.dialogue.on_correction, state, corrected)
        else:
            turn = await asyncio.to_thread(self.dialogue.on_text, state, text)
        return await self._region_skip(incoming, was, turn) + await self.apply(incoming, turn)

    async def on_button(self, incoming: Incoming, state: FormState, data: str) -> list[Reply]:
        """A dialogue button ("f:…")."""
        was = state.stage
        turn = await asyncio.to_thread(self.dialogue.on_callback, state, data)
        return await self._region_skip(incoming, was, turn) + await self.apply(incoming, turn)

    async def _region_skip(self, incoming: Incoming, was: str, turn: Turn) -> list[Reply]:
        """The region question left unanswered: remembered, so no later check asks it again; said once."""
        left = was == "profile" and turn.state is not None and turn.state.stage != "profile"
        if not left or (turn.profile is not None and turn.profile[0]) or self._desk is None:
            return []
        record = await self._desk.record(incoming.user_key)
        await self._desk.save(incoming.user_key, record.with_context(region_skipped=True))
        return [Reply(text=self._texts.get("region_skipped"))]

    async def start(self, incoming: Incoming, rule_set: str, text: str, *, quick: bool = False) -> list[Reply]:
        """Open a dialogue (quick: ask only the check's core fields), absorbing figures in text."""
        rule_set = self._rule_sets.offered(rule_set)  # a topic saved before a zone's rules took over
        profile = await asyncio.to_thread(
            self._users.ensure, incoming.user_key, incoming.channel, incoming.display_name
        )
        carried = await self.load(incoming.user_key)
        known: dict[str, Figure] = {}
        core: tuple[str, ...] = ()
        skipped = False  # the region question is asked once: a skip is remembered
        if self._desk is not None:
            record = await self._desk.record(incoming.user_key)
            known, skipped = record.figures, record.context.region_skipped
            core = self._desk.core_fields(rule_set) if quick else ()
        await asyncio.to_thread(self._scoring.prepare)
        turn = await asyncio.to_thread(
            functools.partial(
                self.dialogue.start, rule_set, text, needs_profile=not (profile.region or skipped),
                carried=carried, known=known, core=core,
            )
        )
        log.info("user %s started %s", user_tag(incoming.user_key), rule_set)
        return await self.apply(incoming, turn)

    async def apply(self, incoming: Incoming, turn: Turn) -> list[Reply]:
        """Persist what a dialogue turn changed, then answer / score as it asks."""
        key = incoming.user_key
        if turn.profile is not None:
            region, industry = turn.profile
            await asyncio.to_thread(self._users.update_profile, key, region=region, industry=industry)
        if turn.state is None:
            await self.drop(key)
            return turn.replies
        await asyncio.to_thread(self._sessions.save, key, SESSION_KIND, turn.state.to_dict())
        if turn.figures_changed:
            log.info("user %s gave fields %s", user_tag(key), ",".join(turn.figures_changed))
            if self._desk is not None:
                changed = {n: turn.state.figures[n] for n in turn.figures_changed if n in turn.state.figures}
                await self._desk.remember(key, changed)
        replies = list(turn.replies)
        if turn.question is not None:
            answer = await self._answer(turn.question)
            if turn.figures_changed:  # figures recorded and a question asked: both answered
                replies = [*answer, *replies]
            else:
                replies = answer
                waiting = self.dialogue.prompt(turn.state)
                if waiting and not turn.score:
                    note = self._texts.get("question_during_dialogue", prompt=waiting[0].text)
                    replies.append(Reply(text=note, choices=waiting[0].choices))
        if turn.score:
            replies += await self._finish(incoming, turn.state)
        return replies

    # --- the result ----------------------------------------------------------------------------------

    async def _finish(self, incoming: Incoming, state: FormState) -> list[Reply]:
        """Score the confirmed figures, render result, chart and matched policies, close."""
        t = self._texts
        if not state.figures:
            return [Reply(text=t.get("missing_all")), *self.dialogue.prompt(state)]
        try:
            evaluate = functools.partial(self._scoring.evaluate, dict(state.figures), state.rule_set, chart=False)
            outcome = await asyncio.get_running_loop().run_in_executor(self._scoring_pool, evaluate)
        except FigureError as exc:
            return [Reply(text=t.get("figure_error", message=str(exc))), *self.dialogue.prompt(state)]
        asked = await self._asked_place(incoming.user_key)  # read before the result ends the thread
        replies = await self._result_replies(incoming, state, outcome)
        if self._forms[state.rule_set].chart:
            replies.append(self._chart_later(incoming, dict(state.figures), state.rule_set))
        policies = await self._policies(incoming, state.rule_set, outcome.result, asked)
        if policies is not None:
            replies.append(policies)
        await self.drop(incoming.user_key)
        log.info(
            "user %s scored %s with fields %s",
            user_tag(incoming.user_key), state.rule_set, ",".join(sorted(state.figures)),
        )
        return replies

    def _chart_later(self, incoming: Incoming, figures: dict[str, Figure], rule_set: str) -> Reply:
        """Start drawing the chart in the chart pool; the text does not wait for it."""
        draw = functools.partial(_draw_chart, self._scoring, figures, rule_set, user_tag(incoming.user_key))
        future = asyncio.get_running_loop().run_in_executor(self._chart_pool, draw)
        return Reply(text=self._texts.get("chart_caption"), later=LateImage(future))

    async def _result_replies(self, incoming: Incoming, state: FormState, outcome: ScoreOutcome) -> list[Reply]:
        """The verdict with gaps (and the profile's last check), or the plain result without a profile."""
        if self._desk is None:
            text = render_result(outcome.assessment, load_vocab(), self._texts, self._scoring.field)
            return [Reply(text=text)]
        result = outcome.result  # the points estimate keeps its indicator layout
        points = render_points(result, self._scoring.field, self._texts) if isinstance(result, ScoreResult) else None
        return await self._desk.after_dialogue(incoming.user_key, dict(state.figures), outcome.assessment, points)

    async def _asked_place(self, user_key: str) -> str | None:
        """The place the user's last policy question named ("成都的积分贷…"), if any."""
        if self._desk is None:
            return None
        return question_place((await self._desk.record(user_key)).context.question)

    async def _policies(self, incoming: Incoming, rule_set: str, result: Result, asked: str | None) -> Reply | None:
        """Briefings for the firm's region (the profile's, else the one its last question named)."""
        if self._searcher is None:
            return None
        profile = await asyncio.to_thread(self._users.get, incoming.user_key)
        region = (profile.region if profile else None) or asked
        industry = profile.industry if profile else None
        info = self._rule_sets.get(rule_set)
        try:
            hits = await asyncio.to_thread(
                match_policies, self._searcher, self._policy, info.policy_terms if info else "",
                (region, industry), weak_fields(result),
            )
        except RetrievalError as exc:
            log.warning("policy matching failed: %s", type(exc).__name__)
            return None
        return Reply(text=render_policies(hits, self._texts))


def _draw_chart(scoring: ScoringPort, figures: dict[str, Figure], rule_set: str, tag: str) -> bytes | None:
    """A chart, or None when drawing fails: the text already went out, so never an error reply."""
    try:
        return scoring.chart(figures, rule_set)
    except Exception as exc:  # any renderer failure only costs the picture
        log.warning("chart for user %s failed: %s", tag, type(exc).__name__)
        return None
