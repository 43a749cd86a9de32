"""What a question asks for (a rate, a cap, a date, a count of a named thing…) and whether a text holds it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from retrieval.datafiles import data_file
from retrieval.evidence import IdfTable, synonyms
from retrieval.tagging import gazetteer
from retrieval.textutil import CJK, match_key, segmenter, stopwords
from retrieval.variants import variant_rules

__all__ = ["Ask", "Target", "detect_targets", "holds", "is_subject_word", "match", "target_rules"]

_BOUNDARY = re.compile(r"[，,。？?！!；;：:\s]")
_CLAUSES = re.compile(r"[，,；;。！？!?]|(?<!\d)[：:]|[：:](?!\d)")
_SENTENCES = re.compile(r"(?<=[。！？!?；;])")
_NUMERIC = re.compile(r"^[\d.%％]+$|^[年月日号]$")
_QUESTION_CHARS = re.compile(r"[哪谁啥吗呢几]|什么|多少")
_NAME_VALUE = re.compile(
    r"公司|银行|分行|支行|集团|中心|研究院|研究所|大学|学院|机构|[局厅委]|联谊会|协会|实验室|平台|基金|园区|高新区|"
    r"[\u4e00-\u9fff]{2,3}(?:说|表示|介绍|指出)"
)


@dataclass(frozen=True)
class TargetRule:
    """One row of targets.yaml."""

    kind: str
    cues: re.Pattern[str]
    value: str
    scope: str
    replaces: tuple[str, ...]
    strong: re.Pattern[str] | None = None  # the value at its most concrete (a web address, not "平台")


@dataclass(frozen=True)
class Rules:
    """The whole targets.yaml: target rules, unit classes, counters, generic nouns."""

    targets: tuple[TargetRule, ...]
    units: dict[str, tuple[tuple[str, ...], re.Pattern[str]]]
    counters: str
    generic: frozenset[str]
    subjectless: tuple[str, ...] = ()
    loose_rates: frozenset[str] = frozenset()
    measures: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def target_rules() -> Rules:
    """Read targets.yaml once per process."""
    data = data_file("targets.yaml") or {}
    targets = tuple(
        TargetRule(
            str(t["kind"]),
            re.compile("|".join(f"(?:{c})" for c in t["cues"])),
            str(t.get("value") or ""),
            str(t.get("scope") or "sentence"),
            tuple(t.get("replaces") or ()),
            re.compile(str(t["strong"])) if t.get("strong") else None,
        )
        for t in data.get("targets") or []
    )
    units = {
        str(name): (tuple(str(a) for a in u["asks"]), re.compile(str(u["value"])))
        for name, u in (data.get("units") or {}).items()
    }
    return Rules(
        targets, units, str(data.get("counters") or ""), frozenset(data.get("generic_nouns") or ()),
        tuple(str(w) for w in data.get("subjectless") or ()),
        frozenset(str(w) for w in data.get("loose_rates") or ()),
        frozenset(str(w) for w in data.get("measure_nouns") or ()),
    )


@dataclass(frozen=True)
class Target:
    """One thing asked: its kind, the noun it is about, and the words that must sit with the value."""

    kind: str
    cue: str
    noun: str
    anchors: tuple[str, ...]
    unit: str | None = None
    counter: str | None = None
    cls: str | None = None
    asked: tuple[str, ...] = ()
    measure: str = ""  # 额度 in 再贷款额度多大: the word that names the figure ("额度5000亿元")

    def to_dict(self) -> dict[str, object]:
        """JSON shape for `ask --explain`."""
        return {"kind": self.kind, "cue": self.cue, "noun": self.noun, "anchors": list(self.anchors),
                "unit": self.unit, "counter": self.counter, "class": self.cls}


@dataclass(frozen=True)
class Ask:
    """Everything a question asks for, strongest first (empty: a topic question)."""

    targets: tuple[Target, ...]

    @property
    def primary(self) -> Target | None:
        """The main target (the one a partial answer names as missing)."""
        return self.targets[0] if self.targets else None

    @property
    def strict(self) -> tuple[Target, ...]:
        """Targets with a value shape to check (how-questions are judged by coverage)."""
        return tuple(t for t in self.targets if t.kind != "how")

    def has(self, kind: str) -> bool:
        """True when the question asks for this kind."""
        return any(t.kind == kind for t in self.targets)


_NOUNISH = ("n", "vn", "j", "b", "eng", "ad", "an", "l", "i")
_FIRM_CLASSES = frozenset({"企业", "公司"})
_FIRM_NAME = r"有限公司|股份公司|集团|公司(?!账户)"
_LOCATING = "(?:在|于|赴|到|落户|位于|落地|设在|放在)"
_SUFFIXES = frozenset("人者员方商费额量券站卡榜")
_STOP_TAGS = ("p", "u", "r", "c", "y", "e", "o", "w", "x")


@lru_cache(maxsize=4096)
def _tagged(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((w, t) for w, t in segmenter().tag(text) if w.strip())


def _words(text: str) -> list[str]:
    return [w for w, _ in _tagged(text)]


def _useful(word: str, rules: Rules) -> bool:
    return not (
        len(word) < 2 or word in stopwords() or word in rules.generic
        or _NUMERIC.match(word) or _QUESTION_CHARS.search(word)
    )


def _content(words: list[str], rules: Rules) -> list[str]:
    return [w for w in words if _useful(w, rules)]


def _noun_before(question: str, start: int, rules: Rules) -> list[str]:
    """The noun phrase before the cue, closest word first ("余额超过多少" -> 余额; verbs skipped)."""
    # a trailing copula glues onto the noun when segmenting ("积分贷是" -> 贷是): cut it first
    # and so does a position word before a share ("领跑榜是前" + 百分之多少)
    tagged = list(_tagged(re.sub(r"(?:是|为|有|在|叫)+(?:前|后)?$", "", _BOUNDARY.split(question[:start])[-1])))
    # a one-character noun suffix belongs to the word before it ("管理" + "人" -> 管理人)
    for i in range(len(tagged) - 1, 0, -1):
        if tagged[i][0] in _SUFFIXES and len(tagged[i - 1][0]) >= 2:
            tagged[i - 1 : i + 1] = [(tagged[i - 1][0] + tagged[i][0], "n")]
    out: list[str] = []
    domain = variant_rules().domain_terms
    for w, tag in reversed(tagged):
        nounish = (tag.startswith(_NOUNISH) and not tag.startswith("ns")) or w in domain
        if not out and not nounish:
            if tag.startswith(("uj",)) and out:
                break
            continue  # trailing verbs, adverbs, 了, 有
        if w == "的" or tag.startswith(("p", "uj", "ns")) or (not nounish and tag.startswith(_STOP_TAGS)):
            break
        if _useful(w, rules):
            out.append(w)
        if len(out) == 3:
            break
    return out


def _noun_after(question: str, end: int, rules: Rules) -> list[str]:
    """The noun phrase after the cue, head (its last noun) first: "多少个农业社会化科技服务站" -> 服务站."""
    run: list[tuple[str, str]] = []
    tail = _BOUNDARY.split(question[end:])[0]
    counted = bool(tail[:1]) and tail[0] in rules.counters
    if counted:
        tail = tail[1:]  # the counter itself ("多少项是…" would segment as 项是)
    for w, tag in _tagged(tail):
        if not run and counted and tag.startswith(("d", "p")):
            break  # "多少分才算符合条件": the counter is the thing; what follows is another clause
        if not run and (tag.startswith(("q", "m", "v", "r", "d", "p")) or w in stopwords()):
            continue  # the counter, a copula or an adverb before the noun
        if tag.startswith(_STOP_TAGS) or len(run) == 4:
            if w == "的" and not any(_useful(x, rules) and t.startswith(_NOUNISH) for x, t in run):
                run = []
                continue  # "多大规模的科技创新再贷款": the measure word, then the thing
            break
        run.append((w, tag))
    nouns = [w for w, tag in run if tag.startswith(_NOUNISH) and _useful(w, rules)]
    return list(reversed(nouns))


def _unit(question: str, rules: Rules) -> str | None:
    for name, (asks, _) in rules.units.items():
        if any(a in question for a in asks):
            return name
    return None


def detect_targets(question: str) -> Ask:
    """Classify the question's targets from its wording (rules in targets.yaml)."""
    rules = target_rules()
    places = {match_key(p) for p in gazetteer().mentions(question)}
    found: list[Target] = []
    dropped: set[str] = set()
    for rule in rules.targets:
        if rule.kind in dropped:
            continue
        clauses: set[int] = set()
        for m in rule.cues.finditer(question):
            clause = len(_BOUNDARY.findall(question[: m.start()]))
            if clause in clauses:
                continue  # one target of a kind per clause; a second clause asks a second part
            clauses.add(clause)
            found.append(_target(rule, question, m, rules, places))
        if clauses:
            dropped.update(rule.replaces)
    found = [t for t in found if t.kind not in dropped]
    return Ask(tuple(found))


def _target(rule: TargetRule, question: str, m: re.Match[str], rules: Rules, places: set[str]) -> Target:
    """One target from a cue match: the noun phrase around it and the unit and counter asked."""
    cue = m.group(0)
    after = _noun_after(question, m.end(), rules)
    before = _noun_before(question, m.start(), rules)
    cue_words = [w for w, t in _tagged(cue) if t.startswith("n") and _useful(w, rules)]
    counter = None
    unit = _unit(question, rules)
    if rule.kind == "quantity":
        counter = next((c for c in cue + question[m.end() : m.end() + 1] if c in rules.counters), None)
        if after and not any(a in after[0] for a in rules.units.get(unit or "", ((), None))[0]):
            unit = None  # "多少积分": the noun after the cue is what is counted
    cls = None
    if rule.kind == "name" and cue_words and cue_words[-1] not in rules.generic:
        cls = cue_words[-1]  # 银行 in 哪家银行: the answer names a bank (机构 names anything)
    if rule.kind not in ("rate", "cap", "quantity"):
        cue_words = []  # 时候, 银行: words of the question form, not the thing asked about
    anchors = [w for w in (*cue_words, *after, *before) if match_key(w) not in places]
    noun = "".join(reversed(before)) + "".join(reversed(after)) or "".join(cue_words)
    if rule.kind in ("rate", "cap") and cue not in noun:
        noun += cue
    # the thing asked: the noun after the cue ("多少科技创新专项资金"), else the one before it
    # a name question's thing is on both sides ("独角兽企业有哪几家上市了")
    whole_name = rule.kind == "name" and cls is None
    # a share's thing comes before it ("领跑榜是前百分之多少的企业": 企业 is only who is counted)
    first, second = (before, after) if rule.kind == "rate" else (after, before)
    words = (*before, *after) if whole_name else (first or second or cue_words)
    asked = [w for w in words if match_key(w) not in places]
    measure = next((w for w in _words(_BOUNDARY.split(question[: m.start()])[-1])[-3:] if w in rules.measures), "")
    return Target(rule.kind, cue, noun, tuple(dict.fromkeys(anchors)), unit, counter, cls, tuple(asked), measure)


def _required(target: Target, idf: IdfTable | None) -> tuple[str, ...]:
    """The asked noun's head (closest to the cue) and its rarest word: one must sit with the value."""
    words = target.asked or target.anchors
    if not words:
        return ()
    if target.kind == "name" and idf is not None and len(words[0]) >= 2 and idf.df(words[0].lower()) == 0:
        return (words[0],)  # the asked thing itself (管理人) is a word no briefing uses
    known = [a for a in words if idf is None or idf.df(a.lower()) > 0] or list(words)
    if idf is None:
        return tuple(dict.fromkeys(known[:3]))
    cap = max(3, int(0.08 * idf.n))  # 科技, 企业: too common to tie a value to the asked thing
    rare = sorted((a for a in known[1:] if idf.df(a.lower()) <= cap), key=lambda a: -idf(a.lower()))[:2]
    return tuple(dict.fromkeys((known[0], *rare)))


def _segments(text: str, scope: str) -> list[tuple[str, str]]:
    """(segment, its context): a clause is read with the two clauses before it in the same sentence."""
    if scope != "clause":
        return [(s, s) for s in _SENTENCES.split(text) if s.strip()]
    out: list[tuple[str, str]] = []
    for sent in _SENTENCES.split(text):
        before: list[str] = []
        for clause in _CLAUSES.split(sent):
            if clause.strip():
                out.append((clause, "".join(before[-2:]) + clause))
                before.append(clause)
    return out


def _value_in(rule: TargetRule, target: Target, seg: str, question_places: frozenset[str]) -> bool:
    rules = target_rules()
    if rule.value == "@place":  # a place the question did not name, where something is (在/于/落户…)
        key = match_key(seg)
        return any(
            p not in question_places and re.search(rf"{_LOCATING}.{{0,3}}{re.escape(match_key(p))}", key)
            for p in gazetteer().mentions(seg)
        )
    if rule.value == "@name":
        if target.cls is None:
            return bool(_NAME_VALUE.search(seg))
        if target.cls in _FIRM_CLASSES:  # 哪家企业: a firm's name (…有限公司, …集团), not the word 企业
            return bool(re.search(_FIRM_NAME, seg))
        # a named bank, not "万元银行贷款": the class word ends a name, not a modifier
        named = rf"(?<![\d元万亿的向与和等各家])[{CJK}]{{2,}}?{re.escape(target.cls)}(?!贷款|贷|产品)"
        return bool(re.search(named, seg))
    if not rule.value:
        return True
    if rule.kind == "quantity" and target.anchors and re.search(
        rf"\d+(?:\.\d+)?\s*(?:万|亿)?\s*{re.escape(target.anchors[0])}", seg
    ):
        return True  # "30积分": the figure counts the asked noun itself
    if not re.search(rule.value, seg):
        return False
    if rule.kind != "quantity":
        return True
    if target.counter:
        counter = rules.counters if target.counter == "个" else target.counter  # 个 is any counter
        counted = rf"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千两]+|[ⅠⅡⅢⅣⅤ])\s*(?:万|亿)?\s*(?:余|多)?\s*[{counter}]"
        return bool(re.search(counted, seg))
    if target.unit:
        return bool(rules.units[target.unit][1].search(seg))
    return True


def match(
    target: Target, text: str, idf: IdfTable | None = None, question_places: tuple[str, ...] = ()
) -> tuple[str, float] | None:
    """The clause (or sentence) that states the asked value next to the asked noun, and how many of
    the asked noun's words it shares; None when no clause does."""
    rule = next(r for r in target_rules().targets if r.kind == target.kind)
    required = _required(target, idf) if target.kind != "how" else ()
    places = frozenset(question_places)
    syn = synonyms()
    rules = target_rules()
    best: tuple[str, float] | None = None
    for seg, context in _segments(text, rule.scope):
        if not _value_in(rule, target, seg, places):
            continue
        key = match_key(context)
        present = [match_key(a) in key or any(s in key for s in syn.get(a, ())) for a in required]
        # lists and names name their own noun whole (认定条件, 独角兽企业); other values sit by one word
        whole = target.kind == "list" or (target.kind == "name" and target.cls is None)
        if required and not (all(present) if whole else any(present)):
            continue
        if target.kind == "rate" and target.cue not in rules.loose_rates and not any(
            w in key for w in (match_key(target.cue), *syn.get(target.cue, ()))
        ):
            continue  # 利率, 覆盖率: the named measure itself, not any percentage
        own = match_key(seg)
        # "再贷款，额度5000亿元": the asked measure names the figure; its noun is in the sentence before
        named = bool(target.measure) and bool(re.search(rf"{re.escape(target.measure)}[^，,。；;\d]{{0,3}}\d", own))
        fit = max(_share(target.anchors, own), _share(target.anchors, key) if named else 0.0)
        fit += 0.5 * (named or any(match_key(a) in own for a in required[:1]))  # the asked noun right at the value
        fit += 0.5 * bool(rule.strong and rule.strong.search(seg))
        if best is None or fit > best[1]:
            best = (seg, fit)
    return best


def _share(words: tuple[str, ...], key: str) -> float:
    """How many of the words the (match-keyed) text holds, as a share."""
    return sum(match_key(w) in key for w in words) / max(len(words), 1)


def holds(target: Target, text: str, idf: IdfTable | None = None, question_places: tuple[str, ...] = ()) -> bool:
    """True when one clause (or sentence) of the text states the asked value next to the asked noun."""
    return match(target, text, idf, question_places) is not None


@lru_cache(maxsize=4096)
def is_subject_word(word: str, question: str) -> bool:
    """A noun of the question's subject, not a verb, a question form or a target cue (比例, 排名)."""
    rules = target_rules()
    if not _useful(word, rules) or any(r.cues.search(word) for r in rules.targets):
        return False
    tags = {t for w, t in _tagged(question) if w == word} or {t for _, t in _tagged(word)}
    return any(t.startswith(("n", "j")) and not t.startswith("ns") for t in tags)
