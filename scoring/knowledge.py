"""Rule sets rendered as policy summaries (政策摘要): thresholds have one home, the rule files.

A rule file's `knowledge:` block holds the article's title, sources and section texts; the
texts name thresholds by placeholder (`{rd_staff_ratio}`, `{staff.steps}`) and this module fills
them from the compiled rule set, so a changed threshold changes the answer. The output is the
Markdown-with-front-matter format the retrieval package indexes (it never imports this one).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from scoring.errors import RuleSetError
from scoring.fields import FIELDS
from scoring.knowledge_points import indicator_values, points_values, stage_values
from scoring.loader import available_rule_sets, load_rule_set
from scoring.model import (
    Condition,
    HighTechRuleSet,
    PointsRuleSet,
    RuleSet,
    RuleTree,
    Step,
    TechSmeRuleSet,
    leaves,
)
from scoring.threshold_text import format_threshold, num

__all__ = ["render_rule_article", "rule_articles"]

log = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


def _bands(cond: Condition, phrase: str, joiner: str = "；") -> str:
    """`5000万元以下（含）的企业，不低于5%；…；2亿元以上的企业，不低于3%` from threshold bands."""
    assert cond.band_field is not None
    out: list[str] = []
    previous: float | None = None
    for band in cond.bands:
        value = format_threshold(cond.field, band.s)
        if band.op is None:
            low = format_threshold(cond.band_field, previous) if previous is not None else ""
            where = f"{low}以上" if low else "其他情况"
        else:
            high = format_threshold(cond.band_field, band.threshold)
            inclusive = "（含）" if band.op in ("le", "ge") else ""
            if previous is None:
                where = f"{high}以下{inclusive}"
            else:
                where = f"{format_threshold(cond.band_field, previous)}至{high}{inclusive}"
            previous = band.threshold
        out.append(phrase.format(range=where, value=value))
    return joiner.join(out)


def _steps(field: str, steps: Sequence[Step], label: str = "") -> str:
    """`科技人员占比30%及以上得20分，科技人员占比25%（含）至30%得16分，…` from a step table
    (each clause names what it scores, so one clause answers on its own)."""
    out: list[str] = []
    upper: float | None = None
    last: float | None = None
    counted = FIELDS[field].unit == "件"
    for step in steps:
        pts = f"得{num(step.s)}分"
        if step.op is None:
            below = f"不足{format_threshold(field, last)}" if last is not None else "其他情况"
            out.append(label + below + pts)
            continue
        t = format_threshold(field, step.threshold)
        if upper is None:
            out.append(f"{label}{t}及以上{pts}")
        elif counted and upper - step.threshold == 1:
            out.append(f"{label}{t}{pts}")
        else:
            out.append(f"{label}{t}（含）至{format_threshold(field, upper)}{pts}")
        upper = last = step.threshold
    return "，".join(out)


def _tree_values(prefix: str, tree: RuleTree, labels: Mapping[str, str], out: dict[str, str]) -> None:
    for leaf in leaves(tree):
        out[f"{prefix}.{leaf.field}"] = _steps(leaf.field, leaf.steps.steps, str(labels.get(leaf.field, "")))


def _condition_values(conds: Sequence[Condition], phrase: tuple[str, str], out: dict[str, str]) -> None:
    for cond in conds:
        if cond.band_field is not None:
            out[cond.field] = _bands(cond, *phrase)
        elif isinstance(cond.value, int | float) and not isinstance(cond.value, bool):
            out[cond.field] = format_threshold(cond.field, cond.value)
            if FIELDS[cond.field].unit == "%":
                out[f"{cond.field}.complement"] = format_threshold(cond.field, 100 - cond.value)


def _values(rule_set: RuleSet, phrase: tuple[str, str], labels: Mapping[str, str]) -> dict[str, str]:
    """Placeholder → text, from the compiled rule set."""
    out: dict[str, str] = {}
    if isinstance(rule_set, HighTechRuleSet):
        for check in rule_set.checks:
            out[f"label.{check.id}"] = check.label
            _condition_values((*check.conditions, *check.any_of), phrase, out)
    elif isinstance(rule_set, TechSmeRuleSet):
        named = (*rule_set.conditions, *rule_set.direct_routes)
        for cid, label, _ in named:
            out[f"label.{cid}"] = label
        _condition_values([c for _, _, c in rule_set.conditions], phrase, out)
        for part in rule_set.parts:
            out[f"{part.id}.max"] = num(part.max)
            out[f"label.{part.id}"] = part.label
            _tree_values(part.id, part.rule, labels, out)
        out["total_max"] = num(sum(p.max for p in rule_set.parts))
        out["pass_score"] = num(rule_set.pass_score)
        out["label.score_route"] = rule_set.score_route[1]
    else:
        out.update(points_values(rule_set))
    return out


def _fill(text: str, values: Mapping[str, str], where: str) -> str:
    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        if key not in values:
            raise RuleSetError(f"规则文件的 knowledge 段有误：{where} 引用了未知的门槛 {{{key}}}")
        return values[key]

    joined = _CJK_GAP.sub("", " ".join(str(text).split()))  # folded YAML lines: no gaps in Chinese
    return _PLACEHOLDER.sub(sub, joined)


def _section(sec: Mapping[str, object], values: Mapping[str, str], where: str) -> list[str]:
    """One `## heading` section: basis line and filled paragraphs."""
    lines = [f"## {_fill(str(sec.get('heading', '')), values, where)}"]
    if sec.get("basis"):
        lines.append(f"依据：{sec['basis']}")
    paragraphs = sec.get("paragraphs")
    for para in paragraphs if isinstance(paragraphs, list) else [sec.get("text", "")]:
        lines.append(_fill(str(para), values, where))
    return [*lines, ""]


def _repeated(block: Mapping[str, object], rule_set: PointsRuleSet, values: Mapping[str, str]) -> list[str]:
    """One section a life stage and one an indicator, each from its template (a stage named in the
    question finds its own weights; an indicator its own curve)."""
    lines: list[str] = []
    per_stage = block.get("stage_section")
    if isinstance(per_stage, Mapping):
        for i in range(len(rule_set.stages)):
            lines += _section(per_stage, {**values, **stage_values(rule_set, i)}, f"stage_section[{i}]")
    each = block.get("indicator_section")
    if isinstance(each, Mapping):
        for i in range(len(rule_set.indicators)):
            lines += _section(each, {**values, **indicator_values(rule_set, i)}, f"indicator_section[{i}]")
    return lines


def render_rule_article(rule_set: RuleSet) -> tuple[str, str] | None:
    """(file name, Markdown text) of the rule set's 政策摘要; None when its file has no `knowledge:`."""
    data = yaml.safe_load(Path(rule_set.source).read_text(encoding="utf-8")) or {}
    block = data.get("knowledge")
    if not isinstance(block, Mapping):
        return None
    phrase = (str(block.get("band_phrase") or "{range}的，不低于{value}"), str(block.get("band_joiner") or "；"))
    labels = block.get("step_labels") or {}
    values = _values(rule_set, phrase, labels if isinstance(labels, Mapping) else {})
    front = {
        "kind": "knowledge",
        "title": str(block.get("title") or rule_set.title),
        "as_of": str(block.get("as_of") or ""),
        "rule_set": rule_set.id,
        "tags": list(block.get("tags") or []),
        "sources": list(block.get("sources") or []),
    }
    lines = ["---", yaml.safe_dump(front, allow_unicode=True, sort_keys=False).strip(), "---", ""]
    for i, sec in enumerate(block.get("sections") or []):
        lines += _section(sec, values, f"sections[{i}]")
    if isinstance(rule_set, PointsRuleSet):
        lines += _repeated(block, rule_set, values)
    return f"{rule_set.id}.md", "\n".join(lines)


def rule_articles(extra_dirs: Sequence[Path] = ()) -> list[tuple[str, str]]:
    """The 政策摘要 of every rule set that has a `knowledge:` block (built-in and zone files)."""
    out: list[tuple[str, str]] = []
    for rule_id in available_rule_sets(extra_dirs):
        try:  # one broken zone file must not take the official rules out of the knowledge base
            article = render_rule_article(load_rule_set(rule_id, extra_dirs))
        except RuleSetError as exc:
            log.warning("rule set %s not rendered as knowledge: %s", rule_id, exc)
            continue
        if article is not None:
            out.append(article)
    return out
