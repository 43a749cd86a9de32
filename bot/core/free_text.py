"""Free text outside any dialogue (对话外的自由文字): the firm desk first, then a greeting, small talk,
a check's words, figures, and else a question for the knowledge base."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.core.estimate.answers import profile_in
from bot.core.estimate.offers import named_back
from bot.core.estimate.port import ScoringPort
from bot.core.estimate.rule_sets import RuleSets
from bot.core.firm.desk import FirmDesk
from bot.core.intents import is_bare_quantity, is_question, matches_word
from bot.core.places import load_places
from bot.core.ports import UserProfiles
from bot.core.smalltalk import small_talk
from bot.core.texts import Texts
from bot.core.types import Incoming, Reply

__all__ = ["FreeText"]

Answer = Callable[[str], Awaitable[list[Reply]]]
Start = Callable[..., Awaitable[list[Reply]]]  # (incoming, rule_set, text, *, quick) -> replies
Welcome = Callable[[Incoming], Awaitable[list[Reply]]]


class FreeText:
    """Routes a message sent with no dialogue open; the assistant passes its own steps in."""

    def __init__(self, *, desk: FirmDesk | None, scoring: ScoringPort | None, texts: Texts, rule_sets: RuleSets,
                 answer: Answer, start: Start, welcome: Welcome, users: UserProfiles | None = None) -> None:
        self._desk = desk
        self._users = users
        self._scoring = scoring
        self._texts = texts
        self._rule_sets = rule_sets
        self._answer = answer
        self._start = start
        self._welcome = welcome

    async def handle(self, incoming: Incoming, text: str) -> list[Reply]:
        """The firm desk, a greeting, a check's words, figures, else a question."""
        t = self._texts
        desk = await self._desk_replies(incoming, text)
        if desk is not None:
            return desk
        if matches_word(text, t.words("intent.greetings")) or self.about_bot(text):
            return await self._welcome(incoming)
        chat = "ack" if matches_word(text, t.words("intent.bare_no_words")) else small_talk(text, t)
        if chat is not None:  # "谢谢" / "好的": polite, and the last result stays open for follow-ups
            hint = await self._desk.after_small_talk(incoming.user_key) if self._desk else ""
            return [Reply(text=t.get(f"smalltalk_in_dialogue.{chat}") + hint if hint else t.get(f"smalltalk.{chat}"))]
        for check in self._rule_sets:
            if matches_word(text, check.start_words):
                return await self._start(incoming, check.id, "")
        if is_bare_quantity(text):
            return [Reply(text=t.get("bare_number"))]
        placed = await self._place(incoming, text)
        if placed is not None:
            return placed
        figures = await self._figures(incoming, text)
        if figures is not None:
            return figures
        return await self.ask_noted(incoming, text)

    async def _desk_replies(self, incoming: Incoming, text: str) -> list[Reply] | None:
        """A follow-up of the last question, a rules question, or a message about the firm."""
        if self._desk is None:
            return None
        t = self._texts
        whole = await self._desk.follow_question(incoming.user_key, text)
        if whole is not None:  # "那杭州呢" right after "成都的积分贷最高能贷多少": that question for 杭州
            replies = await self.ask_noted(incoming, whole)
            return [Reply(text=t.get("followup_read_as", question=whole)), *replies]
        if self._desk.asks_about_rules(text):  # "科小营收上限是1亿对吧"
            return self._desk.rules_brief(text) + await self.ask_noted(incoming, text)
        outcome = await self._desk.handle(incoming.user_key, text)
        if outcome is None:
            return None
        if outcome.ask is not None:  # "能贷多少": the firm's side first, then the knowledge base
            return outcome.replies + await self.ask_noted(incoming, outcome.ask, topic=False)
        if outcome.start is None:
            return outcome.replies
        rule_set, opening = outcome.start
        return outcome.replies + await self._start(incoming, rule_set, opening, quick=True)

    async def _figures(self, incoming: Incoming, text: str) -> list[Reply] | None:
        """Figures sent with no dialogue open start one (or are named back when unreadable)."""
        if self._scoring is None:
            return None
        t = self._texts
        parsed = await asyncio.to_thread(self._scoring.parse, text)
        figures = len(parsed.understood)
        statement = not is_question(text, t)
        if statement and not figures and parsed.problems and self._desk and await self._has_firm(incoming.user_key):
            # "都是软件产品收入，大概2500万" after a result: the figure is named back, never dropped;
            # "研发人员3000万": the next "是" records 研发费用 3000万
            offers = await asyncio.to_thread(named_back, self._scoring, text, parsed)
            await self._desk.note_offer(incoming.user_key, offers)
            hint = [t.get("offer_hint", items=self._desk.items(offers))] if offers else []
            return [Reply(text="\n".join([t.get("not_understood", problems="；".join(parsed.problems)), *hint]))]
        # A named figure in the wrong unit ("研发人员3000万") starts the dialogue, which says why.
        if figures >= 2 or (statement and (figures == 1 or parsed.rejected)):
            topic = await self._topic(incoming.user_key)
            default = self._rule_sets.default
            return await self._start(incoming, topic or default, text, quick=topic is not None)
        return None

    async def _place(self, incoming: Incoming, text: str) -> list[Reply] | None:
        """"我们在成都，做软件" with no form open: the firm's region and industry, saved to the profile."""
        if self._users is None or self._desk is None or is_question(text, self._texts):
            return None
        if not any(w in text for w in self._desk.vocab.words("firm_words")) or any(ch.isdigit() for ch in text):
            return None
        region, industry = profile_in(text, self._texts)
        if region is None and industry is None:
            return None
        await asyncio.to_thread(self._users.ensure, incoming.user_key, incoming.channel, incoming.display_name)
        await asyncio.to_thread(self._users.update_profile, incoming.user_key, region=region, industry=industry)
        shown = "，".join(w for w in (load_places().describe(region) if region else None, industry) if w)
        return [Reply(text=self._texts.get("profile_noted", profile=shown))]

    async def ask_noted(self, incoming: Incoming, question: str, *, topic: bool = True) -> list[Reply]:
        """Answer a policy question and remember it: the next "那杭州呢" / "利息多少" follows it up."""
        if self._desk is not None:
            await self._desk.note_question(incoming.user_key, question, topic=topic)
        return await self._answer(question)

    def about_bot(self, text: str) -> bool:
        """"你是谁" / "你能干嘛": a short message asking what the bot is."""
        return len(text) <= 16 and any(w in text for w in self._texts.words("intent.about_words"))

    async def _has_firm(self, user_key: str) -> bool:
        """A saved profile or result: a figure sent now is about this firm."""
        if self._desk is None:
            return False
        record = await self._desk.record(user_key)
        return bool(record.fields) or record.context.last_check is not None

    async def _topic(self, user_key: str) -> str | None:
        """The check the user last asked about: figures sent next go there."""
        if self._desk is None:
            return None
        return (await self._desk.record(user_key)).context.topic
