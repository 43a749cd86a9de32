"""The firm desk (企业档案服务): answers what a manager says about the firm outside a dialogue —
eligibility, follow-ups, corrections, what-ifs, yes/no confirmations — from the saved profile."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.core.estimate.answers import choice_by_label
from bot.core.estimate.figures import approx_note, unit_problem
from bot.core.estimate.port import FieldSpec, FigureError, ScoringPort
from bot.core.estimate.replies import changed_items, format_value, same_figure
from bot.core.firm.asks import answer_ask, load_asks, score_request
from bot.core.firm.changes import apply_correction, apply_whatif, keep_scenario, undo_keep
from bot.core.firm.confirm import offer_answer, pending_answer
from bot.core.firm.followups import answer_followup, firm_followup
from bot.core.firm.intents import (
    FirmIntent,
    asks_about_rules,
    check_named,
    classify,
    correction_text,
    split_question,
    whatif_factor,
    whatif_hired,
    whatif_mode,
    whatif_text,
    without_check_clauses,
)
from bot.core.firm.record import Figure, FirmRecord
from bot.core.firm.records import record_question
from bot.core.firm.verdict import (
    points_gap_line,
    records_line,
    render_verdict,
    warning_lines,
)
from bot.core.firm.vocab import FirmVocab, load_vocab
from bot.core.followup import load_followups
from bot.core.ports import ProfileStore
from bot.core.texts import Texts
from bot.core.types import Reply
from scoring.assessment import Assessment

__all__ = ["DeskOutcome", "FirmDesk", "Reading"]

T = TypeVar("T")


@dataclass(frozen=True)
class DeskOutcome:
    """Replies, and optionally a dialogue to open: (rule set, text to absorb) in quick mode."""

    replies: list[Reply]
    start: tuple[str, str] | None = None
    ask: str | None = None  # a question for the knowledge base, answered after the replies


@dataclass(frozen=True)
class Reading:
    """Figures read from a message: accepted ones, notes on the rest, fields given twice."""

    accepted: dict[str, Figure]
    notes: list[str]
    conflicts: dict[str, list[Figure]]


class FirmDesk:
    """Profile-backed answers; every blocking call runs off the event loop."""

    def __init__(self, *, profiles: ProfileStore, scoring: ScoringPort, texts: Texts,
                 vocab: FirmVocab | None = None, default_check: str) -> None:
        """default_check: the rule set a correction checks figures with before any result."""
        self._profiles = profiles
        self._scoring = scoring
        self._texts = texts
        self.vocab = vocab or load_vocab()
        self.default_check = default_check

    @property
    def scoring(self) -> ScoringPort:
        """The scoring port (field specs, parser) the desk reads figures with."""
        return self._scoring

    @property
    def texts(self) -> Texts:
        """The core texts (intent words, replies)."""
        return self._texts

    # --- profile access ---------------------------------------------------------------------

    async def record(self, key: str) -> FirmRecord:
        """The user's firm (empty when none was saved)."""
        return await _run(self._profiles.load, key) or FirmRecord()

    async def save(self, key: str, record: FirmRecord) -> None:
        """Store the firm."""
        await _run(self._profiles.save, key, record)

    async def remember(self, key: str, figures: dict[str, Figure], source: str = "chat") -> None:
        """Add figures given in any flow to the profile (only the ones that changed)."""
        record = await self.record(key)
        changed = {k: v for k, v in figures.items() if k not in record.fields or record.fields[k].value != v}
        if changed:
            await self.save(key, record.with_figures(changed, source))

    async def note_offer(self, key: str, offers: dict[str, Figure]) -> None:
        """Figures named back under another field: the next "是" records them (none: nothing kept)."""
        record = await self.record(key)
        if record.context.offer != tuple(offers.items()):
            await self.save(key, record.with_context(offer=tuple(offers.items())))

    async def note_question(self, key: str, text: str, *, topic: bool = True) -> None:
        """A policy question is what the next "那杭州呢" follows up; one naming a check ("科小的分数线")
        also makes it the topic figures sent next go to (topic=False: the bot's own question, as the
        loan examples after "能贷多少", leaves the topic as it was)."""
        record = await self.record(key)
        named = (check_named(text, self.vocab) if topic else None) or record.context.topic
        if (record.context.topic, record.context.question, record.context.asked) != (named, text, None):
            await self.save(key, record.with_context(topic=named, question=text, asked=None))

    async def follow_question(self, key: str, text: str) -> str | None:
        """"那杭州呢" / "利率多少" right after a policy question: the whole question it stands for."""
        record = await _run(self._profiles.load, key)
        if record is None or record.context.question is None:
            return None
        return load_followups(tuple(w for w, _ in self.vocab.checks())).rewrite(record.context.question, text)

    def core_fields(self, rule_set: str) -> tuple[str, ...]:
        """What a quick check needs before it runs."""
        return self.vocab.table("core").get(self.vocab.family(rule_set), ())

    # --- reading figures --------------------------------------------------------------------

    def read(self, text: str) -> Reading:
        """Figures in text with unit checks; enum/bool fields also by label ("资质无")."""
        outcome = self._scoring.parse(text)
        accepted: dict[str, Figure] = {}
        seen: dict[str, list[Figure]] = {}
        notes: list[str] = []
        for item in outcome.understood:
            spec = self._scoring.field(item.field)
            if spec is None:
                continue
            note = unit_problem(spec, item, self._texts)
            if note or item.value is None:  # unit_problem names every unusable figure
                notes += [note] if note else []
                continue
            seen.setdefault(item.field, []).append(item.value)
            accepted[item.field] = item.value
        if not accepted and not outcome.problems:
            accepted.update(choice_by_label(self._scoring, self.vocab, text))
        approx = approx_note(outcome.understood, accepted, self._texts, lambda k, x: f"{self.label(k)} 约 {self.shown(k, x)}")
        notes += [approx] if approx else []
        if outcome.problems:
            notes.append(self._texts.get("not_understood", problems="；".join(outcome.problems)))
        conflicts = {k: v for k, v in seen.items() if len(set(map(str, v))) > 1}
        return Reading(accepted, notes, conflicts)

    def lookup(self, word: str) -> FieldSpec | None:
        """The field a Chinese word names."""
        return self._scoring.lookup(word)

    def label(self, name: str) -> str:
        """A field's Chinese label."""
        spec = self._scoring.field(name)
        return spec.label if spec is not None else name

    def shown(self, name: str, value: Any) -> str:
        """A value as the user reads it."""
        return format_value(self._scoring.field(name), value, self._texts)

    def items(self, figures: dict[str, Figure], before: dict[str, Figure] | None = None) -> str:
        """"营业收入 11,000 万元，研发费用 350 万元 → 200 万元": with before, a replaced figure shows both."""
        return changed_items(self._scoring, self._texts, figures, before)

    def updated(self, before: dict[str, Figure], given: dict[str, Figure]) -> list[Reply]:
        """"已更新企业档案：…" for the given figures that are new or differ from the saved ones."""
        new = {k: x for k, x in given.items() if k not in before or not same_figure(before[k], x)}
        return [Reply(text=self.vocab.get("correction_saved", items=self.items(new, before)))] if new else []

    # --- checks -----------------------------------------------------------------------------

    async def assess(self, figures: dict[str, Figure], rule_set: str) -> tuple[Assessment, list[str]]:
        """The assessment and the contradiction warnings of a set of figures (FigureError)."""
        warnings = await _run(self._scoring.check, figures) or []
        return await _run(self._scoring.assess, figures, rule_set), list(warnings)

    def verdict(self, record: FirmRecord, assessment: Assessment, warnings: list[str]) -> tuple[list[Reply], FirmRecord]:
        """The verdict replies of a check, and the record with last check and open yes/no questions."""
        v = self.vocab
        text = render_verdict(assessment, v, warnings)
        pending = tuple(f for f in assessment.unconfirmed if f not in record.fields)
        record = record.with_context(last_check=assessment.rule_set, topic=assessment.rule_set,
                                     pending=pending, scenario=(), question=None, asked=None)
        replies = [Reply(text=text)]
        ask = self._confirm_question(pending)
        replies.append(Reply(text="\n".join(p for p in (ask, v.get("followup_hint")) if p)))
        return replies, record

    async def open_question(self, key: str) -> str:
        """The yes/no question the last verdict asked and no answer has closed yet ("" when none)."""
        record = await self.record(key)
        return self._confirm_question(record.context.pending)

    def _confirm_question(self, pending: tuple[str, ...]) -> str:
        labels = [self._scoring.field(f) for f in pending]
        names = [s.label for s in labels if s is not None]
        if not names:
            return ""
        if len(names) == 1:
            return self.vocab.get("unconfirmed_one", label=f"是否{names[0]}")
        return record_question(list(pending), self._scoring, self.vocab)

    async def after_dialogue(
        self, key: str, figures: dict[str, Figure], assessment: Assessment, points_text: str | None
    ) -> list[Reply]:
        """A dialogue's result: remember its figures and the check; the points layout if given."""
        record = await self.record(key)
        changed = {k: v for k, v in figures.items() if k not in record.fields or record.fields[k].value != v}
        record = record.with_figures(changed, "chat")
        warnings = list(await _run(self._scoring.check, figures) or [])
        replies, record = self.verdict(record, assessment, warnings)
        if points_text is not None:
            extra = [records_line(assessment, self.vocab), points_gap_line(assessment, self.vocab),
                     *warning_lines(warnings, self.vocab)]
            replies[0] = Reply(text="\n".join(line for line in (points_text, *extra) if line))
        await self.save(key, record)
        return replies

    async def run_check(self, key: str, rule_set: str, record: FirmRecord | None = None) -> list[Reply]:
        """Run a check on the profile's figures at once and remember it as the last result."""
        record = record or await self.record(key)
        try:
            assessment, warnings = await self.assess(record.figures, rule_set)
        except FigureError as exc:
            return [Reply(text=self.figure_error(exc))]
        used = self.vocab.used_profile([self.items({k: v}) for k, v in record.figures.items()])
        replies, record = self.verdict(record, assessment, warnings)
        await self.save(key, record)
        return [Reply(text=used), *replies]

    # --- the message router -------------------------------------------------------------------

    async def handle(self, key: str, text: str) -> DeskOutcome | None:
        """Answer a firm message outside a dialogue, or None when it is not one."""
        record = await _run(self._profiles.load, key)
        if record is not None and record.context.offer:  # "是的" after "是研发费用吗？"
            confirmed = await offer_answer(self, key, record, text)
            if confirmed is not None:
                return DeskOutcome(confirmed)
            record = record.with_context(offer=())
        if record is not None and record.context.pending:
            answered = await pending_answer(self, key, record, text)
            if answered is not None:
                return DeskOutcome(answered)
        whole = firm_followup(self, record, text)
        if whole is not None:  # "那到中等呢" after "要到良好还差多少": that question for 中等
            outcome = await self.handle(key, whole)
            if outcome is not None:
                read_as = Reply(text=self._texts.get("followup_read_as", question=whole))
                return DeskOutcome([read_as, *outcome.replies], outcome.start, outcome.ask)
        asked = await answer_ask(self, key, record or FirmRecord(), text)  # "为什么是这个分", "能贷多少"
        if asked is not None:
            if asked.followable:
                await self.save(key, (await self.record(key)).with_context(asked=text, question=None))
            return DeskOutcome(asked.replies, asked.start, asked.ask)
        intent = classify(text, self.vocab)
        if intent is None:
            return None
        record = record or FirmRecord()
        if intent.kind == "command_word":
            return DeskOutcome(self._stray(record, text))
        if intent.kind == "eligibility":
            return await self._eligibility(key, record, intent, text)
        if intent.kind == "followup":
            await self.save(key, record.with_context(asked=text, question=None))  # "那中等呢" follows it up
            return DeskOutcome(await answer_followup(self, record, intent, text))
        if intent.kind == "keep":
            return DeskOutcome(await keep_scenario(self, key, record))
        if intent.kind == "undo":
            return DeskOutcome(await undo_keep(self, key, record))
        if intent.kind == "whatif":
            mode = whatif_mode(text, self.vocab)
            if mode == "mixed":  # a change or a new total? ask, never guess
                return DeskOutcome([Reply(text=self.vocab.get("whatif_mixed"))])
            moved = whatif_text(text, self.vocab) or ""
            factor = whatif_factor(text, self.vocab)
            return DeskOutcome(await apply_whatif(self, key, record, moved, relative=mode == "relative", factor=factor,
                                                  hired=whatif_hired(text, self.vocab)))
        return DeskOutcome(await apply_correction(self, key, record, correction_text(text, self.vocab) or ""))

    def figure_error(self, exc: FigureError) -> str:
        """A refused figure said in the user's words."""
        return self._texts.get("figure_error", message=str(exc))

    def asks_about_rules(self, text: str) -> bool:
        """A question about a rule that quotes a number: answered from policy, the profile untouched."""
        return asks_about_rules(text, self.vocab)

    def rules_brief(self, text: str) -> list[Reply]:
        """The named check's conditions and basis (firm.yaml), shown before the policy answer."""
        rule_set = check_named(text, self.vocab)
        if rule_set is None:
            return []
        lines = [self.vocab.lookup(table, rule_set, "") for table in ("conditions", "basis")]
        return [Reply(text="\n".join(line for line in lines if line))] if any(lines) else []

    def leaves_dialogue(self, rule_set: str, core: list[str], text: str) -> bool:
        """A new eligibility question or a follow-up while a quick check waits for its figures, or a
        question about another check ("能评上科小吗") in any dialogue: the figures given so far are
        already in the profile, so the new check starts from them."""
        if score_request(text, load_asks()):  # "再算一遍积分" in the 高企 form: that check instead
            return check_named(text, self.vocab) not in (None, rule_set)
        intent = classify(text, self.vocab)
        if intent is None or intent.rule_set == rule_set:  # "科小那个呢" in the 科小 form: it waits as it is
            return False
        if core:
            return intent.kind in ("eligibility", "followup")
        return intent.kind == "eligibility" and intent.rule_set not in (None, rule_set)

    def asks_for_result(self, stage: str, text: str) -> bool:
        """"差几分" / "差在哪" at the confirm screen: the manager wants the result, so score it."""
        if stage != "confirm":
            return False
        intent = classify(text, self.vocab)
        return intent is not None and intent.kind == "followup"

    async def after_small_talk(self, key: str) -> str:
        """What a "好的" / "谢谢" leaves open: a what-if not yet kept is named, else nothing."""
        record = await self.record(key)
        return self.vocab.get("whatif_still_open") if record.context.scenario else ""

    async def stale_button(self, key: str) -> list[Reply]:
        """A button of a finished dialogue ("确认" after the result): what can follow, state kept."""
        record = await self.record(key)
        return self._stray(record, "") if record.context.last_check or record.context.scenario else []

    def _stray(self, record: FirmRecord, text: str) -> list[Reply]:
        if record.context.scenario:  # "确认" after a what-if: keeping it is a separate word
            return [Reply(text=self.vocab.get("whatif_still_open").strip())]
        last = record.context.last_check
        if last is not None:
            name = self.vocab.lookup("check_names", last)
            return [Reply(text=self.vocab.get("stray_with_result", name=name))]
        return [Reply(text=self.vocab.get("stray_command", word=text.strip(" 。.!！")))]

    async def _eligibility(self, key: str, record: FirmRecord, intent: FirmIntent, text: str) -> DeskOutcome:
        rule_set = intent.rule_set or record.context.topic or record.context.last_check
        if rule_set is None:
            return DeskOutcome([Reply(text=self.vocab.get("which_check"))])
        statement, _ = split_question(text, self.vocab, self._texts.words("intent.question_words"))
        statement = without_check_clauses(statement, self.vocab)  # "高企" picks the check; it is not 资质 = 高企
        reading = self.read(statement) if statement else Reading({}, [], {})
        missing = [f for f in self.core_fields(rule_set) if f not in record.fields and f not in reading.accepted]
        if missing:
            await self.save(key, record.with_context(topic=rule_set))
            intro = self.vocab.lookup("conditions", rule_set, "")
            return DeskOutcome([Reply(text=intro)] if intro else [], start=(rule_set, statement))
        head: list[Reply] = []
        if reading.accepted:
            try:
                await _run(self._scoring.check, {**record.figures, **reading.accepted})
            except FigureError as exc:
                return DeskOutcome([Reply(text=self.figure_error(exc))])
            head = self.updated(record.figures, reading.accepted)  # "研发费用200万，能认定高企吗" over 350
            head += [Reply(text="\n".join(reading.notes))] if reading.notes else []  # 约数, unread figures
            record = record.with_figures(dict(reading.accepted), "chat")
        return DeskOutcome([*head, *await self.run_check(key, rule_set, record)])


async def _run(fn: Callable[..., T], *args: Any) -> T:
    """One blocking store or library call off the event loop."""
    return await asyncio.to_thread(fn, *args)
