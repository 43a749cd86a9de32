"""What a free-text message means for the firm (意图): an eligibility question, a follow-up on the
last result, a correction, a what-if, keeping a what-if, a yes/no answer or a stray command word."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.core.firm.vocab import FirmVocab
from scoring.units import without_vague_figures

__all__ = [
    "FirmIntent",
    "asks_about_rules",
    "check_named",
    "classify",
    "correction_text",
    "is_eligibility",
    "names_only_a_check",
    "split_question",
    "wants_check",
    "whatif_factor",
    "whatif_hired",
    "whatif_mode",
    "whatif_text",
    "without_check_clauses",
]

IntentKind = Literal["eligibility", "followup", "correction", "whatif", "keep", "undo", "command_word"]
_TRIM = " \t\n。.!！?？,，、;；:：~～"
_CLAUSES = re.compile(r"[，,。；;！!？?\n]|还有|另外|顺便问一下|顺便问下|顺便|想问一下|想问下|请问")
_YES_NO_TAIL = re.compile(r"(吗|么|不)[。.!！?？\s]*$")
_QUESTION_TAIL = re.compile(r"(吗|呢|么)[。.!！?？\s]*$")
_LEAD = re.compile(r"^(?:那么|那|好的|好|嗯)[，,\s]*")
_NOT_BUT = re.compile(r"不是[^，,。；;]*[，,]\s*(?:而)?(?:应该)?是")
_NUMBER = re.compile(r"[\d０-９]|[一二两三四五六七八九十百千]+[万亿%％人个件]")
_NUMBER_START = r"(?=[-+\d零〇一二两三四五六七八九十百千万亿])"


@dataclass(frozen=True)
class FirmIntent:
    """A classified message; focus is "gaps" | "improve" | an input field name."""

    kind: IntentKind
    rule_set: str | None = None
    focus: str | None = None


def check_named(text: str, vocab: FirmVocab) -> str | None:
    """The rule set a message names first ("能评高企吗，还有积分贷呢" -> the 高企 rule set), or None."""
    best: tuple[int, str] | None = None
    for word, rule_set in vocab.checks():  # longest first: a tie keeps the longer word
        at = text.find(word)
        if at >= 0 and (best is None or at < best[0]):
            best = (at, rule_set)
    return best[1] if best else None


def names_only_a_check(text: str, vocab: FirmVocab) -> bool:
    """"高企" / "那科小呢" / "我们想评科小": a check chosen, with no figures or facts to read."""
    core = _LEAD.sub("", text.strip(_TRIM))
    words = [w for w, _ in vocab.checks()] + [*vocab.words("wish_words"), *vocab.words("firm_words"), "帮我", "给我"]
    for word in sorted(words, key=len, reverse=True):
        core = core.replace(word, "")
    return core.strip(_TRIM) in ("", "吧", "呢", "的", "了")


def wants_check(text: str, vocab: FirmVocab) -> bool:
    """"我们想评科小" / "科小自评": this firm wants that check run, not the rules explained."""
    if check_named(text, vocab) is None or not _has(text, vocab.words("wish_words")):
        return False
    return not any(_has(text, vocab.words(name)) for name in ("wish_not", "rules_only", "other_subjects"))


def without_check_clauses(statement: str, vocab: FirmVocab) -> str:
    """"我们想评科小，营收3000万" -> "营收3000万": a clause choosing a check holds no fact."""
    clauses = re.split(r"([，,。；;\n])", statement)
    kept = [c for c in clauses[::2] if c.strip(_TRIM) and not names_only_a_check(c, vocab)]
    return "，".join(kept)


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def is_eligibility(text: str, vocab: FirmVocab) -> bool:
    """"能认定高企吗" / "我们够格吗": about this firm, not about the rules."""
    ours = _has(text, vocab.words("firm_words"))
    strong = _has(text, vocab.words("eligibility"))
    weak = _has(text, vocab.words("eligibility_weak")) and (ours or bool(_YES_NO_TAIL.search(text)))
    if not (strong or weak):
        return False
    general = ("rules_only", "other_subjects", "hypothetical")
    return ours or not any(_has(text, vocab.words(name)) for name in general)


def asks_about_rules(text: str, vocab: FirmVocab) -> bool:
    """"科小营收上限是1亿对吧": a number put to the rules, not the firm's own figure."""
    if _has(text, vocab.words("firm_words")) or not _has(text, vocab.words("rule_words")):
        return False
    if not _NUMBER.search(text) or is_eligibility(text, vocab) or _followup(text, vocab) is not None:
        return False  # no number: the usual routing already answers it; "能评上吗" stays a check
    if _has(text, vocab.words("confirm_markers")):
        return True
    tails = vocab.words("confirm_tails")
    return text.strip().endswith(tails) or text.strip(_TRIM).endswith(tails)


def split_question(text: str, vocab: FirmVocab, question_words: tuple[str, ...]) -> tuple[str, str]:
    """(statement, question): clauses that ask something are kept out of the figures."""
    statements: list[str] = []
    questions: list[str] = []
    for clause in _CLAUSES.split(text):
        part = clause.strip(_TRIM)
        if not part:
            continue
        asks = is_eligibility(part, vocab) or _has(without_vague_figures(part), question_words) or bool(_QUESTION_TAIL.search(part))
        has_digit = any(ch.isdigit() for ch in part)
        (questions if asks and not has_digit else statements).append(part)
    return "，".join(statements), "，".join(questions)


def _strip(text: str, words: tuple[str, ...], links: tuple[str, ...] = ()) -> str:
    for word in sorted(words, key=len, reverse=True):
        text = text.replace(word, " ")
    linked = "|".join(map(re.escape, links))
    link = f"(?:{linked})?" if linked else ""
    text = re.sub(r"[，,、:：\s]+" + link + r"\s*" + _NUMBER_START, "", text)  # "营收，是3500万"
    return re.sub(r"\s+", "", text).strip(_TRIM)


def is_update(text: str, vocab: FirmVocab) -> bool:
    """"我们现在研发人员加到8个了": a new fact in the present tense (the profile changes), not a what-if;
    a change by an amount ("又多了3个") stays a what-if, never read as the new total."""
    core = text.strip(_TRIM)
    return (_has(core, vocab.words("update_marks")) and core.endswith(vocab.words("update_ends"))
            and _NUMBER.search(core) is not None and not core.startswith(vocab.words("whatif_starts"))
            and _relative_at(vocab).search(core) is None)


def correction_text(text: str, vocab: FirmVocab) -> str | None:
    """"营收说错了，应该是1.1亿" -> "营收1.1亿"; None when the message corrects nothing."""
    if is_update(text, vocab):  # "我们现在研发人员加到8个了" -> "研发人员8个"
        return _strip(text.strip(_TRIM), vocab.words("update_fillers"), vocab.words("number_links")) or None
    lead = text.strip().startswith(vocab.words("correction_leads"))  # "不对，是3500万"
    if not lead and not _has(text, vocab.words("correction_marks")) and not _NOT_BUT.search(text):
        return None
    text = _NOT_BUT.sub("", text)  # "营收不是1.2亿，是1.1亿" -> "营收1.1亿"
    return _strip(text, vocab.words("correction_fillers"), vocab.words("number_links")) or None


_AMOUNT_START = r"(?=[-+\d零〇一二两三四五六七八九十])"  # not 万/亿: "3000多万" is a figure, not a change


def _words_re(words: tuple[str, ...]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


def _relative_at(vocab: FirmVocab) -> re.Pattern[str]:
    return re.compile(f"(?:{_words_re(vocab.words('whatif_relative'))})(?:了)?" + _AMOUNT_START)


def _moved(text: str, vocab: FirmVocab) -> bool:
    return re.search(f"(?:{_words_re(vocab.words('whatif_moves'))})" + _NUMBER_START, text) is not None


def whatif_factor(text: str, vocab: FirmVocab) -> float | None:
    """"研发费用翻倍呢" -> 2.0, "增加20%" -> 1.2: a multiplier word or a percentage change, or None."""
    word = _factor_word(text, vocab)
    if word is not None:
        return word
    for key, sign in (("whatif_percent_up", 1), ("whatif_percent_down", -1)):
        found = re.search(f"(?:{_words_re(vocab.words(key))})了?" + r"(\d+(?:\.\d+)?)\s*[%％]", text)
        if found is not None:
            return 1 + sign * float(found.group(1)) / 100
    return None


def _factor_word(text: str, vocab: FirmVocab) -> float | None:
    """"翻一倍" -> 2.0: a multiplier word, which alone makes a what-if."""
    for word, factor in vocab.raw("whatif_factors").items():
        if str(word) in text:
            return float(factor)
    return None


def whatif_hired(text: str, vocab: FirmVocab) -> bool:
    """"如果再招2个研发呢": new people, so the staff total grows too."""
    return _has(text, vocab.words("whatif_hires"))


def _supposed(text: str, vocab: FirmVocab) -> bool:
    """"那发明专利有1个呢" / "研发费用400万的话": a figure supposed, not reported."""
    core = text.strip(_TRIM)
    if _NUMBER.search(core) is None:
        return False
    led = core.startswith(vocab.words("whatif_suppose_leads")) and core.endswith(vocab.words("whatif_led_ends"))
    return led or core.endswith(vocab.words("whatif_suppose_ends"))


def whatif_text(text: str, vocab: FirmVocab) -> str | None:
    """"如果研发费用提到400万呢" -> "研发费用400万"; "研发人员再多5个" -> "研发人员5个"; None: no what-if."""
    stripped = _LEAD.sub("", text.strip(_TRIM))
    starts = stripped.startswith(vocab.words("whatif_starts"))
    if not starts and _has(stripped, vocab.words("growth_leads")):  # "研发投入比去年多了20%": a growth rate, said
        return None
    ends = stripped.endswith(vocab.words("whatif_ends"))
    changed = _relative_at(vocab).search(stripped) is not None  # "营收再增加1000万": never a new total
    relative = _has(stripped, vocab.words("whatif_relative")) and ends
    factor = _factor_word(stripped, vocab) is not None
    if not (starts or changed or relative or factor or _moved(stripped, vocab) or _supposed(text, vocab)):
        return None
    hires = _has(stripped, vocab.words("whatif_hires"))
    stripped = _relative_at(vocab).sub(" ", stripped)
    if hires:  # "多招5个研发" -> "5个研发人员"
        for bare, label in vocab.raw("whatif_hire_labels").items():
            if str(label) not in stripped:
                stripped = stripped.replace(str(bare), str(label))
    return _strip(stripped, vocab.words("whatif_fillers")) or None


def whatif_mode(text: str, vocab: FirmVocab) -> Literal["absolute", "relative", "mixed"]:
    """"再加100万" / "多招5人": the number is a change; "提到400万": the new value; both: ask."""
    moved = _moved(text, vocab)
    changed = _relative_at(vocab).search(text) is not None
    if moved and changed:
        return "mixed"
    if moved:
        return "absolute"
    return "relative" if changed or _has(text, vocab.words("whatif_relative")) else "absolute"


def _followup(text: str, vocab: FirmVocab) -> FirmIntent | None:
    for focus, words in vocab.table("followups").items():
        if _has(text, words):
            for field, field_words in vocab.table("focus_fields").items():
                if _has(text, field_words):
                    return FirmIntent("followup", check_named(text, vocab), field)
            return FirmIntent("followup", check_named(text, vocab), focus)
    if _has(text, ("还要招", "还需招", "要招几", "招几个", "还需要多少", "还要多少", "需要多少")):
        for field, field_words in vocab.table("focus_fields").items():
            if _has(text, field_words):
                return FirmIntent("followup", check_named(text, vocab), field)
    return None


def classify(text: str, vocab: FirmVocab) -> FirmIntent | None:
    """The firm intent of a message outside a dialogue, or None (a question or figures)."""
    core = text.strip(_TRIM)
    if core.lower() in (w.lower() for w in vocab.words("command_words")):
        return FirmIntent("command_word")
    if _has(core, vocab.words("undo_words")) and _NUMBER.search(core) is None:  # "不要保留，恢复原来的"
        return FirmIntent("undo")
    if core in vocab.words("keep_words"):
        return FirmIntent("keep")
    if is_update(text, vocab):  # "现在…加到8个了" changes the profile
        return FirmIntent("correction")
    if whatif_text(text, vocab) is not None:
        return FirmIntent("whatif")
    if correction_text(text, vocab) is not None:
        return FirmIntent("correction")
    named = check_named(text, vocab)
    if named and core.removesuffix("吧") in (w for w, _ in vocab.checks()):
        return FirmIntent("eligibility", named)  # "高企" answering "您想看哪一项？"
    switched = (core.startswith(vocab.words("switch")) and core.endswith("呢")) or core.endswith(vocab.words("switch_tails"))
    if named and len(core) <= 8 and switched:  # "那科小呢" / "高企那个呢": the same firm, that check
        return FirmIntent("eligibility", named)
    if wants_check(text, vocab):  # "我们想评科小", "科小自评"
        return FirmIntent("eligibility", named)
    followup = _followup(text, vocab)
    if followup is not None:
        return followup
    if is_eligibility(text, vocab):
        return FirmIntent("eligibility", named)
    return None
