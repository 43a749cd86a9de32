"""The scoring dialogue (积分测算对话) as a persisted state machine: profile → collect → confirm."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.core.estimate.answers import industry_in, match_choice, profile_in, read_profile
from bot.core.estimate.figures import plain_number
from bot.core.estimate.forms import FormSpec
from bot.core.estimate.offers import offer_reply
from bot.core.estimate.port import Figure, FigureError, ScoringPort
from bot.core.estimate.reading import FormReading
from bot.core.estimate.replies import format_value
from bot.core.estimate.state import FormState
from bot.core.firm.intents import asks_about_rules, split_question
from bot.core.firm.records import read_record_answer, rest_settled, rest_settled_all
from bot.core.firm.vocab import load_vocab
from bot.core.intents import is_question, matches_word
from bot.core.places import load_places
from bot.core.smalltalk import small_talk
from bot.core.texts import Texts
from bot.core.types import Reply

__all__ = ["SESSION_KIND", "FormState", "ScoringDialogue", "Turn", "format_value", "read_profile"]

SESSION_KIND = "scoring"
_COMMAND_LIKE = re.compile(r"\d|^/")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MENU_LETTER = re.compile(r"\s*\[?[a-zA-Z]\]?\s*")  # "b": a letter from an earlier menu, never a region


def _is_command_word(text: str, texts: Texts) -> bool:
    """确认/修改/就这些…: words that steer the dialogue are never data."""
    keys = ("confirm_words", "edit_words", "done_words", "skip_words", "cancel_words")
    return any(matches_word(text, texts.words(f"intent.{k}")) for k in keys)


@dataclass
class Turn:
    """What one message did to the dialogue and what the assistant should do next."""

    state: FormState | None  # None: the dialogue is over (cancelled)
    replies: list[Reply] = field(default_factory=list)
    score: bool = False  # the user confirmed: evaluate now
    profile: tuple[str | None, str | None] | None = None  # (region, industry) to save
    question: str | None = None  # an off-topic question to answer, dialogue unchanged
    figures_changed: tuple[str, ...] = ()  # field NAMES only (for logs)


class ScoringDialogue(FormReading):
    """Pure dialogue logic: given a state and a message, the next state and replies (no I/O)."""

    def __init__(self, scoring: ScoringPort, texts: Texts, forms: dict[str, FormSpec]) -> None:
        self._scoring = scoring
        self._texts = texts
        self._forms = forms
        self._vocab = load_vocab()

    # --- entry points ------------------------------------------------------------------------

    def start(
        self,
        rule_set: str,
        text: str,
        *,
        needs_profile: bool,
        carried: FormState | None = None,
        known: dict[str, Figure] | None = None,
        core: tuple[str, ...] = (),
    ) -> Turn:
        """Open a dialogue over the firm profile (known), figures of a previous one and the message.

        With core fields (a quick eligibility check) it asks only those and scores once they are known.
        """
        form = self._forms[rule_set]
        state = FormState(rule_set=rule_set, core=list(core))
        state.figures = dict(known or {})
        if carried is not None:
            state.figures.update(carried.figures)
        if form.ask_profile and needs_profile and not core:
            state.stage = "profile"
        replies = [] if core or not form.start else [Reply(text=form.start)]
        if known:
            items = [self._items({name: value}) for name, value in known.items()]
            replies.append(Reply(text=self._vocab.used_profile(items)))
        changed: tuple[str, ...] = ()
        question = ""
        profile: tuple[str | None, str | None] | None = None
        if text.strip():
            text, question = split_question(text, self._vocab, self._texts.words("intent.question_words"))
        if text.strip():
            accepted, notes = self._absorb(state, text)
            profile, noted = self._profile_noted(text)
            if profile is not None and profile[0] and state.stage == "profile":
                state.stage = "collect"  # "我们在成都…": the region question is answered
            if accepted:
                try:
                    self._scoring.check({**state.figures, **accepted})
                    notes.insert(0, self._understood(accepted, state.figures))
                    state.figures.update(accepted)
                    changed = tuple(accepted)
                except FigureError as exc:
                    notes.append(self._texts.get("figure_error", message=str(exc)))
            if notes or noted:
                replies.append(Reply(text="\n".join([*notes, *([noted] if noted else [])])))
        replies.extend(self._advance(state))
        return Turn(state=state, replies=replies, figures_changed=changed, score=state.stage == "ready",
                    question=question or None, profile=profile)

    def on_text(self, state: FormState, text: str) -> Turn:
        """Handle one free-text message inside the dialogue."""
        t = self._texts
        if matches_word(text, t.words("intent.cancel_words")):
            return Turn(state=None, replies=[Reply(text=t.get("cancelled"))])
        offered, state.offer = state.offer, {}  # a figure named back waits one message for "是"
        to_offer = offer_reply(self._scoring, t, offered, text) if offered else "other"
        if to_offer == "yes":  # "是的" / "我说的是研发费用": the named-back reading, shown
            return self._set_figures(state, offered, [])
        if to_offer == "no":
            return Turn(state=state, replies=[Reply(text=t.get("offer_dropped", items=self._items(offered))),
                                              *self.prompt(state)])
        if asks_about_rules(text, self._vocab):  # "高企研发费用占比是不是要6%": not our figure
            return Turn(state=state, question=text)
        chat = small_talk(text, t)
        if chat is not None and not (state.stage == "confirm" and matches_word(text, t.words("intent.confirm_words"))):
            return Turn(state=state, replies=[Reply(text=t.get(f"smalltalk_in_dialogue.{chat}")), *self.prompt(state)])
        if state.stage == "profile":
            return self._on_profile(state, text)
        if state.stage == "confirm":
            if matches_word(text, t.words("intent.confirm_words")):
                return Turn(state=state, score=True)
            if matches_word(text, t.words("intent.edit_words")):
                return Turn(state=state, replies=[Reply(text=t.get("edit_prompt"))])
        if state.stage == "collect":
            if matches_word(text, t.words("intent.skip_words")):
                return self._skip(state)
            if matches_word(text, t.words("intent.done_words")):
                return self._finish_collecting(state)
            chosen = match_choice(self._scoring, t, state.asked, text)
            if chosen is not None:
                return self._set_figures(state, chosen, [])
        statement, question = split_question(text, self._vocab, t.words("intent.question_words"))
        skipped = len(state.skipped)
        accepted, notes = self._absorb(state, statement)
        profile, noted = self._profile_noted(statement)
        notes += [noted] if noted else []
        if not accepted and not notes and self._records_asked(state.asked):  # "都没有" / "经营异常有"
            answer = read_record_answer(text, state.asked, self._scoring, self._vocab, t)
            if answer is not None and answer.which:
                return Turn(state=state, replies=[Reply(text=self._vocab.get("records_which")), *self.prompt(state)])
            if answer is not None and answer.lessened:  # "不严重": asked back, the question stays
                lessened = self._vocab.get("records_lessened", word=answer.lessened)
                return Turn(state=state, replies=[Reply(text=lessened), *self.prompt(state)])
            accepted = answer.values if answer is not None else {}
        elif accepted and self._records_asked(state.asked):  # "去年出过安全事故，其他都没有"
            rest = [n for n in state.asked if n not in accepted]
            accepted = {**rest_settled(text, rest, self._scoring, self._vocab), **accepted}
        if not accepted:
            named = self._field_named(text) if not notes else None
            if named is not None:  # "研发费用呢" mid-form: how to give it, never a briefing search
                note = t.get("field_mentioned", label=named[0], unit=named[1])
                return Turn(state=state, replies=[Reply(text=note), *self.prompt(state)])
            if not notes and (question or is_question(text, t)):
                return Turn(state=state, question=text)
            moved = len(state.skipped) > skipped or noted  # "研发费用不清楚", "我们在成都": on to the next
            fallback = "not_understood_confirm" if state.stage == "confirm" else "not_understood_plain"
            notes = notes or [t.get(fallback)]
            then = self._advance(state) if moved else self.prompt(state)
            return Turn(state=state, replies=[Reply(text="\n".join(notes)), *then], profile=profile,
                        score=state.stage == "ready")
        turn = self._set_figures(state, accepted, notes)
        turn.profile = profile
        if question:
            turn.question = question
        return turn

    def on_correction(self, state: FormState, text: str) -> Turn:
        """"不对，是3500万" (marks already cut): a bare figure corrects the one the last message recorded,
        never the field asked next; with several recorded it asks which one."""
        if state.stage == "profile" or self._scoring.parse(text).understood:
            return self.on_text(state, text)  # "营收应该是3500万": the label says which
        names = [n for n in state.last if n in state.figures]
        spec = self._scoring.field(names[0]) if len(names) == 1 else None
        item = plain_number(spec, text) if spec is not None else None
        if spec is None or item is None or item.value is None:
            if not names or (spec is not None and item is None):
                return self.on_text(state, text)
            return Turn(state=state, replies=[Reply(text=self._vocab.get("correction_which")), *self.prompt(state)])
        return self._set_figures(state, {spec.name: item.value}, [])

    def on_callback(self, state: FormState, data: str) -> Turn:
        """Handle a button press (data "f:confirm" / "f:edit" / "f:cancel" / "f:skip" / "f:set:…")."""
        t = self._texts
        state.offer = {}  # a button answers the form, not the figure named back
        action, _, rest = data.partition(":")[2].partition(":")
        if action == "cancel":
            return Turn(state=None, replies=[Reply(text=t.get("cancelled"))])
        if action == "confirm" and state.stage == "confirm":
            return Turn(state=state, score=True)
        if action == "edit" and state.stage == "confirm":
            return Turn(state=state, replies=[Reply(text=t.get("edit_prompt"))])
        if action == "done" and state.stage == "collect":
            return self._finish_collecting(state)
        if action == "none" and state.stage == "collect" and self._records_asked(state.asked):
            return self._set_figures(state, rest_settled_all(state.asked, self._scoring), [])
        if action == "skip" and state.stage in ("collect", "profile"):
            if state.stage == "profile":
                state.stage = "collect"
                return Turn(state=state, replies=self._advance(state))
            return self._skip(state)
        if action == "set":
            name, _, raw = rest.partition(":")
            spec = self._scoring.field(name)
            if spec is not None and name in self._forms[state.rule_set].fields:
                value: Any = raw == "1" if spec.kind == "bool" else raw
                if spec.kind == "bool" or raw in dict(spec.choices):
                    return self._set_figures(state, {name: value}, [])
        return Turn(state=state, replies=self.prompt(state))

    def answers_choice(self, state: FormState, text: str) -> bool:
        """"高企" at the 资质 prompt picks a choice (高新技术企业); it is no request to open the 高企 check."""
        if state.stage != "collect" or len(state.asked) != 1:
            return False
        spec = self._scoring.field(state.asked[0])
        if spec is None or spec.kind != "enum":
            return False
        if match_choice(self._scoring, self._texts, state.asked, text) is not None:
            return True
        understood = self._scoring.parse(text).understood
        return len(understood) == 1 and understood[0].field == spec.name

    def prompt(self, state: FormState) -> list[Reply]:
        """Re-ask what the dialogue is waiting for, without changing it."""
        if state.stage == "profile":
            return [self._profile_prompt()]
        if state.stage == "confirm":
            return [self._confirm_reply(state)]
        if state.asked:
            return [self._ask_reply(state.asked)]
        return self._advance(state)

    def _profile_noted(self, text: str) -> tuple[tuple[str | None, str | None] | None, str | None]:
        """Region and industry named beside figures ("成都的软件公司"): what to save and the echo line."""
        region, industry = profile_in(text, self._texts)
        if region is None and industry is None:
            return None, None
        where = load_places().describe(region) if region else None
        shown = "，".join(w for w in (where, industry) if w)
        return (region, industry), self._texts.get("profile_noted", profile=shown)

    # --- steps ---------------------------------------------------------------------------------

    def _on_profile(self, state: FormState, text: str) -> Turn:
        t = self._texts
        if matches_word(text, t.words("intent.skip_words")) or matches_word(text, t.words("intent.profile_none_words")):
            state.stage = "collect"
            return Turn(state=state, replies=self._advance(state))
        if is_question(text, t):
            return Turn(state=state, question=text)
        accepted, notes = self._absorb(state, text)
        steering = _is_command_word(text, t) or _MENU_LETTER.fullmatch(text)
        if steering and not accepted:  # "确认"/"b" is no region: ask again, never skip silently
            return Turn(state=state, replies=[Reply(text=t.get("profile_needed")), self._profile_prompt()])
        if accepted or notes or _COMMAND_LIKE.search(text):
            # figures instead of a region: never stored as the profile
            state.stage = "collect"
            return self._set_figures(state, accepted, notes)
        region, industry = read_profile(text)
        if region is None and not (industry and _CJK.search(industry)):  # "hello": no place, no trade named
            return Turn(state=state, replies=[Reply(text=t.get("profile_needed")), self._profile_prompt()])
        if region is not None and industry is None:
            industry = industry_in(text, t)  # "成都的软件公司"
        state.stage = "collect"
        where = load_places().describe(region) if region else None
        shown = "，".join(w for w in (where, industry) if w)
        replies = [Reply(text=t.get("profile_saved", profile=shown))] if shown else []
        replies.extend(self._advance(state))
        return Turn(state=state, replies=replies, profile=(region, industry))

    def _finish_collecting(self, state: FormState) -> Turn:
        """"就这些": skip every field not yet given and go straight to confirmation."""
        for name in state.core or self._forms[state.rule_set].fields:
            if name not in state.figures and name not in state.skipped:
                state.skipped.append(name)
        replies = self._advance(state)
        return Turn(state=state, replies=replies, score=state.stage == "ready")

    def _skip(self, state: FormState) -> Turn:
        names = [n for n in state.asked if n not in state.figures]
        for name in names:
            if name not in state.skipped:
                state.skipped.append(name)
        replies = []
        if names:
            labels = "、".join(self._label(n) for n in names)
            replies.append(Reply(text=self._texts.get("skipped", fields=labels)))
        replies.extend(self._advance(state))
        return Turn(state=state, replies=replies, score=state.stage == "ready")

    def _set_figures(self, state: FormState, accepted: dict[str, Figure], notes: list[str]) -> Turn:
        """Check the merged figures first; on a contradiction keep the old state untouched."""
        t = self._texts
        try:
            self._scoring.check({**state.figures, **accepted})
        except FigureError as exc:
            notes = [*notes, t.get("figure_error", message=str(exc))]
            return Turn(state=state, replies=[Reply(text="\n".join(notes)), *self.prompt(state)])
        lines = [self._understood(accepted, state.figures), *notes] if accepted else notes
        state.figures.update(accepted)
        state.last = list(accepted) or state.last
        state.skipped = [n for n in state.skipped if n not in accepted]
        warnings = self._warnings(state.figures)
        lines += [self._vocab.get("ratio_warning", message=w) for w in warnings]
        replies = [Reply(text="\n".join(lines))] if lines else []
        if state.stage == "confirm":
            replies.append(self._confirm_reply(state))
        else:
            replies.extend(self._advance(state))
        return Turn(state=state, replies=replies, figures_changed=tuple(accepted),
                    score=state.stage == "ready")

    def _advance(self, state: FormState) -> list[Reply]:
        """Ask for the next missing step, or move to confirmation when none is left."""
        if state.stage == "profile":
            return [self._profile_prompt()]
        if state.core:
            missing = [n for n in state.core if n not in state.figures and n not in state.skipped]
            state.asked, state.stage = missing, ("collect" if missing else "ready")
            return [self._ask_reply(missing)] if missing else []
        for step in self._forms[state.rule_set].steps:
            missing = [n for n in step if n not in state.figures and n not in state.skipped]
            missing = [n for n in missing if self._scoring.field(n) is not None]
            if missing:
                state.asked = missing
                state.stage = "collect"
                return [self._ask_reply(missing)]
        state.asked = []
        state.stage = "confirm"
        return [self._confirm_reply(state)]
